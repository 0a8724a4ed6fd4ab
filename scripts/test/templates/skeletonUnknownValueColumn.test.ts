import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; range: { start: { line: number; column: number } } }

// Tester: `hello ${{ values.nmae }}` was reported at 1:17, the `.` (nunjucks' position of a lookup); the
// misspelt name starts at column 18. A finding about a name points at the name, a key at the key, and
// values under cookiecutterCompat (where `values` itself is what is wrong) at `values`.
describe('skeleton-unknown-value points at the name (check, through the bin)', () => {
  it('at the value, the key and values.x under cookiecutterCompat', async () => {
    const template = templateHead('svc') + fetchSkeletonStep('          team: {lead: ana}\n') + `    - id: compat
      action: fetch:template
      input:
        url: ../../skeletons/compat
        targetPath: compat
        cookiecutterCompat: true
        values:
          name: \${{ parameters.name }}
`;
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': template,
      'skeletons/svc/README.md': 'hello ${{ values.nmae }}\n${{values.team.laed}} ${{ values["nmea"] }}\n',
      'skeletons/compat/README.md': 'hi {{ values.name }}\n',
    });
    const run = await gitops(root, ['check', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-unknown-value');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`).sort()).toEqual([
      'skeletons/compat/README.md:1:7',
      'skeletons/svc/README.md:1:18',
      'skeletons/svc/README.md:2:16',
      'skeletons/svc/README.md:2:34',
    ]);
  }, 60_000);
});
