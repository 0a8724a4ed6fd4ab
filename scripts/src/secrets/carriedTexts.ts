import { posix } from 'node:path';
import { constants, inflateRawSync } from 'node:zlib';
import type { Diagnostic, Position } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { inertDirectives } from './decodedFindings.ts';
import { printableRuns, runsView, type TextRun } from './printableRuns.ts';
import { scanLabel, scanText } from './scanText.ts';

/** A text a binary file carries, for the secret scan: its printable runs, or what its gzip data decompresses to. */
export interface CarriedText {
  /** The neutral path secretlint's rules see (scanLabel; a decompressed `.npmrc.gz` is an `.npmrc`). */
  label: string;
  text: string;
  /** Where a finding at `at` (in `text`) is, for the message ('in the text it carries, at byte 120'), and how a reviewer reads it there. */
  where(at: Position): { place: string; see: string };
}

/** The texts a binary file carries, and why some of it was not scanned (for secret-scan-incomplete). */
export interface Carried {
  texts: CarriedText[];
  problems: string[];
}

// A gzip in a gzip in a gzip is read; deeper nesting is no file anyone ships, and each layer costs a bound.
const MAX_LAYERS = 3;

/**
 * The texts binary `bytes` (of repo path `file`) carry, as a reader gets them: the printable runs (`strings`:
 * printableRuns) of the bytes; and when they are gzip data (magic 1F 8B 08, whatever the name: `gzip -dc`
 * reads it so), what its members decompress to, at most `limit` bytes (a gzip bomb stops there: it is said
 * as a problem), as text when scanText reads it so, else its runs and its own gzip data in turn. Trailing
 * bytes after the last member are ignored as gzip ignores them (their runs are the file's). Pure; never throws.
 */
export function carriedTexts(file: string, bytes: Buffer, limit: number): Carried {
  return layers(posix.basename(file), bytes, limit, 0);
}

function layers(name: string, bytes: Buffer, limit: number, depth: number): Carried {
  const runs = printableRuns(bytes);
  const texts = runs.length ? [runsText(name, runs, depth)] : [];
  if (!isGzip(bytes)) return { texts, problems: [] };
  const inner = name.replace(/\.t?gz$/i, m => (m.toLowerCase() === '.tgz' ? '.tar' : ''));
  if (depth >= MAX_LAYERS) return { texts, problems: [`it is gzip data nested ${MAX_LAYERS} deep, and the innermost layer was not decompressed`] };
  const { data, over } = gunzipBounded(bytes, limit);
  const problems = over ? [`it is gzip data that decompresses to more than the ${limit} bytes, or holds more than the ${MAX_GZIP_MEMBERS} members, the secret scan reads of one file (a gzip bomb is stopped there)`] : [];
  if (!data.length) return { texts, problems };
  const text = scanText(data);
  if (text !== undefined) return { texts: [...texts, decompressedText(inner, text, depth + 1)], problems };
  const nested = layers(inner, data, limit, depth + 1);
  return { texts: [...texts, ...nested.texts], problems: [...problems, ...nested.problems] };
}

const isGzip = (bytes: Buffer) => bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;

/** The reader's command for layer `depth` (0: the file itself). */
const command = (depth: number) => (depth ? `gzip -dc < <file>${' | gzip -dc'.repeat(depth - 1)}` : '');
const layerName = (depth: number) => (depth === 0 ? 'the text it carries' : `what it decompresses to${depth > 1 ? ` (gzip in gzip, ${depth} layers)` : ''}`);
const BIN = 'GitHub and Azure DevOps show a binary file\'s diff only as "Bin":';

// secretlint's directives are made inert (same length) in every carried text: the diff shows a binary file as
// "Bin", so no reviewer sees a `secretlint-disable-line` there, and it sanctions nothing.

/** The runs of layer `depth` (printableRuns), one a line, each finding at the byte its run puts it. */
export function runsText(name: string, runs: readonly TextRun[], depth: number): CarriedText {
  const view = runsView(runs);
  return {
    label: scanLabel(name),
    text: inertDirectives(view.text),
    where(at) {
      const { run, byte } = view.at(at.line, at.column);
      const strings = `strings -t d -n 8${run.encoding === 'utf-16le' ? ' -e l' : ''}`;
      return {
        place: `in ${layerName(depth)}, at byte ${byte}${run.encoding === 'utf-16le' ? ' (as UTF-16)' : ''}`,
        see: `${BIN} read that text with \`${depth ? `${command(depth)} | ${strings}` : `${strings} <file>`}\` (offsets in bytes).`,
      };
    },
  };
}

function decompressedText(name: string, text: string, depth: number): CarriedText {
  return {
    label: scanLabel(name),
    text: inertDirectives(text),
    where: at => ({ place: `in ${layerName(depth)}, at line ${at.line}, column ${at.column}`, see: `${BIN} read that text with \`${command(depth)}\`.` }),
  };
}

const BINARY_HINT = "Remove it from the file (write the image, archive or file again without it) and rotate it: once pushed, it is in the git history; reference a secret store instead (for Backstage config ${ENV_VAR}, for templates `ui:field: Secret` / secrets.*). A `secretlint-disable-line` comment is not honoured in a binary file's text: reviewers never see it in the diff.";

/**
 * secret-written findings `found` (positioned in `carried.text`) as findings of the binary file `file`: at its
 * start (a binary file has no lines a review shows), the message saying where in what it carries the
 * credential is and how to read it there. Pure.
 */
export function carriedFindings(file: string, carried: CarriedText, found: readonly Diagnostic[]): Diagnostic[] {
  return found.map(d => {
    const { place, see } = carried.where(d.range.start);
    return { ...d, file, range: FILE_START, message: `${d.message.replace('written out in this file', `written out in this binary file, ${place}`)} ${see}`, hint: BINARY_HINT };
  });
}

// gzip and pigz write one member, bgzip one per 64 KiB (256 reach the size bound). Red team: 838,000 empty
// members took 7–8 s a file to walk, past the scan's time bound; more than this many are said, not walked.
export const MAX_GZIP_MEMBERS = 4096;

/**
 * What the gzip members at the start of `bytes` decompress to, at most `limit` bytes and MAX_GZIP_MEMBERS
 * members (`over` when there was more): member after member as gzip reads them, a truncated member giving what
 * it holds, a member that is not deflate data nothing more, trailing bytes after the last member ignored.
 * Pure; never throws.
 */
export function gunzipBounded(bytes: Buffer, limit: number): { data: Buffer; over: boolean } {
  const parts: Buffer[] = [];
  let size = 0;
  let at = 0;
  while (isGzip(bytes.subarray(at)) && size <= limit) {
    if (parts.length >= MAX_GZIP_MEMBERS) return { data: Buffer.concat(parts), over: true };
    const start = afterHeader(bytes, at);
    if (start === undefined) break;
    let result: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // info: bytesWritten says where the member's deflate data ends (the next member, or trailing bytes).
      // Z_SYNC_FLUSH: a truncated member gives what it holds instead of an error.
      result = inflateRawSync(bytes.subarray(start), { info: true, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: limit - size + 1 }) as unknown as typeof result;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { data: Buffer.concat(parts), over: true };
      break;
    }
    parts.push(result.buffer);
    size += result.buffer.length;
    // The member's CRC and length follow its deflate data.
    at = start + result.engine.bytesWritten + 8;
    if (!result.engine.bytesWritten) break;
  }
  const data = Buffer.concat(parts);
  return size > limit ? { data: data.subarray(0, limit), over: true } : { data, over: false };
}

/** Where the deflate data of the gzip member at `at` starts (after its header's optional fields: RFC 1952), or undefined when the header is cut short. */
function afterHeader(bytes: Buffer, at: number): number | undefined {
  const flags = bytes[at + 3];
  let i = at + 10;
  if (flags & 0x04) i += 2 + (bytes[i] | (bytes[i + 1] << 8));
  for (const flag of [0x08, 0x10]) {
    if (!(flags & flag)) continue;
    const end = bytes.indexOf(0, i);
    if (end < 0) return undefined;
    i = end + 1;
  }
  if (flags & 0x02) i += 2;
  return i <= bytes.length ? i : undefined;
}
