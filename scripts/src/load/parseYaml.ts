import { CONFLICT_HINT, conflictIn } from './conflictMarkers.ts';
import { contentColumn, indentContext, keyBelowCompleteValue, misalignedBlockStart, overIndentedKey } from './badIndent.ts';
import jsyaml from 'js-yaml';
import type { Document, LineCounter, YAMLError } from 'yaml';
import { yamlPackage } from './lazyPackages.ts';
import { jsYamlReadsAsYaml } from './parserAgreement.ts';
import type { Diagnostic, Range } from '../diagnostic.ts';
import { locateInBlock } from './blockPositions.ts';
import { selfAlias } from './acyclicYaml.ts';
import { rangeOfPath, toRange, type PathSegment } from './yamlPath.ts';
import { boundedText } from '../report/safeText.ts';
import { YAML_12_CORE } from './yamlSchema.ts';
import { documentDepthProblem, isStackExhaustion, MAX_DOCUMENT_DEPTH, TOO_DEEP_HINT, TOO_DEEP_MESSAGE } from './tooDeep.ts';
import { depthExceeded, mappingKeysExceeded, mappingKeysProblem, mayExceedNodes, NodeBudgetExceeded, nodeBudgetExceeded, nodeBudgetProblem, nodeCounter } from './yamlNodeBudget.ts';

export interface YamlLimits {
  /** Backstage's own `toJSON()` default: more alias expansions than this is a resource-exhaustion attack. */
  maxAliasCount: number;
  /**
   * Values (scalars, sequences, mappings) per file. Bytes alone do not bound the work: under the 1 MB cap
   * a flow sequence of 450,000 items took `yaml` 11 s and 550 MB to give positions for.
   */
  maxNodes: number;
  /**
   * Nesting levels (mappings and sequences inside each other) of a file handed to a parser that recurses
   * (Spectral's yaml-ast-parser, api-smart-diff, the `$ref` resolvers): 2,000 levels in 10 KB overflowed
   * the stack inside Spectral. Entity files are not held to it; API definitions are.
   */
  maxDepth?: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliasCount: 100, maxNodes: 100_000, maxDepth: 128 };

const MIB = 1024 * 1024;
let scaled: { maxFileBytes: number; limits: YamlLimits } | undefined;
/**
 * The limits for a file of at most `maxFileBytes` bytes (catalog.maxFileBytes): YAML values in proportion to
 * the default budget (100,000 for 1 MiB, never fewer). An honest file holds one value for every ten-odd bytes
 * or more (a 2.8 MB org file of 12,000 Users ≈150,000), a packed `[a, a, a, …]` one for every two; so raising
 * catalog.maxFileBytes, a change the platform team reviews (config-weakened), lets a large file Backstage
 * reads be read here too, while the budget per byte stays what it was.
 */
export function yamlLimitsFor(maxFileBytes: number): YamlLimits {
  if (scaled?.maxFileBytes === maxFileBytes) return scaled.limits;
  const maxNodes = Math.max(DEFAULT_YAML_LIMITS.maxNodes, Math.floor((DEFAULT_YAML_LIMITS.maxNodes * maxFileBytes) / MIB));
  scaled = { maxFileBytes, limits: { ...DEFAULT_YAML_LIMITS, maxNodes } };
  return scaled.limits;
}

export interface ParsedYaml {
  /** One value per document; `undefined` where the document could not be read. */
  documents: unknown[];
  problems: Diagnostic[];
  locate(document: number, path: readonly PathSegment[], options?: LocateOptions): Range;
}

export interface LocateOptions {
  /** The range of the key at the end of the path rather than its value's. */
  key?: boolean;
  /**
   * Called with the characters the range spans as the file writes them, when the range is on one line and the
   * text is at hand (a scalar's own text: `1.10`, `0x1F`, `True`, where the parsed value reads 1.1, 31, true),
   * and with what its line writes before it (`  version: &v `: a key, an anchor or a tag).
   */
  written?: (text: string, before: string) => void;
}

export interface PositionOptions {
  /** Always take positions from a full `yaml` parse (tests compare both ways). */
  exactPositions?: boolean;
  /**
   * jsYamlReadsAsYaml(text), when the caller already has it (the reader thread judges the files it reads):
   * the same answer, not computed again here.
   */
  jsYamlReads?: boolean;
  /**
   * plainDocuments(text, file, limits.maxNodes), when another thread read them (the reader thread parses
   * the files it reads): parseYaml returns what its js-yaml route would, without parsing the text again.
   */
  documents?: unknown[];
}

/**
 * Parses a multi-document YAML file the way Backstage does (`yaml`, YAML 1.2, unique keys, no merge
 * keys), using js-yaml's faster parser for plain files and `yaml` with positions for the rest.
 * Positions are computed lazily, only for files that have findings: for plain block-style files from
 * one pass over the lines (locateInBlock), otherwise from a full `yaml` parse; both give the same.
 */
export function parseYaml(text: string, file: string, limits: YamlLimits = DEFAULT_YAML_LIMITS, options: PositionOptions = {}): ParsedYaml {
  const overBudget = (at: { line: number; column: number }) => {
    const problem = nodeBudgetProblem(file, at, limits.maxNodes);
    return { documents: [], problems: [problem], locate: () => problem.range };
  };
  // plainDocuments gave these only for a text that none of the checks below stops: the js-yaml route's result.
  if (options.documents) return { documents: exactArrays(options.documents) as unknown[], problems: [], locate: lazyLocate(text, text.length, options.exactPositions === true) };
  // Before either parser: `yaml` (the exact path here, and Backstage's reader) is quadratic in one mapping's keys.
  const wide = mappingKeysExceeded(text);
  if (wide) {
    const problem = mappingKeysProblem(file, wide);
    return { documents: [], problems: [problem], locate: () => problem.range };
  }
  if (options.jsYamlReads ?? jsYamlReadsAsYaml(text)) {
    try {
      // Only a file that could be over the budget pays for counting its nodes as they are read.
      const input = parserInput();
      const listener = mayExceedNodes(text, limits.maxNodes) ? nodeCounter(limits.maxNodes) : input.listener;
      const documents = jsyaml.loadAll(text, undefined, { schema: YAML_12_CORE, filename: file, listener });
      return { documents: exactArrays(documents) as unknown[], problems: [], locate: lazyLocate(input.text(text), text.length, options.exactPositions === true) };
    } catch (error) {
      if (error instanceof NodeBudgetExceeded) return overBudget(error);
      // js-yaml refused it; `yaml` decides and says where.
    }
  }
  const over = nodeBudgetExceeded(text, limits.maxNodes);
  if (over) return overBudget(over);
  // Before `yaml`, which recurses per level: near the stack's end V8 may abort the process (js-yaml, above,
  // refuses anything past 100 levels, so only such files pay for this).
  const deep = depthExceeded(text, MAX_DOCUMENT_DEPTH);
  if (deep) {
    const problem = documentDepthProblem(file, deep);
    return { documents: [], problems: [problem], locate: () => problem.range };
  }
  const { getExact, locateExact } = locators(text, options);
  return { ...readDocuments(getExact(), file, limits, text), locate: locateExact };
}

/**
 * The same values with every array copied to its exact length and every short string value shared.
 * js-yaml builds arrays by pushing, which leaves room for 17 items behind a list of one or two: kept for
 * every file of a big catalog until the checks across entities have run, that room was about a fifth of
 * the heap. And it makes a new string for every value it reads, so a catalog holds thousands of copies
 * of `production`, `service` or `backstage.io/v1alpha1`: sharing one copy leaves the rest to die young, and
 * the young-generation collector, whose work is the objects a run keeps, no longer copies them (at 100k
 * entities about a third of the objects kept). Strings are values: which copy a field holds changes nothing.
 */
function exactArrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = value.slice();
    for (let i = 0; i < copy.length; i++) {
      const item = copy[i];
      if (typeof item === 'string') copy[i] = shared(item);
      else if (typeof item === 'object' && item !== null) copy[i] = exactArrays(item);
    }
    return copy;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'string') record[key] = shared(item);
    else if (Array.isArray(item)) record[key] = exactArrays(item);
    else if (typeof item === 'object' && item !== null) exactArrays(item);
  }
  return value;
}

// Values this short are mostly words a catalog repeats (kinds, types, lifecycles, tags, owners); longer
// ones are mostly one of a kind (descriptions, URLs). The table stops growing at its bound, so a catalog of
// unique names costs lookups, never unbounded memory.
const SHARED_MAX_LENGTH = 32;
const SHARED_MAX_ENTRIES = 1 << 16;
const sharedStrings = new Map<string, string>();

/**
 * The copy of `text` the table holds, if it is short; `text` itself otherwise. What the table takes is a
 * copy made through JSON: a string js-yaml cut from a file's text (V8 keeps 13 or more characters as a
 * view into it) would keep that whole text for the rest of the process.
 */
function shared(text: string): string {
  if (text.length > SHARED_MAX_LENGTH) return text;
  const known = sharedStrings.get(text);
  if (known !== undefined) return known;
  if (sharedStrings.size >= SHARED_MAX_ENTRIES) return text;
  const own = JSON.parse(JSON.stringify(text)) as string;
  sharedStrings.set(own, own);
  return own;
}

/** How many strings the sharing table holds (tests: it stays within its bound). */
export function sharedStringCount(): number {
  return sharedStrings.size;
}

/**
 * Positions in `text` for a file whose documents came from elsewhere (the `--cache`): the same ranges
 * parseYaml's `locate` gives, computed on first use. `text` may be a function giving it, called then (a
 * cached file's bytes are decoded only when a finding needs a position in it).
 */
export function positionsIn(text: string | (() => string)): ParsedYaml['locate'] {
  if (typeof text === 'string') return lazyLocate(text, text.length, false);
  let locate: ParsedYaml['locate'] | undefined;
  return (document, path, options) => (locate ??= locators(text(), { exactPositions: false }).locateFast)(document, path, options);
}

/**
 * locators(text).locateFast, made on the first call: a file without findings keeps one closure over its
 * text (every file of the catalog is kept until the checks across entities have run).
 */
function lazyLocate(source: string, length: number, exactPositions: boolean): ParsedYaml['locate'] {
  let locate: ParsedYaml['locate'] | undefined;
  return (document, path, options) => (locate ??= locators(source.length === length ? source : source.slice(0, length), { exactPositions }).locateFast)(document, path, options);
}

/**
 * js-yaml parses a copy of the text (a line break and a NUL appended) and the strings it gives are slices
 * of that copy, which so lives as long as the documents. Positions read that copy rather than keeping the
 * text a second time: `listener` (a js-yaml listener) takes it at the first node and then unhooks itself;
 * `text(original)` gives it when it starts with the original text, else the original. js-yaml's loadDocuments
 * builds the copy as original + (a line break unless it ends one) + NUL, and drops a leading byte order mark:
 * without a mark, one or two characters longer means that suffix. Told by lengths, not by comparing the
 * texts: `input.startsWith(original)` cost ≈2 µs a file in a big catalog's run (240 ms of 100k files).
 */
function parserInput() {
  let input: string | undefined;
  return {
    listener(_event: jsyaml.EventType, state: jsyaml.State) {
      input = state.input;
      (state as unknown as { listener: unknown }).listener = null;
    },
    text: (original: string) => {
      if (input === undefined || original.charCodeAt(0) === 0xfeff) return original;
      const added = input.length - original.length;
      return (added === 1 || added === 2) && input.charCodeAt(original.length - 1) === original.charCodeAt(original.length - 1) ? input : original;
    },
  };
}

function locators(text: string, options: PositionOptions) {
  let exact: ExactParse | undefined;
  const getExact = () => (exact ??= parseExact(text));
  // 'exact': the text is outside what locateInBlock reads (or a test asks for `yaml`'s positions).
  let fast: 'exact' | undefined = options.exactPositions ? 'exact' : undefined;
  let scanned = 0;
  const locateExact = (document: number, path: readonly PathSegment[], options?: LocateOptions) => {
    const parsed = getExact();
    const doc = parsed.documents[document] ?? parsed.documents[parsed.documents.length - 1];
    return said(text, doc ? rangeOfPath(doc, parsed.lineCounter, path, options) : toRange(parsed.lineCounter, 0, 0), options);
  };
  const locateFast = (document: number, path: readonly PathSegment[], options?: LocateOptions) => {
    if (fast === 'exact') return locateExact(document, path, options);
    // Each call reads the text again, up to the path; a big file with many findings is parsed by `yaml` once instead.
    scanned += text.length;
    if (scanned > RESCAN_BUDGET) fast = 'exact';
    const range = locateInBlock(text, document, path, options);
    if (range === null) fast = 'exact';
    return range === null || range === undefined ? locateExact(document, path, options) : said(text, range, options);
  };
  return { getExact, locateExact, locateFast };
}

/** `range`, after handing LocateOptions.written the characters it spans in `text` (one line only; columns count UTF-16 units, as positions do). */
function said(text: string, range: Range, options: LocateOptions | undefined): Range {
  if (options?.written === undefined || range.start.line !== range.end.line) return range;
  let start = 0;
  for (let line = 1; line < range.start.line; line++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return range;
    start = next + 1;
  }
  options.written(text.slice(start + range.start.column - 1, start + range.end.column - 1), text.slice(start, start + range.start.column - 1));
  return range;
}

// Characters locateInBlock may read for one file (its length times the findings located in it) before its
// positions come from one full `yaml` parse: a 1 MB file with thousands of findings takes the parse at
// the third; a catalog file of a few KB keeps the line scan for hundreds.
const RESCAN_BUDGET = 2_000_000;

const MAX_ERRORS_PER_DOCUMENT = 5;

interface ExactParse {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
  failure?: string;
  /** The failure is the parser running out of stack (a document nested too deep). */
  tooDeep?: boolean;
}

function parseExact(text: string): ExactParse {
  const { LineCounter, parseAllDocuments } = yamlPackage();
  const lineCounter = new LineCounter();
  try {
    const documents = parseAllDocuments(text, { merge: false, uniqueKeys: true, prettyErrors: false, lineCounter, logLevel: 'error' });
    return { documents: Array.isArray(documents) ? documents : [], lineCounter };
  } catch (error) {
    // Pathological nesting can exhaust the stack inside the parser itself.
    return { documents: [], lineCounter, failure: error instanceof Error ? error.message : String(error), tooDeep: isStackExhaustion(error) };
  }
}

function readDocuments(parsed: ExactParse, file: string, limits: YamlLimits, text: string) {
  const problems: Diagnostic[] = [];
  const documents: unknown[] = [];
  const { lineCounter } = parsed;
  if (parsed.failure) {
    problems.push({
      ruleId: 'yaml-syntax',
      severity: 'error',
      message: parsed.tooDeep ? `${TOO_DEEP_MESSAGE}.` : `The YAML parser gave up on this file: ${parsed.failure}`,
      hint: parsed.tooDeep ? TOO_DEEP_HINT : 'Simplify the file: very deep nesting usually means a generated or hostile document.',
      file,
      range: toRange(lineCounter, 0, 0),
    });
  }
  for (const doc of parsed.documents) {
    if (doc.errors.length > 0) {
      // One misaligned line makes the parser report every later line of its mapping (BAD_INDENT, column 1):
      // the first says where, with the columns above it; the rest follow from it.
      const badIndent = doc.errors.filter(e => e.code === 'BAD_INDENT');
      let errors = badIndent.length > 1 ? doc.errors.filter(e => e.code !== 'BAD_INDENT' || e === badIndent[0]) : doc.errors;
      // Out of stack: the parser unwinds through every level it was in and may flag several of them; the
      // one cause is the nesting, said once at the first (and whatever follows from it is not said).
      const exhausted = errors.find(e => isStackExhaustion(e));
      if (exhausted) {
        problems.push({ ruleId: 'yaml-syntax', severity: 'error', message: `${TOO_DEEP_MESSAGE}.`, hint: TOO_DEEP_HINT, file, range: toRange(lineCounter, exhausted.pos[0], exhausted.pos[1]) });
        documents.push(undefined);
        continue;
      }
      // Git's conflict markers left in the file: the parser trips over them line by line (implicit keys,
      // block scalar headers, "not a YAML token"); the one cause is the unresolved merge, said once.
      const conflict = conflictIn(text, doc.range[0], doc.range[2]);
      if (conflict) {
        problems.push({
          ruleId: 'yaml-syntax',
          severity: 'error',
          message: `This file holds an unresolved git merge conflict (${conflict.markers}): the marker lines are not YAML, so the document does not parse.`,
          hint: CONFLICT_HINT,
          file,
          range: toRange(lineCounter, conflict.offset, conflict.offset + conflict.length),
        });
        documents.push(undefined);
        continue;
      }
      // A key indented deeper than the one above it: yaml's two errors at the line above become one at the key.
      const deeper = new Map<YAMLError, { line: number; column: number; message: string }>();
      for (const error of errors) {
        if (error.code !== 'MULTILINE_IMPLICIT_KEY') continue;
        const found = overIndentedKey(text, lineCounter.linePos(error.pos[0]).line);
        if (found) deeper.set(error, found);
      }
      if (deeper.size > 0) {
        const starts = new Set([...deeper.keys()].map(e => e.pos[0]));
        errors = errors.filter(e => !(e.code === 'BLOCK_AS_IMPLICIT_KEY' && starts.has(e.pos[0])));
      }
      // A tab in the indentation: the parser then misreads every later line of the block (implicit keys,
      // nested mappings, "deeper than the key above", counting the tab as one column). Each tab is said;
      // what follows the first one is its consequence, counted on it.
      const firstTab = errors.find(e => e.code === 'TAB_AS_INDENT');
      let followTab = 0;
      if (firstTab) {
        const kept = errors.filter(e => e.code === 'TAB_AS_INDENT' || e.pos[0] < firstTab.pos[0]);
        followTab = errors.length - kept.length;
        errors = kept;
      }
      // Several errors on one line are one mistake the parser trips over token by token: an unquoted
      // `{message: ${{ x }}}` gave five (flow-map-start twice, scalar, flow-map-end twice). The first is said,
      // counting the rest.
      const sameLine = new Map<number, number>();
      const lineOf = (e: YAMLError) => lineCounter.linePos(e.pos[0]).line;
      // Past such an error the parser has left the document: every later token is "unexpected … in YAML
      // stream", lines of them, which say nothing of their own (a second mistake shows once the first is fixed).
      const first = errors[0];
      const strayAfter = first ? errors.filter(e => e !== first && e.code === 'UNEXPECTED_TOKEN' && / in YAML stream/.test(e.message) && lineOf(e) > lineOf(first)) : [];
      if (strayAfter.length > 0) errors = errors.filter(e => !strayAfter.includes(e));
      errors = errors.filter(e => {
        if (e.code === 'DUPLICATE_KEY') return true;
        const line = lineOf(e);
        const seen = sameLine.get(line);
        sameLine.set(line, (seen ?? 0) + 1);
        return seen === undefined;
      });
      for (const error of errors.slice(0, MAX_ERRORS_PER_DOCUMENT)) {
        const duplicate = error.code === 'DUPLICATE_KEY';
        let message = error.message;
        let range = toRange(lineCounter, error.pos[0], error.pos[1]);
        const key = deeper.get(error);
        if (key) {
          message = key.message;
          range = { start: { line: key.line, column: key.column }, end: { line: key.line, column: key.column + 1 } };
        } else if (error.code === 'BAD_INDENT') {
          const reported = range.start.line;
          const blockStart = misalignedBlockStart(text, reported);
          const belowValue = blockStart ? undefined : keyBelowCompleteValue(text, reported);
          const line = blockStart?.line ?? reported;
          const column = blockStart?.column ?? contentColumn(text, line);
          const more = badIndent.length > 1 ? ` The parser also flags ${badIndent.length - 1} later line(s) of this document, which follow from this one.` : '';
          message = belowValue ? `${belowValue.message}${more}` : `${message}.${blockStart?.sentence ?? indentContext(text, line)}${more}`;
          range = { start: { line, column }, end: { line, column: column + 1 } };
        }
        const tag = duplicate ? undefined : templateTagLine(text, range.start.line);
        if (tag) message = `Line ${range.start.line} is a template tag (${tag}) where YAML expects content: Backstage parses the file as YAML before anything renders it, so a {% %} or {# #} tag cannot make part of its structure conditional (YAML reads the "{" as the start of a flow mapping)`;
        const tab = error.code === 'TAB_AS_INDENT';
        if (tab && error === firstTab && followTab > 0) message += `. The parser also flags ${followTab} later error(s) of this document, which follow from this tab.`;
        const alsoHere = duplicate ? 0 : (sameLine.get(lineOf(error)) ?? 1) - 1;
        const later = error === first ? strayAfter.length : 0;
        if (alsoHere > 0 || later > 0) {
          const counted = [alsoHere > 0 && `${alsoHere} more error${alsoHere > 1 ? 's' : ''} on this line`, later > 0 && `${later} on later lines`].filter(Boolean).join(' and ');
          message += `${/[.!?]$/.test(message) ? '' : '.'} The parser also flags ${counted}, which follow from this one.`;
        }
        problems.push({
          ruleId: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
          severity: 'error',
          message,
          hint: duplicate
            ? 'Backstage rejects the whole document; keep one of the two keys.'
            : tab
            ? 'Indent this line with spaces, to the column of the keys it belongs with: YAML never allows a tab in indentation.'
            : tag
            ? 'Remove the tag: a step runs conditionally with `if: ${{ … }}`, a value is computed with a quoted `${{ }}` expression, and a {% %} tag works only inside a string value (a block scalar `|`), which is rendered; nothing of this document is read until it parses.'
            : unquotedExpressionHint(text, range.start.line) ?? 'Fix the YAML syntax here; nothing of this document is read until it parses.',
          file,
          range,
        });
      }
      if (errors.length > MAX_ERRORS_PER_DOCUMENT) {
        problems[problems.length - 1].message += ` (and ${errors.length - MAX_ERRORS_PER_DOCUMENT} more YAML errors in this document)`;
      }
      documents.push(undefined);
      continue;
    }
    problems.push(...mergeKeyWarnings(doc, lineCounter, file));
    const loop = selfAlias(doc);
    if (loop) {
      problems.push({
        ruleId: 'yaml-syntax',
        severity: 'error',
        message: `The alias *${loop.name.slice(0, 60)} stands inside the value its anchor names, so the value contains itself without end: Backstage reads it as a circular object it cannot store (turning it into JSON fails).`,
        hint: 'Write the nested value out, or point the alias at an anchor outside it.',
        file,
        range: toRange(lineCounter, loop.range[0], loop.range[1]),
      });
      documents.push(undefined);
      continue;
    }
    try {
      // As parseEntityYaml's document.toJSON(): JSON mode, so a `!!timestamp` value is its ISO string (Date's
      // toJSON) and a `!!binary` one Buffer's JSON, as Backstage stores them, not a Date or a Buffer.
      documents.push(doc.toJS({ json: true, jsonArg: '', maxAliasCount: limits.maxAliasCount }));
    } catch (error) {
      problems.push(conversionProblem(doc, lineCounter, file, error, limits));
      documents.push(undefined);
    }
  }
  return { documents, problems };
}

function conversionProblem(doc: Document.Parsed, lineCounter: LineCounter, file: string, error: unknown, limits: YamlLimits): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  if (/alias count/i.test(message)) {
    return {
      ruleId: 'yaml-alias-limit',
      severity: 'error',
      message: `This document expands its anchors and aliases too far (${message}).`,
      hint: `Write the values out instead of aliasing them; more than ${limits.maxAliasCount} alias expansions is treated as a resource-exhaustion attack, as Backstage does.`,
      file,
      range: toRange(lineCounter, doc.range[0], doc.range[0]),
    };
  }
  let unresolved: [number, number] | undefined;
  yamlPackage().visit(doc, {
    Alias(_, alias) {
      if (!unresolved && alias.range && alias.resolve(doc) === undefined) unresolved = [alias.range[0], alias.range[1]];
    },
  });
  const at = unresolved ?? [doc.range[0], doc.range[0]];
  return {
    ruleId: 'yaml-syntax',
    severity: 'error',
    message: `${message}${unresolved ? ' (anchors do not carry over from one YAML document to the next)' : ''}`,
    hint: 'Define the anchor in the same document as the alias, or write the value out.',
    file,
    range: toRange(lineCounter, at[0], at[1]),
  };
}

function mergeKeyWarnings(doc: Document.Parsed, lineCounter: LineCounter, file: string): Diagnostic[] {
  return mergeKeyRanges(doc).map(([start, end]) => ({
    ruleId: 'yaml-merge-key',
    severity: 'warning' as const,
    message: "'<<' is not a merge key in Backstage: YAML 1.2 keeps it as a literal field named '<<'.",
    hint: 'Write the merged fields out in full; Backstage parses without merge keys.',
    file,
    range: toRange(lineCounter, start, end),
  }));
}

/**
 * The source range ([start, end) offsets) of every `<<` key in a parsed document: a merge key to YAML 1.1
 * readers (MkDocs, TechDocs, js-yaml), a literal key to Backstage's YAML 1.2. At most `limit` of them.
 */
export function mergeKeyRanges(doc: Document.Parsed | Document, limit = Infinity): [number, number][] {
  const found: [number, number][] = [];
  const { isPair, isScalar, visit } = yamlPackage();
  visit(doc, {
    Pair(_, pair) {
      if (found.length < limit && isPair(pair) && isScalar(pair.key) && pair.key.value === '<<' && pair.key.range) found.push([pair.key.range[0], pair.key.range[1]]);
    },
  });
  return found;
}

/**
 * The hint for a YAML error on a line whose value is an unquoted template expression (`${{ … }}`, `{{ … }}`,
 * `{% … %}`): such a value breaks YAML when it holds `: ` (`parseEntityRef({ defaultKind: 'group' })`) or
 * ` #`, or starts with `{` (a flow mapping to YAML), and the parser's own words ("Nested mappings are not
 * allowed in compact mappings") do not say so. Takes the file's text and the error's 1-based line; returns
 * the hint, or undefined for any other line. Backstage reads template.yaml and skeleton YAML with the same
 * YAML 1.2 parser, so quoting is the fix in both.
 */
export function unquotedExpressionHint(text: string, line: number): string | undefined {
  const at = nthLine(text, line);
  if (at === undefined || at.length > 4000) return undefined;
  const value = /^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*?|'[^']*'|"[^"]*"):\s+(.*)$/.exec(at)?.[1] ?? /^\s*-\s+(.*)$/.exec(at)?.[1];
  if (value === undefined || /^['"|>]/.test(value) || !/\$\{\{|^\{\{|^\{%/.test(value)) return undefined;
  return 'This value is a template expression without quotes: YAML reads its ": ", " #" or leading "{" as YAML syntax. Quote the whole value (key: "${{ … }}", with \\" for a double quote inside, or single quotes around it); nothing of this document is read until it parses.';
}

/**
 * The template tag (`{% … %}`, `{# … #}`, Nunjucks' whitespace control included) line `line` of `text` consists
 * of, as written (bounded for the message), or undefined when the line is anything else. A fresh user's
 * template.yaml wrapped an output link in `{%- if … %}`: the parser's "All mapping items must start at the same
 * column" sent them to fix indentation. Pure.
 */
export function templateTagLine(text: string, line: number): string | undefined {
  const at = nthLine(text, line);
  if (at === undefined || at.length > 4000) return undefined;
  const tag = /^\s*(\{%.*%\}|\{#.*#\})\s*$/.exec(at)?.[1];
  return tag === undefined ? undefined : boundedText(tag, 80);
}

function nthLine(text: string, line: number): string | undefined {
  let start = 0;
  for (let n = 1; n < line; n++) {
    start = text.indexOf('\n', start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? undefined : end);
}
