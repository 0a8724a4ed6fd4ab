// Texts on which js-yaml (the fast path for plain files) and `yaml` (Backstage's parser) were seen to
// disagree, beyond the anchors, tags, directives and merge keys parseYaml already leaves to `yaml`
// (scripts/test/config/plainConfigValue.test.ts holds both to the same values on each): a flow collection
// as a key (js-yaml names `[a, b]: c` `a,b`, `yaml` `[ a, b ]`), an explicit `?` key, a line break that is
// a lone CR (`yaml` refuses what js-yaml reads as lines), and an implicit key over 1,024 characters (`yaml`
// refuses it), so any line that long. Each pattern starts at a fixed character and reads ahead without
// backtracking, so a hostile text costs one pass.
//
// A collection key needs both a `]` or `}` followed by `:` and an opening bracket where a key may start:
// first on a line (after `-` or `---`), or right after `[`, `{`, `,` or `?`. Neither alone is enough: an
// OpenAPI path `/items/{id}:` or a template's `${{ parameters.name }}` is no key's start.
const CLOSER_COLON = /[\]}][ \t]*:/;
const KEY_OPENER = /^[ \t]*(?:---[ \t]+)?(?:-[ \t]+)*[[{]|(?<!\$)[[{,?][ \t]*[[{]/m;
const EXPLICIT_KEY_OR_CR = /^[ \t-]*\?(?:[ \t]|$)|\r(?!\n)/m;

/** Whether js-yaml might read `text` otherwise than `yaml` does (see above): such a text takes `yaml`. */
export function jsYamlMayDisagree(text: string): boolean {
  if (hasLongLine(text)) return true;
  if ((text.includes('?') || text.includes('\r')) && EXPLICIT_KEY_OR_CR.test(text)) return true;
  return (text.includes(']') || text.includes('}')) && CLOSER_COLON.test(text) && KEY_OPENER.test(text);
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
