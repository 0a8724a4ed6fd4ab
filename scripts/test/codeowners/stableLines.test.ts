import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// CODEOWNERS lines were padded to the longest path: a product team's rename to a longer path rewrote all
// 159 lines of a legacy org's file, and any two pull requests that changed the longest path conflicted.
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n`;
const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [${targets.join(', ')}]\n`;
const CONFIG = "catalog:\n  roots: [catalog/all.yaml]\n  external:\n    - { kind: Group, namespace: default, reason: githubOrg }\ncodeowners:\n  platformTeam: '@contoso/platform-team'\n";

describe('codeowners --write: one line per path, whatever the other paths are', () => {
  it('a longer path changes only its own line; a file aligned the old way (padded to the longest path) is up to date', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': location(['./a/catalog-info.yaml', './b/catalog-info.yaml']), 'catalog/a/catalog-info.yaml': component('a'), 'catalog/b/catalog-info.yaml': component('b') });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const before = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8').split('\n');
    const longer = 'catalog/b-renamed-to-a-much-longer-folder-name-than-any-other/catalog-info.yaml';
    writeFileSync(join(root, 'catalog/all.yaml'), location(['./a/catalog-info.yaml', `./${longer.slice('catalog/'.length)}`]));
    mkdirSync(dirname(join(root, longer)), { recursive: true });
    writeFileSync(join(root, longer), component('b'));
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const after = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8').split('\n');
    expect(before.filter(l => !after.includes(l))).toEqual([`${'/catalog/b/catalog-info.yaml'.padEnd(40)} @contoso/payments`]);
    expect(after.filter(l => !before.includes(l))).toEqual([`/${longer} @contoso/payments`]);

    // The layout of an older toolkit (every line padded to the longest path) routes the same reviews.
    const width = Math.max(...after.filter(l => l && !l.startsWith('#')).map(l => l.split(' ')[0].length)) + 1;
    writeFileSync(join(root, '.github/CODEOWNERS'), after.map(l => (l && !l.startsWith('#') ? `${l.split(/\s+/)[0].padEnd(width)} ${l.split(/\s+/).slice(1).join(' ')}` : l)).join('\n'));
    const check = await runBin(['codeowners', '--check'], root);
    expect(check.stdout + check.stderr).toContain('is up to date');
    expect(check.status).toBe(0);
    // A real difference is still stale.
    writeFileSync(join(root, '.github/CODEOWNERS'), after.join('\n').replace(`/${longer} @contoso/payments`, `/${longer} @contoso/search`));
    expect((await runBin(['codeowners', '--check'], root)).status).toBe(1);
  }, 120_000);

  // Trimming a line with String.prototype.trim also drops U+3000, U+00A0, U+FEFF and U+2028, which GitHub
  // reads as part of the path or owner: a hand edit with one at an end looked unchanged and passed.
  it.each([
    ['an ideographic space after the owner', (l: string) => `${l}\u3000`],
    ['a zero-width no-break space after the owner', (l: string) => `${l}\ufeff`],
    ['a no-break space before the path', (l: string) => `\u00a0${l}`],
    ['a line separator after the owner', (l: string) => `${l}\u2028`],
  ])('a line with %s is stale, with its line named', async (_name, edit) => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': location(['./a/catalog-info.yaml']), 'catalog/a/catalog-info.yaml': component('a') });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const lines = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8').split('\n');
    const at = lines.findIndex(l => l.startsWith('/catalog/a/catalog-info.yaml'));
    lines[at] = edit(lines[at]);
    writeFileSync(join(root, '.github/CODEOWNERS'), lines.join('\n'));
    const check = await runBin(['check', '--format', 'json'], root);
    const stale = JSON.parse(check.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'codeowners-stale');
    expect(stale).toHaveLength(1);
    expect(stale[0].range.start.line).toBe(at + 1);
    expect(stale[0].message).toContain(`line ${at + 1} differs from the generated line by a character such as a non-breaking or ideographic space`);
    expect(check.status).toBe(1);
  }, 120_000);

  // A comment added by hand was said as "a character such as a non-breaking … space" (fresh user, session 29).
  it('a hand-written comment is said as the line it is, with what the generated file has there', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': location(['./a/catalog-info.yaml']), 'catalog/a/catalog-info.yaml': component('a') });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const text = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8');
    const count = text.replace(/\n$/, '').split('\n').length;
    writeFileSync(join(root, '.github/CODEOWNERS'), `${text}# hand note\n`);
    const check = await runBin(['check', '--format', 'json'], root);
    const [stale] = JSON.parse(check.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'codeowners-stale');
    expect(stale.message).toBe(`.github/CODEOWNERS does not match the catalog's ownership: line ${count + 1} reads "# hand note", where the generated file ends (it is generated: a hand edit, a comment included, is not kept).`);
    expect(stale.range.start.line).toBe(count + 1);
    expect(check.status).toBe(1);
  }, 120_000);
});
