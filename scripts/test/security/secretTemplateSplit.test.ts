import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pullRequestRepo } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// The red team's fake token, put together at run time so that this file holds none (the gate scans its own pull requests).
const TOKEN = ['ghp', 'ZaOjpTu1hBrQzQTpBv6Hx7yl2H5oKggPCygY'].join('_');
const [HEAD, TAIL] = [TOKEN.slice(0, 10), TOKEN.slice(10)];

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

/** A clean base on main, and `head` committed on branch pr. */
async function pullRequest(head: Record<string, string>): Promise<string> {
  return pullRequestRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team }, head);
}

type Found = { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } };
const secretsIn = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId === 'secret-written');
const at = (d: Found) => `${d.file}:${d.range.start.line}:${d.range.start.column}`;
const check = (root: string) => runBin(['check', '--base', 'main', '--format', 'json'], root);
/** `file:line:column` of the first `part` in `text` (the first after `before`). */
const place = (file: string, text: string, part: string, before = '') => {
  const lines = text.slice(0, text.indexOf(before + part) + before.length).split('\n');
  return `${file}:${lines.length}:${lines[lines.length - 1].length + 1}`;
};

// Red team: a token split by template syntax in a branch no test case renders, and one split across a
// notebook cell's source lines, passed `check --base` ("ready to merge"); fetch:template and Jupyter write and
// read each whole.
describe('a credential split by template syntax or across notebook lines is secret-written where the file spells it', () => {
  it("the red team's skeleton and notebook, and the wider kind (a comment, a raw block, whitespace control, a template.yaml value, a notebook output) fail check --base and report --base", async () => {
    const env = `PORT=\${{ values.port }}\n{% if values.port == 9443 %}GITHUB_TOKEN=${HEAD}\${{ "" }}${TAIL}\n{% endif %}\n`;
    const notebook = `{"cells":[{"cell_type":"code","execution_count":null,"metadata":{},"outputs":[],"source":["import os\\n","os.environ['GITHUB_TOKEN'] = '${HEAD}","${TAIL}'\\n"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}\n`;
    const wider = `A=${HEAD}{# later #}${TAIL}\nB=${HEAD}{% raw %}${TAIL}{% endraw %}\nC=${HEAD}\n  {%- if x -%}\n  ${TAIL}{% endif %}\n`;
    const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: leak\nspec:\n  owner: group:team-a\n  type: service\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: \${{ '${HEAD}' ~ "${TAIL}" }}\n`;
    const output = JSON.stringify({ cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, source: ['print(token)'], outputs: [{ output_type: 'stream', name: 'stdout', text: [HEAD, `${TAIL}\n`] }] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
    const root = await pullRequest({
      'skeletons/python-datascience/.env': env,
      'skeletons/python-datascience/setup.ipynb': notebook,
      'skeletons/python-datascience/notebooks/run.ipynb': output,
      'skeletons/node-service/config.txt': wider,
      'templates/leak/template.yaml': template,
    });
    const result = await check(root);
    expect(result.status, result.stderr).toBe(1);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual([
      place('skeletons/node-service/config.txt', wider, HEAD, 'A='),
      place('skeletons/node-service/config.txt', wider, HEAD, 'B='),
      place('skeletons/node-service/config.txt', wider, HEAD, 'C='),
      place('skeletons/python-datascience/.env', env, HEAD),
      place('skeletons/python-datascience/notebooks/run.ipynb', output, HEAD),
      place('skeletons/python-datascience/setup.ipynb', notebook, HEAD),
      // A literal's value maps to its whole ${{ }}.
      place('templates/leak/template.yaml', template, '${{'),
    ]);
    const env0 = found.find(d => d.file.endsWith('.env'))!;
    expect(env0.message).toMatch(/written out in this file split by template syntax \(secretlint github.*fetch:template renders the file without its \{% %\} tags/);
    expect(found.find(d => d.file.endsWith('setup.ipynb'))!.message).toMatch(/split across the lines of a notebook cell .*Jupyter .*joins a cell's list of source lines/);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain(`<code>${place('skeletons/python-datascience/setup.ipynb', notebook, HEAD)}</code>`);
    expect(report.stdout).not.toMatch(/ready to merge/i);
    for (const out of [result, report]) expect(`${out.stdout}${out.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 180_000);

  // Red team, second round: two decodings in one token (the scaffolder renders, then YAML or a program reads
  // the escape), and a notebook's Markdown cell or HTML output split by markup that Jupyter renders.
  it('a token split by a template tag and spelled with an escape, and one split by markup in a notebook cell or output, fail check --base', async () => {
    const hex = `\\x${TAIL.charCodeAt(0).toString(16)}${TAIL.slice(1)}`;
    const yaml = `apiVersion: v1\nkind: Secret\nstringData:\n  token: "${HEAD}{% if x %}{% endif %}${hex}"\n`;
    const js = `export const key = "${HEAD}{# note #}${hex}";\n`;
    const cells = JSON.stringify({ cells: [
      { cell_type: 'markdown', metadata: {}, source: [`Token: ${HEAD}<span></span>${TAIL}\n`] },
      { cell_type: 'code', execution_count: 1, metadata: {}, source: ['show()'], outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': [`<p>${HEAD}<b></b>${TAIL}</p>`] } }] },
    ], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
    const root = await pullRequest({ 'skeletons/svc/k8s/secret.yaml': yaml, 'skeletons/svc/src/key.js': js, 'skeletons/svc/notes.ipynb': cells });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual([
      // YAML's view of a double-quoted value starts at its quote.
      place('skeletons/svc/k8s/secret.yaml', yaml, `"${HEAD}`),
      place('skeletons/svc/notes.ipynb', cells, HEAD, 'Token: '),
      place('skeletons/svc/notes.ipynb', cells, HEAD, '<p>'),
      place('skeletons/svc/src/key.js', js, HEAD),
    ]);
    expect(found[0].message).toMatch(/split by template syntax, then spelled with/);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 180_000);

  // Red team, third round: an expression of literals in parentheses, and a prefix a {% set %} holds, in a branch
  // no test case takes and in a template.yaml step input: fetch:template renders each whole, the scan saw none.
  it('an expression that reads no input (parentheses, filters, a list joined, names a set gives a constant) is evaluated as Nunjitsu does; one reading input is not', async () => {
    const reversed = [...TAIL].reverse().join('');
    const lines = [
      `A=\${{ "${HEAD}" ~ ("${TAIL}") }}`,
      `B=\${{ ["${HEAD}", "${TAIL}"] | join }}`,
      `C=${HEAD}\${{ "${reversed}" | reverse }}`,
      `{%- set pfx = "${HEAD}" %}{% set whole = pfx ~ "${TAIL}" %}`,
      `D=\${{ pfx }}${TAIL}`,
      `E=\${{ whole | trim }}`,
      // Rebound by a loop: its name reads input from here on.
      `{% for pfx in values.list %}F=\${{ pfx }}${TAIL}{% endfor %}`,
      `G=${HEAD}\${{ values.rest }}`,
    ];
    const skeleton = `{% if values.owner == "group:default/nobody" %}\n${lines.join('\n')}\n{% endif %}\n`;
    const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: leak\nspec:\n  owner: group:team-a\n  type: service\n  steps:\n    - id: publish\n      action: debug:log\n      input:\n        message: \${{ "${HEAD}" ~ ("${TAIL}") }}\n`;
    const root = await pullRequest({ 'skeletons/svc/README.md': skeleton, 'templates/leak/template.yaml': template });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual([
      place('skeletons/svc/README.md', skeleton, '${{', 'A='),
      place('skeletons/svc/README.md', skeleton, '${{', 'B='),
      place('skeletons/svc/README.md', skeleton, HEAD, 'C='),
      place('skeletons/svc/README.md', skeleton, '${{', 'D='),
      place('skeletons/svc/README.md', skeleton, '${{', 'E='),
      place('templates/leak/template.yaml', template, '${{'),
    ]);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 180_000);

  // Red team, session 48: a block's constant text passed check --base, as only `${{ }}` expressions were
  // evaluated; fetch:template renders the loop, the filter block, the macro and the set block to the token whole.
  it('a block that reads no input ({% for %} over literals, {% filter %}, a macro called, {% call %}, {% set %} …) is rendered as Nunjitsu does, an expression reading input read as its literals; a block reading input is not', async () => {
    const lines = [
      `A={% for part in ["${HEAD}", "${TAIL}"] %}\${{ part }}{% endfor %}`,
      `B={% filter replace("#", "") %}${HEAD}#${TAIL}{% endfilter %}`,
      `{% macro head() %}${HEAD}{% endmacro %}C=\${{ head() }}${TAIL}`,
      `{% macro wrap(a, b="${TAIL}") %}\${{ a }}\${{ caller() }}\${{ b }}{% endmacro %}D={% call wrap(a="${HEAD.slice(0, 4)}") %}${HEAD.slice(4)}{% endcall %}`,
      `{% set pfx %}${HEAD}{% endset %}E=\${{ pfx }}${TAIL}`,
      // Reading input (the form's values, another file): as written, no finding.
      `F={% for part in values.parts %}\${{ part }}{% endfor %}${TAIL}`,
      `G={% filter replace(values.mark, "") %}${HEAD.slice(0, 3)}#${TAIL}{% endfilter %}`,
    ];
    const skeleton = `${lines.join('\n')}\n`;
    // An expression reading input is read as its string literals, every branch and fallback it may give.
    const branches = [
      `H=\${{ "${HEAD}" if values.ci else "${HEAD}" }}${TAIL}`,
      `I=\${{ values.prefix or "${HEAD}" }}${TAIL}`,
      `J=\${{ values.prefix | default("${HEAD}", true) }}${TAIL}`,
      `K=\${{ ("${HEAD.slice(0, 2)}" if values.ci else "${HEAD.slice(0, 2)}") ~ "${HEAD.slice(2)}" ~ "${TAIL}" }}`,
      `{% set pfx = values.prefix or "${HEAD}" %}L=\${{ pfx }}${TAIL}`,
    ];
    const inline = `${branches.join('\n')}\n`;
    const root = await pullRequest({ 'skeletons/svc/config.txt': skeleton, 'skeletons/svc/inline.txt': inline });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual([
      place('skeletons/svc/config.txt', skeleton, '{% for', 'A='),
      place('skeletons/svc/config.txt', skeleton, '{% filter', 'B='),
      place('skeletons/svc/config.txt', skeleton, '${{', 'C='),
      place('skeletons/svc/config.txt', skeleton, '{% call', 'D='),
      place('skeletons/svc/config.txt', skeleton, '${{', 'E='),
      ...['H=', 'I=', 'J=', 'K=', 'L='].map(key => place('skeletons/svc/inline.txt', inline, '${{', key)),
    ]);
    expect(found[0].message).toMatch(/block that reads no input/);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 180_000);

  // Red team, session 48: a skeleton a fetch:template step renders with cookiecutterCompat: true writes `{{ }}`
  // expressions; the scan read only `${{ }}` ones, so `{{ "gh" }}p_…` passed and rendered the token whole.
  it('a skeleton in cookiecutterCompat delimiters is read as such a step renders it, at its place', async () => {
    const skeleton = [
      `A={{ "${HEAD}" }}${TAIL}`,
      `B={% for part in ["${HEAD}", "${TAIL}"] %}{{ part }}{% endfor %}`,
      `C={{ cookiecutter.prefix or "${HEAD}" }}${TAIL}`,
      // Not an expression there, nor in `\${{ }}` syntax: no finding.
      `D={{ cookiecutter.name }}-${TAIL}`,
      '',
    ].join('\n');
    const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: legacy\nspec:\n  owner: group:team-a\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/legacy\n        cookiecutterCompat: true\n        values:\n          name: x\n`;
    const root = await pullRequest({ 'skeletons/legacy/config.txt': skeleton, 'templates/legacy/template.yaml': template });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual(['A=', 'B=', 'C='].map(key => place('skeletons/legacy/config.txt', skeleton, '{', key)));
    expect(found[0].message).toMatch(/in cookiecutterCompat delimiters .*cookiecutterCompat: true renders `\{\{ \}\}` as expressions/);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 180_000);

  // Red team, session 48: the values a fetch:template step writes out (`a: ghp_…` split over two) are rendered
  // into the skeleton, which spells only `${{ values.a }}${{ values.b }}` (behind a branch the test case does
  // not take): report --base said "ready to merge" while every repository the template created got the token.
  it('a skeleton file is read as its fetch:template step renders it with the values the template writes out, when either changes', async () => {
    const skeleton = `{% if values.name != "tested" %}TOKEN=\${{ values.a }}\${{ values.b }}{% endif %}\nNAME=\${{ values.name }}\n`;
    const template = (values: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/svc\n        values:\n          name: \${{ parameters.name }}\n${values}`;
    const base = { 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team, 'skeletons/svc/.npmrc': skeleton, 'templates/svc/template.yaml': template('') };
    // The template's values change; the skeleton, already on the base, does not.
    const root = await pullRequestRepo(base, { 'templates/svc/template.yaml': template(`          a: "${HEAD}"\n          b: "${TAIL}"\n`) });
    const result = await check(root);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual([place('skeletons/svc/.npmrc', skeleton, '${{', 'TOKEN=')]);
    expect(found[0].message).toMatch(/as step fetch of templates\/svc\/template.yaml renders it with the values it writes out .*every repository the template creates/);
    expect(result.status).toBe(1);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.stdout).not.toMatch(/ready to merge/i);
    expect(`${result.stdout}${result.stderr}${report.stdout}`).not.toContain(TOKEN.slice(4, 16));
    // A hidden field's default and an expression's fallback are what the template alone decides too.
    const hidden = template(`          a: \${{ parameters.prefix }}\n          b: \${{ parameters.rest or "${TAIL}" }}\n`).replace('        name: { type: string }\n', `        name: { type: string }\n        prefix: { type: string, default: "${HEAD}", ui:widget: hidden }\n        rest: { type: string }\n`);
    const viaParameters = await check(await pullRequestRepo(base, { 'templates/svc/template.yaml': hidden }));
    expect(secretsIn(viaParameters.stdout).map(at)).toEqual([place('skeletons/svc/.npmrc', skeleton, '${{', 'TOKEN=')]);
    // Values that spell no credential with the file: no finding.
    const clean = await pullRequestRepo(base, { 'templates/svc/template.yaml': template('          a: registry\n          b: ".npmjs.org"\n') });
    const passed = await check(clean);
    expect(secretsIn(passed.stdout)).toEqual([]);
    expect(passed.status, passed.stdout).toBe(0);
  }, 180_000);

  // Red team, fourth round: a regular expression that backtracks exponentially, on a literal, spent the whole
  // scan's time once constant expressions were evaluated (secret-scan-incomplete, a minute of every push).
  it('an expression with a regular expression, or too deep to walk, is not evaluated: the scan ends, with nothing left unscanned', async () => {
    const redos = `\${{ "${'a'.repeat(40)}!" | replace(r/^(a+)+$/, "x") }}\n`;
    // And one of 30,000 operands, deeper than the walk of its tree goes (a guard: left as written, scanned).
    const deep = `\${{ ${Array(30_000).fill('"a"').join(' ~ ')} }}\n`;
    const root = await pullRequest({ 'skeletons/svc/README.md': redos, 'skeletons/svc/deep.md': deep });
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root, { BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS: '20' });
    expect((JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId.startsWith('secret'))).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 180_000);

  it('real skeletons (tags between text, ${{ }} beside text) and a real notebook are no finding', async () => {
    const real = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
    const root = await pullRequest({
      'skeletons/node-service/catalog-info.yaml': real('skeletons/node-service/catalog-info.yaml'),
      'skeletons/dotnet-webapi/CODEOWNERS': real('skeletons/dotnet-webapi/CODEOWNERS'),
      'skeletons/python-datascience/notebooks/exploration.ipynb': real('skeletons/python-datascience/notebooks/exploration.ipynb'),
      'skeletons/svc/links.md': '# ${{ values.name }}\n\nSee https://${{ values.host }}/x and ${{ values.org }}_${{ values.token_name }}.\n{%- if values.ci %}\nCI: on{% endif %}\n',
      'skeletons/svc/demo.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, source: ['import os\n', "token = os.environ['GITHUB_TOKEN']\n", 'print(len(token))'], outputs: [{ output_type: 'stream', name: 'stdout', text: ['40\n'] }] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1),
    });
    const result = await check(root);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 180_000);
});
