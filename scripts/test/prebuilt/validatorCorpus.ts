import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateCatalog } from '../../bench/generateCatalog.ts';
import { backstageSchemas, BUILTIN_KINDS } from '../../src/backstage.ts';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { cases } from '../catalog/gateCases.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

type Doc = Record<string, unknown>;

/** Every YAML document of `text` that parses to a mapping, as plain data. */
export function documentsOf(text: string): Doc[] {
  return parseAllDocuments(text)
    .filter(d => d.errors.length === 0)
    .map(d => d.toJS({ maxAliasCount: 100 }) as unknown)
    .filter((d): d is Doc => typeof d === 'object' && d !== null && !Array.isArray(d));
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(e => e.isFile() && /\.ya?ml$/.test(e.name)).map(e => join(e.parentPath, e.name));
}

/** The entities of every case of the gate's mutation table (scripts/test/catalog/gateCases.ts), the valid fixture first. */
export function mutationTableEntities(): Doc[] {
  const trees = [baseTree(), ...cases.map(([, change]) => {
    const tree = baseTree();
    change(tree);
    return tree;
  })];
  return trees.flatMap(tree => Object.entries(tree).filter(([file]) => file.startsWith('catalog/') && file.endsWith('.yaml')).flatMap(([, text]) => documentsOf(text)));
}

/** Every document of this repo's catalog/ and templates/ folders and its gitops.config.yaml. */
export async function repoDocuments(): Promise<Doc[]> {
  const files = [...(await yamlFilesUnder(join(REPO_ROOT, 'catalog'))), ...(await yamlFilesUnder(join(REPO_ROOT, 'templates'))).filter(f => !f.includes('/skeleton'))];
  return (await Promise.all(files.map(async f => documentsOf(await readFile(f, 'utf8'))))).flat();
}

/** The synthetic bench catalog's entities (scripts/bench/generateCatalog.ts), `count` of them. */
export async function benchEntities(count: number): Promise<Doc[]> {
  const root = await mkdtemp(join(tmpdir(), 'prebuilt-bench-'));
  try {
    await generateCatalog(root, count, 'multi');
    const files = await yamlFilesUnder(join(root, 'catalog'));
    return (await Promise.all(files.map(async f => documentsOf(await readFile(f, 'utf8'))))).flat();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const ODD_VALUES: unknown[] = [null, 1, 0, '', 'x', true, [], {}, ['x'], [{}], 'Has Spaces!', 'a'.repeat(300)];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => paths(v, [...prefix, i])) : Object.entries(value).map(([k, v]) => paths(v, [...prefix, k]));
  return [prefix, ...children.flat()];
}

function mutated(entity: Doc, path: (string | number)[], value: unknown | typeof DELETE): Doc {
  const copy = structuredClone(entity);
  let node: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = structuredClone(value);
  return copy;
}

const DELETE = Symbol('delete');

/** `doc` with each of its fields and items in turn deleted, then set to each of `values`. */
export function fieldVariants(doc: Doc, values: readonly unknown[]): Doc[] {
  return paths(doc).filter(p => p.length > 0).flatMap(path => [mutated(doc, path, DELETE), ...values.map(v => mutated(doc, path, v))]);
}

/**
 * Malformed entities of every built-in kind: each example the kind's own schema ships (loaded from the
 * package), with every field in turn deleted or replaced by an odd value, plus foreign fields, other
 * kinds' apiVersions and kinds.
 */
export function malformedEntities(): Doc[] {
  const schemas = backstageSchemas();
  const out: Doc[] = [];
  for (const kind of BUILTIN_KINDS) {
    const examples = ((schemas.kinds[kind] as { examples?: Doc[] }).examples ?? []).filter(e => typeof e === 'object' && e !== null);
    if (examples.length === 0) throw new Error(`the ${kind} schema ships no examples`);
    for (const example of examples) {
      out.push(example, ...fieldVariants(example, ODD_VALUES));
      out.push({ ...example, status: {} }, { ...example, spec: { ...(example.spec as Doc), unknownField: 1 } }, { ...example, metadata: { ...(example.metadata as Doc), namespace: 'Bad_NS' } });
      for (const apiVersion of ['backstage.io/v1beta1', 'backstage.io/v1alpha2', 'scaffolder.backstage.io/v1beta3', 'v1', 1]) out.push({ ...example, apiVersion });
      for (const other of [...BUILTIN_KINDS, kind.toLowerCase(), 'Custom']) out.push({ ...example, kind: other });
    }
  }
  return out;
}

/** All of the above, each distinct document once. */
export async function validatorCorpus(): Promise<Doc[]> {
  const all = [...mutationTableEntities(), ...(await repoDocuments()), ...(await benchEntities(300)), ...malformedEntities()];
  const seen = new Set<string>();
  return all.filter(d => {
    const key = JSON.stringify(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
