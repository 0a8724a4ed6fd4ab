import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';

export type SourceText = { text: string } | { problem: Diagnostic };

/**
 * Reads a file as UTF-8 without ever holding more than `maxBytes` of it. Backstage decodes with
 * `toString('utf8')`, which silently turns invalid bytes into U+FFFD, so invalid UTF-8 is an error
 * here rather than a mis-read there.
 */
export function readSource(absolutePath: string, file: string, maxBytes: number): SourceText {
  // Synchronous reads: for thousands of small files they cost a fraction of promise-based ones.
  const fd = openSync(absolutePath, 'r');
  let bytes: Buffer;
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) {
      return {
        problem: {
          ruleId: 'yaml-file-too-large',
          severity: 'error',
          message: `This file is ${size} bytes; files over ${maxBytes} bytes are not read.`,
          hint: 'Split the entities into several files, or raise catalog.maxFileBytes in gitops.config.yaml if the size is intended.',
          file,
          range: FILE_START,
        },
      };
    }
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  return decodeUtf8(bytes, file);
}

export function decodeUtf8(bytes: Buffer, file: string): SourceText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { problem: encodingProblem(file, 1, 1, 'UTF-16 (little-endian)') };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { problem: encodingProblem(file, 1, 1, 'UTF-16 (big-endian)') };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const lossy = bytes.toString('utf8');
    const bad = lossy.indexOf('\uFFFD');
    const before = lossy.slice(0, bad);
    const line = before.split('\n').length;
    const column = bad - before.lastIndexOf('\n');
    // Which encoding it is can only be guessed; single bytes of 0x80-0xFF in text are what Latin-1 and
    // Windows-1252 editors write (é as 0xE9), and naming that tells the user what to convert from.
    const latin1 = !bytes.includes(0) && bytes.some(b => b >= 0xa0);
    return { problem: encodingProblem(file, line, column, latin1 ? 'not valid UTF-8 (it looks like Latin-1 or Windows-1252)' : 'not valid UTF-8') };
  }
}

function encodingProblem(file: string, line: number, column: number, what: string): Diagnostic {
  return {
    ruleId: 'yaml-encoding',
    severity: 'error',
    message: `This file is ${what}; Backstage reads catalog files as UTF-8 and would silently replace these bytes.`,
    hint: 'Re-save the file as UTF-8 (without a byte-order mark).',
    file,
    range: { start: { line, column }, end: { line, column: column + 1 } },
  };
}
