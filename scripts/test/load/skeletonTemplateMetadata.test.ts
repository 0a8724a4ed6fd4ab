import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Discovery took a Template with `${{ … }}` anywhere in its metadata for a skeleton and left it out. Its title,
// description, annotations and links are free text Backstage stores as written (dry-run: a Template described
// "Creates a repository named ${{ parameters.name }}-svc" is accepted; without spec.type it is refused with
// "/spec must have required property 'type'"), so the gate said nothing, or exit 2 "holds no catalog file".
// Only the fields Backstage validates (name, namespace, labels, tags) make it a skeleton: a tag
// "${{ values.lang }}" fails FieldFormatEntityPolicy ("tags.0" is not valid) until the scaffolder renders it.
const template = (metadata: string, type = '  type: service\n') => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: svc-template
${metadata}spec:
  owner: group:default/team-a
${type}  parameters:
    - title: Service
      properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./content
        values:
          name: \${{ parameters.name }}
`;
const content = { 'content/README.md': '# ${{ values.name }}\n' };

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  expect(run.stderr).not.toMatch(/internal error/);
  if (run.status === 2) return { status: run.status, found: [run.stderr.trim()] };
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; range: { start: { line: number } } }[]).filter(d => d.severity === 'error');
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`) };
}

describe('a Template with ${{ }} in free-text metadata is a catalog file (check, through the bin)', () => {
  it('description with an expression and no spec.type: the Template schema refuses it, as the catalog does', async () => {
    const { status, found } = await check({ 'template.yaml': template('  description: Creates a repository named ${{ parameters.name }}-svc\n', ''), ...content });
    expect(found).toEqual(['entity-kind-schema@template.yaml:6']);
    expect(status).toBe(1);
  }, 60_000);

  it('title and an annotation with expressions, otherwise sound: judged and clean', async () => {
    const { status, found } = await check({ 'template.yaml': template('  title: ${{ parameters.name }} service\n  annotations:\n    example.com/hint: ${{ parameters.name }}\n'), ...content });
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('a tag with an expression (a template of templates): still a skeleton, left out', async () => {
    const { status, found } = await check({ 'template.yaml': template('  tags: ["${{ values.lang }}"]\n'), ...content });
    expect(found).toEqual([expect.stringContaining('holds no catalog file')]);
    expect(status).toBe(2);
  }, 60_000);
});
