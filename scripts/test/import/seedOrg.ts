import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const SYSTEMS = ['checkout', 'billing', 'search', 'identity'];
export const COMPONENTS_PER_SYSTEM = 40;
export const APIS_PER_SYSTEM = 8;
export const UNSYSTEMED = 3;

const yamlDocs = (docs: object[]) => docs.map(d => stringify(d)).join('---\n');

/**
 * An organisation as a running Backstage holds it before adoption: domains, four systems (each with
 * 40 components and 8 APIs whose definitions are `$text` placeholders) and a team file, in separate
 * files registered as separate url locations; groups and users from an org provider (Microsoft
 * Graph's annotations). Returns the files to register (relative to `dir`) and the provider entities.
 */
export async function seedOrg(dir: string): Promise<{ locations: string[]; providerEntities: object[]; fileEntityCount: number }> {
  const groups = ['platform', ...SYSTEMS.map(s => `${s}-team`)];
  const providerEntities = [
    ...groups.map(g => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: g, annotations: { 'graph.microsoft.com/group-id': `00000000-0000-4000-8000-${String(groups.indexOf(g)).padStart(12, '0')}` } }, spec: { type: 'team', children: [] } })),
    ...Array.from({ length: 20 }, (_, i) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: `user-${i}` }, spec: { memberOf: [groups[i % groups.length]] } })),
  ];
  const locations: string[] = [];
  let count = 0;
  const write = async (path: string, docs: object[]) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), yamlDocs(docs));
    locations.push(path);
    count += docs.length;
  };
  await write('domains.yaml', [
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Domain', metadata: { name: 'commerce', description: 'Selling things' }, spec: { owner: 'platform' } },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Domain', metadata: { name: 'core', description: 'Shared capabilities' }, spec: { owner: 'platform' } },
  ]);
  for (const [i, system] of SYSTEMS.entries()) {
    const owner = `${system}-team`;
    await mkdir(join(dir, 'systems', system), { recursive: true });
    await writeFile(join(dir, 'systems', system, 'openapi.yaml'), `openapi: 3.0.0\ninfo: { title: ${system}, version: 1.0.0 }\npaths: {}\n`);
    await write(`systems/${system}/catalog-info.yaml`, [
      { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: system }, spec: { owner, domain: i % 2 ? 'core' : 'commerce' } },
      ...Array.from({ length: COMPONENTS_PER_SYSTEM }, (_, c) => ({
        apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
        metadata: { name: `${system}-svc-${c}`, tags: ['java'], annotations: { 'github.com/project-slug': `globex/${system}-svc-${c}` } },
        spec: { type: 'service', lifecycle: 'experimental', owner, system, ...(c < APIS_PER_SYSTEM ? { providesApis: [`${system}-api-${c}`] } : {}) },
      })),
      ...Array.from({ length: APIS_PER_SYSTEM }, (_, a) => ({
        apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: `${system}-api-${a}` },
        spec: { type: 'openapi', lifecycle: 'experimental', owner, system, definition: { $text: './openapi.yaml' } },
      })),
    ]);
  }
  await write('teams/legacy.yaml', Array.from({ length: UNSYSTEMED }, (_, c) => ({
    apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
    metadata: { name: `legacy-job-${c}`, annotations: { 'github.com/project-slug': `globex/legacy-job-${c}` } },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'platform' },
  })));
  return { locations, providerEntities, fileEntityCount: count };
}

/** Registers each file as a url location and waits until Backstage holds `expected` entities besides Locations. */
export async function registerAndWait(baseUrl: string, token: string, servedUrl: string, locations: string[], expected: number): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (const path of locations) {
    const response = await fetch(`${baseUrl}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target: `${servedUrl}/${path}` }) });
    if (response.status !== 201) throw new Error(`registering ${path}: ${response.status} ${await response.text()}`);
  }
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/api/catalog/entities/by-query?filter=kind=component&filter=kind=api&filter=kind=system&filter=kind=domain&filter=kind=group&filter=kind=user&limit=1`, { headers });
    const body = (await response.json()) as { totalItems: number };
    if (body.totalItems >= expected) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`Backstage did not ingest ${expected} entities in time`);
}
