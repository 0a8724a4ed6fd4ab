import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });

// Put together at run time, so that this file holds no token for the gate's own scan to find.
const TOKEN = ['ghp', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('_');
const KEY_HEADER = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml, ./web.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (metadata = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web-shop\n${metadata}spec:\n  type: website\n  lifecycle: production\n  owner: group:team-a\n`;

/** A clean base on main, and `head` (text or bytes) committed on branch pr. */
async function pullRequest(head: Record<string, string | Buffer>): Promise<string> {
  const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team, 'catalog/web.yaml': component() });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'pr');
  for (const [file, content] of Object.entries(head)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'change');
  return root;
}

type Found = { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } };
const RULES = new Set(['secret-written', 'secret-scan-incomplete', 'review-hidden-binary']);
const findings = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => RULES.has(d.ruleId));
const at = (d: Found) => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`;
const check = (root: string, env: Record<string, string> = {}) => runBin(['check', '--base', 'main', '--format', 'json'], root, env);

// Red team: a hostile pull request wrote a real-format token where the secret scan did not look, and the
// report said "ready to merge".
describe('the secret scan reads every text file a pull request changes, or says which it did not', () => {
  it('a NUL byte does not make a YAML or Markdown file binary: the token is found, and the hidden diff is review-hidden-binary; a real binary is scanned for the text it carries', async () => {
    // A PNG's signature and header: invalid UTF-8 and many control bytes, even with a token inside.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]), Buffer.from(`tEXt${TOKEN}`), Buffer.alloc(64, 1)]);
    const root = await pullRequest({
      'catalog/web.yaml': `# web \0\n${component(`  annotations:\n    acme.com/deploy-token: ${TOKEN}\n`)}`,
      'docs/notes.md': `# Notes <!-- \0 -->\n\ntoken: ${TOKEN}\n`,
      'docs/logo.png': png,
    });
    const result = await check(root);
    expect(findings(result.stdout).map(at)).toEqual(['review-hidden-binary@catalog/web.yaml:1:7', 'secret-written@catalog/web.yaml:7:28', 'secret-written@docs/logo.png:1:1', 'review-hidden-binary@docs/notes.md:1:14', 'secret-written@docs/notes.md:3:8']);
    expect(findings(result.stdout)[2].message).toContain(`at byte ${png.indexOf(TOKEN)} `);
    expect(findings(result.stdout).find(d => d.ruleId === 'review-hidden-binary')).toMatchObject({ severity: 'error', message: expect.stringContaining('Binary files differ') });
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.status).toBe(1);
  }, 120_000);

  it('a text file over 1 MiB is scanned; one over the 16 MiB bound is secret-scan-incomplete; a large binary is scanned for its runs, with no false alarm', async () => {
    const root = await pullRequest({
      'docs/big.md': `# Big\ntoken: ${TOKEN}\n${' '.repeat(1_100_000)}\n`,
      'docs/huge.md': `# Huge\n${'| a | b |\n'.repeat(1_700_000)}`,
      // Random bytes, as compressed data is: invalid UTF-8 and a control byte in about one of eight.
      'docs/huge.bin': randomBytes(17 * 1024 * 1024),
    });
    const result = await check(root);
    expect(findings(result.stdout).map(at)).toEqual(['secret-written@docs/big.md:2:8', 'secret-scan-incomplete@docs/huge.md:1:1']);
    expect(findings(result.stdout)[1].message).toMatch(/over the 16777216 bytes/);
    expect(result.status).toBe(1);
  }, 120_000);

  it("secretlint's block directive (secretlint-disable, even inside a URL) is not honoured; secretlint-disable-line is", async () => {
    const root = await pullRequest({
      'docs/faq.md': `# FAQ\n\nSee https://wiki.acme.example/secretlint-disable--faq\n\ntoken: ${TOKEN}\n\n<!-- secretlint-disable -->\nagain: ${TOKEN}\n<!-- secretlint-enable -->\nexample: ${TOKEN} <!-- secretlint-disable-line -->\n`,
    });
    const result = await check(root);
    expect(findings(result.stdout).map(at)).toEqual(['secret-written@docs/faq.md:5:8', 'secret-written@docs/faq.md:8:8']);
    expect(result.status).toBe(1);
  }, 120_000);

  it('the whole scan is bounded in time: what is left unscanned is secret-scan-incomplete', async () => {
    // About 2 s of secretlint's private key rule per MiB: its [\s\S]{1,10000}? after each header.
    const costly = KEY_HEADER.repeat(Math.floor((2 * 1024 * 1024) / KEY_HEADER.length));
    const root = await pullRequest({ 'docs/a-keys.txt': costly, 'docs/z.md': `token: ${TOKEN}\n` });
    const result = await check(root, { BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS: '1' });
    expect(findings(result.stdout).map(at)).toEqual(['secret-scan-incomplete@docs/a-keys.txt:1:1', 'secret-scan-incomplete@docs/z.md:1:1']);
    expect(findings(result.stdout)[0].message).toMatch(/1 s were used up|no time was left/);
    expect(result.status).toBe(1);
    const bad = await check(root, { BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS: 'soon' });
    expect(bad.status).toBe(2);
  }, 120_000);

  it('each distinct content is scanned once: thirty copies of a costly file cost one scan, and each copy gets its finding', async () => {
    // One copy costs secretlint 1.5 to 2 s; thirty, one by one, would spend the 30 s given many times over.
    const costly = `token: ${TOKEN}\n${KEY_HEADER.repeat(Math.floor((1024 * 1024) / KEY_HEADER.length))}`;
    const copies = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`docs/keys/k${String(i).padStart(2, '0')}.txt`, costly]));
    const root = await pullRequest(copies);
    const result = await check(root, { BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS: '30' });
    expect(findings(result.stdout).map(at)).toEqual(Object.keys(copies).map(file => `secret-written@${file}:1:8`));
    expect(result.status).toBe(1);
  }, 120_000);

  it("a token in a changed file's path is found (TechDocs publishes it in the page's URL), once for a folder", async () => {
    const root = await pullRequest({ [`docs/${TOKEN}/index.md`]: '# Index\n', [`docs/${TOKEN}/more.md`]: '# More\n', 'docs/plain.md': '# Plain\n' });
    const result = await check(root);
    const found = findings(result.stdout);
    expect(found.map(at)).toEqual([`secret-written@docs/${TOKEN}/index.md:1:1`]);
    expect(found[0].message).toMatch(/in this file's path/);
    expect(result.status).toBe(1);
  }, 120_000);

  // Red team: `ln -s "https://bot:<token>@github.com/acme/x" catalog/.../deploy-url`: git commits the target as
  // the link's content, and the gate, which read only what a link points at, passed.
  it("a symbolic link's target is scanned wherever it points, a secretlint directive in it honoured nowhere; a plain link is no finding", async () => {
    const root = await pullRequest({ 'docs/index.md': '# Docs\n' });
    symlinkSync(`https://bot:${TOKEN}@github.com/acme/x`, join(root, 'catalog/deploy-url'));
    symlinkSync(`x${TOKEN} secretlint-disable-line`, join(root, 'catalog/sanctioned'));
    symlinkSync('./team.yaml', join(root, 'catalog/team-link.yaml'));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'links');
    const result = await check(root);
    const found = findings(result.stdout);
    expect([...new Set(found.map(at))]).toEqual(['secret-written@catalog/deploy-url:1:1', 'secret-written@catalog/sanctioned:1:1']);
    expect(found[0].message).toContain('the target of this symbolic link');
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.status).toBe(1);
    // Given by name or in a folder, as a pre-commit hook passes them.
    const given = await runBin(['check', '--format', 'json', 'catalog'], root);
    expect([...new Set(findings(given.stdout).map(at))]).toEqual(['secret-written@catalog/deploy-url:1:1', 'secret-written@catalog/sanctioned:1:1']);
  }, 120_000);
});
