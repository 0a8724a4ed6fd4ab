import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A folder in the repo that is a symbolic link (a merged pull request can leave `out -> .github/workflows`)
// is never written through: init and import refused already; check --write-baseline, scorecards
// --write-config and codeowners --write wrote wherever the link led (gitops.config.yaml's paths refuse
// only links that leave the repository; this one stays inside, and lands a file among the workflows).
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n';
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: service, lifecycle: production, owner: nobody}\n';

async function repoWithLink(config: string, files: Record<string, string> = {}) {
  const root = await tempRepo({ 'gitops.config.yaml': config, 'catalog/all.yaml': `${GROUP}---\n${COMPONENT}`, ...files });
  const elsewhere = join(root, '.github/workflows');
  mkdirSync(elsewhere, { recursive: true });
  symlinkSync('.github/workflows', join(root, 'out'));
  return { root, elsewhere };
}

describe('writing a generated file through a folder that is a symbolic link', () => {
  it('check --write-baseline refuses, in one line, and writes nothing', async () => {
    const { root, elsewhere } = await repoWithLink('repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbaseline: out/baseline.json\n');
    const run = await runBin(['check', '--write-baseline'], root);
    expect(run.stderr.trim()).toMatch(/^backstage-gitops check: refusing to write out\/baseline\.json: out is a symbolic link/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.status).toBe(2);
    expect(readdirSync(elsewhere)).toEqual([]);
  }, 60_000);

  it('scorecards --write-config refuses, in one line, and writes nothing', async () => {
    const { root, elsewhere } = await repoWithLink('repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n', {
      'scorecards/config.yaml': stringify({ ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: {} }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], output: 'out/ti.yaml' }),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: { b: { type: 'boolean', description: 'b' } } }),
    });
    const run = await runBin(['scorecards', '--write-config', '--format', 'json'], root);
    expect(run.stderr.trim()).toMatch(/^backstage-gitops scorecards: refusing to write out\/ti\.yaml: out is a symbolic link/);
    expect(run.status).toBe(2);
    expect(readdirSync(elsewhere)).toEqual([]);
  }, 60_000);

  it('codeowners --write refuses too', async () => {
    const { root, elsewhere } = await repoWithLink('repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: out/CODEOWNERS\n  platformTeam: "@acme/platform"\n');
    const run = await runBin(['codeowners', '--write'], root);
    expect(run.stderr.trim()).toMatch(/refusing to write out\/CODEOWNERS: out is a symbolic link/);
    expect(run.status).toBe(2);
    expect(readdirSync(elsewhere)).toEqual([]);
  }, 60_000);
});
