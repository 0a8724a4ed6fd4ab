import type { Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { pathOf, type PathNode } from './pathNode.ts';

// The characters that make an entity's text read otherwise than it is, with no honest use in catalog text:
// - the bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069): "Trojan Source" (CVE-2021-42574). A
//   description holding an RLO shows the rest of its line reversed in Backstage's catalog pages and search
//   results. The marks LRM, RLM and ALM are left alone: right-to-left text needs them and they reorder nothing
//   that reads as something else;
// - the Unicode tag characters (U+E0000–E007F), which spell ASCII that no page shows: text hidden in a title or
//   description for whoever copies it, or for a tool (a search index, an assistant) that reads it. Kept: a flag
//   emoji's tag sequence (🏴 U+1F3F4, tags, U+E007F CANCEL TAG), which draws as one flag.
// The search is linear: one class, no quantifier that can retry.
const HIDING = /[\u202a-\u202e\u2066-\u2069]|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}|[\u{E0000}-\u{E007F}]/gu;
const MAY_HIDE = /[\u202a-\u202e\u2066-\u2069\u{E0000}-\u{E007F}]/u;
const MAX_FINDINGS = 20;

const NAMES: Record<number, string> = {
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
};

/** The first hiding character of `text` as `U+202E (RIGHT-TO-LEFT OVERRIDE)`, or undefined when it holds none (a flag's tags are none). */
function firstHiding(text: string): string | undefined {
  if (!MAY_HIDE.test(text)) return undefined;
  HIDING.lastIndex = 0;
  for (let m = HIDING.exec(text); m; m = HIDING.exec(text)) {
    if (m[0].length > 2) continue; // a flag emoji's whole tag sequence
    const code = m[0].codePointAt(0)!;
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')} (${NAMES[code] ?? 'a TAG character, invisible'})`;
  }
  return undefined;
}

/**
 * Warnings for the keys and strings of an entity (as Backstage stores it, placeholders filled in) that hold a
 * character making them read otherwise than they are (HIDING): Backstage shows titles, descriptions, tags and
 * link titles as written, so a reviewer who approves the text in the diff (where most tools show these
 * characters as nothing too) approves something else. At most 20 per entity, in document order; never throws.
 */
export function hiddenTextFindings(record: CatalogEntity): Diagnostic[] {
  const found: Diagnostic[] = [];
  // Paths are linked (a node per key) and spelled out only for a finding: most entities have none. A stack,
  // not recursion, whatever the nesting; children pushed in reverse so findings come in document order.
  const stack: { value: unknown; at?: PathNode }[] = [{ value: record.entity }];
  while (stack.length > 0 && found.length < MAX_FINDINGS) {
    const { value, at } = stack.pop()!;
    if (typeof value === 'string') {
      const what = firstHiding(value);
      if (what) found.push(finding(record, pathOf(at), what, false));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]], at: { key: Array.isArray(value) ? i : keys[i], up: at } });
    // A key is judged before its value (its own place, the key itself).
    if (!Array.isArray(value)) {
      const keyed = keys.map(key => ({ key, what: firstHiding(key) })).filter(k => k.what);
      // Keys' findings go in key order, before any of their values' (values are found as the stack pops).
      for (const { key, what } of keyed) if (found.length < MAX_FINDINGS) found.push(finding(record, pathOf({ key, up: at }), what!, true));
    }
  }
  return found;
}

function finding(record: CatalogEntity, path: PathSegment[], what: string, key: boolean): Diagnostic {
  return diagnosticAt(record, path, {
    ruleId: 'entity-text-hidden',
    severity: 'warning',
    message: `This ${key ? 'key' : 'value'} holds ${what}, which Backstage shows as nothing while it changes how the text reads: a bidirectional override or isolate shows what follows reordered ("Trojan Source"), a tag character spells text no page shows. What a reviewer reads in the diff is not what the catalog holds.`,
    hint: 'Remove the character (an editor that shows invisible characters, or `grep -nP "[\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}\\x{E0000}-\\x{E007F}]"`, finds it). Right-to-left text needs no override: the marks U+200E/U+200F are kept.',
  }, { key });
}
