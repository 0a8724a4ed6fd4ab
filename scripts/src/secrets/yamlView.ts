import { yamlPackage } from '../load/lazyPackages.ts';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

/** Double-quoted scalars with an escape one file may hold before its YAML view is given up (a bound on the work). */
export const MAX_ESCAPED_SCALARS = 100_000;

/**
 * The decoded values of the double-quoted scalars of YAML `text` that hold a backslash (an escape, a line
 * continuation: `"ghp_a\` then `  B3…"` is one word), each mapped to the scalar's whole source. Plain and
 * single-quoted scalars fold a line break to a space, so they cannot join a token and are left out. Read
 * from yaml's concrete syntax tree, as its parser streams it (every document, a broken one too: whatever a
 * lenient reader makes of it). Undefined for a text the parser gives up on (too deep) or with more than
 * MAX_ESCAPED_SCALARS such scalars; the string-escapes view still reads it.
 */
export function yamlView(text: string): DecodedView | undefined {
  if (!text.includes('\\')) return undefined;
  const { CST, Parser } = yamlPackage();
  const builder = new ViewBuilder(text);
  let scalars = 0;
  try {
    for (const token of new Parser().parse(text)) {
      if (token.type !== 'document') continue;
      CST.visit(token, item => {
        for (const node of [item.key, item.value]) {
          if (node?.type !== 'double-quoted-scalar' || !node.source.includes('\\')) continue;
          if (++scalars > MAX_ESCAPED_SCALARS) return CST.visit.BREAK;
          const { value } = CST.resolveAsScalar(node, true, () => undefined);
          builder.put(`${value}\n`, node.offset, node.offset + node.source.length);
        }
        return undefined;
      });
      if (scalars > MAX_ESCAPED_SCALARS) return undefined;
    }
  } catch {
    // The parser ran out of stack (a document nested too deep): the YAML gate says so; the raw scan still runs.
    return undefined;
  }
  return builder.view('spelled with YAML escapes', 'Backstage (as every YAML reader) reads the double-quoted value decoded: the credential whole.');
}

// MkDocs' own test for a page's YAML front matter (mkdocs.utils.meta): `---` on the first line, up to a line of `---` or `...`.
const FRONT_MATTER_START = /^---[ \t]*\r?\n/;
const FRONT_MATTER_END = /\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/g;

/** The YAML view of the front matter of Markdown page `text` (MkDocs reads it as YAML: a title shows in the page's <title> and the nav). */
export function frontMatterView(text: string): DecodedView | undefined {
  const start = FRONT_MATTER_START.exec(text);
  if (!start) return undefined;
  FRONT_MATTER_END.lastIndex = start[0].length - 1;
  const end = FRONT_MATTER_END.exec(text);
  // Offsets in the front matter are those of the page: it is the page's start.
  return end ? yamlView(text.slice(0, end.index + end[0].length)) : undefined;
}
