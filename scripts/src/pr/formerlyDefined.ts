import { spawnSync } from 'node:child_process';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { refOf } from '../catalog/catalogEntity.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { childEnv } from '../process/childEnv.ts';
import { gitChangedFiles } from './gitChangedFiles.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';

/**
 * `check --base REF <paths>`: the refs the base revision's entities (RevisionReads.baseEntities) defined in
 * the files given (`given`, paths from the root), each mapped to where (`catalog/a.yaml on REF`).
 */
export function definedOnBase(baseEntities: readonly CatalogEntity[], given: ReadonlySet<string>, baseRef: string): Map<string, string> {
  const former = new Map<string, string>();
  for (const e of baseEntities) if (e.ref && given.has(e.file) && !former.has(e.ref)) former.set(e.ref, `${e.file} on ${baseRef}`);
  return former;
}

/**
 * `check <paths>` without --base, in a git work tree (a pre-commit hook's call): the refs the last commit's
 * version of each given file that the work tree changes defined (`git show HEAD:<file>`, parsed as Backstage
 * parses it, YAML 1.2 core, every document), mapped to `catalog/a.yaml at HEAD`. Files over `maxBytes` and
 * documents that do not parse give nothing. Empty outside a git work tree, without a commit, or when the
 * given files are as committed (their change, if any, is already in HEAD: only --base can tell it then).
 */
export function definedAtHead(root: string, given: ReadonlySet<string>, maxBytes: number): Map<string, string> {
  const former = new Map<string, string>();
  let changed: string[];
  try {
    changed = gitChangedFiles(root, 'HEAD').filter(file => given.has(file));
  } catch {
    return former;
  }
  const { parseAllDocuments } = yamlPackage();
  for (const file of changed) {
    const shown = spawnSync('git', ['-C', root, 'show', '--end-of-options', `HEAD:./${file}`], { encoding: 'utf8', maxBuffer: maxBytes + 1, env: childEnv() });
    if (shown.status !== 0 || shown.error || shown.stdout.length > maxBytes) continue;
    try {
      affordableYaml(shown.stdout);
    } catch {
      continue;
    }
    for (const doc of parseAllDocuments(shown.stdout, { uniqueKeys: false })) {
      if (doc.errors.length > 0) continue;
      const value = doc.toJS({ maxAliasCount: 100 }) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
      const ref = value && typeof value === 'object' ? refOf(value.kind, value.metadata?.namespace, value.metadata?.name) : undefined;
      if (ref && !former.has(ref)) former.set(ref, `${file} at HEAD`);
    }
  }
  return former;
}
