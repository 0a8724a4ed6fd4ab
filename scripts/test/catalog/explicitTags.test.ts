// Fresh user: explicit YAML tags. Backstage reads each document with document.toJSON(), so `!!timestamp
// 2024-01-15` is the string "2024-01-15T00:00:00.000Z" (accepted as an annotation), while the gate kept a Date
// and said "must be string". And `!!int "8080"` was said to be an unquoted number, with a hint to quote what is
// already quoted: the tag is the cause.
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

type Finding = { ruleId: string; message: string; hint?: string; range: { start: { line: number } } };

describe('explicit YAML tags, as Backstage reads them', () => {
  it('a !!timestamp annotation is its ISO string; a tag that makes a number or boolean is named as the cause', async () => {
    const root = await tempRepo({
      'c.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: tagged\n  annotations:\n    acme.com/created: !!timestamp 2024-01-15\n    acme.com/port: !!int "8080"\n  tags: [!!bool \'true\']\nspec: {type: service, lifecycle: production, owner: user:guest}\n',
      'u.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: guest\nspec: {memberOf: []}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}:${d.range.start.line}`)).toEqual(['entity-schema:7', 'entity-schema:8']);
    expect(found[0].message).toContain('the tag !!int makes YAML read it as the number 8080.');
    expect(found[0].hint).toBe('Remove the tag !!int: acme.com/port: "8080"');
    expect(found[1].message).toContain('the tag !!bool makes YAML read it as the boolean true.');
    expect(run.status).toBe(1);
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});
