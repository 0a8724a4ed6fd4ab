import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import type { Check, Located, ScorecardData } from '../scorecards/model.ts';

const key = (value: unknown) => JSON.stringify(value ?? null);
const shown = (value: unknown) => JSON.stringify(value ?? null).slice(0, 120);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The path, below two values, of the first place where the head's differs from the base's, as deep as both go
 * (a key or item the head dropped: its parent), [] when they differ as a whole: a check's rule changed in one
 * condition deep inside was annotated at line 1 of the file; now it is at that condition.
 */
function firstDiffering(before: unknown, after: unknown): PathSegment[] {
  if (isMap(before) && isMap(after)) {
    const k = [...new Set([...Object.keys(after), ...Object.keys(before)])].find(k => key(before[k]) !== key(after[k]));
    return k === undefined || !(k in after) ? [] : [k, ...firstDiffering(before[k], after[k])];
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const i = after.findIndex((v, i) => key(v) !== key(before[i]));
    return i < 0 ? [] : [i, ...firstDiffering(before[i], after[i])];
  }
  return [];
}

/** Where in the head a finding points: the changed key of a located document, so the annotation sits on the changed line. */
interface At {
  located: Located<unknown>;
  path: PathSegment[];
}

type Found = { what: string; file: string; either?: true; at?: At };

/** A check the scorecard gate enforces on `today`: blocking, and past its enableOn (scorecardGate's own test). */
const enforced = (check: Check, today: string) => check.enforcement.mode === 'blocking' && (!check.enforcement.enableOn || check.enforcement.enableOn <= today);

/**
 * What a pull request's scorecards/ loosens of the scorecard gate compared with the base revision's, as
 * `config-weakened` findings: like gitops.config.yaml and the policy files, scorecards/ is read from the pull
 * request's own tree, so a check it turns from `blocking` to `warn` passes its own non-compliant entity while
 * the verdict says "ready to merge". Named (default-deny for what the gate enforces on `today`, an ISO date):
 * scorecards/config.yaml removed (the whole scorecard gate stops); a check the base enforces that the head
 * removes, no longer enforces (mode, a later enableOn) or whose filter, factIds or rule change; a fact
 * retriever such a check reads that changes or goes (a missing fact makes the check not applicable, never
 * failed); an initiative overdue in the base that the head removes, postpones or gives fewer checks, or whose
 * scorecard's filter changes. Exemptions are not named: one requested beside the entity it exempts is the
 * normal workflow, and their own lint (expiry, length, unknown refs) applies. `base`/`head`: loadScorecards of
 * each tree, undefined when it has no scorecards/config.yaml. `alone`: every changed file is scorecards/,
 * the generated Tech Insights config or a file configWeakened counts as config: a warning; otherwise an
 * error. At most 20 findings. Pure.
 */
export function scorecardsWeakened(base: ScorecardData | undefined, head: ScorecardData | undefined, today: string, alone: boolean): Diagnostic[] {
  if (!base?.config) return [];
  // `either`: a change the gate cannot call looser or stricter (another rule, filter, retriever or scorecard).
  const found: Found[] = [];
  if (!head?.config) {
    found.push({ what: 'scorecards/config.yaml is gone, so the scorecard gate no longer runs (blocking checks, overdue initiatives, the generated Tech Insights config)', file: 'scorecards/config.yaml' });
    return findings(found, alone);
  }
  const byId = <T extends { id: string }>(list: Located<T>[]) => new Map(list.map(l => [l.value.id, l] as const));
  const [headChecks, baseRetrievers, headRetrievers] = [byId(head.checks), byId(base.retrievers), byId(head.retrievers)];
  const retrieversSaid = new Set<string>();
  for (const { value: before, source } of base.checks.filter(c => enforced(c.value, today))) {
    const located = headChecks.get(before.id);
    const after = located?.value;
    const file = located?.source.file ?? source.file;
    if (!after) found.push({ what: `blocking check ${shown(before.id)} is removed`, file });
    else if (!enforced(after, today)) found.push({ what: `check ${shown(before.id)} is no longer blocking (enforcement ${shown(after.enforcement)}, was ${shown(before.enforcement)})`, file, at: { located: located!, path: ['enforcement', ...firstDiffering(before.enforcement, after.enforcement)] } });
    else {
      const changed = (['filter', 'factIds', 'rule'] as const).filter(k => key(before[k]) !== key(after[k]));
      if (changed.length) found.push({ what: `blocking check ${shown(before.id)} changes its ${changed.join(', ')}`, file, either: true, at: { located: located!, path: [changed[0], ...firstDiffering(before[changed[0]], after[changed[0]])] } });
    }
    for (const id of before.factIds) {
      if (retrieversSaid.has(id)) continue;
      const [was, is] = [baseRetrievers.get(id), headRetrievers.get(id)];
      if (!was || key(was.value) === key(is?.value)) continue;
      retrieversSaid.add(id);
      found.push({ what: is ? `fact retriever ${shown(id)}, which blocking check ${shown(before.id)} reads, changes` : `fact retriever ${shown(id)}, which blocking check ${shown(before.id)} reads, is removed`, file: is?.source.file ?? was.source.file, ...(is ? { either: true as const, at: { located: is, path: firstDiffering(was.value, is.value) } } : {}) });
    }
  }
  const [headInitiatives, baseScorecards, headScorecards] = [byId(head.initiatives), byId(base.scorecards), byId(head.scorecards)];
  for (const { value: before, source } of base.initiatives.filter(i => i.value.dueDate < today)) {
    const located = headInitiatives.get(before.id);
    const after = located?.value;
    const file = located?.source.file ?? source.file;
    if (!after) found.push({ what: `initiative ${shown(before.id)}, overdue since ${before.dueDate}, is removed`, file });
    else if (after.dueDate >= today) found.push({ what: `initiative ${shown(before.id)}, overdue since ${before.dueDate}, is postponed to ${shown(after.dueDate)}`, file, at: { located: located!, path: ['dueDate'] } });
    else {
      const lost = before.checks.filter(c => !after.checks.includes(c));
      if (lost.length) found.push({ what: `overdue initiative ${shown(before.id)} no longer lists ${shown(lost)}`, file, at: { located: located!, path: ['checks', ...firstDiffering(before.checks, after.checks)] } });
      const was = before.scorecard === undefined ? undefined : baseScorecards.get(before.scorecard);
      const is = after.scorecard === undefined ? undefined : headScorecards.get(after.scorecard);
      if (before.scorecard !== after.scorecard || key(was?.value.filter) !== key(is?.value.filter)) found.push({ what: `overdue initiative ${shown(before.id)} is judged on another scorecard or filter`, file: is?.source.file ?? file, either: true, at: before.scorecard !== after.scorecard ? { located: located!, path: ['scorecard'] } : is ? { located: is, path: ['filter', ...firstDiffering(was?.value.filter, is.value.filter)] } : undefined });
    }
  }
  return findings(found, alone);
}

function findings(found: Found[], alone: boolean): Diagnostic[] {
  // A changed rule may as well be stricter (a check that now also asks for a title drops every team's level):
  // "the looser scorecards" and "approve only a change meant to relax" misread such a change to its reviewer.
  return found.slice(0, 20).map(({ what, file, either, at }) => ({
    ruleId: 'config-weakened',
    severity: alone ? ('warning' as const) : ('error' as const),
    message: alone
      ? either
        ? `Compared with the base revision, ${what}, which may loosen or tighten what it enforces: the gate cannot tell which. This pull request changes nothing but scorecards and config, so nothing in it is judged under the changed scorecards; once merged, every later pull request is.`
        : `Compared with the base revision, ${what}. This pull request changes nothing but scorecards and config, so nothing in it is judged under the looser scorecards; once merged, every later pull request is.`
      : `Compared with the base revision, ${what}. This pull request also changes other files, and the gate would judge them by the scorecards as it writes them, which nobody has approved yet.`,
    hint: alone
      ? either
        ? 'The platform team reviews scorecards/ (CODEOWNERS): the report\'s Scorecards section shows whose levels move, and approve only what is meant.'
        : 'The platform team reviews scorecards/ (CODEOWNERS): approve only a change meant to relax what the scorecards enforce.'
      : 'Relax a scorecard in a pull request of its own (the platform team approves it there), or ask for an exemption for the entity (scorecards/exemptions/).',
    file,
    // A removed check or file has no line in the head: its start.
    range: at ? at.located.source.locate(at.located.document, at.path, { key: typeof at.path[at.path.length - 1] === 'string' }) : FILE_START,
  }));
}
