/**
 * A text as a reader of a file gets it after the decoding it applies (YAML's escapes, HTML's character
 * references, a page's rendering), for the secret scan: secretlint reads a file's raw text, so a token spelled
 * `\x67hp_…` or `&#103;hp_…` passed it while Backstage and TechDocs show it whole. Each character of `text`
 * comes from the raw span `span(offset)` gives (start and end offsets of the file's text).
 */
export interface DecodedView {
  text: string;
  /** How the file spells what `text` holds, for the finding's message: 'spelled with YAML escapes'. */
  spelling: string;
  /** Who reads it decoded, for the finding's message (a sentence). */
  reader: string;
  span(offset: number): { start: number; end: number };
}

/**
 * A view's text and its map back to the raw text, built piece by piece: runs of raw text copied as they are
 * (each character its own span) and decoded pieces (every character of one the span of its whole spelling).
 * A view that neither decodes, drops nor joins anything (two runs side by side in the view that are not in
 * the raw text) shows the raw scan nothing new, and is no view.
 */
export class ViewBuilder {
  #parts: string[] = [];
  #length = 0;
  // One segment per run or piece: where it starts in the view, and the raw span (a run: its first character's start).
  #view: number[] = [];
  #start: number[] = [];
  #end: number[] = [];
  #decoded = false;
  // Where the last run or piece ends in the raw text; undefined after a line break of the view's own.
  #after: number | undefined;

  constructor(readonly raw: string) {}

  copy(start: number, end: number): void {
    if (end <= start) return;
    if (this.#after !== undefined && this.#after !== start) this.#decoded = true;
    this.#segment(this.raw.slice(start, end), start, -1);
    this.#after = end;
  }

  put(text: string, start: number, end: number): void {
    this.#decoded = true;
    if (text) this.#segment(text, start, end);
    this.#after = end;
  }

  /** Raw text left out of the view (a tag, a comment, an emphasis marker). */
  drop(start: number, end: number): void {
    if (end > start) this.#decoded = true;
  }

  /** A line break of the view's own (between a page's blocks): what stands either side is not joined. */
  separate(at: number): void {
    if (this.#length && this.#parts[this.#parts.length - 1].endsWith('\n')) return;
    this.#segment('\n', at, -1);
    this.#after = undefined;
  }

  view(spelling: string, reader: string): DecodedView | undefined {
    if (!this.#decoded) return undefined;
    const text = this.#parts.join('');
    if (text === this.raw) return undefined;
    const [view, starts, ends] = [this.#view, this.#start, this.#end];
    return {
      text,
      spelling,
      reader,
      span(offset: number) {
        const low = lastAtOrBefore(view, offset);
        if (ends[low] >= 0) return { start: starts[low], end: ends[low] };
        const start = starts[low] + offset - view[low];
        return { start, end: start + 1 };
      },
    };
  }

  #segment(text: string, start: number, end: number): void {
    this.#view.push(this.#length);
    this.#start.push(start);
    this.#end.push(end);
    this.#parts.push(text);
    this.#length += text.length;
  }
}

/** The index of the last of the ascending `sorted` that is at most `value` (0 when none is). Binary search. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (sorted[middle] <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}
