import { severityRank, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';

// Stands for a finding's own entity in its message while grouping: no message holds a NUL.
const ENTITY = '\u0000entity\u0000';

/**
 * The message with the finding's own entity ref taken out: a scorecard check failing on 2,000 imported
 * entities said "fails for component:default/legacy-0" once per entity, 2,000 groups of one with the same
 * hint. Grouped, the message says "each of N entities" (groupMessage).
 */
export const entityFree = (d: Diagnostic): string => (d.entityRef && d.message.includes(d.entityRef) ? d.message.split(d.entityRef).join(ENTITY) : d.message);

// The hint with the finding's own entity taken out, as entityFree does for the message.
const hintFree = (d: Diagnostic): string => (d.hint && d.entityRef && d.hint.includes(d.entityRef) ? d.hint.split(d.entityRef).join(ENTITY) : (d.hint ?? ''));

/**
 * What makes findings one group: severity, rule, message and hint (its own entity aside, unless `exact`) and
 * whether the base has it. `exact` keeps findings that name their own entity apart: a log of sync's refusals
 * must say which entity Backstage refused, and only the report's table says "each of N entities". A group
 * shows its first finding's hint, so findings with other hints are other groups: a `$json` definition
 * grouped under a `$openapi` one was told to add the openapi resolver.
 */
export const groupKey = (d: Diagnostic, exact = false): string => `${d.severity}\u0000${d.ruleId}\u0000${exact ? d.message : entityFree(d)}\u0000${exact ? (d.hint ?? '') : hintFree(d)}\u0000${d.alreadyOnBase ? 1 : 0}`;

/**
 * Findings grouped by groupKey (`exact`: by the whole message), each group in file and line order, the groups in the order their first
 * finding comes (sortDiagnostics), or with `bySize` errors first and then the biggest. A catalog with 63
 * entities owned by 4 missing groups is 4 groups of findings: people read the 4, machines get the 63.
 */
export function groupFindings(list: readonly Diagnostic[], options: { bySize?: boolean; exact?: boolean } = {}): Diagnostic[][] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of sortDiagnostics(list)) {
    const key = groupKey(d, options.exact);
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(d);
  }
  const ordered = [...groups.values()];
  return options.bySize ? ordered.sort((a, b) => severityRank(b[0].severity) - severityRank(a[0].severity) || b.length - a.length) : ordered;
}

/** A group's message: its first finding's, its own entity written "each of N entities" when the group has several (not for `exact` groups). */
export function groupMessage(group: readonly Diagnostic[], exact = false): string {
  if (group.length < 2 || exact) return group[0].message;
  const each = `each of ${group.length} entities`;
  // "…recognized the entity <ref> as valid": the noun goes with the ref, or it reads "the entity each of 2 entities".
  return entityFree(group[0])
    .replace(/\b([Tt]he )?entity \u0000entity\u0000/g, (_, article: string | undefined) => (article?.startsWith('T') ? `Each of ${group.length} entities` : each))
    .split(ENTITY)
    .join(each);
}
