import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 18 (jaredthivener/backstage-kubernetes-platform): groups annotated
// `graph.microsoft.com/group-id: ${ENTRA_PLATFORM_ENG_GROUP_ID}`, written as app-config writes an environment
// variable. The catalog substitutes nothing in entity files (config-loader does, for app-config only), so the
// literal text is stored. The findings were right (annotation-uuid; an owner written so is no valid name), but the
// hints only said to copy an id or write a name, leaving the mistaken belief in place: they now say it first.

interface Finding { ruleId: string; hint: string }
const FILES = {
  'group.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: platform\n  annotations:\n    graph.microsoft.com/group-id: ${PLATFORM_GROUP_ID}\nspec:\n  type: team\n  children: []\n',
  'service.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\nspec:\n  type: service\n  lifecycle: production\n  owner: ${TEAM_NAME}\n',
};

describe('a catalog value written as ${VAR}', () => {
  it('gets a hint saying Backstage never substitutes it in catalog files', async () => {
    const run = await runBin(['check', '--format', 'json'], await tempRepo(FILES));
    const note = 'Backstage substitutes ${…} environment variables only in app-config, never in catalog files: it stores this text as written. ';
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}: ${d.hint.startsWith(note) ? 'note, then ' : ''}${d.hint.slice(d.hint.startsWith(note) ? note.length : 0, 40 + (d.hint.startsWith(note) ? note.length : 0))}`).sort();
    expect(found).toEqual([
      'annotation-uuid: note, then Copy the object id from Entra ID (or the',
      "ref-unresolved: note, then Write the entity's name as its metadata.",
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});
