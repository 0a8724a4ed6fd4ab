import type { Diagnostic } from '../diagnostic.ts';
import { boundedText } from '../report/safeText.ts';

// The messages checkExpressions, analyzeSkeleton and unresolvedCall give a filter or global the renderer lacks,
// and checkStepInputs an action no installed module provides (unknownActionMessage).
const NAMED: readonly { kind: string; rule: RegExp; name: RegExp }[] = [
  { kind: 'filter', rule: /-unknown-filter$/, name: /^Unknown template filter "([^"]+)"/ },
  { kind: 'function', rule: /-unknown-function$/, name: /^(\S+)\(\) is no function the scaffolder's renderer knows/ },
  { kind: 'action', rule: /^template-action-unknown$/, name: /^No installed scaffolder module provides the action (.+?): the managed Backstage/ },
];

/**
 * One finding per filter or global function the scaffolder's renderer lacks, in template.yaml and the
 * skeletons alike, and per action id no installed module provides: a Backstage that adds its own (a
 * scaffolder module) has templates use it everywhere, and the one cause, the name or module not declared in
 * gitops.config.yaml, would otherwise be said at every use (DEFRA's adp-software-templates: 38 steps, 9
 * actions). The first use (in the order given) is kept, its message counting the other uses and naming their
 * files (an action's steps by line too: a misspelt id is fixed at each), and its `group` the kind and name;
 * any other finding passes unchanged, in order.
 */
export function unknownNamesOnce(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const groups = new Map<string, { at: number; others: Diagnostic[] }>();
  const kept: Diagnostic[] = [];
  for (const d of diagnostics) {
    const named = NAMED.find(n => n.rule.test(d.ruleId));
    const name = named && named.name.exec(d.message)?.[1];
    const key = name && `${named.kind}\0${name}`;
    const group = key ? groups.get(key) : undefined;
    if (group) group.others.push(d);
    else {
      if (key) groups.set(key, { at: kept.length, others: [] });
      // Its identity across revisions is the name (Diagnostic.group): a template that sorts earlier takes the first use.
      kept.push(key ? { ...d, group: `unknown ${named.kind} ${name}` } : d);
    }
  }
  for (const [key, { at, others }] of groups) {
    if (!others.length) continue;
    const uses = key.startsWith('action\0') ? otherSteps(kept[at], others) : otherUses(kept[at], others);
    kept[at] = { ...kept[at], message: `${kept[at].message} ${uses}` };
  }
  return kept;
}

/** "Also used 83 more time(s), not reported again: 49 in a.yaml, …", with at most three files named. */
function otherUses(first: Diagnostic, others: readonly Diagnostic[]): string {
  const byFile = new Map<string, number>();
  for (const d of others) byFile.set(d.file, (byFile.get(d.file) ?? 0) + 1);
  const files = [...byFile].map(([file, count]) => `${count} in ${file === first.file ? 'this file' : boundedText(file, 120)}`);
  const shown = files.length > 3 ? [...files.slice(0, 3), `${files.length - 3} more file(s)`] : files;
  return `Also used ${others.length} more time(s), not reported again: ${shown.join(', ')}.`;
}

/** "Also used by 4 more step(s), not reported again: line 22 of this file, b/template.yaml:21, …", at most five named. */
function otherSteps(first: Diagnostic, others: readonly Diagnostic[]): string {
  const places = others.map(d => (d.file === first.file ? `line ${d.range.start.line} of this file` : `${boundedText(d.file, 120)}:${d.range.start.line}`));
  const shown = places.length > 5 ? [...places.slice(0, 5), `${places.length - 5} more`] : places;
  return `Also used by ${others.length} more step(s), not reported again: ${shown.join(', ')}.`;
}
