import { createServer, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 18 (Syntonize/backstage-foundry ingested into the tests' real backend, then init + import): its
// techdocs/catalog-info.yaml has `techdocs-ref: dir:.` with mkdocs and docs/ beside it. Backstage wrote no
// backstage.io/source-location for it: AnnotateLocationEntityProcessor derives one only through the host's
// integration, and a host read through backend.reading.allow (or a `file` location from app-config) has none, so
// TechDocs resolves dir: against managed-by-location (catalog-model getEntitySourceLocation). import kept only a
// live source-location, so the imported entity's docs base became its new file in the control repo: the docs were
// lost and the gate said techdocs-ref-missing on the imported file. import now keeps the base TechDocs used.

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

async function backstage(location: (at: string) => string): Promise<string> {
  const server = createServer((req, res: ServerResponse) => {
    const at = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (req.url?.startsWith('/api/catalog/entities/by-query')) {
      const annotations = {
        'backstage.io/managed-by-location': location(at),
        'backstage.io/managed-by-origin-location': location(at),
        // AnnotateLocationEntityProcessor writes a view-url for every url location, none for a file.
        ...(location(at).startsWith('url:') ? { 'backstage.io/view-url': location(at).slice(4) } : {}),
        'backstage.io/techdocs-ref': 'dir:.',
      };
      const held = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'handbook', namespace: 'default', annotations }, spec: { type: 'documentation', lifecycle: 'production', owner: 'group:default/team-a' } };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ items: [held], pageInfo: {} }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('import of dir: TechDocs that Backstage gave no source-location (through the bin)', () => {
  it.each([
    ['a url on a host without integration', (at: string) => `url:${at}/docs-site/catalog-info.yaml`, (url: string) => `url:${url}/docs-site/`],
    ['a file location', () => 'file:/srv/backstage/examples/handbook/catalog-info.yaml', () => 'file:/srv/backstage/examples/handbook/catalog-info.yaml'],
  ])('keeps the base TechDocs resolved dir: against: %s', async (_how, location, expected) => {
    const url = await backstage(location);
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
    const run = await runBin(['import', '--url', url], root, { BACKSTAGE_TOKEN: 'token' });
    const text = readFileSync(join(root, 'catalog/teams/team-a/entities.yaml'), 'utf8');
    const [entity] = parseAllDocuments(text).map(d => d.toJS());
    expect(entity.metadata.annotations).toEqual({ 'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/source-location': expected(url) });
    expect(run.stdout + run.stderr).not.toContain('techdocs-ref-missing');
  }, 60_000);
});
