import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../security/runBin.ts';

// A fresh user on stefan-bergstein/software-templates: poi-backend's skeleton ships
// src/main/resources/data/nationalparks.json, JSON Lines (one object a line) the app loads line by line.
// Backstage renders and publishes it as it is; templates test called it "not valid JSON: EndOfFileExpected".
const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: data\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/data\n        values:\n          name: \${{ parameters.name }}\n`;
const CASE = 'name: a\nvalues:\n  name: demo\nsnapshot: false\n';
interface Finding { ruleId: string; message: string }

async function invalid(files: Record<string, string>): Promise<{ status: number | null; messages: string[] }> {
  const skeleton = Object.fromEntries(Object.entries(files).map(([path, text]) => [`skeletons/data/${path}`, text]));
  const root = await tempRepo({ 'templates/data/template.yaml': template, 'templates/data/tests/a.yaml': CASE, ...skeleton });
  const result = await runBin(['templates', 'test', '--format', 'json'], root);
  expect(result.stderr).not.toContain('internal error');
  const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics;
  return { status: result.status, messages: found.filter(d => d.ruleId === 'template-output-invalid').map(d => d.message) };
}

describe('a rendered .json file that is JSON Lines (shipped bin)', () => {
  it('one JSON value a line (blank lines and CRLF too) is not reported', async () => {
    const { status, messages } = await invalid({
      'src/main/resources/data/nationalparks.json': '{"id":1,"name":"Yellowstone","coordinates":[44.6,-110.5]}\n{"id":2,"name":"Zion"}\n\n{"id":3,"name":"Arches"}\n',
      'data.json': '{"a":1}\r\n{"a":2}\r\n',
    });
    expect(messages).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('a line the render broke is still an error, at that line', async () => {
    const { status, messages } = await invalid({ 'data.json': '{"a":1}\n{"a":2}\n{"name":${{ values.name }}}\n' });
    expect(messages).toEqual(['data.json:3: not valid JSON: InvalidSymbol (read as JSON Lines, one value a line, as line 1 is one)']);
    expect(status).toBe(1);
  }, 60_000);

  it('a broken pretty-printed JSON file (no template in it) is still an error; a JSONC tsconfig.json still allows comments', async () => {
    const { messages } = await invalid({
      'package.json': '{\n  "name": "demo"\n}\n}\n',
      'tsconfig.json': '{\n  // strict\n  "compilerOptions": {"strict": true,},\n}\n',
    });
    expect(messages).toEqual(['package.json:4: not valid JSON: EndOfFileExpected']);
  }, 60_000);
});
