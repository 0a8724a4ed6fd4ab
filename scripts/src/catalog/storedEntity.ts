import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { logText } from '../report/safeText.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { hiddenTextFindings } from './hiddenText.ts';
import { pathOf, type PathNode } from './pathNode.ts';

const require = createRequire(import.meta.url);

/** How much one entity may hold as Backstage stores it (aliases copied out, placeholders filled in). */
export interface StoredBudget {
  /** Values (scalars, lists, maps): the per-file YAML value budget (yaml-node-limit). */
  maxValues: number;
  /** Characters of keys and strings. */
  maxChars: number;
}

/**
 * The budget for a catalog whose files may hold `maxFileBytes` and whose definitions `maxValues` YAML values
 * (definitionLimits): twice both (the entity's own file plus one definition file at the caps, the largest
 * thing an honest entity is made of).
 */
export function storedBudget(maxFileBytes: number, maxValues: number): StoredBudget {
  return { maxValues: 2 * maxValues, maxChars: 2 * maxFileBytes };
}

/**
 * Why `record` cannot be stored as Backstage stores it, or none. Two kinds, both invisible in the file:
 * - size: YAML aliases are copied in full where they stand (`yaml`'s toJSON, which parseEntityYaml calls, allows
 *   100 of them) and every `$text`/`$json`/`$yaml` placeholder is read again (one file named 100 times is
 *   read 100 times): a 1 MB file became a 100 MB entity, which the gate's per-file budgets never saw and
 *   Backstage stored, served in every catalog answer and indexed, with no limit of its own;
 * - keys that differ only in letter case at one path (`acme.com/Runtime` and `acme.com/runtime`, `metadata.Name`
 *   beside `metadata.name`, a list's string item beside a map key): catalog-backend's stitcher
 *   (buildEntitySearch) throws "Entity has duplicate keys that vary only in casing" after processing, so
 *   the entity is never written: a new one never appears, an edited one keeps its old version in Backstage,
 *   and no processing error tells anyone. Judged by calling Backstage's own buildEntitySearch;
 * - a NUL character in a key or a short value: the stitcher's search rows hold it, which PostgreSQL refuses.
 * Also hiddenTextFindings (entity-text-hidden), for an entity whose keys or strings hold a character that may
 * hide text: this walk visits every one of them anyway, so most entities pay one character-class test each.
 * Takes the entity (placeholders substituted) and the budget; returns findings on the path where the
 * budget passed or on the later of two colliding keys; never throws.
 */
export function storedEntityProblems(record: CatalogEntity, budget: StoredBudget): Diagnostic[] {
  const walked = walk(record.entity, budget);
  if (walked.over) {
    const { path, values, chars } = walked.over;
    return [diagnosticAt(record, path, {
      ruleId: 'entity-too-large',
      severity: 'error',
      message: `As Backstage stores it, this entity holds more than ${values ? `${budget.maxValues} values` : `${chars} characters`} (passed here): YAML aliases are copied in full where they stand and each placeholder is read again where it stands, so the entity is far bigger than its file. Backstage would store it, send it in every catalog answer and index it.`,
      hint: 'Write the values out once instead of aliasing them, and name a placeholder file once (one field holding it) rather than many times. If one large file is meant (a large API definition), raise catalog.maxFileBytes in gitops.config.yaml: an entity may hold twice that.',
    })];
  }
  const found: Diagnostic[] = [];
  // Two keys differing only in case need an upper-case letter in one of them. The search keys are listed
  // (as buildEntitySearch lists them) only then, and Backstage's own function decides only when two collide:
  // loading it loads catalog-model's index (a fifth of a second) and most runs have no such pair.
  const collisions = walked.mixedCase ? caseCollisions(record.entity) : [];
  const stitched = collisions.length > 0 || walked.nul ? stitch(record.entity) : undefined;
  if (stitched?.refusal) {
    for (const { path, key, other } of collisions) {
      found.push(diagnosticAt(record, path, {
        ruleId: 'entity-key-case',
        severity: 'error',
        message: `${logText(key).slice(0, 200)} differs from ${logText(other).slice(0, 200)} only in letter case. Backstage's catalog refuses to store such an entity after processing it ("${logText(stitched.refusal).slice(0, 300)}"): a new entity never appears, and an edited one keeps its previous version, with no error shown on it.`,
        hint: 'Keep one spelling of the key (keys Backstage indexes are compared in lower case).',
      }, { key: true }));
    }
  }
  // A NUL character in a key or a value the stitcher indexes (its search rows keep values of up to 200
  // characters): PostgreSQL text cannot hold U+0000, so writing the rows fails after the entity itself was
  // written (backstage/backstage#22982 shows the same refusal for a filter): a new entity is missing from
  // every filtered list (kind, owner, type all filter through those rows), an edited one keeps its old rows.
  if (stitched?.rows?.some(row => row.key.includes('\0') || (row.original_value ?? '').includes('\0'))) {
    for (const path of nulPaths(record.entity)) {
      found.push(diagnosticAt(record, path, {
        ruleId: 'entity-value-nul',
        severity: 'error',
        message: 'This key or value holds a NUL character (U+0000, written \\0 or \\x00 in YAML). Backstage\'s catalog indexes it in its search table, and PostgreSQL refuses text holding NUL ("invalid byte sequence for encoding UTF8: 0x00"): the entity is stored without its search rows, so no filtered catalog list (by kind, owner, type) shows it, or shows its change.',
        hint: 'Remove the NUL character; YAML needs no escape for ordinary text.',
      }, { key: true }));
    }
  }
  if (walked.mayHide) found.push(...hiddenTextFindings(record));
  return found;
}

/** Where a key or string of `entity` holds U+0000 (keys by their own position), at most 20. */
function nulPaths(entity: unknown): PathSegment[][] {
  const paths: PathSegment[][] = [];
  const stack: { value: unknown; at?: PathNode }[] = [{ value: entity }];
  while (stack.length > 0 && paths.length < 20) {
    const { value, at } = stack.pop()!;
    if (typeof value === 'string') {
      // buildEntitySearch keeps values of up to 200 characters (lower-cased) in its rows.
      if (value.includes('\0') && value.toLowerCase().length <= 200) paths.push(pathOf(at));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = Array.isArray(value) ? i : keys[i];
      if (typeof key === 'string' && key.includes('\0')) paths.push(pathOf({ key, up: at }));
      stack.push({ value: (value as Record<string, unknown>)[keys[i]], at: { key, up: at } });
    }
  }
  return paths.slice(0, 20);
}

/**
 * Counts values and characters, stopping where the budget passes; says whether two keys may collide in
 * letter case (`mixedCase`) and whether a key or string holds U+0000.
 *
 * Two search keys of buildEntitySearch (paths joined with '.', a list's string item as a last part) that
 * differ but are equal lower-cased split on '.' into parts of which one pair differs the same way (lower-casing
 * neither makes nor removes a '.'), and every such part is a key's or a string item's. So `mixedCase` is
 * true only when a part that lower-casing changes equals another part once both are lower-cased: most
 * entities have camelCase keys (providesApis, dependsOn) with no such twin, and their search keys are never
 * listed. Parts are compared against Backstage's own keys too (metadata.uid and the location annotations).
 */
// What hiddenText's characters may be among (bidi embeddings, overrides, isolates; U+E0000–E03FF by their high
// surrogate, the tag characters among them): one class without the u flag, the cheapest test per string.
const MAY_HIDE = /[\u202a-\u202e\u2066-\u2069\udb40]/;

function walk(root: unknown, budget: StoredBudget): { over?: { path: PathSegment[]; values: boolean; chars: number }; mixedCase: boolean; nul: boolean; mayHide: boolean } {
  // Totals do not depend on the order: this pass only counts (no paths kept, nothing allocated per value), and
  // overBudgetAt walks again in document order, keeping paths, for the rare entity that passes the budget.
  let values = 0;
  let chars = 0;
  let nul = false;
  let mayHide = false;
  // Every key and string item, and those that lower-casing (lowerPart) changes.
  const texts: string[] = [];
  let changed: string[] | undefined;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    values++;
    if (typeof value === 'string') {
      chars += value.length;
      if (!nul && value.includes('\0')) nul = true;
      if (!mayHide && MAY_HIDE.test(value)) mayHide = true;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'string') {
          texts.push(item);
          if (item !== item.toLowerCase() || item.includes('ς')) (changed ??= []).push(item);
        }
        stack.push(item);
      }
    } else {
      for (const key of Object.keys(value)) {
        chars += key.length;
        texts.push(key);
        if (key !== key.toLowerCase() || key.includes('ς')) (changed ??= []).push(key);
        if (!nul && key.includes('\0')) nul = true;
        if (!mayHide && MAY_HIDE.test(key)) mayHide = true;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
    if (values > budget.maxValues || chars > budget.maxChars) return { over: overBudgetAt(root, budget), mixedCase: false, nul, mayHide };
  }
  return { mixedCase: changed !== undefined && mayCollide(changed, texts), nul, mayHide };
}

/** Where, in document order, the values or characters of `root` pass the budget (walk found that they do). */
function overBudgetAt(root: unknown, budget: StoredBudget): { path: PathSegment[]; values: boolean; chars: number } {
  let values = 0;
  let chars = 0;
  const stack: { value: unknown; at?: PathNode }[] = [{ value: root }];
  while (stack.length > 0) {
    const { value, at } = stack.pop()!;
    values++;
    if (typeof value === 'string') chars += value.length;
    if (values > budget.maxValues || chars > budget.maxChars) return { path: pathOf(at), values: values > budget.maxValues, chars: budget.maxChars };
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], at: { key: i, up: at } });
      continue;
    }
    // Last to first, so that the values are counted in document order and the finding is where the budget passes.
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      chars += keys[i].length;
      stack.push({ value: (value as Record<string, unknown>)[keys[i]], at: { key: keys[i], up: at } });
    }
  }
  // Not reached: walk counted the same values and characters.
  return { path: [], values: false, chars: budget.maxChars };
}

// The parts of the keys the stitcher adds to every entity (metadata.uid, the location annotations).
const STITCHED_PARTS = ['metadata', 'name', 'namespace', 'uid', 'annotations', 'backstage', 'io/managed-by-location', 'io/managed-by-origin-location'];

/**
 * A part lower-cased as it would be inside a whole key. Lower-casing is per character but for one context: a
 * capital sigma after a letter becomes the final form ς (Unicode's Final_Sigma, and '.' is skipped as
 * case-ignorable), so `metadata.Σ` and `metadata.ς` are equal lower-cased though `Σ` and `ς` alone are not.
 * Both sigmas are taken as one here.
 */
function lowerPart(part: string): string {
  const lower = part.toLowerCase();
  return lower.includes('ς') ? lower.replaceAll('ς', 'σ') : lower;
}

/** Whether, among the '.'-separated parts of `texts` (of which `changed` are those lower-casing changes) and of the stitcher's own keys, two spellings are equal lower-cased. */
function mayCollide(changed: readonly string[], texts: readonly string[]): boolean {
  // The parts lower-casing changes, by their lower-case form; twins among them (`Runtime` beside `RUNTIME`).
  const lowered = new Map<string, string>();
  // The lengths of those lower-case forms, one bit each (31 for any longer): most texts and parts have
  // none of them and are never looked up (every entity has apiVersion, so this runs for every entity).
  let lengths = 0;
  const twin = (part: string): boolean => {
    const lower = lowerPart(part);
    if (lower === part) return false;
    if ((lowered.get(lower) ?? part) !== part) return true;
    lowered.set(lower, part);
    lengths |= lengthBit(lower.length);
    return false;
  };
  for (const text of changed) {
    if (text.indexOf('.') < 0) {
      if (twin(text)) return true;
    } else for (const part of text.split('.')) if (twin(part)) return true;
  }
  // A part already in lower case is a twin when it is a changed part's lower-case form (`runtime`); lower-casing
  // is idempotent, so no changed part is ever such a form itself.
  for (const part of STITCHED_PARTS) if (lowered.has(part)) return true;
  for (const text of texts) {
    if ((lengths & lengthBit(text.length)) !== 0 && lowered.has(text)) return true;
    let dot = text.indexOf('.');
    if (dot < 0) continue;
    for (let from = 0; ; dot = text.indexOf('.', from)) {
      const to = dot < 0 ? text.length : dot;
      if ((lengths & lengthBit(to - from)) !== 0 && lowered.has(text.slice(from, to))) return true;
      if (dot < 0) break;
      from = dot + 1;
    }
  }
  return false;
}

function lengthBit(length: number): number {
  return 1 << (length < 31 ? length : 31);
}

interface SearchRow { key: string; original_value: string | null }
type BuildEntitySearch = (entityId: string, entity: unknown) => SearchRow[];
let buildEntitySearch: BuildEntitySearch | undefined;

/**
 * catalog-backend's stitcher step for `entity` as it would be stitched (uid set; the location annotations
 * every processed entity gets added): its search rows, or its casing refusal.
 */
function stitch(entity: Record<string, unknown>): { rows?: SearchRow[]; refusal?: string } {
  buildEntitySearch ??= require(join(dirname(require.resolve('@backstage/plugin-catalog-backend')), 'database/operations/stitcher/buildEntitySearch.cjs.js')).buildEntitySearch as BuildEntitySearch;
  const metadata = (typeof entity.metadata === 'object' && entity.metadata !== null ? entity.metadata : {}) as Record<string, unknown>;
  const annotations = typeof metadata.annotations === 'object' && metadata.annotations !== null && !Array.isArray(metadata.annotations) ? (metadata.annotations as Record<string, unknown>) : {};
  const stitched = {
    ...entity,
    metadata: {
      ...metadata,
      uid: 'stand-in-uid',
      annotations: { 'backstage.io/managed-by-location': 'url:stand-in', 'backstage.io/managed-by-origin-location': 'url:stand-in', ...annotations },
    },
  };
  try {
    return { rows: buildEntitySearch(stitched.metadata.uid, stitched) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Only the casing refusal is this check's; anything else the stitcher may throw is another check's.
    return /vary only in casing/.test(message) ? { refusal: message } : {};
  }
}

/** The search keys of buildEntitySearch (a path; a list's string item as `path.item`) that repeat an earlier key in other letter case (at most 20). */
function caseCollisions(entity: Record<string, unknown>): { path: PathSegment[]; key: string; other: string }[] {
  const seen = new Map<string, string>();
  const found: { path: PathSegment[]; key: string; other: string }[] = [];
  const note = (key: string, at: PathNode | undefined) => {
    const lower = key.toLowerCase();
    const first = seen.get(lower);
    if (first === undefined) seen.set(lower, key);
    else if (first !== key && found.length < 20) found.push({ path: pathOf(at), key, other: first });
  };
  // The keys Backstage adds itself, which a written key may collide with.
  for (const key of ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.annotations.backstage.io/managed-by-location', 'metadata.annotations.backstage.io/managed-by-origin-location']) seen.set(key, key);
  // Depth first in document order (children pushed last to first), so the later of two keys is the one reported.
  const seenItems = new Set<string>();
  const stack: { value: unknown; at?: PathNode; key: string; item?: string }[] = [{ value: entity, key: '' }];
  while (stack.length > 0) {
    const { value, at, key, item } = stack.pop()!;
    if (item !== undefined) {
      // buildEntitySearch adds a list item's key only once per lower-cased spelling (its seenPathKeys).
      if (!seenItems.has(item.toLowerCase())) note(item, at);
      seenItems.add(item.toLowerCase());
      continue;
    }
    if (SKIPPED.has(key)) continue;
    if (typeof value !== 'object' || value === null) {
      if (key) note(key, at);
      continue;
    }
    if (Array.isArray(value)) {
      // buildEntitySearch visits a list's item, then adds `path.item` for a string one.
      for (let i = value.length - 1; i >= 0; i--) {
        const itemAt = { key: i, up: at };
        if (typeof value[i] === 'string') stack.push({ value: undefined, at: itemAt, key, item: `${key}.${value[i]}` });
        stack.push({ value: value[i], at: itemAt, key });
      }
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]], at: { key: keys[i], up: at }, key: key ? `${key}.${keys[i]}` : keys[i] });
  }
  return found;
}

// buildEntitySearch's SPECIAL_KEYS that a written entity can hold (metadata.name and namespace are seeded above).
const SKIPPED = new Set(['relations', 'status', 'attachments', 'metadata.uid', 'metadata.etag']);
