import type { Diagnostic } from '../diagnostic.ts';
import type { LoadedCatalog } from '../load/loadCatalog.ts';

/**
 * Findings that fail the read of a whole file in Backstage, not one entity: a YAML error in any document,
 * a document that is no mapping, or an entity that fails the envelope. The catalog backend collects them
 * as errors of the Location that reads the file, and a Location with any error stores nothing it read
 * (ProcessorOutputCollector, measured: a numeric name ingests nothing from that file). An entity the
 * catalog.rules refuse does the same: DefaultCatalogProcessingOrchestrator checks what a Location emitted
 * against the rules and throws NotAllowedError while processing that Location (measured: every sibling of
 * a refused kind in a root file was never ingested).
 */
const FAILS_LOCATION = new Set(['yaml-syntax', 'yaml-duplicate-key', 'yaml-not-a-mapping', 'entity-envelope', 'catalog-rule-denied']);

/**
 * Adds to each such finding what Backstage loses with it: every entity of the file, or of every file the
 * Location that reads it reaches. Takes the findings and the loaded catalog (its Location edges and roots);
 * returns the findings, those ones with the consequence appended to the message.
 */
export function withLocationConsequences(diagnostics: readonly Diagnostic[], loaded: Pick<LoadedCatalog, 'locations' | 'origins' | 'mode' | 'files'>): Diagnostic[] {
  // Only the catalog's own files hold entities: a YAML error in mkdocs.yml or an app-config loses none.
  let catalogFiles: Set<string> | undefined;
  // Which Locations read each file: worked out for the first such finding (most runs have none).
  let readBy: Map<string, Set<string>> | undefined;
  const readersOf = () => {
    if (readBy) return readBy;
    readBy = new Map();
    for (const edge of loaded.locations) {
      if (edge.resolution.kind !== 'files') continue;
      for (const file of edge.resolution.files) (readBy.get(file) ?? readBy.set(file, new Set()).get(file)!).add(edge.file);
    }
    return readBy;
  };
  return diagnostics.map(d => {
    if (!FAILS_LOCATION.has(d.ruleId)) return d;
    if (!(catalogFiles ??= new Set(loaded.files.map(f => f.file))).has(d.file)) return d;
    const readers = [...(readersOf().get(d.file) ?? [])].sort();
    const lost = '(new ones never appear, existing ones stop updating), not just this one.';
    const consequence = readers.length > 0
      ? ` Backstage then fails the whole Location in ${readers.join(' and ')} that reads this file: every entity that Location reads is lost ${lost}`
      : loaded.mode === 'roots' && loaded.origins.get(d.file) === d.file
        ? ` Backstage then fails this whole root Location: every entity in this file and the Locations it lists is lost ${lost}`
        : ` Backstage then fails the whole file: every entity in it is lost ${lost}`;
    // A parser's message may end without a full stop (`Map keys must be unique`): the consequence is its own sentence.
    return { ...d, message: (/[.!?:]$/.test(d.message) ? d.message : `${d.message}.`) + consequence };
  });
}
