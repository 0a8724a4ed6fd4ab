import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { FILE_START, type Diagnostic, type Range } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { regularRepoFileText } from '../load/repoFiles.ts';
import { discoverCases } from '../templates/runTemplateTests.ts';
import { boundedText } from '../report/safeText.ts';

/** What one test case of a template makes templates test (and the report) look at, as runCase reads the case. */
interface CaseCoverage {
  caseFile: string;
  /**
   * The case renders the skeleton: it expects neither `expect.valuesError` (runCase stops once the values are
   * refused) nor `expect.error` (the render must fail). A case that cannot be read or parsed renders nothing.
   */
  renders: boolean;
  /** It renders, keeps `snapshot` (true by default) and its `<case>.snapshot.yaml` exists: the whole tree is compared. */
  snapshot: boolean;
  /** Where the case turns its rendering or snapshot off (`expect.valuesError`, `expect.error`, `snapshot`), else the file's start. */
  at: Range;
  /** `snapshot: false` is written in the case. */
  snapshotOff: boolean;
}

const snapshotOf = (caseFile: string) => caseFile.replace(/\.ya?ml$/, '.snapshot.yaml');

/**
 * The cases of `templateFile` in the tree at `dir` as templates test finds them (discoverCases), each read
 * with `read` (undefined when it cannot be). `snapshotExists` says whether a case's snapshot file is there.
 * Never throws: a tree whose tests cannot be listed has no cases.
 */
function coverage(dir: string, templateFile: string, read: (file: string) => string | undefined, snapshotExists: (file: string) => boolean): CaseCoverage[] {
  let cases;
  try {
    cases = discoverCases(dir, [], [templateFile]);
  } catch {
    return [];
  }
  return cases.map(({ caseFile }) => {
    const text = read(caseFile);
    const parsed = text === undefined ? undefined : parseYaml(text, caseFile);
    const testCase = parsed && !parsed.problems.length ? parsed.documents[0] : undefined;
    if (!parsed || !isRecord(testCase)) return { caseFile, renders: false, snapshot: false, at: FILE_START, snapshotOff: false };
    const expect = isRecord(testCase.expect) ? testCase.expect : {};
    const refusal = expect.valuesError !== undefined ? 'valuesError' : expect.error !== undefined ? 'error' : undefined;
    const snapshotOff = testCase.snapshot === false;
    const renders = refusal === undefined;
    return {
      caseFile,
      renders,
      snapshot: renders && !snapshotOff && snapshotExists(snapshotOf(caseFile)),
      at: refusal !== undefined ? parsed.locate(0, ['expect', refusal]) : snapshotOff ? parsed.locate(0, ['snapshot']) : FILE_START,
      snapshotOff,
    };
  });
}

/**
 * What a change takes away from the tests of each template file of `templateFiles` (the ones it touches),
 * comparing the cases the base revision (`baseDir`) gives it with the head's (`root`):
 * - template-tests-removed: the base has cases and the head none, or the base renders the skeleton in at least
 *   one case and no case of the head does (each remaining one expects its values refused, `expect.valuesError`,
 *   or its render to fail, `expect.error`). Then neither templates test nor the report renders the template,
 *   so what its skeleton generates (in this change or any later one) reaches new repositories unjudged; the
 *   report showed such a case as "✅ not rendered".
 * - template-snapshot-removed: a case whose whole rendered tree the base compares with its snapshot, and that
 *   the head keeps but no longer compares (`snapshot: false`, the snapshot file deleted, or a refusal expected),
 *   or, when the cases were renamed, no case of the head compares a snapshot any more: the report then cannot
 *   say which files the skeleton adds or changes.
 * Warnings: on the template file, or on the head case's line that turns the render or snapshot off. Reads
 * both trees (the base's only as regular files: it is the report's archive checkout); never throws.
 */
export function testCoverageLost(root: string, baseDir: string, templateFiles: readonly string[]): Diagnostic[] {
  const readHead = (file: string) => {
    try {
      return readRepoFile(root, file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const readBase = (file: string) => regularRepoFileText(baseDir, file);
  return templateFiles.flatMap(file => {
    if (!existsSync(join(baseDir, file))) return [];
    const before = coverage(baseDir, file, readBase, snapshot => regularRepoFileText(baseDir, snapshot) !== undefined);
    if (!before.length) return [];
    const after = coverage(root, file, readHead, snapshot => existsSync(join(root, snapshot)));
    const tests = `${posix.join(posix.dirname(file), 'tests')}/`;
    if (!after.length) {
      return [{
        ruleId: 'template-tests-removed',
        severity: 'warning' as const,
        message: `This change removes every test case of this template (the base revision has ${before.length}): neither templates test nor the pull request's report renders it any more, so what its skeleton generates, in this change or any later one, reaches new repositories unjudged.`,
        hint: `Keep at least one case in ${tests} (a YAML file with name and values; templates test --update-snapshots writes its snapshot).`,
        file,
        range: FILE_START,
      }];
    }
    const rendering = before.filter(c => c.renders).length;
    if (rendering > 0 && !after.some(c => c.renders)) {
      const first = after[0];
      return [{
        ruleId: 'template-tests-removed',
        severity: 'warning' as const,
        message: `No test case renders this template's skeleton any more: the base revision renders it in ${rendering} case${rendering === 1 ? '' : 's'}, and every case this change leaves expects its values to be refused (expect.valuesError) or its render to fail (expect.error). Neither templates test nor the pull request's report shows what the skeleton generates, in this change or any later one, so it reaches new repositories unjudged.`,
        hint: `Keep at least one case in ${tests} that renders the template (values the form accepts, no valuesError or error expectation), with its snapshot (templates test --update-snapshots writes it).`,
        file: first.caseFile,
        range: first.at,
      }];
    }
    const found: Diagnostic[] = [];
    for (const was of before.filter(c => c.snapshot)) {
      const now = after.find(c => c.caseFile === was.caseFile);
      if (!now || now.snapshot) continue;
      const how = !now.renders ? 'this change makes the case expect its values refused or its render to fail, so it renders nothing to compare' : now.snapshotOff ? 'this change sets `snapshot: false` on the case' : `this change deletes ${boundedText(snapshotOf(was.caseFile), 200)}`;
      found.push(snapshotRemoved(now.caseFile, now.at, `This case no longer compares its rendered tree with its snapshot (the base revision does; ${how}): the report can no longer show which files the skeleton adds or changes, so a change to what new repositories get passes unseen.`));
    }
    // Cases renamed (or replaced) so that none compares a snapshot any more: said once, on the template.
    if (!found.length && before.some(c => c.snapshot) && !after.some(c => c.snapshot)) {
      found.push(snapshotRemoved(file, FILE_START, `No test case of this template compares its rendered tree with a snapshot any more (the base revision does in ${before.filter(c => c.snapshot).length}): the report can no longer show which files the skeleton adds or changes, so a change to what new repositories get passes unseen.`));
    }
    return found;
  });
}

function snapshotRemoved(file: string, range: Range, message: string): Diagnostic {
  return {
    ruleId: 'template-snapshot-removed',
    severity: 'warning',
    message,
    hint: 'Keep the snapshot: leave `snapshot` out (true by default), then run `npx backstage-gitops templates test --update-snapshots` and commit the .snapshot.yaml it writes.',
    file,
    range,
  };
}
