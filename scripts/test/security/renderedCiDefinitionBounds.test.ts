import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 33: a rendered workflow or pipeline goes to GitHub's and Azure's own parsers, which nothing bounded.
// A skeleton loop writing an azure-pipelines.yml of 45,000 steps (450 KB) (or 30,000 nested brackets) made Azure's
// language service run out of stack: `templates test` and the gate's report stopped with an internal error.
// A 3.5 MB workflow held GitHub's parser 38 s and 2 GB.
const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ci\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/ci\n';
const repo = (file: string, skeleton: string) => tempRepo({ 'templates/ci/template.yaml': template, 'templates/ci/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n', [`skeletons/ci/${file}`]: skeleton });
interface Finding { ruleId: string; file: string; message: string }
// Seven levels of ten aliases each: 10,000,000 copies of x from 540 bytes (the parsers copy each alias out in full).
const laughs = `a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 7 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`).join('')}`;

describe('rendered CI definitions and JSON files are bounded before their parsers read them (shipped bin)', () => {
  it.each([
    ['an Azure pipeline of 45,000 steps in 450 KB', 'azure-pipelines.yml', 'trigger: none\nsteps: [{% for i in range(0, 45000) %}{bash: a},{% endfor %}]\n', /azure-pipelines\.yml: not checked as an Azure pipeline: it holds more than 20,000 values \(passed at line \d+\)/],
    ['an Azure pipeline nested 30,000 levels deep', 'azure-pipelines.yml', 'steps: {% for i in range(0, 30000) %}[{% endfor %}1{% for i in range(0, 30000) %}]{% endfor %}\n', /azure-pipelines\.yml:1: nested more than 256 levels deep/],
    ['a GitHub workflow of 600 KB', '.github/workflows/ci.yml', 'on: push\njobs:\n{% for i in range(0, 6000) %}  j${{ i }}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ i }} padding padding padding padding\n{% endfor %}', /\.github\/workflows\/ci\.yml: not checked as a GitHub workflow: it is \d+ KB, over the 512 KB the gate parses/],
    ['an Azure pipeline whose aliases expand ten-million-fold', 'azure-pipelines.yml', `trigger: none\n${laughs}`, /azure-pipelines\.yml: not checked as an Azure pipeline: its anchors and aliases expand past 100 copies/],
    ['a GitHub workflow whose aliases expand ten-million-fold', '.github/workflows/ci.yml', `on: push\n${laughs}`, /\.github\/workflows\/ci\.yml: not checked as a GitHub workflow: its anchors and aliases expand past 100 copies/],
    ['a mkdocs.yml whose aliases expand ten-million-fold', 'mkdocs.yml', `site_name: x\n${laughs}`, /mkdocs\.yml: not checked as a TechDocs mkdocs\.yml: its anchors and aliases expand past 100 copies/],
    // jsonc-parser (which places a JSON error, and reads JSONC) recursed once per level too.
    ['a tsconfig.json (JSONC) nested 30,000 levels deep', 'tsconfig.json', '{"a": 1 // c\r{% for i in range(0, 30000) %}[{% endfor %}1{% for i in range(0, 30000) %}]{% endfor %}}\n', /tsconfig\.json:1: not valid JSON \(comments and trailing commas allowed here\): nested more than 256 levels deep/],
    ['a .json file whose string a line break ends, then 30,000 brackets', 'data.json', '{"a": "x\n{% for i in range(0, 30000) %}[{% endfor %}1\n', /data\.json:2: not valid JSON: nested more than 256 levels deep/],
  ])('%s: template-output-invalid on the case, exit 1, no internal error', async (_, file, skeleton, message) => {
    const result = await runBin(['templates', 'test', '--format', 'json'], await repo(file, skeleton));
    expect(result.stderr).not.toContain('internal error');
    const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.filter(f => f.ruleId === 'template-output-invalid').map(f => f.message).join('\n')).toMatch(message);
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(30_000);
  }, 60_000);

  it('a workflow reusing an anchor is parsed as before', async () => {
    const result = await runBin(['templates', 'test', '--format', 'json'], await repo('.github/workflows/ci.yml', 'on: push\njobs:\n  a:\n    runs-on: &os ubuntu-latest\n    steps: &steps\n      - run: echo hi\n  b:\n    runs-on: *os\n    steps: *steps\n  c:\n    runs-on: *os\n    steps: *steps\n'));
    const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(f => f.message)).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);

  it('an ordinary rendered pipeline is still judged by Azure\'s schema', async () => {
    const result = await runBin(['templates', 'test', '--format', 'json'], await repo('azure-pipelines.yml', 'trigger: none\nsteps:\n  - script: echo hi\n    displayNme: typo\n'));
    const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(f => f.message).join('\n')).toMatch(/azure-pipelines\.yml:4: not a valid Azure pipeline/);
  }, 60_000);
});
