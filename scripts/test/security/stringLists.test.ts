import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const CONFIG = "catalog:\n  roots: [catalog/all.yaml]\n";
const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml]\n';
const group = (field: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n  ${field}\nspec:\n  type: team\n  children: []\n`;

// Red team, round 16: Backstage's FieldFormatEntityPolicy walks metadata.tags and metadata.links by their
// length, so a string there (`tags: java, payments`, a newcomer's mistake or a pull request's choice) was
// judged character by character, and writing the stand-in back into the string stopped every run with
// "internal error: Cannot assign to read only property '2' of string" (exit 2: the gate could not run).
describe('metadata.tags and metadata.links written as a string or a mapping', () => {
  it.each([
    ['tags: java, payments', 'metadata.tags must be a list, but it is a string.'],
    ['tags: a b', 'metadata.tags must be a list, but it is a string.'],
    ['links: https://wiki.acme.example', 'metadata.links must be a list, but it is a string.'],
    ['tags: {java: yes}', 'metadata.tags must be a list, but it is a mapping.'],
  ])('%s is one entity-schema finding on its line, never an internal error', async (field, message) => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': LOCATION, 'catalog/groups.yaml': group(field) });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; file: string; range: { start: { line: number } } }[] }).diagnostics;
    expect(found.map(d => [d.ruleId, d.message, d.file, d.range.start.line])).toEqual([['entity-schema', message, 'catalog/groups.yaml', 5]]);
  });
});
