import { describe, expect, it } from 'vitest';
import { pullRequestRepo } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// The red team's fake token, put together at run time so that this file holds none (the gate scans its own
// pull requests), and the spellings they gave it: YAML's \x escapes, a line continuation in a double-quoted
// value, an HTML character reference.
const TOKEN = ['ghp', 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4'].join('_');
const HEXED = TOKEN.replace(/[gBfJNrvY]/g, c => `\\x${c.charCodeAt(0).toString(16)}`);
const CONTINUED = `${TOKEN.slice(0, 12)}\\\n          ${TOKEN.slice(12)}`;
const REFERENCED = `&#103;${TOKEN.slice(1)}`;

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml, ./web.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (metadata = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web-shop\n${metadata}spec:\n  type: website\n  lifecycle: production\n  owner: group:team-a\n`;
const annotated = (t1: string, t3: string) => component(`  annotations:\n    acme.com/t1: "${t1}"\n    acme.com/t3: "${t3}"\n`);

/** A clean base on main, and `head` committed on branch pr. */
async function pullRequest(head: Record<string, string>): Promise<string> {
  return pullRequestRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team, 'catalog/web.yaml': component() }, head);
}

type Found = { ruleId: string; file: string; message: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } };
const secretsIn = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId === 'secret-written');
const at = (d: Found) => `${d.file}:${d.range.start.line}:${d.range.start.column}`;
const check = (root: string) => runBin(['check', '--base', 'main', '--format', 'json'], root);

// Red team: secretlint read each file's raw text, so a token spelled with YAML escapes in a catalog
// annotation, or with a character reference in a TechDocs page, passed `check --base` and `report --base`
// ("ready to merge"), while Backstage reads the YAML decoded and MkDocs renders the reference as the token.
describe('a credential spelled with escapes is secret-written where the file spells it', () => {
  it('YAML escapes, a line continuation and an HTML character reference fail check --base and report --base at their place', async () => {
    const twice = `Also gh**p**_${TOKEN.slice(4)}, said twice: ${REFERENCED}`;
    const root = await pullRequest({ 'catalog/web.yaml': annotated(HEXED, CONTINUED), 'docs/index.md': `# Deploy\n\nDeploy token: ${REFERENCED}\n\n${twice}\n` });
    const result = await check(root);
    expect(result.status, result.stderr).toBe(1);
    const found = secretsIn(result.stdout);
    // `    acme.com/t1: ` is 17 characters: each value's opening quote is in column 18.
    expect(found.map(at)).toEqual(['catalog/web.yaml:6:18', 'catalog/web.yaml:7:18', 'docs/index.md:3:15', 'docs/index.md:5:6', `docs/index.md:5:${twice.indexOf('&') + 1}`]);
    expect(found[0].message).toMatch(/spelled with YAML escapes \(secretlint github\/GITHUB_TOKEN.*Backstage .*reads the double-quoted value decoded/);
    expect(found[1].range.end.line).toBe(8);
    expect(found[2].message).toMatch(/hidden in the page source .*TechDocs/);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain('<code>catalog/web.yaml:6:18</code>');
    expect(report.stdout).not.toMatch(/ready to merge/i);
    for (const output of [result, report]) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 120_000);

  it('the same escapes spelling no credential pass', async () => {
    const root = await pullRequest({ 'catalog/web.yaml': annotated('build\\x2dbot \\u00e9t\\U000000e9', 'a long\\\n          sentence'), 'docs/index.md': '# Deploy\n\nAsk **the team** &amp; use `the pipeline`: &lt;token&gt; <!-- later -->\n' });
    const result = await check(root);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);

  it('a token written plainly is said once, where it is written', async () => {
    const root = await pullRequest({ 'catalog/web.yaml': annotated(`${TOKEN}\\n`, 'x'), 'docs/index.md': `# Deploy\n\n**Token**: ${TOKEN} &amp; more\n` });
    const result = await check(root);
    expect(secretsIn(result.stdout).map(at)).toEqual(['catalog/web.yaml:6:19', 'docs/index.md:3:12']);
    expect(secretsIn(result.stdout)[0].message).not.toMatch(/escapes/);
    expect(result.status).toBe(1);
  }, 120_000);

  it('a fake value spelled with escapes on a line marked secretlint-disable-line (or under -next-line) is an example, not a finding', async () => {
    const web = annotated(HEXED, 'x').replace(`"${HEXED}"`, `"${HEXED}" # secretlint-disable-line`);
    const root = await pullRequest({ 'catalog/web.yaml': web, 'docs/index.md': `# Deploy\n\n<!-- secretlint-disable-next-line -->\nA token looks like ${REFERENCED}\n` });
    const result = await check(root);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);

  // Red team, second round: each a token TechDocs or Backstage shows whole that check --base passed.
  it('markup TechDocs renders around a split token, a YAML or JSON file of any name, front matter, an SVG and a skeleton string fail check --base', async () => {
    const rest = TOKEN.slice(4);
    const page = `---\ntitle: "${HEXED}"\n---\n\n# Deploy\n\nToken: [gh](#x)p_${rest}\n\nOr: gh==p==_${rest}\n`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg"><text>deploy key: ${REFERENCED}</text></svg>\n`;
    const pager = `{"routing": "\\u0067hp_${rest}"}\n`;
    const extra = annotated(HEXED, 'x').replace('web-shop', 'extra-shop');
    const skeleton = `export const token = "\\x67hp_${rest}";\n`;
    const root = await pullRequest({
      'catalog/all.yaml': location.replace('./web.yaml]', './web.yaml, ./orders/extra.entities]'),
      'catalog/orders/extra.entities': extra,
      'catalog/web.yaml': component('  annotations:\n    pagerduty.com/routing: {$json: ./pager.data}\n'),
      'catalog/pager.data': pager,
      'docs/index.md': page,
      'docs/diagram.svg': svg,
      'templates/app/skeleton/index.js': skeleton,
    });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    const col = (text: string, part: string) => text.split('\n').find(line => line.includes(part))!.indexOf(part) + 1;
    expect(found.map(at)).toEqual([
      `catalog/orders/extra.entities:6:18`,
      `catalog/pager.data:1:${col(pager, '"\\u0067')}`,
      `docs/diagram.svg:1:${col(svg, '&#103;')}`,
      `docs/index.md:2:8`,
      `docs/index.md:7:${col(page, 'gh]')}`,
      `docs/index.md:9:${col(page, 'gh==')}`,
      `templates/app/skeleton/index.js:1:${col(skeleton, '\\x67')}`,
    ]);
    expect(found.find(d => d.file === 'docs/index.md' && d.range.start.line === 9)?.message).toMatch(/split by Markdown markup/);
    expect(found.find(d => d.file.endsWith('index.js'))?.message).toMatch(/string escapes .*JavaScript/);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 120_000);

  // Red team, session 47: a stylesheet's CSS escape, a link's percent-encoding and a data: URI's base64 each
  // published the token through TechDocs with the gate passing; a Kubernetes Secret's data is base64 too.
  it('CSS escapes, percent-encoding and base64 that decodes to text fail check --base at their place', async () => {
    const rest = TOKEN.slice(1);
    const css = `.b::after {\n  content: "\\67 ${rest}";\n}\n`;
    const page = `# Deploy\n\n<style>.t::after { content: "\\000067${rest}"; }</style>\n\n[config](https://example.com/x?token=%67${rest})\n\n<img src="data:text/plain;base64,${Buffer.from(TOKEN).toString('base64')}">\n`;
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: deploy\ndata:\n  auth: ${Buffer.from(`bot:${TOKEN}`).toString('base64url')}\n`;
    // Reviewer, session 47: base64 wrapped over lines (kubectl and Go ignore the breaks), and base64 right after a URL's path.
    const wrapped = Buffer.from(`{"auths":{"ghcr.io":{"username":"bot","password":"${TOKEN}"}}}`).toString('base64').match(/.{1,76}/g)!.join('\n    ');
    const pull = `apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: >-\n    ${wrapped}\n`;
    const api = `# API\n\nCall https://example.com/hook/${Buffer.from(TOKEN).toString('base64')} to deploy.\n`;
    // A data: URI body a browser still decodes: the token beside a NUL, split by spaces, its first character a reference.
    const nul = Buffer.concat([Buffer.from(TOKEN), Buffer.from([0])]).toString('base64');
    const spaced = Buffer.from(TOKEN).toString('base64').match(/.{1,20}/g)!.join(' ');
    const first = Buffer.from(TOKEN).toString('base64');
    const links = `<a href="data:text/plain;base64,${nul}">a</a>\n<a href="data:text/plain;base64,${spaced}">b</a>\n<a href="data:text/plain;base64,&#${first.charCodeAt(0)};${first.slice(1)}">c</a>\n`;
    const root = await pullRequest({ 'docs/css/extra.css': css, 'docs/index.md': page, 'docs/api.md': api, 'docs/links.html': links, 'templates/app/skeleton/k8s/secret.yaml': secret, 'templates/app/skeleton/k8s/pull.yaml': pull });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    const col = (text: string, part: string) => text.split('\n').find(line => line.includes(part))!.indexOf(part) + 1;
    expect(found.map(at)).toEqual([
      `docs/api.md:3:${col(api, 'hook/') + 5}`,
      `docs/css/extra.css:2:${col(css, '\\67')}`,
      `docs/index.md:3:${col(page, '\\000067')}`,
      `docs/index.md:5:${col(page, '%67')}`,
      `docs/index.md:7:${col(page, 'base64,') + 7}`,
      `docs/links.html:1:33`,
      `docs/links.html:2:33`,
      `docs/links.html:3:33`,
      `templates/app/skeleton/k8s/pull.yaml:5:5`,
      `templates/app/skeleton/k8s/secret.yaml:6:9`,
    ]);
    expect(found.map(d => d.message.match(/spelled (?:with|in) [a-z0-9-]+(?: [a-z]+)?/i)?.[0])).toEqual(['spelled in base64', 'spelled with CSS escapes', 'spelled with CSS escapes', 'spelled with percent-encoding', 'spelled in base64', 'spelled in base64', 'spelled in base64', 'spelled in base64', 'spelled in base64', 'spelled in base64']);
    expect(found.find(d => d.file.endsWith('pull.yaml'))?.range.end.line).toBeGreaterThan(5);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 120_000);

  it('CSS escapes, percent-encoding and base64 that spell no credential pass (a regular expression, an image, a hash, an encoded URL)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)]).toString('base64');
    const page = `# Notes\n\n<style>.icon::before { content: "\\2192 "; }</style>\n\n![logo](data:image/png;base64,${png})\n\n[search](https://example.com/?q=caf%C3%A9%20au%20lait) and \`/^\\d+\\b/\`.\n\nintegrity: sha512-${Buffer.alloc(64, 7).toString('base64')} and ${Buffer.from('just a harmless sentence').toString('base64')}\n`;
    const root = await pullRequest({ 'docs/index.md': page, 'templates/app/skeleton/src/path.js': 'const dir = "C:\\dev\\build";\nconst re = /\\d{3}\\b/;\n' });
    const result = await check(root);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);

  it('a reference in a code span or a fenced code block is shown as written, masked examples and sanctioned lines: no finding', async () => {
    const examples = `Examples: gh==p==_${'*'.repeat(36)}, [AKIA](#k)IOSFODNN7EXAMPLE, "\\x41KIAIOSFODNN7EXAMPLE".\n\nSplit: [gh](#x)p_${TOKEN.slice(4)} <!-- secretlint-disable-line -->\n`;
    const root = await pullRequest({ 'docs/index.md': `# Deploy\n\nA token is spelled \`${REFERENCED}\` in HTML.\n\n\`\`\`html\n<p>${REFERENCED}</p>\n\`\`\`\n\n${examples}` });
    const result = await check(root);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);
});
