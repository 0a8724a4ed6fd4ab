import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../security/runBin.ts';

type Finding = { ruleId: string; message: string; file: string; range: { start: { line: number; column: number } } };

// Org policies are compiled with strict: false (their x- annotations are no keywords), so Ajv ignored a
// misspelt keyword and an unknown format without a word (red team 21 noticed the format): the policy below
// checked nothing, and an entity without an owner e-mail passed a gate the platform team believed enforced.
const POLICY = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$comment": "Every Group says whom to mail.",
  "x-rule-id": "policy/group-contact",
  "x-hint": "Add spec.profile.email.",
  "if": { "properties": { "kind": { "const": "Group" } } },
  "then": {
    "properties": {
      "spec": {
        "requried": ["profile"],
        "properties": {
          "profile": { "properties": { "email": { "type": "string", "format": "emial" } } }
        }
      }
    },
    "allOf": [{ "x-note": "kept", "mimLength": 1 }]
  },
  "errorMessage": { "if": "Groups need a contact." }
}
`;

describe('policy-keyword-unknown: what Ajv would ignore in an org policy', () => {
  it('names a misspelt keyword and an unknown format where they are written; x- keys, $comment and errorMessage pass', async () => {
    const repo = await dataRepoCopy();
    writeFileSync(join(repo, 'schemas/policy/group-contact.schema.json'), POLICY);
    const result = await runBin(['check', '--format', 'json'], repo);
    const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'policy-keyword-unknown');
    expect(found.map(d => [d.file, d.range.start.line, d.range.start.column, d.message.split(' is ')[0]])).toEqual([
      ['schemas/policy/group-contact.schema.json', 10, 9, '"requried" at then.properties.spec'],
      ['schemas/policy/group-contact.schema.json', 12, 79, 'The format "emial" at then.properties.spec.properties.profile.properties.email'],
      ['schemas/policy/group-contact.schema.json', 16, 35, '"mimLength" at then.allOf.0'],
    ]);
    expect(result.status).toBe(1);
  }, 60_000);

  it('this repo\'s own policies use only keywords Ajv applies', async () => {
    const repo = await dataRepoCopy();
    const result = await runBin(['check', '--format', 'json'], repo);
    expect((JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'policy-keyword-unknown')).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);
});
