import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh39 on q-shift/software-templates: `check` in templates/github of a git checkout without
// gitops.config.yaml took that folder for the repository, so each template's `../../../skeletons/…` (there at
// the top) "leads outside this repository": 18 blocking false errors, 46 against 28 from the top. Backstage
// reads the repository whole; the run now stands at the top of the git repository and reports the folder's files.
const template = (url: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: argocd
spec:
  owner: user:guest
  type: service
  parameters: []
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ${url}
        values:
          name: x
`;

describe('check from a folder below the top of a git repository without gitops.config.yaml', () => {
  it('judges that folder\'s files within the whole repository: skeletons above it are found, other folders\' findings are not reported', async () => {
    const root = await tempRepo({
      'templates/github/argocd/template.yaml': template('../../../skeletons/argocd/'),
      'skeletons/argocd/README.md': '# ${{ values.name }}\n',
      // A finding elsewhere in the repository: not this folder's.
      'other/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Bad Name\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const run = await runBin(['check', '--format', 'json'], join(root, 'templates/github'));
    expect(run.stderr).toBe('');
    const findings = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[];
    expect(findings.filter(d => d.ruleId.startsWith('template-skeleton'))).toEqual([]);
    expect(findings.filter(d => !d.file.startsWith('templates/github/'))).toEqual([]);
    expect(run.status).toBe(0);
    // From the top, the whole repository, the other folder's error included.
    const top = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(top.stdout).diagnostics as { file: string }[]).some(d => d.file === 'other/catalog-info.yaml')).toBe(true);
    // A skeleton that is really missing is still one.
    await rm(join(root, 'skeletons'), { recursive: true });
    const missing = await runBin(['check', '--format', 'json'], join(root, 'templates/github'));
    expect((JSON.parse(missing.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toContain('template-skeleton-missing');
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});
