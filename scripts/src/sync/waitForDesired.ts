import { diagnosticAt } from '../catalog/catalogEntity.ts';
import { integrationResolveUrl } from '../catalog/locationTargets.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { canonicalEntity, processingErrors } from './compareEntities.ts';
import { sourceFileOf, type SyncPlan } from './planSync.ts';
import type { SyncInput } from './syncInput.ts';

const NUDGE_MS = 15_000;
// Backstage's processing loop picks up a refreshed location within a second or two (~1.5–2 s measured).
const FIRST_ASK_MS = 5_000;
// validate-entity takes one entity a call: at most this many a round.
const MAX_VALIDATED = 50;
// A stored error is Backstage's verdict once the first nudge's refresh had FIRST_ASK_MS to run.
const SETTLED_MS = NUDGE_MS + FIRST_ASK_MS;

/**
 * The url Backstage reads a repo file at: the repo path resolved against `repoUrl` by the host's integration,
 * as a Location target beside it resolves (an Azure Repos repoUrl names files in its `path` parameter, which
 * plain URL resolution drops: `…/_git/repo?path=/` gave `…/_git/catalog/x.yaml`).
 */
function fileUrl(repoUrl: string, file: string): string {
  return integrationResolveUrl({ url: file, base: repoUrl });
}

/**
 * Waits until every entity `plan` adds or changes is in Backstage with the repo's content and from its file,
 * nudging (`nudge`: the refreshes again) every NUDGE_MS, asking validate-entity (then the unprocessed module)
 * about entities still absent, and stopping early once each waiting entity has Backstage's verdict: an error
 * validate-entity gives on the repo's content at once; an error Backstage stored (on the entity, or in the
 * unprocessed module) only from SETTLED_MS on. A stored error stays until Backstage processes the entity
 * again, and Backstage may process the old content once more before the Location above emits the new one (a
 * target the repo removed, read again): early on, neither says anything about the repo's content. Returns
 * whether all landed, and a finding on each entity that did not (its latest error, or not landed in time).
 */
export async function waitForDesired(input: SyncInput, plan: SyncPlan, refreshed: string[], nudge: () => Promise<void>): Promise<{ verified: boolean; diagnostics: Diagnostic[] }> {
  const waiting = new Map([...plan.add, ...plan.update.map(u => u.desired)].map(e => [e.ref!, e]));
  // An adopted entity has landed only once this repo's file holds it, not while its old copy shows.
  const adopted = new Set(plan.adopt.map(a => a.desired.ref!));
  const settled = Date.now() + SETTLED_MS;
  const deadline = Date.now() + input.waitMs;
  let nextNudge = Date.now() + NUDGE_MS;
  let nextAsk = Date.now() + FIRST_ASK_MS;
  // The latest errors known for each waiting entity, and which of them validate-entity gave on the repo's content.
  const errors = new Map<string, string[]>();
  const judged = new Set<string>();
  let readerErrors: string[] = [];
  while (waiting.size > 0) {
    const refs = [...waiting.keys()];
    const remote = await input.api.byRefs(refs);
    remote.forEach((entity, i) => {
      if (!entity) return;
      const desired = waiting.get(refs[i])!;
      const failures = processingErrors(entity);
      errors.delete(refs[i]);
      judged.delete(refs[i]);
      if (failures.length) errors.set(refs[i], failures);
      else if (canonicalEntity(desired.entity, false) === canonicalEntity(entity, true, desired.entity) && (adopted.has(refs[i]) ? [desired.file] : [undefined, desired.file]).includes(sourceFileOf(entity, input.repoUrl))) waiting.delete(refs[i]);
    });
    if (waiting.size === 0) break;
    // A new entity that fails processing is never stored: no status.items, and its error only in the
    // unprocessed-entities module, which many backends lack. Asked once processing had time to run, then
    // at each nudge.
    if (Date.now() >= nextAsk) {
      nextAsk = Date.now() + NUDGE_MS;
      // Asked again each round but for validate-entity's verdicts: the module's rows change as Backstage processes.
      const absent = refs.filter((ref, i) => !remote[i] && !judged.has(ref));
      for (const ref of absent) errors.delete(ref);
      // Not a Location: validating one reads its targets and judges the children by catalog rules against
      // the origin given (its own file here, the registered root in real processing): a false refusal.
      for (const ref of absent.filter(r => !r.startsWith('location:')).slice(0, MAX_VALIDATED)) {
        const desired = waiting.get(ref)!;
        const messages = await input.api.validateEntity(desired.raw, `url:${fileUrl(input.repoUrl, desired.file)}`).catch(() => undefined);
        if (messages?.length) {
          errors.set(ref, messages);
          judged.add(ref);
        }
      }
      // The module, where the backend has it, also knows a Location's errors.
      if (absent.some(ref => !errors.has(ref))) for (const [ref, messages] of await input.api.unprocessedErrors()) if (waiting.has(ref) && !errors.has(ref)) errors.set(ref, messages);
    }
    // Every entity still waiting has Backstage's verdict: waiting longer changes nothing.
    const verdicts = Date.now() >= settled;
    if ([...waiting.keys()].every(ref => errors.has(ref) && (verdicts || judged.has(ref)))) break;
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
