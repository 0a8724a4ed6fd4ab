import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh39 on DEFRA/adp-software-templates: without gitops.config.yaml a filter the repository's own
// scaffolder module adds (yaml, path, githubRepoUrl, …) was an error at each of its 222 uses, while an action
// no known module provides was a warning: both come from modules nothing in the folder names. Filters and
// global functions are judged as actions are there; with a config (backstageConfig.plugins) they stay errors.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: svc
spec:
  owner: user:guest
  type: service
  parameters:
    - properties:
        name: { type: string }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name | shout }}
`;
const SKELETON = '# ${{ values.name | whisper }}\n${{ companyBanner() }}\n${{ values.name.replaceAll("a", "b") }}\n';

type Finding = { ruleId: string; severity: string; hint: string };

describe('unknown filters and global functions without gitops.config.yaml', () => {
  it('are warnings that say why, as unknown actions are; with a config, errors', async () => {
    const tree = { 'template.yaml': TEMPLATE, 'skeleton/README.md': SKELETON };
    const root = await tempRepo(tree);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => /unknown-(filter|function)/.test(d.ruleId));
    // A method the renderer cannot call (replaceAll) is no name a module adds: still an error.
    expect(found.map(d => `${d.ruleId} ${d.severity}`).sort()).toEqual(['skeleton-unknown-filter warning', 'skeleton-unknown-function error', 'skeleton-unknown-function warning', 'template-unknown-filter warning']);
    expect(found.filter(d => d.severity === 'warning').every(d => d.hint.startsWith('No gitops.config.yaml says which scaffolder modules your Backstage runs, and a module can add filters and functions'))).toBe(true);
    await rm(root, { recursive: true, force: true });
    const configured = await tempRepo({ ...tree, 'gitops.config.yaml': 'catalog: {}\n' });
    const strict = await runBin(['check', '--format', 'json'], configured);
    const errors = (JSON.parse(strict.stdout).diagnostics as Finding[]).filter(d => /unknown-(filter|function)/.test(d.ruleId));
    expect(errors.map(d => d.severity)).toEqual(['error', 'error', 'error', 'error']);
    await rm(configured, { recursive: true, force: true });
  }, 60_000);
});
