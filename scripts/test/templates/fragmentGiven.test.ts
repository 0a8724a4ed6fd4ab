import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Place { line: number; column: number }
interface Finding { ruleId: string; file: string; message: string; range: { start: Place }; fragment?: { file: string; via: string; range: { start: Place } } }

// A fresh user's pre-commit hook passed `check steps/log.yaml`, a step that template.yaml brings in with
// `- $yaml: ./steps/log.yaml`: the full run failed on the expression written there, the hook's run said ✔.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t1
spec:
  type: service
  owner: group:default/team-a
  parameters:
    - title: x
      properties:
        name: {type: string}
  steps:
    - $yaml: ./steps/log.yaml
    - id: text
      name: Text
      action: debug:log
      input:
        message: {$text: ./steps/msg.txt}
    - $json: ./steps/log.json
    - $yaml: ./steps/clean.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
`;
const FILES = {
  'template.yaml': TEMPLATE,
  'steps/log.yaml': 'id: log\nname: Log\naction: debug:log\ninput:\n  message: hi ${{ parameters.nmae }}\n',
  'steps/msg.txt': 'hello\n  there ${{ parameters.nmea }}\n',
  'steps/log.json': '{\n  "id": "json",\n  "name": "Json",\n  "action": "debug:log",\n  "input": {"message": "x ${{ parameters.naem }}"}\n}\n',
  'steps/clean.yaml': 'id: clean\nname: Clean\naction: debug:log\ninput:\n  message: ${{ parameters.name }}\n',
};

const unknown = (stdout: string) => (JSON.parse(stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-unknown-parameter');
const place = (d: Finding) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.fragment ? `${d.fragment.via} ${d.fragment.file}:${d.fragment.range.start.line}:${d.fragment.range.start.column}` : '-'}`;

describe('check <a file a template brings in through a placeholder> (a pre-commit hook, through the bin)', () => {
  it('reports what the whole run says of that file, on the placeholder, and nothing of the other fragments', async () => {
    const root = await tempRepo(FILES);
    const whole = await runBin(['check', '--format', 'json'], root);
    expect(whole.status).toBe(1);
    // The fragment's place is the parameter reference itself (parameters.nmae), as for one written in template.yaml.
    expect(unknown(whole.stdout).map(place)).toEqual(['template.yaml:13:14 $yaml steps/log.yaml:5:19', 'template.yaml:18:18 $text steps/msg.txt:2:13', 'template.yaml:19:14 $json steps/log.json:5:31']);
    expect(unknown(whole.stdout)[0].message).toContain('(Written at steps/log.yaml:5:19, which the $yaml placeholder here brings in: fix it there.)');
    expect(unknown(whole.stdout)[1].message).toContain('(Written at steps/msg.txt:2:13, which the $text placeholder here brings in: fix it there.)');

    for (const [given, expected] of [['steps/log.yaml', 0], ['steps/msg.txt', 1], ['steps/log.json', 2]] as const) {
      const run = await runBin(['check', '--format', 'json', given], root);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      expect(unknown(run.stdout)).toEqual([unknown(whole.stdout)[expected]]);
    }
    // The folder that holds them all, as a hook given `steps/` passes it.
    expect(unknown((await runBin(['check', '--format', 'json', 'steps'], root)).stdout)).toEqual(unknown(whole.stdout));
    const clean = await runBin(['check', 'steps/clean.yaml'], root);
    expect(clean.stdout).not.toContain('template-unknown-parameter');
    expect(clean.status).toBe(0);
  }, 60_000);
});
