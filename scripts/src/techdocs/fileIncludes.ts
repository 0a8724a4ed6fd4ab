import type { Diagnostic } from '../diagnostic.ts';

/** A page line that makes the TechDocs build paste a file the site does not hold, and what it names. */
export interface FileInclude {
  line: number;
  column: number;
  target: string;
  how: 'snippet' | 'plantuml';
}

// pymdownx.snippets (which techdocs-core always enables): `--8<-- "path"` on a line of its own, or a block
// of paths between two bare `--8<--` lines; a leading `;` escapes the marker. It runs before Markdown is
// parsed, so code fences do not protect a line.
const SNIPPET_LINE = /^([ \t]*)(;*)(-+8<-+)(?:[ \t]+(["'])(.+?)\4)?[ \t]*$/;
// plantuml_markdown (also enabled by techdocs-core): `::uml:: source="path"` reads a file and sends it to
// the PlantUML server to draw.
const PLANTUML_SOURCE = /^[ \t]*::uml::.*?\bsource\s*=\s*(["'])(.*?)\1/;

/**
 * Whether a snippet or diagram path leaves the site: absolute, home-relative, a drive or URL, or with a
 * `..` segment. pymdownx 9.x (still what Debian's MkDocs builds with) reads any such path; newer releases
 * restrict them, but the toolkit does not rely on the builder's version.
 */
export function leavesSite(target: string): boolean {
  const path = target.replace(/(?::-?\d*){1,2}$/, '').trim();
  return /^[/\\~]/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.split(/[/\\]/).includes('..');
}

/**
 * Every line of a TechDocs page (Markdown `text`) that would paste a file from outside the site into it
 * (FileInclude, 1-based line and column): snippets and PlantUML sources that leaveSite. Pure.
 */
export function fileIncludesOutside(text: string): FileInclude[] {
  const found: FileInclude[] = [];
  let block = false;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const snippet = SNIPPET_LINE.exec(line);
    if (snippet) {
      if (snippet[2]) return;
      if (snippet[5] === undefined) {
        block = !block;
        return;
      }
      if (leavesSite(snippet[5])) found.push({ line: i + 1, column: snippet[1].length + 1, target: snippet[5], how: 'snippet' });
      return;
    }
    if (block) {
      const path = line.trim();
      if (path && !path.startsWith(';') && leavesSite(path)) found.push({ line: i + 1, column: line.indexOf(path) + 1, target: path, how: 'snippet' });
      return;
    }
    const uml = PLANTUML_SOURCE.exec(line);
    if (uml && leavesSite(uml[2])) found.push({ line: i + 1, column: 1, target: uml[2], how: 'plantuml' });
  });
  return found;
}

/** fileIncludesOutside of one page as Diagnostics (rule techdocs-file-include, locked). */
export function fileIncludeFindings(file: string, text: string): Diagnostic[] {
  return fileIncludesOutside(text).slice(0, 20).map(include => ({
    ruleId: 'techdocs-file-include',
    severity: 'error' as const,
    message: `${include.how === 'snippet' ? 'This snippet (--8<--)' : 'This PlantUML source'} reads ${JSON.stringify(include.target.slice(0, 200))}, outside the docs site: building the site would paste that file of the build machine into the published page.`,
    hint: 'Include only files inside the site folder, by a relative path without ..; or copy the text into the page.',
    file,
    range: { start: { line: include.line, column: include.column }, end: { line: include.line, column: include.column + 1 } },
  }));
}
