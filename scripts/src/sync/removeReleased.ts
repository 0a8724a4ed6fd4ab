import type { Diagnostic } from '../diagnostic.ts';
import { boundedText, redactUrl } from '../report/safeText.ts';
import type { RemoteEntity } from './catalogApi.ts';
import { inBatches } from './inBatches.ts';
import { refOfRemote } from './planSync.ts';
import type { SyncInput } from './syncInput.ts';

const NUDGE_MS = 15_000;
// The refresh sync sent before waiting can be lost (one landing while Backstage processes the reader): the first nudge comes sooner.
const FIRST_NUDGE_MS = 4_000;
// Backstage marks an orphan only when it next stitches it, which its parent dropping it does not trigger (its
// own next processing, minutes away in a busy catalog, or orphan clean-up). Asking to refresh the entity
// says at once: Backstage refreshes an entity through its parents, and answers 404 when none emits it.
const SELF_REFRESH_MS = 2_000;

/**
 * Removes the entities that left the repo, each only once Backstage has let go of it: it is gone, or an
 * orphan (`backstage.io/orphan: 'true'`: no Location emits it any more, since its reader, refreshed by sync,
 * read the repo's new files). Deleting an entity a Location still emits lasts only until Backstage reads
 * that Location again (seconds to minutes): a sync of an older checkout than the branch Backstage reads (a
 * re-run of an earlier merge's job after a newer merge synced) deleted a newer merge's entities and said
 * "verified: Backstage matches the repo", and they came back a moment later. Released: gone, marked an
 * orphan, or no Location emits it (Backstage's refresh of it answers 404; that refresh also has its
 * Locations re-read). Deleted in rounds (a removed Location's children lose their parent once it is
 * deleted), re-refreshing the readers (`nudge`) every NUDGE_MS, until every entity is removed or the wait
 * ends. Returns how many were removed and a finding on
 * each one Backstage still reads (left in place).
 */
export async function removeReleased(input: SyncInput, remove: readonly RemoteEntity[], nudge: () => Promise<void>): Promise<{ removed: number; stillRead: RemoteEntity[]; diagnostics: Diagnostic[] }> {
  const { api } = input;
  let waiting = [...remove];
  let removed = 0;
  const deadline = Date.now() + input.waitMs;
  let nextNudge = Date.now() + FIRST_NUDGE_MS;
  let announced = false;
  let nextSelfRefresh = 0;
  while (waiting.length) {
    const live = await api.byRefs(waiting.map(refOfRemote));
    // The same entity (its uid): one Backstage re-created meanwhile is another entity, judged afresh next run.
    const released = waiting.filter((entity, i) => !live[i] || live[i]!.metadata.uid !== entity.metadata.uid || live[i]!.metadata.annotations?.['backstage.io/orphan'] === 'true');
    if (Date.now() >= nextSelfRefresh) {
      nextSelfRefresh = Date.now() + SELF_REFRESH_MS;
      const unsure = waiting.filter(e => !released.includes(e));
      await inBatches(unsure, 8, async e => {
        if (!(await api.refreshThroughParents(refOfRemote(e)))) released.push(e);
      });
    }
    await inBatches(released, 8, entity => api.deleteEntity(entity.metadata.uid!));
    removed += released.length;
    const done = new Set(released);
    waiting = waiting.filter(e => !done.has(e));
    if (!waiting.length || Date.now() > deadline) break;
    if (!announced) input.log(`waiting for Backstage to let go of ${waiting.length} entit${waiting.length === 1 ? 'y' : 'ies'} before removing ${waiting.length === 1 ? 'it' : 'them'}`);
    announced = true;
    if (Date.now() > nextNudge) {
      await nudge();
      nextNudge = Date.now() + NUDGE_MS;
    }
    // Removing an entity whose Location was removed this round releases its children: ask again at once.
    if (!released.length) await new Promise(r => setTimeout(r, input.pollMs));
  }
  const diagnostics = waiting.map((entity): Diagnostic => {
    const from = boundedText(redactUrl(entity.metadata.annotations?.['backstage.io/managed-by-location'] ?? 'an unknown location'));
    return {
      ruleId: 'sync-removal-still-read',
      entityRef: refOfRemote(entity),
      severity: 'error',
      message: `${refOfRemote(entity)} left this repo's checkout, but after ${Math.round(input.waitMs / 1000)} s Backstage still reads it from ${from}, so it was not removed (a removal would last only until Backstage reads that file again). Backstage reads the files at repoUrl: when they still define it, this checkout is not what Backstage reads, most often a re-run of an earlier merge after a newer one synced.`,
      hint: 'Sync from the newest commit of the branch Backstage reads (re-run the latest merge\'s run, not an older one). If this checkout is the newest, check that no other Location still lists that file.',
      file: 'gitops.config.yaml',
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    };
  });
  return { removed, stillRead: waiting, diagnostics };
}
