// Texts on which js-yaml (the fast path for plain files) and `yaml` (Backstage's parser) were seen to
// disagree, beyond the anchors, tags, directives and merge keys parseYaml already leaves to `yaml`
// (scripts/test/config/plainConfigValue.test.ts holds both to the same values on each): a flow collection
// where a key may start (js-yaml names `[a, b]: c` `a,b`, `yaml` `[ a, b ]`): first on a line, or right
// after `{`, `[`, `,` or `?`; an explicit `?` key; a line break that is a lone CR (`yaml` refuses what
// js-yaml reads as lines); and an implicit key over 1,024 characters (`yaml` refuses it), so any line that
// long. Each alternative starts at a fixed character and reads ahead without backtracking, so a hostile
// text costs one pass. A `{` inside a plain key (`/items/{id}:`) is not a key's start.
const DISAGREEMENT = /^[ \t]*(?:---[ \t]+)?(?:-[ \t]+)*[[{]|[[{,?][ \t]*[[{]|^[ \t-]*\?(?:[ \t]|$)|\r(?!\n)/m;

/** Whether js-yaml might read `text` otherwise than `yaml` does (see above): such a text takes `yaml`. */
export function jsYamlMayDisagree(text: string): boolean {
  const mayMatch = text.includes('[') || text.includes('{') || text.includes('?') || text.includes('\r');
  return (mayMatch && DISAGREEMENT.test(text)) || hasLongLine(text);
}

/** Whether a line of `text` is over 1,024 characters: one pass, not a pattern that rescans each long line. */
function hasLongLine(text: string): boolean {
  if (text.length <= 1024) return false;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    if ((end < 0 ? text.length : end) - start > 1024) return true;
    if (end < 0) break;
    start = end + 1;
  }
  return false;
}
