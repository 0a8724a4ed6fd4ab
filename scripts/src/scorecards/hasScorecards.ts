import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether the repository at `root` keeps scorecards (scorecards/config.yaml). Apart from prepareScorecards
 * so that `check` on a repo without them never loads the scorecard code and json-rules-engine.
 */
export function hasScorecards(root: string): boolean {
  return existsSync(join(root, 'scorecards', 'config.yaml'));
}
