import { describe, expect, it } from 'vitest';
import { pullRequestRepo } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// The red team's fake token, put together at run time so that this file holds none (the gate scans its own pull requests).
const TOKEN = ['ghp', 'ZaOjpTu1hBrQzQTpBv6Hx7yl2H5oKggPCygY'].join('_');
const [HEAD, TAIL] = [TOKEN.slice(0, 10), TOKEN.slice(10)];

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const base = { 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team };

/** A template whose fetch:template step fetches skeletons/svc with `input` (YAML lines at the input's indent). */
const template = (input: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/svc\n${input}`;

type Found = { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } };
const secretsIn = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId.startsWith('secret'));
const at = (d: Found) => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`;
/** `file:line:column` of the first `part` in `text` (the first after `before`). */
const place = (file: string, text: string, part: string, before = '') => {
  const lines = text.slice(0, text.indexOf(before + part) + before.length).split('\n');
  return `secret-written ${file}:${lines.length}:${lines[lines.length - 1].length + 1}`;
};

// Review, session 48, of the values pass (a skeleton read as its fetch:template step renders it with the values its
// template writes out).
describe('a skeleton file is read as its step renders it: nested values, trimBlocks and lstripBlocks, files it copies as they are', () => {
  it('a map or list of values, and a token joined by trimBlocks and lstripBlocks, are secret-written; a file copyWithoutTemplating matches is not rendered', async () => {
    // Values in a map and a list: `writtenValue` read each as a space, so both passed.
    const nested = `A=\${{ values.creds.a }}\${{ values.creds.b }}\nB=\${{ values.parts | join }}\n`;
    // trimBlocks drops the line break after each block tag, lstripBlocks the indent before one alone on its line:
    // the step writes the token whole, where the scan read it with both off.
    const trimmed = `KEY=${HEAD}{% if values.name %}\n    {% if values.creds %}\n${TAIL}{% endif %}{% endif %}\n`;
    // Copied as it is (a GitHub Actions workflow whose ${{ }} the step never renders): no credential is written.
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ values.a }}${{ values.b }}\n';
    const input = `        trimBlocks: true\n        lstripBlocks: true\n        copyWithoutTemplating: ['.github/**']\n        values:\n          name: \${{ parameters.name }}\n          a: "${HEAD}"\n          b: "${TAIL}"\n          creds: { a: "${HEAD}", b: "${TAIL}" }\n          parts: ["${HEAD}", "${TAIL}"]\n`;
    const root = await pullRequestRepo(base, {
      'templates/svc/template.yaml': template(input),
      'skeletons/svc/nested.txt': nested,
      'skeletons/svc/trimmed.txt': trimmed,
      'skeletons/svc/.github/workflows/ci.yml': workflow,
    });
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const found = secretsIn(result.stdout);
    expect(found.map(at)).toEqual([
      place('skeletons/svc/nested.txt', nested, '${{', 'A='),
      place('skeletons/svc/nested.txt', nested, '${{', 'B='),
      place('skeletons/svc/trimmed.txt', trimmed, HEAD),
    ]);
    expect(found[2].message).toMatch(/as step fetch of templates\/svc\/template.yaml renders it with the values it writes out/);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 180_000);

  // Review, session 48: the values pass ran on the main thread without a deadline, and two readings were
  // quadratic: each macro rendered ahead of each expression (1,000 macros and 3,000 expressions, 90 KB: 196 s),
  // and a quote inside a regular-expression literal sent every later quote to the end of the text (240 KB: 46 s).
  it('a skeleton of many macros and expressions, or of a regular expression full of quotes, is read whole within the scan time', async () => {
    const macros = `${Array.from({ length: 1000 }, (_, i) => `{% macro m${i}() %}x{% endmacro %}`).join('')}${'${{ "a" | lower }}'.repeat(3000)}\n`;
    const regex = `\${{ values.a ~ r/"${String.raw`\"`.repeat(120_000)}/ }}\n`;
    const root = await pullRequestRepo(base, {
      'templates/svc/template.yaml': template('        values:\n          a: x\n'),
      'skeletons/svc/macros.txt': macros,
      'skeletons/svc/regex.txt': regex,
    });
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root, { BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS: '15' }, 170_000);
    // Nothing left unscanned: neither the files nor their reading with the template's values ran out of time.
    expect(secretsIn(result.stdout)).toEqual([]);
  }, 180_000);
});
