import type { Diagnostic } from '../diagnostic.ts';
import type { LoadedCatalog } from '../load/loadCatalog.ts';

const ABOUT_THE_ENTITY = /^(entity-|yaml-|placeholder-|annotation-|techdocs-ref-)/;

/**
 * Findings on a file of a template's skeleton that a Location target reads (`./**\/catalog-info.yaml` also
 * matching `templates/x/skeleton/catalog-info.yaml`): Backstage reads the skeleton as a catalog file, where its
 * `${{ }}` expressions are never rendered, so the fix is the Location's target, not the file (whose hint would
 * say to rename `${{ values.name }}`). Takes the findings and the loaded catalog; returns the findings with that
 * hint on those files, the rest unchanged.
 */
export function withSkeletonReadHints(diagnostics: readonly Diagnostic[], loaded: Pick<LoadedCatalog, 'locations' | 'skeletonFolders'>): Diagnostic[] {
  const folders = loaded.skeletonFolders ?? [];
  if (folders.length === 0) return [...diagnostics];
  const folderOf = (file: string) => folders.find(folder => folder !== '.' && file.startsWith(`${folder}/`));
  const readers = new Map<string, { file: string; target: string }>();
  for (const edge of loaded.locations) {
    if (edge.resolution.kind !== 'files') continue;
    for (const file of edge.resolution.files) if (!readers.has(file) && folderOf(file)) readers.set(file, { file: edge.file, target: edge.target });
  }
  if (readers.size === 0) return [...diagnostics];
  return diagnostics.map(d => {
    const reader = readers.get(d.file);
    if (!reader || !ABOUT_THE_ENTITY.test(d.ruleId)) return d;
    const target = reader.target.length > 120 ? `${reader.target.slice(0, 119)}…` : reader.target;
    return { ...d, hint: `${d.file} is in ${folderOf(d.file)}/, a skeleton a template fetches; the Location in ${reader.file} reads it as a catalog file through its target ${target}, where the skeleton's expressions are never rendered. Narrow that target so it leaves ${folderOf(d.file)}/ out (list the files, or a pattern that does not reach the skeleton).` };
  });
}
