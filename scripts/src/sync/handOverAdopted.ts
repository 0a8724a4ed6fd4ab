import type { Diagnostic } from '../diagnostic.ts';
import { inBatches } from './inBatches.ts';
import { locationToRefresh } from './locationToRefresh.ts';
import { refOfRemote, type SyncPlan } from './planSync.ts';
import { refusal } from './syncFindings.ts';
import type { SyncInput } from './syncInput.ts';

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
export async function handOverAdopted(input: SyncInput, plan: SyncPlan, origins: string[]): Promise<Diagnostic | undefined> {
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
