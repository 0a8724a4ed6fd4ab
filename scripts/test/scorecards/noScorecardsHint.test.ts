import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A control repo `init` wrote keeps no scorecards/; a team developer running `scorecards` there (as the
// README's "Scorecards" section shows) got only "<root> has no scorecards/config.yaml", exit 2, with
// nothing saying whether that is a broken repo or how to start.
describe('scorecards in a repo without scorecards/', () => {
  it('exits 2 with one line that says how to start and that the gate runs without them', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: []\n' });
    const run = await runBin(['scorecards'], root);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('has no scorecards/config.yaml, so it keeps no scorecards yet (init writes none): add scorecards/config.yaml and checks under scorecards/checks/ (format: schemas/scorecards.schema.json)');
  }, 60_000);
});
