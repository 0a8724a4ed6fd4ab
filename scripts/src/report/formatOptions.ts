import type { Rule } from '../rules.ts';

export interface FormatOptions {
  color: boolean;
  checkedFiles: number;
  entityCount: number;
  rules: readonly Rule[];
  toolName: string;
  toolVersion: string;
}
