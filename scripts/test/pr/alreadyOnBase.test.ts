import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin as runShippedBin } from '../helpers/runBin.ts';
import { commit, edit } from './prChange.ts';
import { runReport } from './runReport.ts';

// fresh3 L2: an error already on main (another team's owner typo) must not read as the pull request's own.
// The split is by rule, file, entity and line-free message (a file the change moves keeps its findings);
// the findings already on main still fail the gate: the split informs, it never lets a pull request pass.

const STOREFRONT = 'catalog/systems/storefront/entities.yaml';
const ORDERS = 'catalog/systems/orders/entities.yaml';
const LOCATIONS = 'catalog/systems/locations.yaml';
const oldTypo = 'group:default/web-teamx';
const newTypo = 'group:default/commerce-teamx';

/** A repo whose main already has an error (storefront's owner misspelt), and a branch `change` from it. */
async function brokenMain(): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  edit(root, STOREFRONT, t => t.replace('owner: web-team', 'owner: web-teamx'));
  commit(root, 'main breaks');
  const base = git(root, 'rev-parse', 'HEAD').trim();
  git(root, 'checkout', '-q', '-b', 'change');
  return { root, base };
}

describe('report --base / check --base: findings already on the base are told apart from the change\'s', () => {
  it('lists the change\'s own error under "Introduced", main\'s under "Already on", and still fails', async () => {
    const { root, base } = await brokenMain();
    edit(root, ORDERS, t => t.replace('owner: commerce-team', 'owner: commerce-teamx'));
    commit(root, 'orders owner typo');
    const { status, json } = await runReport(root, base);
    expect(status).toBe(1);
    const unresolved = json.diagnostics.filter(d => d.ruleId === 'ref-unresolved') as { message: string; alreadyOnBase?: boolean }[];
    expect(unresolved.find(d => d.message.includes(oldTypo))?.alreadyOnBase).toBe(true);
    expect(unresolved.find(d => d.message.includes(newTypo))?.alreadyOnBase).toBeUndefined();
    const md = json.markdown;
    expect(md).toContain('## ❌ Backstage catalog: changes needed');
    const introduced = md.indexOf('#### Introduced by this pull request');
    const already = md.indexOf(`#### Already on <code>${base}</code>`);
    expect(introduced).toBeGreaterThan(0);
    expect(already).toBeGreaterThan(introduced);
    expect(md.slice(introduced, already)).toContain('commerce\\-teamx');
    expect(md.slice(introduced, already)).not.toContain('web\\-teamx');
    expect(md.slice(already)).toContain('web\\-teamx');
    // CODEOWNERS is stale on both sides, but on the head because of the change's own typo (the finding says so).
    expect(md.slice(introduced, already)).toContain('codeowners-stale');
    expect(md).toMatch(/- 1 finding is already on <code>[0-9a-f]+<\/code>, not introduced by this pull request \(listed apart under Findings\); it fails the gate until fixed on/);

    const check = await runShippedBin(['check', '--base', 'main', '--today', '2026-11-23', '--no-color'], root);
    expect(check.status).toBe(1);
    const text = check.stdout;
    expect(text.indexOf('Introduced by this change (2):')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('Already on main (1), not introduced by this change; its errors still fail the gate until they are fixed on main:')).toBeGreaterThan(text.indexOf('commerce-teamx'));
    expect(text.indexOf('web-teamx')).toBeGreaterThan(text.indexOf('Already on main'));
    expect(text).toContain('✖ 3 errors, 0 warnings, 0 info in 19 files (79 entities); 1 already on main, 2 introduced by this change');

    // GitHub shows a few annotations per level: the change's own come first, main's are titled as such.
    const github = (await runShippedBin(['check', '--base', 'main', '--today', '2026-11-23', '--format', 'github'], root)).stdout.split('\n').filter(l => l.startsWith('::error'));
    expect(github.at(-1)).toContain('title=ref-unresolved (already on main)::');
    expect(github.at(-1)).toContain('web-teamx');
    expect(github.slice(0, -1).every(l => !l.includes('already on'))).toBe(true);
    // SARIF says it in its own words.
    const sarif = JSON.parse((await runShippedBin(['check', '--base', 'main', '--today', '2026-11-23', '--format', 'sarif'], root)).stdout) as { runs: { results: { baselineState?: string; message: { text: string } }[] }[] };
    expect(sarif.runs[0].results.map(r => [r.baselineState, r.message.text.includes('web-teamx')]).sort()).toEqual([['new', false], ['new', false], ['unchanged', true]]);
  }, 180_000);

  it('a change that only moves the broken file (and regenerates CODEOWNERS) adds nothing of its own, and is still blocked', async () => {
    const { root, base } = await brokenMain();
    git(root, 'mv', 'catalog/systems/storefront', 'catalog/systems/shop');
    edit(root, LOCATIONS, t => t.replace('./storefront/entities.yaml', './shop/entities.yaml'));
    expect((await runShippedBin(['codeowners', '--write'], root)).status).toBe(0);
    commit(root, 'storefront moves to shop');
    const { status, json } = await runReport(root, base);
    expect(status).toBe(1);
    const typo = json.diagnostics.find(d => d.message.includes(oldTypo)) as { file: string; alreadyOnBase?: boolean };
    expect(typo.file).toBe('catalog/systems/shop/entities.yaml');
    expect(typo.alreadyOnBase).toBe(true);
    expect(json.markdown).toContain('## ❌ Backstage catalog: blocked by findings already on the base branch');
    expect(json.markdown).toContain(': this pull request adds no blocking finding of its own.');
    expect(json.markdown).toContain('#### Introduced by this pull request\n\nNone.');
  }, 180_000);

  it('the same mistake made again by the change in another entity is the change\'s, and a fixed one is gone', async () => {
    const { root, base } = await brokenMain();
    // Fixes main's typo and makes it again elsewhere in the same file: same rule, file and message text
    // apart from the entity, so it must not be taken for the old one.
    edit(root, STOREFRONT, t => t.replace('owner: web-teamx', 'owner: web-team').replace(/(\n  owner: )web-team(\n[\s\S]*)$/, (_, a, rest) => `${a}web-team${rest.replace('owner: web-team', 'owner: web-teamx')}`));
    commit(root, 'fix one, break another');
    const { status, json } = await runReport(root, base);
    expect(status).toBe(1);
    const typos = json.diagnostics.filter(d => d.message.includes(oldTypo)) as { alreadyOnBase?: boolean }[];
    expect(typos.length).toBe(1);
    expect(typos[0].alreadyOnBase).toBeUndefined();
    expect(json.markdown).toContain('## ❌ Backstage catalog: changes needed');
  }, 180_000);
});
