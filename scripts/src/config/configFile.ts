import { conflictIn } from '../load/conflictMarkers.ts';
import { contentColumn, indentContext, keyBelowCompleteValue, misalignedBlockStart, overIndentedKey } from '../load/badIndent.ts';
import { logText } from '../report/safeText.ts';
import { isAbsolute, normalize, sep } from 'node:path';
import { OutsideRepositoryError, realRepoPath } from '../load/repoPath.ts';
import type { ErrorObject } from 'ajv';
import jsyaml from 'js-yaml';
import type { Document, LineCounter } from 'yaml';
import { yamlPackage } from '../load/lazyPackages.ts';
import { jsYamlMayDisagree, needsExactParse } from '../load/parserAgreement.ts';
import { YAML_12_CORE } from '../load/yamlSchema.ts';
import { decodeUtf8, readRegularFile } from '../load/readSource.ts';
import { isStackExhaustion, MAX_DOCUMENT_DEPTH } from '../load/tooDeep.ts';
import { affordableYaml, depthExceeded, YamlBudgetError } from '../load/yamlNodeBudget.ts';
import { acyclicValue, SelfAliasError } from '../load/acyclicYaml.ts';
import { UsageError } from './usageError.ts';

export interface ConfigDocument {
  /** The file as the user names it (relative to the repository root). */
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The document's value (`doc.toJS()`), built once with Backstage's reader's alias limit. */
  value: unknown;
}

/**
 * Reads one of the toolkit's own config files (gitops.config.yaml, a policy JSON, an app-config) as UTF-8
 * YAML (JSON is YAML 1.2 too) with node positions. Throws a UsageError of one or two lines naming
 * `file:line:column` for a file that is not UTF-8 (saying which encoding it looks like) or does not parse;
 * propagates the fs error when the file cannot be read.
 */
export function readConfigDocument(absolutePath: string, file: string): ConfigDocument {
  const decoded = decodeUtf8(readNamed(absolutePath, file), file);
  if ('problem' in decoded) {
    const { line, column } = decoded.problem.range.start;
    throw new UsageError(`${file}:${line}:${column}: ${decoded.problem.message.replace(/; Backstage.*$/, '')}.\nRe-save it as UTF-8 (without a byte-order mark) and run again.`);
  }
  const deep = depthExceeded(decoded.text, MAX_DOCUMENT_DEPTH);
  if (deep) throw new UsageError(`${file}:${deep.line}:${deep.column}: YAML nesting too deep: this file nests mappings or lists more than ${MAX_DOCUMENT_DEPTH} levels deep, which the YAML parser cannot read safely.\nFlatten it and run again.`);
  try {
    affordableYaml(decoded.text);
  } catch (error) {
    if (!(error instanceof YamlBudgetError)) throw error;
    throw new UsageError(`${file}:${error.line}:${error.column}: not read: ${error.message}.\nSplit or shorten it and run again.`);
  }
  const { LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  // logLevel 'error': the toolkit reports what matters itself; yaml's own warnings would reach stderr raw.
  const doc = parseDocument(decoded.text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  const error = doc.errors[0];
  if (error && isStackExhaustion(error)) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new UsageError(`${file}:${line}:${col}: YAML nesting too deep: this file nests mappings or lists inside each other so deeply (hundreds of levels) that the YAML parser runs out of stack here.\nFlatten it and run again.`);
  }
  // Git's conflict markers: the parser's first error is some consequence of them (a key "deeper than" the one above).
  const conflict = error && conflictIn(decoded.text);
  if (conflict) throw new UsageError(`${file}:${conflict.line}:${conflict.column}: unresolved git merge conflict (${conflict.markers}): the marker lines are not YAML.\nResolve the conflict: keep the lines you want from each side, delete the <<<<<<<, ======= and >>>>>>> lines, and run again.`);
  // A key indented deeper than the one above it: yaml's "compact mappings" words, said as the line to move.
  const multiline = doc.errors.find(e => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === error?.pos[0]);
  const deeper = multiline && overIndentedKey(decoded.text, lineCounter.linePos(multiline.pos[0]).line);
  if (deeper) throw new UsageError(`${file}:${deeper.line}:${deeper.column}: YAML syntax error: ${deeper.message}\nFix the file and run again.`);
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // A misaligned line: the parser names the line after it, at column 1; say the columns that disagree.
    const indent = error.code === 'BAD_INDENT';
    const blockStart = indent ? misalignedBlockStart(decoded.text, line) : undefined;
    const belowValue = indent && !blockStart ? keyBelowCompleteValue(decoded.text, line) : undefined;
    if (belowValue) throw new UsageError(`${file}:${belowValue.line}:${belowValue.column}: YAML syntax error: ${belowValue.message}\nFix the file and run again.`);
    const where = blockStart ? `${file}:${blockStart.line}:${blockStart.column}` : `${file}:${line}:${indent ? contentColumn(decoded.text, line) : col}`;
    const context = blockStart?.sentence ?? (indent ? indentContext(decoded.text, line) : '');
    throw new UsageError(`${where}: YAML syntax error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '')}.${logText(context)}\nFix the file and run again.`);
  }
  // The value as Backstage's config reader builds it: an alias inside its own anchor never ends, and aliases
  // that expand past 100 copies (ten levels of ten from 600 bytes) are refused there as an attack. Both
  // stopped the run with an internal error when a caller built the value itself.
  let value: unknown;
  try {
    value = acyclicValue(doc, { maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof SelfAliasError) {
      const { line, col } = lineCounter.linePos(error.range[0]);
      throw new UsageError(`${file}:${line}:${col}: the alias *${logText(error.alias.slice(0, 60))} stands inside the value its anchor names, so the value contains itself without end.\nWrite the nested value out, or point the alias at an anchor outside it.`);
    }
    if (!(error instanceof ReferenceError)) throw error;
    throw new UsageError(`${file}:1:1: its anchors and aliases expand past 100 copies, which Backstage's config reader refuses as a resource-exhaustion attack.\nWrite the values out instead of aliasing them, and run again.`);
  }
  return { file, doc, lineCounter, value };
}

/**
 * The value of a one-document YAML text that is plain, read as parseYaml reads plain catalog files (js-yaml
 * with the YAML 1.2 core rules, the same values `yaml` gives): what `yaml`'s parse (or toJS() of its
 * parseDocument) gives, without loading `yaml`, whose positions only a message about the file needs.
 * `undefined` when the text holds anything outside that fast path (anchors, aliases, tags, directives,
 * merge keys) or js-yaml refuses it (a syntax error, a duplicate key, a second document): `yaml` then
 * decides and says where.
 */
export function plainYamlValue(text: string): { value: unknown } | undefined {
  if (needsExactParse(text) || jsYamlMayDisagree(text)) return undefined;
  try {
    // An empty document: `yaml` gives null where js-yaml gives undefined.
    return { value: jsyaml.load(text, { schema: YAML_12_CORE }) ?? null };
  } catch {
    return undefined;
  }
}

/**
 * plainYamlValue of a config file: readConfigDocument(…).doc.toJS() without `yaml`, or `undefined` when
 * the file is not UTF-8 or not plain (readConfigDocument then decides and says where). Propagates the fs
 * error when the file cannot be read.
 */
export function plainConfigValue(absolutePath: string, file?: string): { value: unknown } | undefined {
  const decoded = decodeUtf8(readNamed(absolutePath, file), absolutePath);
  return 'problem' in decoded ? undefined : plainYamlValue(decoded.text);
}

/**
 * One line per ajv error of a config file, each naming `file:line:column`, the key by its path
 * (`catalog.roots[0]`) and, for an unknown key, the key itself at its own line. Positions fall back to
 * the nearest node that exists.
 */
export function schemaProblems(config: ConfigDocument, errors: readonly ErrorObject[]): string[] {
  return errors.map(e => {
    const path = e.instancePath.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined;
    const { line, col } = positionOf(config, extra === undefined ? path : [...path, extra], extra !== undefined);
    const name = (extra === undefined ? path : [...path, extra]).map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('') || '(top level)';
    const what = extra !== undefined ? `unknown key '${extra}'${path.length ? ` under ${name.slice(0, -extra.length - 1)}` : ''}` : `${name} ${e.message}`;
    return `${config.file}:${line}:${col}: ${what}`;
  });
}

function positionOf(config: ConfigDocument, path: string[], wantKey: boolean): { line: number; col: number } {
  const { isScalar } = yamlPackage();
  for (let n = path.length; n >= 0; n--) {
    const parentPath = path.slice(0, Math.max(0, n - 1));
    const parent = n === 0 ? config.doc.contents : config.doc.getIn(parentPath, true);
    if (n > 0 && wantKey && n === path.length && parent && typeof parent === 'object' && 'items' in parent) {
      const pair = (parent.items as { key?: unknown }[]).find(p => isScalar(p.key) && String(p.key.value) === path[n - 1]);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return config.lineCounter.linePos(range[0]);
    }
    const node = n === 0 ? config.doc.contents : config.doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return config.lineCounter.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

/**
 * Reads one of the toolkit's JSON files (an org policy schema, the template policy) as UTF-8 JSON.
 * Throws a UsageError naming `file:line:column` (from the parser's position; the end of the file when the
 * JSON stops early) for a file that is not UTF-8 or not JSON or nests past MAX_DOCUMENT_DEPTH; propagates the
 * fs error when it cannot be read.
 */
export function readJsonFile(absolutePath: string, file: string): unknown {
  const decoded = decodeUtf8(readNamed(absolutePath, file), file);
  if ('problem' in decoded) {
    const { line, column } = decoded.problem.range.start;
    throw new UsageError(`${file}:${line}:${column}: ${decoded.problem.message.replace(/; Backstage.*$/, '')}.\nRe-save it as UTF-8 (without a byte-order mark) and run again.`);
  }
  // JSON.parse reads any depth, but what reads the value next recurses once per level (Ajv's schema
  // traversal for a policy, the checks walking a TechDocs policy): 20,000 brackets overflowed its stack.
  const deep = depthExceeded(decoded.text, MAX_DOCUMENT_DEPTH);
  if (deep) throw new UsageError(`${file}:${deep.line}:${deep.column}: JSON nesting too deep: this file nests objects or arrays more than ${MAX_DOCUMENT_DEPTH} levels deep, which the toolkit cannot read safely.\nFlatten it and run again.`);
  try {
    return JSON.parse(decoded.text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : decoded.text.trimEnd().length;
    const before = decoded.text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    // V8 quotes the file's text after the reason (`Unexpected token '}', "{ "a": [1, }\n" is not valid JSON`): leave it out, it may span lines.
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '').replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
    throw new UsageError(`${file}:${line}:${column}: not valid JSON: ${logText(reason)}.\nFix the file and run again.`);
  }
}

/**
 * readRegularFile that names the file in its error: Node's error for a folder read as a file (EISDIR) has no
 * path, so the CLI could only call it an internal error; with the path it says which file is a folder.
 * With `file`, the repo-relative name `absolutePath` ends with, the file is read only when it and every
 * folder above it stay inside the repository: these files come with pull requests, and a symbolic link
 * to a file of the machine would be read, and quoted by the parser's error. Throws a UsageError naming
 * such a link (OutsideRepositoryError's message).
 */
export function readNamed(absolutePath: string, file?: string): Buffer {
  let path = absolutePath;
  const relative = file === undefined ? undefined : normalize(file);
  if (relative !== undefined && !isAbsolute(relative) && absolutePath.endsWith(`${sep}${relative}`)) {
    try {
      path = realRepoPath(absolutePath.slice(0, absolutePath.length - relative.length - 1) || sep, relative);
    } catch (error) {
      if (error instanceof OutsideRepositoryError) throw new UsageError(error.message);
      if ((error as NodeJS.ErrnoException)?.code !== 'ENOENT') throw error;
    }
  }
  try {
    // Only a regular file, at most MAX_REGULAR_FILE_BYTES: readFileSync read a FIFO or device without end, and
    // stopped a file over 2 GiB with an error the CLI could only call internal.
    return readRegularFile(path);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e && typeof e === 'object' && e.path === undefined) e.path = absolutePath;
    throw error;
  }
}

/** What a member of one of the toolkit's JSON files must hold: a list of strings, or an object of strings. */
export type JsonMemberShape = 'strings' | 'string map';

/**
 * `value` (read by readJsonFile from `file`) when it is an object whose members `shape` names hold what it
 * says (`required` ones present). These files come with pull requests, and the code that reads them takes
 * their shape for granted: a `plugins` that is not a list ended the gate with an internal error. Throws a
 * UsageError naming the file and the member instead.
 */
export function jsonOfShape<T>(value: unknown, file: string, shape: Record<string, JsonMemberShape>, required: readonly string[]): T {
  const wrong = (what: string) => new UsageError(`${file}: ${what}.\nFix the file and run again.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrong('not a JSON object');
  const record = value as Record<string, unknown>;
  for (const [name, kind] of Object.entries(shape)) {
    if (!Object.hasOwn(record, name)) {
      if (required.includes(name)) throw wrong(`"${name}" is missing (a ${kind === 'strings' ? 'list of strings' : 'object of strings'})`);
      continue;
    }
    const member = record[name];
    const ok = kind === 'strings'
      ? Array.isArray(member) && member.every(item => typeof item === 'string')
      : typeof member === 'object' && member !== null && !Array.isArray(member) && Object.values(member).every(item => typeof item === 'string');
    if (!ok) throw wrong(`"${name}" must be ${kind === 'strings' ? 'a list of strings' : 'an object whose values are strings'}`);
  }
  return value as T;
}
