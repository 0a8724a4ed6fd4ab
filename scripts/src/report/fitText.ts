// Where a Markdown report goes, the platform counts its size in its own unit: GitHub's job summary in bytes
// ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k": the whole summary is
// dropped), GitHub's comments ("maximum is 65536 characters") and Azure DevOps' PR comments ("cannot be
// longer than 150000 characters") in characters. A PR's own text (CJK names, paths, messages) takes up to
// three UTF-8 bytes per UTF-16 unit, so a budget counted in one unit says nothing about the other.

/** How a platform counts a text's size: UTF-8 bytes, or characters (counted here as UTF-16 code units, never fewer than code points). */
export type TextUnit = 'bytes' | 'chars';

/** GitHub's job summary per step: 1 MiB, in bytes. */
export const GITHUB_SUMMARY_BYTES = 1024 * 1024;
/**
 * Azure Pipelines' run summary, in bytes: the Markdown file the PR task attaches with
 * `##vso[task.addattachment type=Distributedtask.Core.Summary;name=…]` (task.uploadsummary's long form),
 * shown on the run's Extensions tab. Azure documents no size limit for it (none in its logging-command
 * docs, nor in shared/reference/ci-platforms.md §3.1); the task keeps it to 1 MiB, the bound GitHub's job
 * summary has, so the one summary `report` renders (SUMMARY_BUDGET, 1,000,000 bytes) fits both platforms
 * unchanged and the attachment stays a size the tab loads.
 */
export const AZURE_SUMMARY_BYTES = 1024 * 1024;
/** GitHub's issue and PR comment body, in characters. */
export const GITHUB_COMMENT_CHARS = 65_536;
/** Azure DevOps' PR thread comment, in characters (.NET string length: UTF-16 code units). */
export const AZURE_COMMENT_CHARS = 150_000;

/** The size of `text` in `unit`: Buffer.byteLength for bytes, String length (UTF-16 units) for chars. */
export function textSize(text: string, unit: TextUnit): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/**
 * `text` when it fits in `max` (counted in `unit`); otherwise its longest head of whole lines that fits
 * with `note` after it, so the top of a report (its verdict) always stays. The cut is at a line break,
 * never inside a character (no lone surrogate, no partial UTF-8 sequence), and a ``` fence it leaves open
 * is closed so the note renders as text. Takes any string; returns a string within `max` when `note`
 * itself is; never throws.
 */
export function fitText(text: string, max: number, unit: TextUnit, note: string): string {
  if (textSize(text, unit) <= max) return text;
  const room = Math.max(0, max - textSize(note, unit) - textSize('```\n', unit));
  let head = unit === 'bytes' ? text.slice(0, new TextEncoder().encodeInto(text, new Uint8Array(room)).read) : text.slice(0, room);
  // encodeInto writes whole characters only; a char cut can still split a surrogate pair.
  if (unit === 'chars' && /[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  const line = head.lastIndexOf('\n');
  head = line >= 0 ? head.slice(0, line + 1) : '';
  // Blanks within a line only (a `\s*` across lines is quadratic over blank lines; the count is the same).
  const fences = head.match(/^[^\S\n\r\u2028\u2029]*```/gm)?.length ?? 0;
  return `${head}${fences % 2 ? '```\n' : ''}${note}`;
}

/** The note fitText appends to a report it cut: what was cut, and where everything is. */
export function truncatedNote(where: string): string {
  return `\n_…truncated: the rest of this report does not fit in ${where}. The JSON report (<code>report --format json</code>) has everything._\n`;
}
