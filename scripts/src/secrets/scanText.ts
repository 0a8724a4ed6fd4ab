import type { Diagnostic } from '../diagnostic.ts';
import { posix } from 'node:path';

/**
 * The text a file's `bytes` hold, as the secret scan reads it, or undefined for a binary file (an image, an
 * archive). Text is: valid UTF-8 (a leading BOM dropped) whatever control characters it holds, a NUL byte
 * included (Backstage's YAML parser and TechDocs read such a file, while git calls it binary); UTF-16 with a
 * byte-order mark (which the YAML gate names as yaml-encoding); and bytes that are not UTF-8 but hold
 * hardly any control bytes (Latin-1 or Windows-1252 text, which Backstage's `toString('utf8')` still reads
 * and a skeleton copies as it is), read one character per byte. Pure.
 */
export function scanText(bytes: Buffer): string | undefined {
  const utf16 = utf16Text(bytes);
  if (utf16 !== undefined) return utf16;
  try {
    // fatal: a byte that is not UTF-8 throws; the decoder drops a leading BOM itself.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fewControls(bytes) ? bytes.toString('latin1') : undefined;
  }
}

/**
 * Whether the first bytes of a file (`sample`, cut anywhere) are text by scanText's test: a sequence the cut
 * leaves unfinished at the end does not count against it. For a file too large to read whole. Pure.
 */
export function sampleIsText(sample: Buffer): boolean {
  if (utf16Text(sample.subarray(0, 2)) !== undefined) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return fewControls(sample);
  }
}

function utf16Text(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2))).swap16().toString('utf16le');
  return undefined;
}

// Binary data (compressed, an image) has a control byte in about one of eight; text hardly any. Tab, line
// and page breaks and ESC (colour codes in logs) are text's own.
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]);
function fewControls(bytes: Buffer): boolean {
  let controls = 0;
  for (const b of bytes) if ((b < 0x20 && !TEXT_CONTROLS.has(b)) || b === 0x7f) controls++;
  return controls * 100 <= bytes.length;
}

// secretlint's filter-comments rule reads these words anywhere in the text (its own pattern): the block
// form turns the scan off up to `secretlint-enable` or the end of the file, wherever it stands (inside a
// URL, `https://wiki/secretlint-disable--faq`).
const DIRECTIVE = /secretlint-(disable-next-line|disable-line|disable|enable)/g;

/**
 * `text` with secretlint's block directives (`secretlint-disable` not followed by `-line` or `-next-line`,
 * and `secretlint-enable`) made inert by a replacement of the same length (`secretlint_disable`), so every
 * offset, line and column stays: only the per-line forms this gate sanctions (SECRET_HINT) keep a line out
 * of the scan. Pure.
 */
export function withoutBlockDirectives(text: string): string {
  return text.replace(DIRECTIVE, (word, type: string) => (type === 'disable' || type === 'enable' ? `secretlint_${type}` : word));
}

/**
 * The neutral path secretlint's rules see for repo path `file`: what they look at of a name (the extension,
 * for the GCP key rule's `.json`; a name ending in package.json, package-lock.json or .npmrc, for the npm
 * rule) and nothing else. A pull request's own name never reaches secretlint, whose profiler splits a
 * performance mark holding it with a pattern a newline breaks (`evil\n::add-mask::…` made every command exit 2).
 */
export function scanLabel(file: string): string {
  const name = posix.basename(file);
  const special = ['package-lock.json', 'package.json', '.npmrc'].find(end => name.endsWith(end));
  if (special) return `/${special}`;
  return `/file${posix.extname(name).replace(/[^\w.]/g, '').slice(0, 16)}`;
}

/** A text to lint, the neutral path its rules see (scanLabel), and how its findings become the file's. */
export interface ScanText {
  label: string;
  text: string;
  findings: (found: Diagnostic[]) => Diagnostic[];
}
