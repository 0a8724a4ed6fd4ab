import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// The README's way to put an existing catalog under the gate: record a baseline (or lower a rule in
// rules:), and check passes. sync (and techdocs publish) re-ran the catalog gate without either, so the
// first merge of such a catalog stopped at "The catalog gate fails; nothing is synced" on findings check
// had just passed: main's pipeline could never sync.
const component = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/ghost-team\n';
const tree = (extra: string, files: Record<string, string> = {}) => ({
  'gitops.config.yaml': `repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n${extra}`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./services.yaml]\n',
  'catalog/services.yaml': component,
  ...files,
});
const baseline = JSON.stringify({ format: 'backstage-gitops-baseline/v1', findings: { 'catalog/services.yaml': { 'ref-unresolved': 1 } } });

describe('sync judges the catalog gate as check does', () => {
  let server: Awaited<ReturnType<typeof startRecordingServer>>;
  beforeAll(async () => {
    server = await startRecordingServer(() => ({ status: 503, body: { error: 'down for the test' } }));
  });
  afterAll(() => server.close());

  it.each([
    ['a baseline', tree('baseline: .backstage-gitops-baseline.json\n', { '.backstage-gitops-baseline.json': baseline })],
    ['a rule lowered in rules:', tree('rules:\n  ref-unresolved: warning\n')],
  ])('with %s, check passes and sync goes on to Backstage', async (_, files) => {
    const root = await tempRepo(files);
    const check = await runBin(['check'], root);
    expect(check.status).toBe(0);
    const before = server.requests.length;
    const sync = await runBin(['sync', '--url', server.url, '--dry-run', '--wait', '1'], root, { BACKSTAGE_TOKEN: 'token-0123456789' });
    expect(sync.stderr).not.toContain('The catalog gate fails');
    expect(server.requests.length).toBeGreaterThan(before);
  }, 120_000);

  it('without either, sync still refuses the failing gate', async () => {
    const root = await tempRepo(tree(''));
    const before = server.requests.length;
    const sync = await runBin(['sync', '--url', server.url, '--dry-run'], root, { BACKSTAGE_TOKEN: 'token-0123456789' });
    expect(sync.status).toBe(1);
    expect(sync.stderr).toContain('The catalog gate fails; nothing is synced.');
    expect(sync.stderr).toContain('ref-unresolved');
    expect(server.requests.length).toBe(before);
  }, 60_000);
});
