import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { resolveRelative } from '../catalog/locationTargets.ts';
import type { RemoteEntity } from './catalogApi.ts';
import { canonicalEntity } from './compareEntities.ts';
import type { Adoption, LocationReplacement } from './planAdoption.ts';
import { mdCode, mdText } from '../report/safeText.ts';

// A job summary holds at most 1 MiB; a plan lists this many entities per kind and counts the rest.
const LISTED = 200;

export interface SyncPlan {
  /** `url:<target>` of each root Location this repo registers. */
  origins: string[];
  add: CatalogEntity[];
  /** Changed content, or the same content now read from another file of the repo (`movedFrom`). */
  update: { desired: CatalogEntity; actual: RemoteEntity; movedFrom?: string }[];
  remove: RemoteEntity[];
  unchanged: number;
  /** Entities Backstage holds from other locations that this repo takes over (a subset of `add`). */
  adopt: Adoption[];
  /** The registered locations whose entities the repo takes over, removed during the hand-over. */
  replace: LocationReplacement[];
  /** Entities the repo adds that another location (not this repo's, not listed for adoption) holds: refused, left where they are. `holder` is bounded, not escaped. */
  held: { desired: CatalogEntity; holder: string; owner?: string }[];
  /** Refs defined twice in the repo: the gate fails on them, sync refuses to guess. */
  conflicts: string[];
}

export function refOfRemote(entity: RemoteEntity): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
}

/**
 * The repo file Backstage read an entity from, when its location is a file of this repo: its
 * `backstage.io/managed-by-location` URL read back into a repo path as Backstage's reader reads it
 * (resolveRelative). Backstage writes that URL as it resolved the Location's target, percent-encoded
 * (a space is `%20`, `é` is `%C3%A9`; Azure Repos names the file in a query parameter): compared as
 * text with the repo path, a file with such a name never matched, so sync took its entities for moved
 * (deleted and re-added on every run) and never saw them land. Takes the remote entity and the repo's
 * URL; returns the repo-relative path, or undefined when the location is not a file of this repo.
 */
export function sourceFileOf(remote: RemoteEntity, repoUrl: string): string | undefined {
  const location = remote.metadata.annotations?.['backstage.io/managed-by-location'] ?? '';
  if (!location.startsWith('url:')) return undefined;
  return resolveRelative('', location.slice(4), repoUrl) ?? undefined;
}

/**
 * Desired (this repo) against actual (what Backstage holds from this repo's root locations): what to
 * add, update and remove. Entities from any other origin are never part of the plan.
 */
export function planSync(desired: readonly CatalogEntity[], actual: readonly RemoteEntity[], origins: string[], repoUrl: string): SyncPlan {
  const wanted = new Map<string, CatalogEntity>();
  const conflicts: string[] = [];
  for (const entity of desired) {
    if (!entity.ref) continue;
    if (wanted.has(entity.ref)) conflicts.push(entity.ref);
    else wanted.set(entity.ref, entity);
  }
  const present = new Map(actual.map(e => [refOfRemote(e), e]));
  const plan: SyncPlan = { origins, add: [], update: [], remove: [], unchanged: 0, conflicts, adopt: [], replace: [], held: [] };
  for (const [ref, entity] of wanted) {
    const remote = present.get(ref);
    const from = remote && sourceFileOf(remote, repoUrl);
    if (!remote) plan.add.push(entity);
    else if (canonicalEntity(entity.entity, false) !== canonicalEntity(remote, true, entity.entity)) plan.update.push({ desired: entity, actual: remote });
    else if (from !== undefined && from !== entity.file) plan.update.push({ desired: entity, actual: remote, movedFrom: from });
    else plan.unchanged++;
  }
  for (const [ref, remote] of present) if (!wanted.has(ref)) plan.remove.push(remote);
  return plan;
}

/**
 * The plan as Markdown for the log and the job summary: counts, then up to LISTED entities per kind
 * (the rest counted, never cut mid-line), what sync deletes or refuses before what it adds or updates:
 * a job summary cut to fit (actions/shared/stepSummary.ts) loses the end, and the end should be the
 * least surprising part. Refs and file names are escaped (mdCode, mdText): they come from the repo and
 * from Backstage.
 */
export function formatPlan(plan: SyncPlan): string {
  const adopted = new Map(plan.adopt.map(a => [a.desired.ref!, a.origin]));
  const listed = <T>(items: readonly T[], line: (item: T) => string) => [
    ...items.slice(0, LISTED).map(line),
    ...(items.length > LISTED ? [`- …and ${items.length - LISTED} more`] : []),
  ];
  const lines = [
    '### Backstage sync plan',
    '',
    `${plan.add.length} to add${plan.adopt.length ? ` (${plan.adopt.length} adopted from ${plan.replace.filter(r => !r.blocked).length} location(s) it replaces)` : ''} · ${plan.update.length} to update · ${plan.remove.length} to remove · ${plan.unchanged} unchanged${plan.held.length ? ` · ${plan.held.length} refused (held by a location this repo does not own)` : ''}`,
    '',
    ...listed(plan.replace, r => (r.former ? `- 🔁 location ${mdCode(r.origin)} was one of this repo's roots and is not any more: it is unregistered${r.adopted ? `, its ${r.adopted} entit${r.adopted === 1 ? 'y the repo still defines moves' : 'ies the repo still defines move'} to the current roots` : ''}` : r.blocked ? `- ⛔ location ${mdCode(r.origin)} stays: ${mdText(r.blocked)}` : `- 🔁 location ${mdCode(r.origin)} is replaced: its ${r.adopted} entit${r.adopted === 1 ? 'y moves' : 'ies move'} to this repo`)),
    ...listed(plan.remove, r => `- ➖ ${mdCode(refOfRemote(r))}`),
    ...listed(plan.held, h => `- ⛔ ${mdCode(h.desired.ref ?? '')} (${mdText(h.desired.file)}) refused: Backstage holds it from ${mdCode(h.holder)}, ${h.owner !== undefined ? `listed for adoption, owned there by ${mdCode(h.owner)} and not by this repo's owner` : 'a location this repo does not own'}; it stays there`),
    ...(plan.conflicts.length ? [`- ⛔ refused: defined more than once in the repo: ${plan.conflicts.slice(0, LISTED).map(mdCode).join(', ')}${plan.conflicts.length > LISTED ? ', …' : ''}`] : []),
    ...listed(plan.add, e => (adopted.has(e.ref!) ? `- 🔁 ${mdCode(e.ref ?? '')} (adopted from ${mdCode(adopted.get(e.ref!)!)} into ${mdText(e.file)})` : `- ➕ ${mdCode(e.ref ?? '')} (${mdText(e.file)})`)),
    ...listed(plan.update, u => `- ✏️ ${mdCode(u.desired.ref ?? '')} (${u.movedFrom ? `moved from ${mdText(u.movedFrom)} to ` : ''}${mdText(u.desired.file)})`),
  ];
  return `${lines.join('\n')}\n`;
}
