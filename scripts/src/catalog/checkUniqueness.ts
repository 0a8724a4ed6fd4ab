import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { place, type EntityIndex } from './entityIndex.ts';
import { boundedText } from '../report/safeText.ts';

const HINT = 'Entity refs are case-insensitive: rename one entity or remove the copy.';

/**
 * Without roots every catalog file discovery finds counts as registered, so copies Backstage never
 * registers (a workshop's per-chapter catalogs, examples) are duplicates of each other: the config's
 * catalog.roots says which files Backstage does register (`root`: the Location file that reads this copy, or
 * the copy itself, as the example).
 */
const rootsHint = (root: string) => ` Without catalog.roots every catalog file in the repo that no other file's Location reaches counts as registered: if Backstage registers only some of these files (a workshop's per-chapter copies, examples), name the root Location files it registers in gitops.config.yaml, e.g. catalog: {roots: [${boundedText(root, 200)}]}; files no root reaches are then not judged as registered.`;

/**
 * Every entity whose lower-cased ref is defined more than once, as Backstage treats it (measured on
 * catalog-backend 4.0.0): twice in one file, the later document replaces the earlier one without a word;
 * in two files (two locations), the first location processed keeps the entity and the other is refused
 * as a conflict that only the backend's log shows. Takes the index and the reported files (and `discovery`:
 * whether no roots say which files are registered, which the hint then names, with `rootOf`: the topmost
 * Location file reading a file; `appRegistered`: without a config, in a Backstage app's repository, the files its
 * app-config registers (filesReachedFrom), which make a copy it registers beside one it does not a warning);
 * returns one finding per reported copy. `refused`: whether Backstage's own model refuses a copy (modelRefusal).
 * When it refuses every copy, none reaches the catalog whichever claims the ref first, so there is no
 * duplicate to report: each copy's own finding (a name that is no valid name…) is the one to fix. A refused
 * copy beside an accepted one still counts: the catalog claims the ref for the first copy it reads, before
 * its policies run (refresh state's location key), so a refused copy read first keeps the accepted one out.
 */
export function checkUniqueness(index: EntityIndex, reported: ReadonlySet<string>, discovery = false, rootOf: (file: string) => string = file => file, appRegistered?: { has(file: string): boolean }, refused: (entity: CatalogEntity) => boolean = () => false): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [ref, entities] of index) {
    if (entities.length < 2 || entities.every(refused)) continue;
    for (const entity of entities) {
      if (!reported.has(entity.file)) continue;
      const sameFile = entities.filter(e => e !== entity && e.file === entity.file);
      const otherFiles = entities.filter(e => e.file !== entity.file);
      const parts: string[] = [];
      if (sameFile.length > 0) parts.push(sameFileMessage(ref, entity, sameFile));
      if (otherFiles.length > 0) {
        parts.push(`${ref} is also defined at ${otherFiles.map(place).join(', ')}: each file is its own location, so whichever Backstage processes first keeps the entity and the other is refused as a conflict that shows only in the backend's log.`);
      }
      const spellings = caseSpellings([entity, ...sameFile, ...otherFiles]);
      if (spellings) parts.push(spellings);
      // In a Backstage app's repository, its app-config says which files that app registers: a copy it
      // registers and one it does not conflict only where another location registers the second one too.
      const mine = appRegistered?.has(entity.file);
      if (appRegistered && sameFile.length === 0 && otherFiles.every(o => appRegistered.has(o.file) !== mine)) {
        const [registered, unregistered] = mine ? [[entity.file], otherFiles.map(o => o.file)] : [otherFiles.map(o => o.file), [entity.file]];
        const names = (files: string[]) => [...new Set(files)].slice(0, 5).map(f => boundedText(f, 200)).join(', ');
        const message = `${ref} is also defined at ${otherFiles.map(place).join(', ')}. This repository's app-config.yaml registers ${names(registered)} through catalog.locations and not ${names(unregistered)}: only a Backstage that registers both keeps whichever copy it processes first and refuses the other as a conflict that shows only in the backend's log.`;
        diagnostics.push(diagnosticAt(entity, ['metadata', 'name'], { ruleId: 'entity-duplicate', severity: 'warning', message: spellings ? `${message} ${spellings}` : message, hint: `${HINT} If no Backstage registers ${names(unregistered)} (an example, a plugin's sample), nothing breaks; a gitops.config.yaml with catalog.roots naming the files the app registers says so, and the copy is then not judged as registered.` }));
        continue;
      }
      const hint = discovery && otherFiles.length > 0 ? `${HINT}${rootsHint(rootOf(entity.file))}` : HINT;
      diagnostics.push(diagnosticAt(entity, ['metadata', 'name'], { ruleId: 'entity-duplicate', severity: 'error', message: parts.join(' '), hint }));
    }
  }
  return diagnostics;
}

function sameFileMessage(ref: string, entity: CatalogEntity, others: CatalogEntity[]): string {
  const lineOf = (e: CatalogEntity) => e.locate(e.document, ['metadata', 'name']).start.line;
  const lines = (copies: CatalogEntity[]) => copies.map(e => `line ${lineOf(e)}`).join(', ');
  const earlier = others.filter(e => e.document < entity.document);
  const later = others.filter(e => e.document > entity.document);
  if (later.length === 0) {
    return `${ref} is also defined earlier in this file (${lines(earlier)}); Backstage keeps this later document and drops the earlier ${earlier.length > 1 ? 'ones' : 'one'} without any message.`;
  }
  // With three copies or more, the middle ones have copies on both sides: each side is named as what it is.
  const last = later.reduce((a, b) => (b.document > a.document ? b : a));
  const also = earlier.length > 0 ? ` and earlier (${lines(earlier)})` : '';
  const which = later.length > 1 || earlier.length > 0 ? ` (line ${lineOf(last)})` : '';
  return `${ref} is defined again later in this file (${lines(later)})${also}; Backstage keeps only the last document${which} and drops this one without any message.`;
}

/**
 * Messages name an entity by Backstage's ref, which stringifyEntityRef lower-cases (catalog-model's ref.ts; the
 * backend's conflict log and relations use it too), so copies spelled `My-Service` and `my-service` would read
 * as one word the file never holds: when the copies' own spellings differ, they are named as written.
 */
function caseSpellings(copies: readonly CatalogEntity[]): string | undefined {
  const written = [...new Set(copies.map(e => `${e.kind}:${e.namespace}/${e.name}`))];
  if (written.length < 2) return undefined;
  return `The copies are written ${written.slice(0, 5).map(w => boundedText(w, 150)).join(', ')}: Backstage compares refs in lower case, so these are one entity.`;
}
