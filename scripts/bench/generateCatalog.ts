import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** mulberry32: a small seeded generator, so every run builds the same catalog. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPENAPI = 'openapi: 3.0.3\ninfo:\n  title: Generated\n  version: 1.0.0\npaths:\n  /items/{id}:\n    get:\n      responses:\n        "200":\n          description: OK\n';

/**
 * A synthetic, valid organisation of `count` entities: a group tree, domains, systems, components,
 * APIs (some with $text definitions) and resources, all references resolvable.
 * `layout: 'single'` writes one entity per file, `'multi'` up to 10 documents per file.
 */
export async function generateCatalog(root: string, count: number, layout: 'single' | 'multi'): Promise<void> {
  await rm(root, { recursive: true, force: true });
  const rand = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const n = (share: number) => Math.max(1, Math.floor(count * share));
  const groups = Array.from({ length: n(0.05) }, (_, i) => `team-${i}`);
  const domains = Array.from({ length: n(0.01) }, (_, i) => `domain-${i}`);
  const systems = Array.from({ length: n(0.05) }, (_, i) => `system-${i}`);
  const apis = Array.from({ length: n(0.2) }, (_, i) => `api-${i}`);
  const resources = Array.from({ length: n(0.19) }, (_, i) => `resource-${i}`);
  const components = Array.from({ length: Math.max(1, count - groups.length - domains.length - systems.length - apis.length - resources.length) }, (_, i) => `component-${i}`);
  const meta = (name: string, kind: string) => ({
    name,
    description: `${kind} ${name}, generated for the benchmark.`,
    tags: [pick(['java', 'go', 'dotnet', 'python', 'node']), pick(['payments', 'orders', 'search'])],
    annotations: { 'github.com/project-slug': `acme/${name}`, 'backstage.io/techdocs-ref': `url:https://github.com/acme/${name}/tree/main`, 'pagerduty.com/service-id': `P${name.length}X`, 'backstage.io/kubernetes-id': name, 'azure.com/resource-group': `rg-${name}` },
    links: [{ url: `https://runbooks.acme.example/${name}`, title: 'Runbook', type: 'runbook' }],
  });
  const entities: { kind: string; doc: object }[] = [];
  const e = (kind: string, name: string, spec: object) => entities.push({ kind, doc: { apiVersion: 'backstage.io/v1alpha1', kind, metadata: meta(name, kind), spec } });
  groups.forEach((g, i) => e('Group', g, { type: 'team', ...(i > 0 ? { parent: groups[Math.floor((i - 1) / 4)] } : {}), children: groups.filter((_, j) => j > 0 && Math.floor((j - 1) / 4) === i) }));
  domains.forEach(d => e('Domain', d, { owner: pick(groups) }));
  systems.forEach(s => e('System', s, { owner: pick(groups), domain: pick(domains) }));
  apis.forEach((a, i) => e('API', a, { type: 'openapi', lifecycle: 'production', owner: pick(groups), system: pick(systems), definition: i % 5 === 0 ? { $text: '../definitions/openapi.yaml' } : OPENAPI }));
  resources.forEach(r => e('Resource', r, { type: 'database', owner: pick(groups), system: pick(systems) }));
  components.forEach(c => e('Component', c, { type: 'service', lifecycle: 'production', owner: pick(groups), system: pick(systems), providesApis: [pick(apis)], consumesApis: [pick(apis)], dependsOn: [`resource:${pick(resources)}`] }));

  const folder = join(root, 'catalog', 'entities');
  await mkdir(folder, { recursive: true });
  await mkdir(join(root, 'catalog', 'definitions'), { recursive: true });
  await writeFile(join(root, 'catalog', 'definitions', 'openapi.yaml'), OPENAPI);
  const perFile = layout === 'single' ? 1 : 10;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < entities.length; i += perFile) {
    const text = entities.slice(i, i + perFile).map(x => stringify(x.doc)).join('---\n');
    writes.push(writeFile(join(folder, `e${String(i / perFile).padStart(6, '0')}.yaml`), text));
    if (writes.length >= 256) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  const location = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'root' }, spec: { targets: ['./entities/*.yaml'] } };
  await writeFile(join(root, 'catalog', 'all.yaml'), stringify(location));
  await writeFile(join(root, 'gitops.config.yaml'), stringify({ repoUrl: 'https://github.com/acme/bench/blob/main/', catalog: { roots: ['catalog/all.yaml'], include: ['catalog/entities/*.yaml'] } }));
}

/** The file withFindings leaves in its copy: a copy without it (an older generator's) is made again. */
export const FINDINGS_MARK = '.findings-v2';

/**
 * A copy of the catalog at `from` in which `count` files each get one finding, as in a legacy catalog:
 * alternately an owner that does not exist (a reference finding) and an upper-case tag (a Backstage
 * field-format finding). The tag goes only on entities no other entity refers to: Backstage refuses an
 * entity with such a tag, so every reference to it would be a finding too (a ref-unresolved info in
 * another file), and the catalog would hold findings in more files than `count`.
 */
export async function withFindings(from: string, to: string, count: number): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
  const folder = join(to, 'catalog', 'entities');
  const names = (await readdir(folder)).sort();
  const texts = new Map<string, string>();
  for (const name of names) texts.set(name, await readFile(join(folder, name), 'utf8'));
  // Every name a spec mentions (owner, parent, children, system, domain, APIs, dependsOn).
  const referenced = new Set<string>();
  for (const text of texts.values()) for (const [name] of text.slice(text.indexOf('\nspec:')).matchAll(/[a-z]+-\d+/g)) referenced.add(name);
  let owners = Math.ceil(count / 2);
  let tags = count - owners;
  for (const name of names) {
    if (owners + tags === 0) break;
    const text = texts.get(name)!;
    if (!text.includes('\n  owner: team-')) continue;
    const entity = /\n {2}name: (\S+)\n/.exec(text)?.[1];
    const tagged = tags > 0 && entity !== undefined && !referenced.has(entity) && (owners === 0 || (owners + tags) % 2 === 1) ? text.replace(/\n {4}- (java|go|dotnet|python|node)\n/, (_, tag: string) => `\n    - ${tag.toUpperCase()}\n`) : text;
    const edited = tagged !== text ? tagged : owners > 0 ? text.replace('\n  owner: team-', '\n  owner: missing-team-') : text;
    if (edited === text) continue;
    await writeFile(join(folder, name), edited);
    if (tagged !== text) tags--;
    else owners--;
  }
  if (owners + tags > 0) throw new Error(`only ${count - owners - tags} files of ${from} could take a finding`);
  await writeFile(join(to, FINDINGS_MARK), '');
}
