import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { sampleIsText } from '../secrets/scanText.ts';

/** A file the pull request adds or changes: its first bytes, and whether `git diff --numstat` shows it as binary. */
export interface ChangedSample {
  file: string;
  /** The file's first bytes (at least GIT_BINARY_PROBE of them when it has that many). */
  sample: Buffer;
  diffBinary: boolean;
}

/** git's own test for a binary file (xdiff's buffer_is_binary): a NUL byte in its first 8,000 bytes. */
export const GIT_BINARY_PROBE = 8000;

// The text formats the gates read, Backstage parses or TechDocs publishes.
const TEXT_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.md', '.markdown', '.njk', '.txt', '.html']);
const TEXT_NAMES = new Set(['CODEOWNERS', '.gitattributes']);

/**
 * review-hidden-binary: each changed file whose bytes are text (sampleIsText: Backstage's YAML parser and
 * TechDocs read it) while git, and so GitHub's and Azure's pull request views, show it as binary ("Binary
 * files differ"): its diff cannot be reviewed. A NUL byte in the first 8,000 bytes (git's test) is an error
 * at the first NUL; a file of a format the gates read or TechDocs publishes that `git diff --numstat` shows as
 * binary for another reason (a `-diff` or `binary` attribute) a warning at its start. Pure.
 */
export function binaryHidden(files: readonly ChangedSample[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const { file, sample, diffBinary } of files) {
    if (!sampleIsText(sample)) continue;
    const nul = sample.subarray(0, GIT_BINARY_PROBE).indexOf(0);
    const utf16 = (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
    if (nul >= 0) {
      const at = utf16 ? { line: 1, column: 1 } : position(sample.subarray(0, nul));
      found.push({
        ruleId: 'review-hidden-binary',
        severity: 'error',
        message: `This file is text${utf16 ? ' in UTF-16' : ''}, but ${utf16 ? 'its encoding puts NUL bytes' : 'a NUL byte stands'} in its first 8,000 bytes, git's test for a binary file: git, GitHub and Azure DevOps show only "Binary files differ" for it, so reviewers cannot see what the pull request changes in it, while Backstage, TechDocs or a template still read it as text.`,
        hint: utf16 ? 'Re-save the file as UTF-8.' : 'Remove the NUL byte (an editor that shows control characters, or `tr -d "\\000"`).',
        file,
        range: { start: at, end: { line: at.line, column: at.column + 1 } },
      });
    } else if (diffBinary && (TEXT_EXTENSIONS.has(posix.extname(file).toLowerCase()) || TEXT_NAMES.has(posix.basename(file)))) {
      found.push({
        ruleId: 'review-hidden-binary',
        severity: 'warning',
        message: 'This file is text of a kind the gates read or TechDocs publishes, but `git diff` shows it as binary (a .gitattributes `-diff` or `binary` applies to it): reviewers cannot see what the pull request changes in it.',
        hint: 'Remove the attribute that hides its diff from .gitattributes (git check-attr -a says which), in a pull request of its own.',
        file,
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
      });
    }
  }
  return found;
}

/** The 1-based line and column (in characters) just after UTF-8 `before`; lines break as YAML breaks them (\n, \r\n, \r). */
function position(before: Buffer): { line: number; column: number } {
  const text = before.toString('utf8');
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
