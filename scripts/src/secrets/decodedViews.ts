import { posix } from 'node:path';
import { base64View, cssEscapesView, percentView } from './encodedViews.ts';
import { escapesView } from './escapesView.ts';
import { htmlTextView, referencesView } from './htmlViews.ts';
import { markdownViews } from './markdownViews.ts';
import { NOTEBOOK_SPELLING, notebookView } from './notebookView.ts';
import { TEMPLATE_SPELLING, templateView } from './templateView.ts';
import type { DecodedView } from './viewBuilder.ts';
import { frontMatterView, yamlView } from './yamlView.ts';

export type { DecodedView } from './viewBuilder.ts';
export { MAX_ESCAPED_SCALARS } from './yamlView.ts';

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd', '.mkdn']);
// A browser decodes character references in SVG and XHTML text as in HTML (an SVG in docs/ is shown as an image or inline).
const HTML_EXTENSIONS = new Set(['.html', '.htm', '.svg', '.xml', '.xhtml']);

/**
 * The decoded views of the text of a file named `file` (a path, or the secret scan's neutral label), each a
 * way a reader decodes it (viewBuilder.ts):
 * - a Markdown page: the text TechDocs renders (markdownViews: markdown-it, and without pymdownx markers),
 *   and its YAML front matter (MkDocs reads it as YAML);
 * - an HTML, SVG or XML page: the text a browser shows, and the source with its character references decoded
 *   (an attribute's value: a link's URL);
 * - any other text holding a double-quoted string with a backslash: the values of its double-quoted YAML
 *   scalars, whatever its name (Backstage reads a Location's target and a `$yaml` or `$json` placeholder's
 *   file as YAML whatever its extension);
 * - a Jupyter notebook (`.ipynb`): its cells' source and outputs as Jupyter joins their lists of lines
 *   (notebookView);
 * - any text holding template syntax (`${{`, `{%`, `{#`), whatever its name (a skeleton's file may have any,
 *   and a template.yaml's values are rendered too): the text the scaffolder renders of its constant parts,
 *   tags and comments left out and string-literal expressions as their values (templateView); and any text
 *   holding a `{{` not part of a `${{` read so in cookiecutterCompat's delimiters, as such a step renders it;
 * - every text with a backslash: its C-family string escapes decoded (escapesView), and its CSS escapes when one
 *   gives a printable character (cssEscapesView: a stylesheet or a page's `<style>`);
 * - every text: its percent-encoded runs (percentView: a link's URL, a query string) and its base64 runs that
 *   decode to text (base64View: a `data:` URI, a Kubernetes Secret's `data`, a basic-auth header), each when
 *   there is one.
 * Then the views of what a first decoding gives, as the next reader decodes it (composed): the scaffolder
 * renders a skeleton before Backstage, TechDocs or a program reads what it wrote (a tag and a `\x` escape in
 * one token), and Jupyter shows a notebook's Markdown cells and HTML outputs rendered.
 * A view the same as the raw text, or that shows nothing the raw text does not, is left out. Pure; never throws.
 */
export function decodedViews(file: string, text: string): DecodedView[] {
  const views = readersViews(file, text, true);
  const template = views.find(v => v.spelling === TEMPLATE_SPELLING);
  if (template) views.push(...readersViews(file, template.text, false).map(inner => composed(template, inner)));
  const notebook = views.find(v => v.spelling === NOTEBOOK_SPELLING);
  if (notebook) views.push(...[...markdownViews(notebook.text), htmlTextView(notebook.text)].filter(v => v !== undefined).map(inner => composed(notebook, inner)));
  return views;
}

/**
 * `inner`, a view of `outer`'s text, as a view of the raw text: each character's span is the raw span of the
 * outer characters its own span covers.
 */
function composed(outer: DecodedView, inner: DecodedView): DecodedView {
  return {
    text: inner.text,
    spelling: `${outer.spelling}, then ${inner.spelling}`,
    reader: `${outer.reader} ${inner.reader}`,
    span(offset: number) {
      const { start, end } = inner.span(offset);
      return { start: outer.span(start).start, end: outer.span(Math.max(start, end - 1)).end };
    },
  };
}

function readersViews(file: string, text: string, template: boolean): DecodedView[] {
  const extension = posix.extname(file).toLowerCase();
  const views: (DecodedView | undefined)[] = [];
  if (MARKDOWN_EXTENSIONS.has(extension)) views.push(...markdownViews(text), frontMatterView(text));
  else if (HTML_EXTENSIONS.has(extension)) {
    const visible = htmlTextView(text);
    const referenced = referencesView(text);
    views.push(visible, referenced && referenced.text !== visible?.text ? referenced : undefined);
  } else if (DOUBLE_QUOTED_ESCAPE.test(text)) views.push(yamlView(text));
  if (extension === '.ipynb') views.push(notebookView(text));
  views.push(template ? templateView(text) : undefined, template ? templateView(text, true) : undefined, escapesView(text), cssEscapesView(text), percentView(text), base64View(text));
  return views.filter(v => v !== undefined);
}

// A double-quoted string with a backslash in it, on one line or continued (no backtracking: `[^"\\]` and `\\` are disjoint).
const DOUBLE_QUOTED_ESCAPE = /"[^"\\]*\\/;
