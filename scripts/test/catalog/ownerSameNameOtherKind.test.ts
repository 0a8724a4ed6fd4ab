import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Seen in spikeheap/hmpps-sample-catalogue: `owner: book-a-secure-move` beside `kind: System, name:
// book-a-secure-move` (the team is named after its service), in a repo that defines no groups (they come from the
// org provider). Other owners there were warnings ("this folder defines no group entities"); these two were errors
// "Did you mean system:default/book-a-secure-move?", taking a same-named System for a wrong kind. Backstage's model
// says what spec.owner takes (relationFields allowedKinds: Group, User): a System is no candidate for it.

interface Finding { ruleId: string; severity: string; file: string; hint: string }
const entity = (kind: string, name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const SYSTEM = entity('System', 'book-a-secure-move', '  owner: book-a-secure-move\n');
const COMPONENT = entity('Component', 'api', '  type: service\n  lifecycle: production\n  owner: book-a-secure-move\n  system: book-a-secure-move\n  dependsOn: [component:db]\n');
const DB = entity('Resource', 'db', '  type: database\n  owner: book-a-secure-move\n  system: book-a-secure-move\n');
const unresolved = async (files: Record<string, string>) => {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'ref-unresolved').map(d => `${d.severity}@${d.file}: ${d.hint}`).sort();
};

describe('an owner named like an entity of a kind that cannot own', () => {
  it('is an owner that lives elsewhere when the repo defines no groups; a dependsOn of the wrong kind is still guessed', async () => {
    expect(await unresolved({ 'system.yaml': SYSTEM, 'api.yaml': COMPONENT, 'db.yaml': DB })).toEqual([
      'error@api.yaml: Did you mean resource:default/db?',
      // One warning for the one owner the three entities name (fresh16: it was one per kind of entity).
      'warning@api.yaml: Check against the live catalog with --catalog-url, or declare where they live under catalog.external in gitops.config.yaml.',
    ]);
  }, 60_000);

  it('is no "Did you mean system:…" when the repo defines groups', async () => {
    const group = entity('Group', 'platform', '  type: team\n  children: []\n');
    const found = await unresolved({ 'group.yaml': group, 'system.yaml': SYSTEM });
    expect(found).toEqual(['error@system.yaml: Add the entity, fix the name, or declare where it lives under catalog.external in gitops.config.yaml (for example groups and users ingested from Entra ID).']);
  }, 60_000);
});
