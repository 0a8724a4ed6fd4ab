import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// parseEntityRef takes any string, so Backstage relates `owner: someone@example.com` (thepetk/mcp-software-catalog-example)
// or `owner: Joshua Mathianas` (backstage-skupper-demo/backstage-catalog), but FieldFormatEntityPolicy lets no entity
// carry such a name: the relation points at nothing in any catalog, so "defined elsewhere" cannot excuse it.
const component = (name: string, owner: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

interface Finding { ruleId: string; severity: string; message: string; range: { start: { line: number; column: number } } }

async function check(files: Record<string, string>) {
  const root = await tempRepo(files);
  const run = await runBin(['check', '--format', 'json'], root);
  await rm(root, { recursive: true, force: true });
  expect(run.stderr).toBe('');
  return { status: run.status, findings: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}

describe('a reference to a name no entity can have', () => {
  it('is an error even where the folder defines no entity of that kind (an email, a person\'s name)', async () => {
    const run = await check({ 'catalog-info.yaml': [component('mail-owned', 'someone@example.com'), component('person-owned', 'Joshua Mathianas'), component('team-owned', 'group:default/Junto Seguros')].join('---\n') });
    const owners = run.findings.filter(d => d.ruleId === 'ref-unresolved');
    expect(owners.map(d => `${d.severity}@${d.range.start.line}:${d.range.start.column}`)).toEqual(['error@8:10', 'error@17:10', 'error@26:10']);
    expect(owners[0].message).toContain('its name "someone@example.com" is no valid entity name');
    expect(owners[1].message).toContain('its name "Joshua Mathianas" is no valid entity name');
    // headllama: the name as written, not the whole reference or Backstage's lower-cased form beside it.
    expect(owners[2].message).toContain('refers to group:default/junto seguros, but its name "Junto Seguros" is no valid entity name');
    expect(run.status).toBe(1);
  }, 60_000);

  it('a namespace no entity can live in, quoted as written', async () => {
    const run = await check({ 'catalog-info.yaml': component('ns-owned', 'group:Team_A/platform') });
    const owners = run.findings.filter(d => d.ruleId === 'ref-unresolved');
    expect(owners.map(d => d.severity)).toEqual(['error']);
    expect(owners[0].message).toContain('its namespace "Team_A" is no valid namespace');
    expect(run.status).toBe(1);
  }, 60_000);

  it('a well-formed name the folder cannot check stays the one grouped warning', async () => {
    const run = await check({ 'catalog-info.yaml': component('svc', 'team-a') });
    expect(run.findings.map(d => `${d.ruleId}:${d.severity}`)).toEqual(['ref-unresolved:warning']);
    expect(run.status).toBe(0);
  }, 60_000);
});
