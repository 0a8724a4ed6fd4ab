import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';

// Where GitHub looks for CODEOWNERS, in its order: the first one found is the one it reads.
const GITHUB_PLACES = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/**
 * The info that a repo's CODEOWNERS is not judged (`root`: the repo; none when it has no CODEOWNERS GitHub
 * reads), for a repo without gitops.config.yaml. The CODEOWNERS gate compares the file with what the
 * catalog's ownership generates, and only the config's codeowners section says how to generate it (the
 * platform team, its paths): such a repo keeps a CODEOWNERS of its own making, which the gate leaves alone.
 * Said once, at the file, so a passing run does not read as a reviewed CODEOWNERS.
 */
export function codeownersNotChecked(root: string): Diagnostic[] {
  const file = GITHUB_PLACES.find(place => isRegularFile(join(root, place)));
  if (file === undefined) return [];
  return [{
    ruleId: 'codeowners-not-checked',
    severity: 'info',
    message: `${file} is not checked: this repo has no gitops.config.yaml (whose codeowners section says how the catalog's ownership becomes CODEOWNERS), so the gate neither generates it from the catalog's ownership nor compares it (a hand-written CODEOWNERS is left as it is, its owners unchecked).`,
    hint: "To have every pull request keep it in line with the catalog's owners (spec.owner and each Group's github.com/team-slug), add `codeowners: {platformTeam: '@org/platform-team'}` to gitops.config.yaml, then run `npx backstage-gitops codeowners --write` and commit the file.",
    file,
    range: FILE_START,
  }];
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
