import { posix } from 'node:path';
import { contentsUrlSource, isStep, outcome, publishesContents, quote, relativeCatalogPathProblem, relativeFromRoot, type RegisterProblem } from './registerTarget.ts';

type RegisterRule = 'template-register-path' | 'template-register-file-missing';

/**
 * What catalog:register would fail on in the task a test case renders: for each register step that ran
 * (one its `if:` skipped is absent from `ran`) whose repoContentsUrl (or a catalogInfoUrl of
 * `${{ steps.<id>.output.repoContentsUrl }}/path`) comes from a publish step that ran before it, the file it
 * reads must be in the repository that step pushed: `files` (the rendered workspace at the task's end) under
 * the publish step's rendered sourcePath. A catalogInfoPath given by an expression is also judged for
 * the relative-path mistake registerPathProblems finds in literal ones. Takes the template's steps as
 * written, the offline steps' rendered inputs in the order they ran (RenderResult.offlineInputs), the
 * rendered paths, the case file and stepIdOf; returns each finding's rule and path into the template. A
 * publish action whose module is not installed here is judged too (its URL's shape and sourcePath are
 * known), as registerPathProblems judges it.
 */
export function renderedRegisterProblems(steps: readonly unknown[], ran: readonly { stepAction: string; input: Record<string, unknown>; stepId?: string }[], files: ReadonlySet<string>, caseFile: string, idOf: (step: Record<string, unknown>, index: number) => string | undefined): (RegisterProblem & { ruleId: RegisterRule; path: (string | number)[] })[] {
  const found: (RegisterProblem & { ruleId: RegisterRule; path: (string | number)[] })[] = [];
  const seen = new Set<string>();
  ran.forEach((entry, k) => {
    if (entry.stepAction !== 'catalog:register' || entry.stepId === undefined) return;
    const index = steps.findIndex((s, i) => isStep(s) && s.action === 'catalog:register' && idOf(s, i) === entry.stepId);
    const raw = steps[index];
    if (!isStep(raw) || !isStep(raw.input)) return;
    const byPath = 'repoContentsUrl' in raw.input;
    const source = byPath ? contentsUrlSource(raw.input.repoContentsUrl) : contentsUrlSource(raw.input.catalogInfoUrl);
    if (!source) return;
    // The publish step the runner ran last under that id before this register step: its output is the one read.
    const publish = ran.slice(0, k).reverse().find(p => p.stepId === source.stepId);
    if (!publish || !publishesContents(publish.stepAction)) return;
    // A path or sourcePath built from a step's output holds, offline, the dry-run's example ('<example>'): not what Backstage reads.
    const publishStep = steps.find((s, i) => isStep(s) && idOf(s, i) === source.stepId && s.action === publish.stepAction);
    if (/\bsteps\s*[.[]/.test(JSON.stringify([raw.input.catalogInfoPath ?? null, isStep(publishStep) && isStep(publishStep.input) ? publishStep.input.sourcePath ?? null : null]))) return;
    const key = byPath ? 'catalogInfoPath' : 'catalogInfoUrl';
    const path = ['spec', 'steps', index, 'input', key];
    const push = (ruleId: RegisterRule, problem: RegisterProblem) => {
      const id = `${entry.stepId}|${problem.message}`;
      if (!seen.has(id)) found.push({ ruleId, path, ...problem });
      seen.add(id);
    };
    let catalogInfoPath: string | undefined;
    if (byPath) {
      const rendered = entry.input.catalogInfoPath;
      if (rendered !== undefined && typeof rendered !== 'string') return;
      catalogInfoPath = rendered;
      if (rendered !== undefined && !rendered.startsWith('/')) {
        // A literal one is said by the static check, once; one an expression gives, here with the case.
        const problem = relativeCatalogPathProblem(rendered, publish.stepAction, entry.input.optional === true);
        const written = raw.input.catalogInfoPath;
        if (problem && typeof written === 'string' && written.includes('${{')) push('template-register-path', { message: `${problem.message} (rendered with the values of ${caseFile})`, hint: problem.hint });
        if (problem) return;
      }
    } else {
      // Only a literal path after the expression is followed; one glued on is registerPathProblems's.
      if (!source.rest.startsWith('/') || source.rest.includes('${{') || relativeFromRoot(publish.stepAction)) return;
      catalogInfoPath = source.rest;
    }
    const sourcePath = typeof publish.input.sourcePath === 'string' && publish.input.sourcePath !== '' ? publish.input.sourcePath : undefined;
    const target = registeredFile(catalogInfoPath, sourcePath);
    if (!target) return;
    const problem = missingRegisteredFile(files, target, { action: publish.stepAction, stepId: source.stepId }, { key, value: catalogInfoPath, optional: entry.input.optional === true }, caseFile);
    if (problem) push('template-register-file-missing', problem);
  });
  return found;
}

/**
 * Where the file catalog:register reads lies in the task's workspace: `catalogInfoPath` (Backstage's default
 * `/catalog-info.yaml`) from the root of the repository the publish action pushed, which is the workspace's
 * `sourcePath` folder (plugin-scaffolder-node's getRepoSourceDirectory: normalised, a leading `../` dropped)
 * or the whole workspace. Returns both posix paths (`published` relative to the repository, `workspace`
 * relative to the workspace), or undefined for a path this cannot follow (one that climbs out of the
 * repository, or holds a query, fragment or escape).
 */
export function registeredFile(catalogInfoPath: string | undefined, sourcePath: string | undefined): { published: string; workspace: string; root: string } | undefined {
  const path = catalogInfoPath ?? '/catalog-info.yaml';
  if (/[?#%\\]/.test(path)) return undefined;
  const published = posix.normalize(path.replace(/^\/+/, ''));
  if (published === '.' || published === '..' || published.startsWith('../') || published.endsWith('/')) return undefined;
  const root = sourcePath ? posix.normalize(sourcePath.replace(/\\/g, '/')).replace(/^(\.\.(\/|$))+/, '').replace(/^\/+/, '').replace(/\/+$/, '') : '';
  const base = root === '.' ? '' : root;
  return { published, workspace: base ? `${base}/${published}` : published, root: base };
}

/**
 * Why the file catalog:register reads is not in the repository a publish step pushed, as this case renders
 * it: `files` are the rendered workspace's paths, `target` registeredFile's answer. Backstage's register
 * adds the location and then dry-runs it; a file the repository lacks fails the task. Names the case and,
 * when the workspace holds a file of the same name elsewhere, the sourcePath or catalogInfoPath that
 * would reach it. Undefined when the file is there.
 */
export function missingRegisteredFile(files: ReadonlySet<string>, target: { published: string; workspace: string; root: string }, publish: { action: string; stepId: string }, written: { key: 'catalogInfoPath' | 'catalogInfoUrl'; value?: string; optional?: boolean }, caseFile: string): RegisterProblem | undefined {
  if (files.has(target.workspace)) return undefined;
  const name = posix.basename(target.published);
  const inside = (f: string) => target.root === '' || f.startsWith(`${target.root}/`);
  const elsewhere = [...files].filter(f => posix.basename(f) === name).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  const pushed = target.root ? `the folder ${target.root}/ of the workspace (sourcePath)` : 'the whole workspace (no sourcePath)';
  const path = written.value === undefined ? `catalogInfoPath (Backstage's default /catalog-info.yaml)` : written.key === 'catalogInfoPath' ? `catalogInfoPath ${quote(written.value)}` : `catalogInfoUrl's path ${quote(written.value)}`;
  const found = elsewhere.length ? ` The rendered workspace has ${elsewhere.slice(0, 3).join(', ')}${elsewhere.length > 3 ? ', …' : ''}.` : '';
  const message = `Rendered with the values of ${caseFile}, the repository ${publish.action} (step ${publish.stepId}) pushes, ${pushed}, has no ${target.published}: catalog:register reads ${path} from its root, where Backstage's catalog finds no file. ${outcome(written.optional === true)}${found}`;
  const best = elsewhere[0];
  let hint = `Render ${target.published} into the published tree (fetch:template's targetPath), or point ${written.key} at the file the template writes.`;
  if (best !== undefined && inside(best)) {
    const fromRoot = target.root ? best.slice(target.root.length + 1) : best;
    const folder = posix.dirname(best);
    hint = target.root === '' && folder !== '.' && posix.basename(best) === name
      ? `Set ${publish.stepId}'s sourcePath: ./${folder} (to publish that folder as the repository), or ${written.key === 'catalogInfoPath' ? 'catalogInfoPath: ' : 'end catalogInfoUrl with '}/${fromRoot}.`
      : written.key === 'catalogInfoPath' ? `Write catalogInfoPath: /${fromRoot}.` : `End catalogInfoUrl with /${fromRoot}.`;
  } else if (best !== undefined) {
    hint = `${best} is outside ${target.root}/, which ${publish.action} does not push: render it into ${target.root}/ (fetch:template's targetPath: ./${target.root}), or change the sourcePath.`;
  }
  return { message, hint };
}
