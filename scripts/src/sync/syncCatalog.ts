import { createRequire } from 'node:module';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { diagnosticAt } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { LocationEdge } from '../load/loadCatalog.ts';
import type { CatalogApi, RemoteEntity } from './catalogApi.ts';
import { canonicalEntity, processingErrors } from './compareEntities.ts';
import { holderOf, ownerRefOf } from './holderOf.ts';
import { planAdoption } from './planAdoption.ts';
import { planSync, refOfRemote, sourceFileOf, type SyncPlan } from './planSync.ts';
import { boundedText, redactUrl } from '../report/safeText.ts';
import { backstageResolveUrl } from '../catalog/locationTargets.ts';

const require = createRequire(import.meta.url);
// Required on first use: plugin-catalog-node loads much of Backstage, a start-up cost `check` need not pay.
const locationSpecToMetadataName = (location: { type: string; target: string }): string =>
  (require('@backstage/plugin-catalog-node') as { locationSpecToMetadataName(l: { type: string; target: string }): string }).locationSpecToMetadataName(location);

export interface SyncInput {
  api: CatalogApi;
  desired: readonly CatalogEntity[];
  /** Root locations as Backstage registers them, e.g. { type: 'url', target: '<repoUrl>catalog/all.yaml' }. */
  roots: { type: string; target: string }[];
  /** Location edges of the repo, to find which Location lists a file. */
  edges: readonly LocationEdge[];
  repoUrl: string;
  /**
   * Registered locations (`<type>:<target>`) whose entities this sync may take over (catalog.adoptFrom
   * and --adopt-from). An entity held by any other location not of this repo is refused, never taken.
   */
  adoptFrom: readonly string[];
  dryRun: boolean;
  /** Refuse to remove more than this share of the entities this repo owns in Backstage, unless allowed. */
  maxRemoveFraction: number;
  allowMassRemove: boolean;
  waitMs: number;
  pollMs: number;
  log(line: string): void;
}

export interface SyncResult {
  plan: SyncPlan;
  applied: boolean;
  verified: boolean;
  diagnostics: Diagnostic[];
  seconds: number;
}

const isGeneratedLocation = (e: RemoteEntity) => e.kind === 'Location' && e.metadata.name.startsWith('generated-');

/**
 * Makes Backstage hold exactly this repo's entities: plan, then register the roots, refresh the
 * locations whose files changed, wait until every entity has the repo's content (or report why not),
 * and only then remove what left the repo (never anything from another origin). Re-running it resumes: each step is idempotent.
 * An entity Backstage holds from a location outside the repo is taken over only from a location in
 * `adoptFrom`; any other is refused (`sync-entity-held-elsewhere` in the result, the holder untouched)
 * while the rest of the repo syncs.
 */
export async function syncCatalog(input: SyncInput): Promise<SyncResult> {
  const started = Date.now();
  const { api, log } = input;
  const origins = input.roots.map(r => `${r.type}:${r.target}`);
  const actual = (await api.entitiesFromOrigins(origins)).filter(e => !isGeneratedLocation(e));
  const plan = planSync(input.desired, actual, origins, input.repoUrl);
  // Entities refused because another location holds them: reported by every outcome, the rest syncs.
  const heldFindings: Diagnostic[] = [];
  const result = (extra: Partial<SyncResult>): SyncResult => ({ plan, applied: false, verified: false, seconds: (Date.now() - started) / 1000, ...extra, diagnostics: [...heldFindings, ...(extra.diagnostics ?? [])] });
  log(`plan: ${plan.add.length} to add, ${plan.update.length} to update, ${plan.remove.length} to remove, ${plan.unchanged} unchanged`);
  if (plan.conflicts.length) return result({ diagnostics: plan.conflicts.map(ref => refusal(`${ref} is defined more than once in the repo; sync refuses to choose one.`)) });
  if (input.desired.length === 0 && actual.length > 0) return result({ diagnostics: [refusal('The repo defines no entities; refusing to remove everything.')] });
  // A single removal never trips the guard, or small catalogs could not remove anything.
  const limit = Math.max(1, Math.floor(input.maxRemoveFraction * actual.length));
  if (plan.remove.length > limit && !input.allowMassRemove) {
    return result({ diagnostics: [refusal(`The plan removes ${plan.remove.length} of ${actual.length} entities this repo owns in Backstage (limit ${limit}). Nothing was changed.`, 'If that is intended, run again with --allow-mass-delete.')] });
  }
  // An entity Backstage already holds from another location is adopted only from a location the repo
  // lists for adoption (catalog.adoptFrom, written by `import`; or --adopt-from): any other holder keeps
  // it. Taking it would unregister that location and delete its copy, so a team could seize another
  // team's entity by naming it in its own file.
  const held = await api.byRefs(plan.add.map(e => e.ref!));
  const candidates: { desired: CatalogEntity; actual: RemoteEntity }[] = [];
  plan.add.forEach((desired, i) => {
    const actual = held[i];
    if (!actual) return;
    // A location listed for adoption hands an entity over only under the owner it has there (holderOf).
    const holder = holderOf(actual.metadata.annotations, origins, input.adoptFrom, { live: ownerRefOf(actual), repo: ownerRefOf(desired.entity) });
    if (holder.kind === 'adopt') candidates.push({ desired, actual });
    else if (holder.kind === 'held') plan.held.push({ desired, holder: holder.holder, owner: holder.owner });
  });
  if (candidates.length) {
    const oldOrigins = [...new Set(candidates.map(c => c.actual.metadata.annotations!['backstage.io/managed-by-origin-location']))];
    const fromOld = new Map(await Promise.all(oldOrigins.map(async o => [o, await api.entitiesFromOrigins([o])] as const)));
    // A refused entity is not the repo's to take: a location still holding one cannot be replaced.
    const refusedRefs = new Set(plan.held.map(h => h.desired.ref!));
    Object.assign(plan, planAdoption(candidates, fromOld, await api.locations(), new Set(input.desired.map(e => e.ref!).filter(r => r && !refusedRefs.has(r)))));
    log(`adoption: ${plan.adopt.length} entities from ${plan.replace.filter(r => !r.blocked).length} location(s) to replace`);
    const blocked = plan.replace.filter(r => r.blocked);
    if (blocked.length) {
      // The entities of a location that cannot be replaced stay where they are, refused like held ones:
      // one location (or one team's pull request naming what it holds) does not hold back the rest.
      const stays = new Set(blocked.map(r => r.origin));
      plan.held.push(...candidates.filter(c => stays.has(c.actual.metadata.annotations!['backstage.io/managed-by-origin-location'])).map(c => ({ desired: c.desired, holder: boundedText(redactUrl(c.actual.metadata.annotations!['backstage.io/managed-by-origin-location'])) })));
      heldFindings.push(...blocked.map(r => refusal(`Location ${r.origin} cannot be replaced: ${r.blocked}. Its entities stay there; the rest of the repo syncs.`, 'Bring everything that location holds into the repo (backstage-gitops import --location …), or remove the rest from it, then sync again.')));
    }
  }
  if (plan.held.length) {
    const refused = new Set(plan.held.map(h => h.desired));
    plan.add = plan.add.filter(e => !refused.has(e));
    heldFindings.push(...plan.held.map(heldElsewhere));
    log(`refused: ${plan.held.length} entit${plan.held.length === 1 ? 'y is' : 'ies are'} held by a location this repo does not own or cannot take over; ${plan.held.length === 1 ? 'it stays' : 'they stay'} there untouched`);
  }
  if (input.dryRun) return result({});

  // A root the managed Backstage already reads (registered before, or listed in its app-config's
  // catalog.locations) is not registered again: a second registration would emit the same Location twice.
  const rootRefs = input.roots.map(root => `location:default/${locationSpecToMetadataName(root)}`);
  const registered = await api.byRefs(rootRefs);
  for (const [i, root] of input.roots.entries()) {
    if (registered[i]) log(`root ${root.target} is already read by Backstage (${rootRefs[i]})`);
    else await api.addLocation(root.type, root.target);
  }
  if (plan.adopt.length) {
    const handOver = await handOverAdopted(input, plan, origins);
    if (handOver) return result({ applied: true, diagnostics: [handOver] });
  }
  const present = new Set([...actual.map(refOfRemote), ...(await api.entitiesFromOrigins(origins)).map(refOfRemote)]);
  const touchedFiles = new Set([
    ...plan.add.map(e => e.file),
    ...plan.update.flatMap(u => [u.desired.file, sourceFileOf(u.actual, input.repoUrl)]),
    ...plan.remove.map(r => sourceFileOf(r, input.repoUrl)),
  ].filter((f): f is string => Boolean(f)));
  const readers = new Map([...touchedFiles].map(file => [file, locationToRefresh(file, input, present)]));
  // Where no reader is known, refreshing the changed entity itself reaches every Location above it.
  const refreshes = new Set([
    ...[...readers.values()].filter((r): r is string => Boolean(r)),
    ...plan.update.filter(u => !readers.get(u.desired.file)).map(u => u.desired.ref!),
  ]);
  const listed = [...refreshes].slice(0, 10).join(', ');
  log(`refreshing ${refreshes.size} entit${refreshes.size === 1 ? 'y' : 'ies'}${refreshes.size ? `: ${listed}${refreshes.size > 10 ? ', …' : ''}` : ''}`);
  const refreshAll = () => inBatches([...refreshes], 8, ref => api.refresh(ref).catch(error => {
    if (!String(error).includes('404')) throw error;
  }));
  // Backstage keeps an entity bound to the file it first came from: the new file's copy is refused as a
  // conflict, and once the old file lets go the orphan is cleaned up and nothing re-adds it. Deleting the
  // old copy while its Location still holds it makes that Location (and the new file's) emit it afresh.
  const moved = plan.update.filter(u => u.movedFrom && u.actual.metadata.uid);
  if (moved.length) {
    log(`moving ${moved.length} entit${moved.length === 1 ? 'y' : 'ies'} to another file: ${moved.map(u => u.desired.ref).join(', ')}`);
    await inBatches(moved, 8, u => api.deleteEntity(u.actual.metadata.uid!));
  }
  await refreshAll();

  // A refresh that lands while Backstage is processing the same entity can be lost (processing
  // writes the next regular update time over it), so refreshes are repeated while waiting.
  const waited = await waitForDesired(input, plan, [...refreshes], refreshAll);
  if (!waited.verified) return result({ applied: true, diagnostics: waited.diagnostics });

  // Only now, with every added and changed entity verified, remove what left the repo. The guard
  // above ran before any write; each delete is idempotent, so an interrupted run simply resumes.
  await inBatches(plan.remove, 8, remote => api.deleteEntity(remote.metadata.uid!));
  const removed = plan.remove.length;
  const refusedRefs = new Set(plan.held.map(h => h.desired.ref));
  const after = planSync(input.desired.filter(e => !refusedRefs.has(e.ref)), (await api.entitiesFromOrigins(origins)).filter(e => !isGeneratedLocation(e)), origins, input.repoUrl);
  const verified = after.add.length === 0 && after.update.length === 0 && after.remove.length === 0;
  const except = plan.held.length ? `, except the ${plan.held.length} refused entit${plan.held.length === 1 ? 'y' : 'ies'}` : '';
  log(`removed ${removed}; ${verified ? `verified: Backstage matches the repo${except}` : 'not yet verified'}`);
  return result({ applied: true, verified, diagnostics: verified ? [] : [refusal(`After sync Backstage still differs: ${after.add.length} missing, ${after.update.length} different, ${after.remove.length} not removed.`, 'Run sync again; it resumes where this run stopped.')] });
}

/**
 * What to refresh so Backstage re-reads `file`. A registered location (a root) is read by its
 * `generated-…` Location entity; a file listed by a `kind: Location` entity is read by that entity
 * itself. Refreshing a parent whose own output did not change does not cascade (Backstage skips
 * unchanged results), so the refresh must land on the nearest reader Backstage already knows.
 */
function locationToRefresh(file: string, input: SyncInput, present: ReadonlySet<string>, seen = new Set<string>()): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const registered = `location:default/${locationSpecToMetadataName({ type: 'url', target: `${input.repoUrl}${file}` })}`;
  if (present.has(registered)) return registered;
  const root = input.roots.find(r => r.target === `${input.repoUrl}${file}`);
  if (root) return `location:default/${locationSpecToMetadataName(root)}`;
  const edge = input.edges.find(e => e.resolution.kind === 'files' && e.resolution.files.includes(file));
  if (!edge) return undefined;
  const reader = input.desired.find(e => e.file === edge.file && e.document === edge.document)?.ref;
  return reader && present.has(reader) ? reader : locationToRefresh(edge.file, input, present, seen);
}

/**
 * Hands the adopted entities from their old locations to this repo's, in the order Backstage's
 * conflict rule needs (an entity belongs to the location key that emitted it first; any other
 * location's copy is ignored): (1) wait until Backstage has read this repo's Location entities, so
 * the readers of the new files exist; (2) unregister each replaced location: its entities become
 * orphans but stay in the catalog; (3) delete each orphaned copy and at once (4) refresh the new
 * readers, so the new location claims them within seconds, not at its next processing cycle or
 * after orphan cleanup. An entity is missing only between (3) and its new copy being stitched.
 * Returns a refusal when the readers never appear (nothing has been removed then).
 */
async function handOverAdopted(input: SyncInput, plan: SyncPlan, origins: string[]): Promise<Diagnostic | undefined> {
  const { api, log } = input;
  const files = [...new Set(plan.adopt.map(a => a.desired.file))];
  const deadline = Date.now() + input.waitMs;
  let readers: (string | undefined)[] = [];
  for (;;) {
    const present = new Set((await api.entitiesFromOrigins(origins)).map(refOfRemote));
    readers = files.map(file => locationToRefresh(file, input, present));
    if (readers.every(Boolean)) break;
    if (Date.now() > deadline) return refusal(`Backstage did not read this repo's Locations within ${Math.round(input.waitMs / 1000)} s; no location was replaced and nothing was removed.`, 'Check that Backstage can read the root Location (backend.reading.allow, integrations), then sync again.');
    await new Promise(r => setTimeout(r, input.pollMs));
  }
  const started = Date.now();
  for (const location of plan.replace) if (location.id && !location.blocked) await api.deleteLocation(location.id);
  await inBatches(plan.adopt, 8, a => api.deleteEntity(a.actual.metadata.uid!));
  await inBatches([...new Set(readers as string[])], 8, ref => api.refresh(ref));
  log(`hand-over: ${plan.replace.filter(r => !r.blocked).length} location(s) unregistered, ${plan.adopt.length} entities released and their new readers refreshed in ${Date.now() - started} ms`);
  return undefined;
}

const NUDGE_MS = 15_000;
// Backstage's processing loop picks up a refreshed location within a second or two (~1.5–2 s measured).
const FIRST_ASK_MS = 5_000;
// validate-entity takes one entity a call: at most this many a round.
const MAX_VALIDATED = 50;

/** The url Backstage reads a repo file at (`repoUrl` + the repo path, as a Location target resolves it). */
function fileUrl(repoUrl: string, file: string): string {
  return backstageResolveUrl({ url: file, base: repoUrl });
}

async function waitForDesired(input: SyncInput, plan: SyncPlan, refreshed: string[], nudge: () => Promise<void>): Promise<{ verified: boolean; diagnostics: Diagnostic[] }> {
  const waiting = new Map([...plan.add, ...plan.update.map(u => u.desired)].map(e => [e.ref!, e]));
  // An adopted entity has landed only once this repo's file holds it, not while its old copy shows.
  const adopted = new Set(plan.adopt.map(a => a.desired.ref!));
  const deadline = Date.now() + input.waitMs;
  let nextNudge = Date.now() + NUDGE_MS;
  let nextAsk = Date.now() + FIRST_ASK_MS;
  const errors = new Map<string, string[]>();
  let readerErrors: string[] = [];
  while (waiting.size > 0) {
    const refs = [...waiting.keys()];
    const remote = await input.api.byRefs(refs);
    remote.forEach((entity, i) => {
      if (!entity) return;
      const desired = waiting.get(refs[i])!;
      const failures = processingErrors(entity);
      if (failures.length) errors.set(refs[i], failures);
      else if (canonicalEntity(desired.entity, false) === canonicalEntity(entity, true, desired.entity) && (adopted.has(refs[i]) ? [desired.file] : [undefined, desired.file]).includes(sourceFileOf(entity, input.repoUrl))) waiting.delete(refs[i]);
    });
    if (waiting.size === 0) break;
    // A new entity that fails processing is never stored: no status.items, and its error only in the
    // unprocessed-entities module, which many backends lack. Asked once processing had time to run, then
    // at each nudge: every entity still waiting has an error, so waiting longer changes nothing.
    if (Date.now() >= nextAsk) {
      nextAsk = Date.now() + NUDGE_MS;
      const absent = refs.filter((ref, i) => !remote[i] && !errors.has(ref));
      // Not a Location: validating one reads its targets and judges the children by catalog rules against
      // the origin given (its own file here, the registered root in real processing): a false refusal.
      for (const ref of absent.filter(r => !errors.has(r) && !r.startsWith('location:')).slice(0, MAX_VALIDATED)) {
        const desired = waiting.get(ref)!;
        const messages = await input.api.validateEntity(desired.raw, `url:${fileUrl(input.repoUrl, desired.file)}`).catch(() => undefined);
        if (messages?.length) errors.set(ref, messages);
      }
      // The module, where the backend has it, also knows a Location's errors.
      if (absent.some(ref => !errors.has(ref))) for (const [ref, messages] of await input.api.unprocessedErrors()) if (waiting.has(ref) && !errors.has(ref)) errors.set(ref, messages);
      if ([...waiting.keys()].every(ref => errors.has(ref))) break;
    }
    if (Date.now() > deadline) {
      for (const [ref, messages] of await input.api.unprocessedErrors()) if (waiting.has(ref)) errors.set(ref, messages);
      // An entity that never arrives is most often one whose Location could not be read.
      const readers = await input.api.byRefs(refreshed);
      readerErrors = readers.flatMap((reader, i) => (reader ? processingErrors(reader).map(m => `${refreshed[i]}: ${m}`) : []));
      break;
    }
    input.log(`waiting for ${waiting.size} entit${waiting.size === 1 ? 'y' : 'ies'}`);
    if (Date.now() > nextNudge) {
      await nudge();
      nextNudge = Date.now() + NUDGE_MS;
    }
    await new Promise(r => setTimeout(r, input.pollMs));
  }
  const diagnostics = [...waiting.values()].map(entity =>
    diagnosticAt(entity, ['metadata', 'name'], {
      ruleId: errors.has(entity.ref!) ? 'sync-processing-error' : 'sync-not-landed',
      severity: 'error',
      message: errors.has(entity.ref!)
        ? `Backstage could not process ${entity.ref}: ${errors.get(entity.ref!)!.join('; ')}`
        : `${entity.ref} did not reach Backstage with the repo's content within ${Math.round(input.waitMs / 1000)} s.${readerErrors.length ? ` Backstage reports: ${readerErrors.join('; ')}` : ''}`,
      hint: errors.has(entity.ref!) ? 'Fix the entity; Backstage keeps the last good version live meanwhile.' : 'Run sync again; it resumes. If it persists, check the catalog backend logs.',
    }),
  );
  return { verified: diagnostics.length === 0, diagnostics };
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/** The finding for an entity another location holds: on the entity's own name, naming the holder. */
function heldElsewhere({ desired, holder, owner }: { desired: CatalogEntity; holder: string; owner?: string }): Diagnostic {
  if (owner !== undefined) {
    return diagnosticAt(desired, ['metadata', 'name'], {
      ruleId: 'sync-entity-held-elsewhere',
      severity: 'error',
      message: `${desired.ref} is in Backstage from the location ${holder}, listed for adoption, owned there by ${owner}; this repo's copy names another owner, so sync did not take it (nothing of that location was changed).`,
      hint: 'Adopt the entity with the owner it has (as import writes it), then change its owner in a pull request of its own; or rename this one.',
    });
  }
  return diagnosticAt(desired, ['metadata', 'name'], {
    ruleId: 'sync-entity-held-elsewhere',
    severity: 'error',
    message: `${desired.ref} is already in Backstage from the location ${holder}, which this repo does not own or cannot take over; sync left it there and did not add this copy (nothing of that location was changed).`,
    hint: 'Rename the entity, or have the team that owns that location hand it over: the platform team lists the location under catalog.adoptFrom in gitops.config.yaml (or runs sync --adopt-from), and sync then replaces it.',
  });
}

function refusal(message: string, hint = 'Fix the repo and run sync again.'): Diagnostic {
  return { ruleId: 'sync-refused', severity: 'error', message, hint, file: 'gitops.config.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
}
