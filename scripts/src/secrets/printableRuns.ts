/** A run of printable text in a binary file: where its first byte is, how it is encoded, and its text. */
export interface TextRun {
  offset: number;
  encoding: 'utf-8' | 'utf-16le';
  text: string;
}

/** The fewest characters a run has (a credential has more; shorter runs in compressed data are noise). */
export const MIN_RUN = 8;

/**
 * The runs of printable text in `bytes`, as `strings` finds them, in byte order: at least `min` characters of
 * printable ASCII (tab included) or valid UTF-8 (a C1 control, U+2028 and U+2029 end a run), and at least `min`
 * printable ASCII characters each as a little-endian UTF-16 unit (`strings -e l`: Windows and .NET binaries;
 * big-endian is rare, and read both ways one run would be found twice, a byte apart). No run
 * holds a line break, so joined by line breaks each is one line. Pure; linear in the bytes.
 */
export function printableRuns(bytes: Uint8Array, min = MIN_RUN): TextRun[] {
  const runs = [...utf8Runs(bytes, min), ...utf16Runs(bytes, min)];
  return runs.sort((a, b) => a.offset - b.offset);
}

// Each byte's kind, looked up once: a printable ASCII character (tab included), a UTF-8 lead byte, or neither.
const ASCII = 1;
const LEAD = 2;
const KIND = Uint8Array.from({ length: 256 }, (_, b) => ((b >= 0x20 && b < 0x7f) || b === 0x09 ? ASCII : b >= 0xc2 && b < 0xf5 ? LEAD : 0));

function utf8Runs(bytes: Uint8Array, min: number): TextRun[] {
  const runs: TextRun[] = [];
  const end = bytes.length;
  let start = -1;
  let chars = 0;
  for (let i = 0; i < end; ) {
    const b = bytes[i];
    const kind = KIND[b];
    const size = kind === ASCII ? 1 : kind === LEAD ? utf8Size(bytes, i) : 0;
    if (size) {
      if (start < 0) (start = i), (chars = 0);
      chars++;
      i += size;
      continue;
    }
    if (start >= 0 && chars >= min) runs.push({ offset: start, encoding: 'utf-8', text: Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString('utf8') });
    start = -1;
    i++;
  }
  if (start >= 0 && chars >= min) runs.push({ offset: start, encoding: 'utf-8', text: Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8') });
  return runs;
}

/** The length of the printable UTF-8 sequence (2 to 4 bytes) at `i`, whose lead byte is at least 0xC2; 0 when it is none. */
function utf8Size(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  const size = b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0;
  if (!size || i + size > bytes.length) return 0;
  for (let k = 1; k < size; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  const c1 = bytes[i + 1];
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 (TextDecoder refuses them).
  if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 >= 0xa0) || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 >= 0x90)) return 0;
  // C1 controls (U+0080 to U+009F) are no text; U+2028 and U+2029 are line breaks to secretlint.
  if (b === 0xc2 && c1 < 0xa0) return 0;
  if (b === 0xe2 && c1 === 0x80 && (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9)) return 0;
  return size;
}

/** Runs of printable ASCII as little-endian UTF-16 units (the zero byte second), at even and at odd offsets. */
function utf16Runs(bytes: Uint8Array, min: number): TextRun[] {
  const runs: TextRun[] = [];
  for (let parity = 0; parity < 2; parity++) {
    let start = -1;
    let text = '';
    const flush = () => {
      if (start >= 0 && text.length >= min) runs.push({ offset: start, encoding: 'utf-16le', text });
      start = -1;
    };
    for (let i = parity; i + 1 < bytes.length; i += 2) {
      const c = bytes[i];
      if (bytes[i + 1] !== 0 || KIND[c] !== ASCII) {
        if (start >= 0) flush();
        continue;
      }
      if (start < 0) (start = i), (text = '');
      text += String.fromCharCode(c);
    }
    flush();
  }
  return runs;
}

/** Text that is a file's runs, one a line, and the byte a position in it comes from. */
export interface RunsView {
  text: string;
  /** The run a 1-based line of `text` is, and the byte offset in the file of a 1-based column on it. */
  at(line: number, column: number): { run: TextRun; byte: number };
}

/** `runs` (printableRuns) joined by line breaks, each on its own line. Pure. */
export function runsView(runs: readonly TextRun[]): RunsView {
  return {
    text: runs.map(r => r.text).join('\n'),
    at(line, column) {
      const run = runs[Math.min(Math.max(line, 1), runs.length) - 1];
      const before = run.text.slice(0, Math.max(column - 1, 0));
      return { run, byte: run.offset + (run.encoding === 'utf-8' ? Buffer.byteLength(before) : 2 * before.length) };
    },
  };
}
