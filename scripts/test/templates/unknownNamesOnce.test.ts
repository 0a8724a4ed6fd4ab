import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } }

// A Backstage's own filter and global (added by a scaffolder module of its own), used all over one template.
const TEMPLATE = `${templateHead('svc')}${fetchSkeletonStep('          slug: ${{ parameters.name | acmeSlug }}\n          id: ${{ acmeId() }}\n')}  output:
    text:
      - title: Slug
        content: \${{ parameters.name | acmeSlug }}
`;
const SKELETON_A = Array.from({ length: 40 }, (_, i) => `key${i}: \${{ values.name | acmeSlug }} \${{ acmeId() }}`).join('\n');
const SKELETON_B = [...Array.from({ length: 20 }, (_, i) => `v${i} = "\${{ values.name | acmeSlug }}"`), 'w = "${{ values.name | shout }}"', ''].join('\n');

const files = { 'templates/svc/template.yaml': TEMPLATE, 'skeletons/svc/a.yaml': SKELETON_A, 'skeletons/svc/src/b.txt': SKELETON_B };

describe('a filter or function the toolkit does not know, used many times (check, through the bin)', () => {
  it('is one finding per name, at its first use, counting the other uses', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => /unknown-(filter|function)$/.test(d.ruleId));
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual([
      'skeleton-unknown-filter@skeletons/svc/src/b.txt:21',
      'template-unknown-filter@templates/svc/template.yaml:21',
      'template-unknown-function@templates/svc/template.yaml:22',
    ]);
    const [shout, filter, fn] = found;
    expect(filter.message).toContain('Also used 61 more time(s), not reported again: 1 in this file, 40 in skeletons/svc/a.yaml, 20 in skeletons/svc/src/b.txt.');
    expect(filter.hint).toContain('If your Backstage adds acmeSlug (a scaffolder module of its own), declare it once in gitops.config.yaml');
    expect(filter.hint).toContain('backstageConfig.additionalTemplateFilters');
    expect(fn.message).toContain('Also used 40 more time(s), not reported again: 40 in skeletons/svc/a.yaml.');
    expect(fn.hint).toContain('backstageConfig.additionalTemplateGlobals');
    expect(shout.message).toBe('Unknown template filter "shout".');
  });

  it('is gone once gitops.config.yaml declares them, as the hint says', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      ...files,
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  plugins: [\'@backstage/plugin-scaffolder-backend-module-github\']\n  additionalTemplateFilters: [acmeSlug, shout]\n  additionalTemplateGlobals: [acmeId]\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout).diagnostics as Finding[]).map(d => d.ruleId)).toEqual([]);
    expect(run.status).toBe(0);
  });
});
