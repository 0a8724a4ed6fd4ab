import type { Diagnostic } from '../diagnostic.ts';
import type { Rule } from '../rules.ts';

export interface FormatOptions {
  color: boolean;
  /** How many files (or `checkedUnit`s) were judged. */
  checkedFiles: number;
  /** Entities judged; absent for a run that judges none (`templates test`). */
  entityCount?: number;
  /** What `checkedFiles` counts, singular (default `file`; `templates test`: `case`). */
  checkedUnit?: string;
  rules: readonly Rule[];
  toolName: string;
  toolVersion: string;
  /** The revision `--base` names, for findings marked alreadyOnBase ("already on main"). */
  baseRef?: string;
  /** With --base: the base's findings the head no longer has; the JSON format lists them as `fixed`. */
  fixed?: readonly Diagnostic[];
}

/** "18 files", "1 file", "9 cases": what a run judged, for its summary line. */
export function checkedCount(options: Pick<FormatOptions, 'checkedFiles' | 'checkedUnit'>): string {
  const unit = options.checkedUnit ?? 'file';
  return `${options.checkedFiles} ${options.checkedFiles === 1 ? unit : `${unit}s`}`;
}

/** checkedCount plus the entities, when the run judged entities: "18 files (79 entities)". */
export function checkedPhrase(options: Pick<FormatOptions, 'checkedFiles' | 'checkedUnit' | 'entityCount'>): string {
  return options.entityCount === undefined ? checkedCount(options) : `${checkedCount(options)} (${options.entityCount} entities)`;
}

/** "1 error", "2 warnings", "0 info": a count with its word, singular for one (info has no plural). */
export function counted(n: number, word: 'error' | 'warning' | 'info'): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}
