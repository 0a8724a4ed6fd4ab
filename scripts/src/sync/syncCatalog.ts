import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { RemoteEntity } from './catalogApi.ts';
import { handOverAdopted } from './handOverAdopted.ts';
import { formerRoots, repoFileOf } from './formerRoots.ts';
import { holderOf, ownerRefOf } from './holderOf.ts';
import { inBatches } from './inBatches.ts';
import { locationSpecToMetadataName, locationToRefresh } from './locationToRefresh.ts';
import { planAdoption } from './planAdoption.ts';
import { planSync, refOfRemote, sourceFileOf } from './planSync.ts';
import { removeReleased } from './removeReleased.ts';
import { heldElsewhere, refusal } from './syncFindings.ts';
import type { SyncInput, SyncResult } from './syncInput.ts';
import { waitForDesired } from './waitForDesired.ts';
import { boundedText, redactUrl } from '../report/safeText.ts';

export type { SyncInput, SyncResult } from './syncInput.ts';

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
  // Locations of this repo that are no longer roots (renamed, moved, split or dropped): their entities are
  // the repo's. Those it still defines move to the current roots (as adopted ones do), the rest are removed.
  const former = await formerRoots(api, input.repoUrl, origins, input.isRepoFile, log);
  const formerOrigins = new Set(former.origins);
  const wantedRefs = new Set(input.desired.map(e => e.ref).filter(Boolean));
  plan.remove.push(...former.entities.filter(e => !wantedRefs.has(refOfRemote(e))));
  const owned = actual.length + former.entities.length;
  // Entities refused because another location holds them: reported by every outcome, the rest syncs.
  const heldFindings: Diagnostic[] = [];
  const result = (extra: Partial<SyncResult>): SyncResult => ({ plan, applied: false, verified: false, seconds: (Date.now() - started) / 1000, ...extra, diagnostics: [...heldFindings, ...(extra.diagnostics ?? [])] });
  log(`plan: ${plan.add.length} to add, ${plan.update.length} to update, ${plan.remove.length} to remove, ${plan.unchanged} unchanged`);
  if (plan.conflicts.length) return result({ diagnostics: plan.conflicts.map(ref => refusal(`${ref} is defined more than once in the repo; sync refuses to choose one.`)) });
  if (input.desired.length === 0 && owned > 0) return result({ diagnostics: [refusal('The repo defines no entities; refusing to remove everything.')] });
  // A single removal never trips the guard, or small catalogs could not remove anything.
  const limit = Math.max(1, Math.floor(input.maxRemoveFraction * owned));
  if (plan.remove.length > limit && !input.allowMassRemove) {
    return result({ diagnostics: [refusal(`The plan removes ${plan.remove.length} of ${owned} entities this repo owns in Backstage (limit ${limit}). Nothing was changed.`, 'If that is intended, run again with --allow-mass-delete.')] });
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
    // This repo's former root holds it: the repo's own, whatever owner it had there.
    const formerOrigin = actual.metadata.annotations?.['backstage.io/managed-by-origin-location'];
    if (formerOrigin && formerOrigins.has(formerOrigin)) return void candidates.push({ desired, actual });
    const holder = holderOf(actual.metadata.annotations, origins, input.adoptFrom, { live: ownerRefOf(actual), repo: ownerRefOf(desired.entity) });
    if (holder.kind === 'adopt') candidates.push({ desired, actual });
    else if (holder.kind === 'held') plan.held.push({ desired, holder: holder.holder, owner: holder.owner });
  });
  if (candidates.length) {
    const oldOrigins = [...new Set(candidates.map(c => c.actual.metadata.annotations!['backstage.io/managed-by-origin-location']))];
    const fromOld = new Map(await Promise.all(oldOrigins.map(async o => [o, await api.entitiesFromOrigins([o])] as const)));
    // A refused entity is not the repo's to take: a location still holding one cannot be replaced.
    const refusedRefs = new Set(plan.held.map(h => h.desired.ref!));
    Object.assign(plan, planAdoption(candidates, fromOld, await api.locations(), new Set(input.desired.map(e => e.ref!).filter(r => r && !refusedRefs.has(r))), formerOrigins));
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
  // A former root whose entities all left the repo is unregistered too, or it would keep emitting them.
  for (const location of former.locations) {
    const origin = `${location.type}:${location.target}`;
    if (!plan.replace.some(r => r.origin === origin)) plan.replace.push({ origin, id: location.id, adopted: 0, former: true });
  }
  if (former.origins.length) {
    const moving = plan.adopt.filter(a => formerOrigins.has(a.origin)).length;
    log(`former roots: ${former.origins.length} location(s) of this repo that are no longer roots (${former.origins.slice(0, 5).map(o => boundedText(redactUrl(o))).join(', ')}${former.origins.length > 5 ? ', …' : ''}); ${moving} entit${moving === 1 ? 'y moves' : 'ies move'} to the current roots, ${former.entities.length - moving} to remove`);
  }
  if (plan.held.length) {
    const refused = new Set(plan.held.map(h => h.desired));
    plan.add = plan.add.filter(e => !refused.has(e));
    heldFindings.push(...plan.held.map(h => {
      const file = repoFileOf(h.holder, input.repoUrl);
      return heldElsewhere(h, file !== undefined && input.isCatalogFile(file) ? file : undefined);
    }));
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
  if (plan.adopt.length || plan.replace.some(r => r.former && r.id)) {
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
  // Each only once Backstage no longer reads it (removeReleased), or it comes back at the next read.
  const { removed, stillRead, diagnostics: stillReadFindings } = await removeReleased(input, plan.remove, refreshAll);
  const refusedRefs = new Set(plan.held.map(h => h.desired.ref));
  const kept = new Set(stillRead.map(e => e.metadata.uid));
  const after = planSync(input.desired.filter(e => !refusedRefs.has(e.ref)), (await api.entitiesFromOrigins(origins)).filter(e => !isGeneratedLocation(e) && !kept.has(e.metadata.uid)), origins, input.repoUrl);
  const leftOver = former.origins.length ? (await api.entitiesFromOrigins(former.origins)).filter(e => !isGeneratedLocation(e) && !kept.has(e.metadata.uid)).length : 0;
  const matches = after.add.length === 0 && after.update.length === 0 && after.remove.length === 0 && leftOver === 0;
  const verified = matches && stillRead.length === 0;
  const except = plan.held.length ? `, except the ${plan.held.length} refused entit${plan.held.length === 1 ? 'y' : 'ies'}` : '';
  log(`removed ${removed}${stillRead.length ? ` of ${plan.remove.length} (${stillRead.length} still read by Backstage, left in place)` : ''}; ${verified ? `verified: Backstage matches the repo${except}` : 'not verified'}`);
  return result({ applied: true, verified, diagnostics: [...stillReadFindings, ...(matches ? [] : [refusal(`After sync Backstage still differs: ${after.add.length} missing, ${after.update.length} different, ${after.remove.length + leftOver} not removed.`, 'Run sync again; it resumes where this run stopped.')])] });
}
