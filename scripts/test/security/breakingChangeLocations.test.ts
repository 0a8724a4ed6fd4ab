import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS_OPENAPI, read, startPullRequest } from '../pr/prChange.ts';
import { runBin } from './runBin.ts';

// Red team 35: report placed each breaking change of an API (up to 100 findings per API) by parsing the head's
// definition again for every one (locateThroughRefs). A 670 KB definition with 100 breaking changes took
// report 79 s (92 s with Spectral stopped after a second), a minute per API the pull request changes: twenty
// such APIs ran the gate past its 20-minute step. Now each file is parsed once per API: 8 s, same report.
const PATHS = 2000;
const operation = (i: number) => `  /p${i}/{id}:\n    get:\n      operationId: op${i}\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        "200":\n          description: OK\n          content:\n            application/json:\n              schema: {type: object, properties: {a: {type: string}, b: {type: integer}}}\n`;

describe('breaking changes of a large API definition (shipped bin, report)', () => {
  it('100 breaking changes in a 670 KB definition are placed at their lines without parsing it 100 times', async () => {
    const root = await dataRepoCopy();
    edit(root, PAYMENTS_OPENAPI, text => text + Array.from({ length: PATHS }, (_, i) => operation(i)).join(''));
    commit(root, 'a large definition');
    const base = startPullRequest(root);
    edit(root, PAYMENTS_OPENAPI, text => text.replace(/required: true, schema: \{type: string\}/g, 'required: true, schema: {type: integer}'));
    commit(root, 'every path parameter an integer');
    const run = await runBin(['report', '--base', base, '--today', '2026-11-23', '--lint-timeout', '1', '--format', 'json'], root, {}, 240_000);
    expect(run.stderr).not.toMatch(/internal error/);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } } }[]).filter(d => d.ruleId === 'api-breaking-change');
    expect(found).toHaveLength(101);
    // Each at its own parameter's line in the definition (the counting finding, the 101st, at the file's start).
    const lines = read(root, PAYMENTS_OPENAPI).split('\n');
    expect(found.slice(0, 100).every(d => d.file === PAYMENTS_OPENAPI && /\{name: id, in: path/.test(lines[d.range.start.line - 1] ?? ''))).toBe(true);
    expect(new Set(found.slice(0, 100).map(d => d.range.start.line)).size).toBe(100);
    expect(run.milliseconds).toBeLessThan(45_000);
  }, 300_000);
});
