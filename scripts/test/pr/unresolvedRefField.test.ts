import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest } from './prChange.ts';

// check --base matched a ref-unresolved finding with the base's by rule, file, entity and the missing ref
// alone (pass 2, sameFinding.ts), so a pull request that edits an entity and names the same missing entity
// from another field (spec.dependsOn → spec.subcomponentOf, another relation) had its new error labelled
// "already on main", and lowered to info where the baseline counts that rule in the file.

const FILE = 'catalog/systems/orders/entities.yaml';
const entity = (name: string, relation: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: commerce-team\n  system: orders\n  ${relation}\n`;

async function unresolved(root: string, base: string): Promise<string[]> {
  const { stdout } = await runBin(['check', '--base', base, '--format', 'json'], root);
  const diagnostics = JSON.parse(stdout).diagnostics as { ruleId: string; entityRef?: string; message: string; alreadyOnBase?: boolean }[];
  return diagnostics.filter(d => d.ruleId === 'ref-unresolved').map(d => `${d.entityRef} ${d.message.slice(0, d.message.indexOf(' refers'))} ${d.alreadyOnBase ? 'on main' : 'introduced'}`);
}

describe('check --base: a reference to a missing entity is the same finding only from the same field', () => {
  it('labels the same missing entity named from another field as introduced, and the untouched one as on main', async () => {
    const root = await dataRepoCopy();
    appendFileSync(join(root, FILE), entity('legacy-consumer', 'dependsOn: [component:default/gone-svc]'));
    await runBin(['codeowners', '--write'], root);
    commit(root, 'a legacy broken reference');
    const base = startPullRequest(root);
    // An unrelated change first: the legacy finding stays on main.
    edit(root, FILE, t => t.replace('  name: legacy-consumer\n', '  name: legacy-consumer\n  title: Legacy consumer\n'));
    commit(root, 'a title');
    expect(await unresolved(root, base)).toEqual(['component:default/legacy-consumer spec.dependsOn on main']);
    // The pull request's own relation to the missing entity, from another field.
    edit(root, FILE, t => t.replace('dependsOn: [component:default/gone-svc]', 'subcomponentOf: component:default/gone-svc'));
    commit(root, 'another relation to the missing service');
    expect(await unresolved(root, base)).toEqual(['component:default/legacy-consumer spec.subcomponentOf introduced']);
  }, 180_000);
});
