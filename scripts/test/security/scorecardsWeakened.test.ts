import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

const TODAY = '2026-12-01';
// An entity the blocking check hasDescription fails (no metadata.description); everything else about it holds.
const NO_DESCRIPTION = '---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: nodesc\n  annotations: {github.com/project-slug: acme/nodesc}\nspec: {type: library, lifecycle: experimental, owner: group:default/platform-team, system: developer-platform}\n';
const CHECK = 'scorecards/checks/has-description.yaml';

/** The data repo on main, then a pull request branch with `change` applied, CODEOWNERS and the Tech Insights config regenerated. */
async function pullRequest(change: (root: string) => void): Promise<string> {
  const root = await dataRepoCopy();
  git(root, 'checkout', '-q', '-b', 'pr');
  change(root);
  expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
  await runBin(['scorecards', '--write-config', '--today', TODAY], root);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'pull request');
  return root;
}

const relax = (root: string) => writeFileSync(join(root, CHECK), readFileSync(join(root, CHECK), 'utf8').replace('enforcement: { mode: blocking }', 'enforcement: { mode: warn }'));
const addEntity = (root: string) => appendFileSync(join(root, 'catalog/platform/backstage-control.yaml'), NO_DESCRIPTION);
const rows = (stdout: string) => stdout.split('\n').filter(line => line.includes('<code>config-weakened</code>'));

// Red team, round 16: scorecards/ is read from the pull request's own tree like gitops.config.yaml and the
// policy files, but a change there was never compared with the base. A pull request that set a blocking
// check to `warn` beside an entity that fails it got "✅ ready to merge" with no word of the check.
describe('a pull request that relaxes the scorecards says so in its report', () => {
  it('a blocking check set to warn beside an entity that fails it: config-weakened error on the check, changes needed', async () => {
    const root = await pullRequest(root => {
      relax(root);
      addEntity(root);
    });
    const report = await runBin(['report', '--base', 'main', '--today', TODAY, '--format', 'markdown'], root);
    expect(report.stdout).toContain('## ❌ Backstage catalog: changes needed');
    expect(rows(report.stdout)).toHaveLength(1);
    expect(rows(report.stdout)[0]).toMatch(/❌ \| <code>config-weakened<\/code> \| Compared with the base revision, check &quot;hasDescription&quot; is no longer blocking/);
    expect(rows(report.stdout)[0]).toContain(`<code>${CHECK}:9:16</code>`);
    const check = await runBin(['check', '--base', 'main', '--today', TODAY, '--format', 'json'], root);
    expect(check.status).toBe(1);
  }, 120_000);

  it('the same relaxation alone (scorecards/ and the generated config only) is a warning: the platform team decides', async () => {
    const root = await pullRequest(relax);
    const check = await runBin(['check', '--base', 'main', '--today', TODAY, '--format', 'json'], root);
    expect(check.status).toBe(0);
    const found = (JSON.parse(check.stdout) as { diagnostics: { ruleId: string; severity: string; file: string }[] }).diagnostics.filter(d => d.ruleId === 'config-weakened');
    expect(found.map(d => [d.severity, d.file])).toEqual([['warning', CHECK]]);
  }, 120_000);

  it('scorecards/config.yaml removed beside a catalog change: the scorecard gate stopping is named', async () => {
    const root = await pullRequest(root => {
      rmSync(join(root, 'scorecards/config.yaml'));
      addEntity(root);
    });
    const check = await runBin(['check', '--base', 'main', '--today', TODAY], root);
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/scorecards\/config\.yaml is gone, so the scorecard gate no longer runs/);
  }, 120_000);

  it('an exemption requested beside the entity it exempts is the normal workflow: not named', async () => {
    const root = await pullRequest(root => {
      addEntity(root);
      writeFileSync(join(root, 'scorecards/exemptions/nodesc.yaml'), "apiVersion: scorecards.acme.example/v1alpha1\nkind: Exemption\nid: nodesc-description\nentityRef: component:default/nodesc\nchecks: [hasDescription]\nreason: Being written.\nrequestedBy: user:default/alice.martin\napprovedBy: group:default/platform-team\nticket: PLAT-1\ncreated: '2026-11-20'\nexpires: '2027-01-30'\n");
    });
    const report = await runBin(['report', '--base', 'main', '--today', TODAY, '--format', 'markdown'], root);
    expect(rows(report.stdout)).toEqual([]);
    expect(report.stdout).toContain('## ✅ Backstage catalog: ready to merge');
  }, 120_000);
});
