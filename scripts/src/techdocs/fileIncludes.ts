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
// parsed, so code fences do not protect a line, and it reads the files it includes for snippets too, so
// any file of the site can hold one. The gate does not try to pair markers as pymdownx does (its marker
// rules changed between releases: dashes, trailing blanks): once a file has a marker, every later line
// that names a path outside the site counts, whatever block it would fall in.
const MARKER = /^(;*)(-+8<-+)(.*)$/;
// plantuml_markdown (also enabled by techdocs-core): `::uml:: source="path"` and ```plantuml source="path"
// read a file and send it to the PlantUML server to draw; its patterns find `::uml::` anywhere on a line and
// let `source=` follow on a later line. In any file that mentions uml, every `source=` counts, and so does
// a diagram's own `!include` of a path (PlantUML reads that file where it renders).
const PLANTUML_SOURCE = /\bsource\s*=\s*(["'])([^"'\r\n]*)\1/g;
// plantuml_markdown matches with Python's `re` on str: `\s` is any character str.isspace() holds true (JavaScript's
// \s plus \x1c-\x1f and \x85) and `\w` any Unicode letter or digit; `!include\u00a0/etc/passwd` is an include there.
const PY_WS = '[\\s\\x1c-\\x1f\\x85]';
const PY_WORD = '[\\p{L}\\p{N}_]';
const PLANTUML_INCLUDE = new RegExp(`^${PY_WS}*!(?:include${PY_WORD}*|import)${PY_WS}+(\\S.*)$`, 'su');
// Variables a diagram defines, as plantuml_markdown's includer reads them (PlantUMLIncluder._readFileRec, on
// the stripped line): `!$name = "value"` (also without $) and `!define NAME value`. Before it reads an
// `!include`, it replaces the name with the value wherever the target starts with one (str.replace: every
// occurrence), so `!define P /proc/self` and `!include P/environ` read /proc/self/environ; definitions carry
// across the files one diagram includes. Any file of the site may be included, whether it mentions uml or not,
// and an included file is read with readlines(), which breaks lines only at \n and \r: a PYTHON_ONLY_BREAK
// inside a line of it does not end the directive.
// The new syntax is searched anywhere on the line (re.search: `x !P = "/etc"` defines P) and is tried before
// `!include`, so a line holding both defines.
const PLANTUML_DEFINE = [new RegExp(`!(\\$?${PY_WORD}+)${PY_WS}+=${PY_WS}+"(.*)"`, 'su'), new RegExp(`^!define (${PY_WORD}+)${PY_WS}+(.*)`, 'su')];
// PlantUML's own preprocessor evaluates `$variables` and `%functions()` (%getenv, string concatenation) in an
// include path where it renders: the gate cannot know what such a path reads.
const PLANTUML_EXPRESSION = /[$%]/;
// Python's str.splitlines() (how pymdownx reads an included file) also breaks lines at these; the gate
// breaks at every one of them too, so that no marker hides behind a break only Python sees. Findings keep
// the line numbers an editor shows (\n, \r\n, \r).
const PYTHON_ONLY_BREAK = /[\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
// Python's str.strip(), which pymdownx applies to paths, removes what str.isspace() holds true: besides what
// JavaScript's \s covers, the separators \x1c-\x1f and \x85 (a path starting "\x1c/etc" is "/etc" there).
// Stripped by hand: the pattern `[…]+$` retried from every space of a long inner run (a page line of
// 100,000 spaces between two letters took seconds, a megabyte one hours).
const PY_SPACE = /[\s\x1c-\x1f\x85]/;

function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.test(text[start])) start++;
  while (end > start && PY_SPACE.test(text[end - 1])) end--;
  return text.slice(start, end);
}

/**
 * Whether a snippet or diagram path leaves the site: absolute, home-relative, a drive or URL, or with a
 * `..` segment. pymdownx 9.x (still what Debian's MkDocs builds with) reads any such path; newer releases
 * restrict them, but the toolkit does not rely on the builder's version.
 */
export function leavesSite(target: string): boolean {
  const path = pyStrip(pyStrip(target).replace(/(?::-?\d*){1,2}$/, ''));
  return /^[/\\~]/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.split(/[/\\]/).includes('..');
}

/**
 * leavesSite for a line that may be a path in a block of snippets, judged without reading it as a URL
 * unless it has `://` (so prose such as "Note: …" after a marker is no path).
 */
function blockLineLeavesSite(path: string): boolean {
  return /^[/\\~]/.test(path) || /^[a-z]:[/\\]/i.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.split(/[/\\]/).includes('..');
}

/** blockLineLeavesSite for a path only: absolute, home-relative, a drive or with a `..` segment (a URL is the server's to read). */
function pathLeavesSite(path: string): boolean {
  return /^[/\\~]/.test(path) || /^[a-z]:[/\\]/i.test(path) || path.split(/[/\\]/).includes('..');
}

/** The `[name, value]` pairs of PLANTUML_DEFINE in these lines (values with their quotes as the includer keeps them). */
function plantumlDefinitions(lines: readonly string[]): [string, string][] {
  const found: [string, string][] = [];
  for (const raw of lines) {
    if (!raw.includes('!')) continue;
    const line = pyStrip(raw);
    const match = PLANTUML_DEFINE[0].exec(line) ?? PLANTUML_DEFINE[1].exec(line);
    if (match && found.length < 1000) found.push([match[1], match[2]]);
  }
  return found;
}

/**
 * Whether a diagram's `!include` target leaves the site: as written, after any definition the includer
 * would substitute (a name the target starts with; a definition in another file of the site is judged
 * where it stands, by its value), or when PlantUML itself would compute it.
 */
function includeLeavesSite(target: string, definitions: readonly [string, string][]): boolean {
  if (blockLineLeavesSite(target) || PLANTUML_EXPRESSION.test(target)) return true;
  // A URL it substitutes in is the server's to fetch (the includer leaves such a line alone: C4's `!define C4P https://…`).
  return definitions.some(([name, value]) => target.startsWith(name) && pathLeavesSite(pyStrip(target.split(name).join(value))));
}

/**
 * Every line of a TechDocs site file (its `text`: a page, or any file a snippet may include) that would
 * paste a file from outside the site into a page (FileInclude, 1-based line and column): snippets and
 * PlantUML sources that leave the site. Pure.
 */
export function fileIncludesOutside(text: string): FileInclude[] {
  const found: FileInclude[] = [];
  let afterMarker = false;
  const add = (raw: string, i: number, target: string, how: FileInclude['how']) => found.push({ line: i + 1, column: Math.max(raw.indexOf(target), 0) + 1, target, how });
  const lines = text.split(/\r\n|\r|\n/);
  // Asked once: per line, a page without the word would be scanned whole again for every line.
  const mentionsUml = /uml/i.test(text);
  const segments = lines.flatMap((line, i) => line.split(PYTHON_ONLY_BREAK).map(part => [part, i] as const));
  const definitions = plantumlDefinitions([...segments.map(([raw]) => raw), ...lines.filter(raw => PYTHON_ONLY_BREAK.test(raw))]);
  const plantumlLine = (raw: string, i: number) => {
    const line = pyStrip(raw);
    const include = PLANTUML_INCLUDE.exec(line);
    if (include && includeLeavesSite(pyStrip(include[1].replace(/^(["'<])(.*)["'>]$/s, '$2')), definitions)) add(raw, i, include[1], 'plantuml');
    // A definition another file's `!include` may start with: its value must not lead out of the site either.
    const definition = PLANTUML_DEFINE[0].exec(line) ?? PLANTUML_DEFINE[1].exec(line);
    if (definition && pathLeavesSite(pyStrip(definition[2]))) add(raw, i, definition[2], 'plantuml');
  };
  segments.forEach(([raw, i]) => {
    const line = pyStrip(raw);
    const marker = MARKER.exec(line);
    if (marker) {
      if (marker[1]) return;
      afterMarker = true;
      const rest = pyStrip(marker[3]);
      const quoted = /^(["'])(.*)\1$/.exec(rest);
      const target = pyStrip(quoted ? quoted[2] : rest);
      if (target && leavesSite(target)) add(raw, i, target, 'snippet');
      return;
    }
    if (afterMarker) {
      const target = pyStrip(line.replace(/^(["'])(.*)\1$/, '$2'));
      if (target && !target.startsWith(';') && blockLineLeavesSite(target)) {
        add(raw, i, target, 'snippet');
        return;
      }
    }
    plantumlLine(raw, i);
  });
  // The same directives as an included file's readlines() gives them: whole across a PYTHON_ONLY_BREAK.
  lines.forEach((raw, i) => {
    if (PYTHON_ONLY_BREAK.test(raw)) plantumlLine(raw, i);
  });
  if (mentionsUml) {
    const joined = lines.join('\n');
    // Matches come in text order: the line number is counted on from the previous match, not from the start.
    let line = 0;
    let counted = 0;
    for (const match of joined.matchAll(PLANTUML_SOURCE)) {
      if (!leavesSite(match[2])) continue;
      for (let at = joined.indexOf('\n', counted); at !== -1 && at < match.index; at = joined.indexOf('\n', at + 1)) line++;
      counted = match.index;
      add(lines[line], line, match[2], 'plantuml');
    }
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

const MAY_DEFINE = new RegExp(`!\\$?${PY_WORD}+${PY_WS}+=`, 'u');

/**
 * Whether a site file may hold a line fileIncludesOutside reports: the snippet marker or a PlantUML
 * directive. Lets a caller skip reading the rest of a big site's files in full.
 */
export function mayIncludeFiles(text: string): boolean {
  return text.includes('8<') || /uml/i.test(text) || /!(?:include|import|define)/.test(text) || MAY_DEFINE.test(text);
}

/**
 * fileIncludesOutside of one site file as Diagnostics (rule techdocs-file-include, locked). A page the gate did
 * not read because it holds `tooLarge` bytes (more than the scan reads) is one finding at its first line: its
 * lines were not judged, and the build would read every one of them.
 */
export function fileIncludeFindings(file: string, text: string, tooLarge?: number): Diagnostic[] {
  if (tooLarge !== undefined) return [{
    ruleId: 'techdocs-file-include',
    severity: 'error',
    message: `This page holds ${tooLarge.toLocaleString('en-US')} bytes, more than the gate reads to look for lines that paste files from outside the docs site (--8<-- snippets, PlantUML sources); the TechDocs build would read all of it.`,
    hint: 'Split the page into smaller pages; a page of this size is rarely meant.',
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
  }];
  return fileIncludesOutside(text).slice(0, 20).map(include => ({
    ruleId: 'techdocs-file-include',
    severity: 'error' as const,
    message: `${include.how === 'snippet' ? 'This snippet (--8<--)' : 'This PlantUML source'} reads ${JSON.stringify(include.target.slice(0, 200))}, outside the docs site: building the site would paste that file of the build machine into the published page.`,
    hint: 'Include only files inside the site folder, by a relative path without ..; or copy the text into the page.',
    file,
    range: { start: { line: include.line, column: include.column }, end: { line: include.line, column: include.column + 1 } },
  }));
}
