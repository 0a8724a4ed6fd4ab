// The lines before a document's `---`: blank lines, comments and directives (a BOM first). Each repetition
// ends at a line break, so the pattern cannot backtrack over the same text twice.
const DOCUMENT_PREFIX = /^\uFEFF?(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)|%[^\r\n]*(?:\r\n|\r|\n))*/;

/**
 * A workflow's text as GitHub reads it. A `%YAML 1.1` directive makes the `yaml` package (and so
 * @actions/workflow-parser and the checks here) read `on`, `yes`, `off` … as booleans; a boolean mapping key
 * then reaches the parser's string handling and it fails ("raw.indexOf is not a function"), and `on:` is no
 * longer the triggers key. GitHub's own reader types scalars by YAML 1.2's core schema whatever the directive:
 * `on` is the triggers key. The directive is read as `%YAML 1.2` here, same length, so every offset, line and
 * column stays the file's own. Pure.
 */
export function githubYamlText(text: string): string {
  const prefix = DOCUMENT_PREFIX.exec(text)?.[0] ?? '';
  if (!prefix.includes('%')) return text;
  return prefix.replace(/^(%YAML[ \t]+1\.)1(?=[ \t#\r\n]|$)/gm, '$12') + text.slice(prefix.length);
}
