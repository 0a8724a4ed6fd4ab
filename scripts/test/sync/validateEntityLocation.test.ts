import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingServer, type Recorded } from '../helpers/recordingServer.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// left23 noticed: sync --wait asks POST /validate-entity about a new entity that never lands, with the
// location `url:<its file>` built by defaultScmResolveUrl. For an Azure Repos repoUrl
// (`…/_git/repo?version=GBmain&path=/`) that drops the `path` parameter and makes `…/_git/catalog/all.yaml`, a
// URL Backstage's Azure reader cannot read (placeholders beside it then fail: a false verdict). Backstage
// resolves a file beside a Location with the host's integration (ScmIntegrations.resolveUrl), and so does sync now.
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map(s => s.close())); });

const ENTITIES = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n';

/** A catalog that holds nothing, takes every registration and refresh, and refuses every entity it is asked to validate. */
function emptyCatalog(request: Recorded) {
  const path = request.path.split('?')[0];
  if (path === '/api/catalog/entities/by-query') return { status: 200, body: { items: [], pageInfo: {} } };
  if (path === '/api/catalog/entities/by-refs') return { status: 200, body: { items: (request.body as { entityRefs: string[] }).entityRefs.map(() => null) } };
  if (path === '/api/catalog/locations' && request.method === 'POST') return { status: 201, body: { location: { id: 'l1', type: 'url', target: 'x' } } };
  if (path === '/api/catalog/refresh') return { status: 200 };
  if (path === '/api/catalog/validate-entity') return { status: 400, body: { errors: [{ name: 'InputError', message: 'refused' }] } };
  return undefined;
}

async function validatedLocations(repoUrl: string): Promise<{ status: number | null; stderr: string; locations: unknown[] }> {
  const server = await startRecordingServer(emptyCatalog);
  servers.push(server);
  const root = await tempRepo({ 'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n  roots: [catalog/all.yaml]\n`, 'catalog/all.yaml': ENTITIES });
  const run = await runBin(['sync', '--url', server.url, '--wait', '30', '--poll-ms', '200'], root, { BACKSTAGE_TOKEN: 'token' });
  const locations = server.requests.filter(r => r.path.startsWith('/api/catalog/validate-entity')).map(r => (r.body as { location: unknown }).location);
  return { status: run.status, stderr: run.stderr, locations };
}

describe('sync --wait asks validate-entity with the URL Backstage reads the file at (shipped bin, fake catalog)', () => {
  it('an Azure Repos repoUrl: the file goes in the path parameter, as the Azure integration resolves it', async () => {
    const { status, stderr, locations } = await validatedLocations('https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=/');
    expect(status, stderr).toBe(1);
    expect(stderr).toContain('Backstage could not process component:default/svc: refused');
    expect(new Set(locations)).toEqual(new Set(['url:https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=%2Fcatalog%2Fall.yaml']));
  }, 60_000);

  it('a GitHub repoUrl: resolved by the GitHub integration (tree, as Backstage writes a resolved target)', async () => {
    const { locations } = await validatedLocations('https://github.com/acme/control/blob/main/');
    expect(new Set(locations)).toEqual(new Set(['url:https://github.com/acme/control/tree/main/catalog/all.yaml']));
  }, 60_000);
});
