import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 19 (raffaelespazzoli/backstage-demo, a repository of Argo CD and Helm manifests): the README's
// pre-commit run over 281 changed YAML files in a repository without any catalog stopped with one 2000-character
// stderr line listing every path, cut off in the middle of one. The paths are the commit's: the first three
// name them, a count says the rest, and each is shown as a log line may hold it.
const manifest = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: {}\n`;

describe('check <files> in a repository that holds no catalog', () => {
  it('names the first three files given and counts the rest, on one line (exit 2)', async () => {
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`deploy/app-${String(i).padStart(2, '0')}.yaml`, manifest(`app-${i}`)]));
    const root = await tempRepo(files);
    const run = await runBin(['check', ...Object.keys(files)], root);
    expect(run.stderr).toBe("backstage-gitops check: deploy/app-00.yaml, deploy/app-01.yaml, deploy/app-02.yaml and 37 more hold no catalog file (YAML with a backstage.io apiVersion or one of Backstage's kinds) and no gitops.config.yaml: nothing to check. Give the repository's folder, or --root.\n");
    expect(run.status).toBe(2);
  }, 60_000);

  it('one file is named as it is', async () => {
    const root = await tempRepo({ 'deploy/app.yaml': manifest('app') });
    const run = await runBin(['check', 'deploy/app.yaml'], root);
    expect(run.stderr).toMatch(/^backstage-gitops check: deploy\/app\.yaml holds no catalog file /);
    expect(run.status).toBe(2);
  }, 60_000);
});
