import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// A fresh user's catalog: the fix for an unquoted number quoted the value YAML read, not what the file
// wrote, so following it changed the value (a label `version: 1.10` became "1.1", `0755` became "755"), and
// for a list item it wrote a key (`0: "2024"`), which turns the item into a mapping. The hint now quotes the
// characters as written; `null` and `~` written out are said as written too, not as an empty line.
const FILE = (eol: string) => [
  'apiVersion: backstage.io/v1alpha1',
  'kind: Component',
  'metadata:',
  '  name: svc',
  '  labels:',
  '    version: 1.10',
  '    hex: 0x1F',
  '    acme.io/mode: 0755',
  '    flag: True',
  '    port: 8080',
  '    empty: ~',
  '  tags:',
  '    - 2024',
  'spec: {type: service, lifecycle: production, owner: team-a, providesApis: [null, 5]}',
  '---',
  'apiVersion: backstage.io/v1alpha1',
  'kind: Group',
  'metadata: {name: team-a}',
  'spec: {type: team, children: []}',
  '',
].join(eol);

const EXPECTED = [
  ['6:14', 'YAML reads the unquoted 1.10 as the number 1.1; quote it.', 'Quote it: version: "1.10"'],
  ['7:10', 'YAML reads the unquoted 0x1F as the number 31; quote it.', 'Quote it: hex: "0x1F"'],
  ['8:19', 'YAML reads the unquoted 0755 as the number 755; quote it.', 'Quote it: acme.io/mode: "0755"'],
  ['9:11', 'YAML reads the unquoted True as the boolean true; quote it.', 'Quote it: flag: "True"'],
  ['10:11', 'YAML reads the unquoted 8080 as a number; quote it.', 'Quote it: port: "8080"'],
  ['11:12', 'empty is written as ~, which YAML reads as null (no value).', 'Give empty a value'],
  ['13:7', 'YAML reads the unquoted 2024 as a number; quote it.', 'Quote the item: "2024"'],
  ['14:76', 'item 1 of providesApis is written as null, which YAML reads as null (no value).', 'Write the item, or remove it.'],
  ['14:82', 'YAML reads the unquoted 5 as a number; quote it.', 'Quote the item: "5"'],
];

describe('an unquoted number or boolean where Backstage wants text (check, through the bin)', () => {
  it.each([['LF', '\n'], ['CRLF', '\r\n']])('the fix quotes the value as written (%s line ends)', async (_name, eol) => {
    const root = await tempRepo({ 'catalog-info.yaml': FILE(eol) });
    const run = await runBin(['check', '--root', '.', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => /schema$/.test(d.ruleId));
    expect(found.map(d => [`${d.range.start.line}:${d.range.start.column}`, d.message.replace(/^.*? - type: \w+: /, ''), d.hint])).toEqual(
      EXPECTED.map(([at, message, hint]) => [at, message, expect.stringContaining(hint)]),
    );
  }, 60_000);

  // Red team: the hint dropped an anchor (its alias then undefined: the file no longer parses), told to quote an
  // alias (`"*a"`, the text, not the value), and wrote a key that needs quotes bare (`acme.com/h #x:` starts a comment).
  it('keeps an anchor, sends an alias to its anchor, names a tag as the cause and quotes a key that needs it', async () => {
    const file = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: svc',
      '  annotations:',
      '    acme.com/anch: &a 1.20',
      '    acme.com/ali: *a',
      '    "acme.com/h #x": 0755',
      '    acme.com/t: !!int 7',
      '  labels: {"a: b": 2.50}',
      'spec: {type: service, lifecycle: production, owner: team-a}',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Group',
      'metadata: {name: team-a}',
      'spec: {type: team, children: []}',
      '',
    ].join('\n');
    const run = await runBin(['check', '--root', '.', '--format', 'json'], await tempRepo({ 'catalog-info.yaml': file }));
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => /schema$/.test(d.ruleId));
    expect(found.map(d => [d.range.start.line, d.hint])).toEqual([
      [6, 'Quote it: acme.com/anch: &a "1.20"'],
      [7, '*a is an alias: quote the value where its anchor (&a) is written, as written there.'],
      [8, 'Quote it: "acme.com/h #x": "0755"'],
      [9, 'Remove the tag !!int: acme.com/t: "7"'],
      [10, 'Quote it: "a: b": "2.50"'],
    ]);
  }, 60_000);
});
