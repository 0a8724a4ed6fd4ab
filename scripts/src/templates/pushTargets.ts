import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';
import { expressionMatches } from './checkExpressions.ts';
import { fixedBy, NAME_OR_INDEX, partOnEveryRun, segmentsOf, withoutStrings } from './formRuns.ts';
import { OWN_PARAMETERS } from './ownParameters.ts';
import { declarations, parameterPages } from './parameterDeclarations.ts';

/** A step that writes into a repository the user running the template does not choose: rule, severity, path in the template document, message and hint. */
export interface PushTargetFinding { ruleId: 'template-push-fixed-repo'; severity: 'error' | 'warning'; path: PathSegment[]; message: string; hint: string }

// The scaffolder modules' actions that write into a repository that already exists, named by repoUrl, and what
// each does there. Read from their handlers: scaffolder-backend-module-github 0.10.0 (installed here:
// githubPullRequest.cjs.js, githubRepoPush.cjs.js), -gitlab 0.12.0 (gitlabMergeRequest.cjs.js,
// gitlabRepoPush.cjs.js: the project is repoUrl's `project` when given, else owner/repo), -bitbucket-cloud
// 0.3.11, -bitbucket-server 0.2.26 (bitbucket*PullRequest.cjs.js) and -gerrit 0.2.25 (gerritReview.cjs.js).
// -azure 0.2.26 and -gitea 0.2.25 only create repositories. Judged whether or not the module is installed.
const PUSHES: ReadonlyMap<string, string> = new Map([
  ['publish:github:pull-request', 'pushes a branch there and opens a pull request'],
  ['github:repo:push', 'pushes a commit to a branch there (its defaultBranch input) and sets that branch\'s protection'],
  ['publish:gitlab:merge-request', 'commits to a branch there and opens a merge request'],
  ['gitlab:repo:push', 'commits to a branch there (its branchName input, which may be the default branch)'],
  ['publish:bitbucketCloud:pull-request', 'pushes a branch there and opens a pull request'],
  ['publish:bitbucketServer:pull-request', 'pushes a branch there and opens a pull request'],
  ['publish:gerrit:review', 'pushes a change there for review'],
]);

// The actions that create the repository repoUrl names, and fail when it exists (GitHub's createInOrg, GitLab's
// Projects.create…): a push after one of them with the same repoUrl goes into the repository the run created.
const CREATES = new Set(['publish:github', 'github:repo:create', 'publish:gitlab', 'publish:azure', 'publish:bitbucket', 'publish:bitbucketCloud', 'publish:bitbucketServer', 'publish:gerrit', 'publish:gitea']);

// `parameters.name` or `parameters['name']`: a reference to one top-level parameter and nothing else (a property
// of an object parameter may be fixed where its parent is not: those are rendered).
const BARE_PARAMETER = /^\s*parameters(?:\.[A-Za-z_$][\w$]*|\[\s*(?:'[^'\\]*'|"[^"\\]*")\s*\])\s*$/;
// Stand for the i-th `${{ … }}` of a repoUrl while its parts are read: MARK, i, END.
const MARK = '\u2063';
const END = '\u2064';

/**
 * The steps of a template that write into an existing repository the user running it does not choose
 * (template-push-fixed-repo, an error): a publish:github:pull-request, github:repo:push, GitLab merge request or
 * push, Bitbucket pull request or Gerrit review (PUSHES) whose repoUrl names the repository (`repo`, or GitLab's
 * `project`) by text the template writes: a literal, or expressions whose value only what the template's author
 * fixes decides (a parameter offered as a const or enum, hidden or read-only, a checkbox, a RepoUrlPicker limited
 * to allowedRepos; a literal `each` list; a parameter no page declares, which the form leaves undefined; an
 * expression with no variable at all), judged by rendering the whole repoUrl for different answers to the form
 * (partOnEveryRun), so that literal text around an expression counts. Every run then writes there with
 * the credentials Backstage holds for that host, CI configuration included (a GitHub App's push starts the
 * repository's workflows, which run with its secrets). A repository name an expression derives from a parameter
 * the user fills in (a RepoUrlPicker, free text), from a step's output, the user, secrets or a global function
 * is the user's choice or not known here, and is not reported; nor is a repoUrl an earlier step creates. A literal
 * repoUrl naming this repository itself (`ownRepoUrl`, gitops.config.yaml's repoUrl: the common "register it in
 * the catalog" pull request) is a warning: the pull request is reviewed here, by this repository's CODEOWNERS,
 * and only the branch pushed before that review can run anything. `guessed`: no gitops.config.yaml says this is
 * an organisation's control repository (a template repository tried as it is): warnings, as
 * template-fetch-foreign and template-publish-foreign are there. Pure.
 */
export function fixedPushTargets(template: unknown, ownRepoUrl?: string, guessed = false): PushTargetFinding[] {
  const steps = isRecord(template) && isRecord(template.spec) && Array.isArray(template.spec.steps) ? template.spec.steps : [];
  const pages = parameterPages(template);
  const created = new Set<string>();
  const found: PushTargetFinding[] = [];
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.action !== 'string' || !isRecord(step.input)) return;
    const repoUrl = step.input.repoUrl;
    if (typeof repoUrl !== 'string') return;
    // Only a creator that runs on every run, once: one under `if:` (even `if: \${{ false }}`) or `each:` may not.
    if (CREATES.has(step.action) && (step.if === undefined || step.if === true) && step.each === undefined) created.add(repoUrl.trim());
    const does = PUSHES.get(step.action);
    if (!does || created.has(repoUrl.trim())) return;
    const eachLiteral = step.each !== undefined && typeof step.each === 'object' && step.each !== null && !JSON.stringify(step.each).includes('${{');
    const gitlab = step.action.startsWith('gitlab:') || step.action.startsWith('publish:gitlab');
    const target = repositoryPart(repoUrl, gitlab);
    if (!target) return;
    const reasons: string[] = [];
    // A bare reference to a parameter the user fills in (`repo=${{ parameters.name }}`) is written into the name
    // as it is: the user's choice without loading the renderer (a plain `check` of most templates).
    if (target.inName && target.expressions.some(e => BARE_PARAMETER.test(e) && whoChooses(e, pages, eachLiteral) === 'user')) return;
    // The repository the whole value names on each run, so that text around an expression, or several
    // expressions together, count (`repo=payments-core${{ '' if parameters.name else '' }}`); an expression
    // alone is judged only when the whole value cannot be rendered.
    const whole = target.expressions.length ? partOnEveryRun(repoUrl, pages, rendered => namedRepository(rendered, gitlab), { each: step.each }) : undefined;
    if (whole === 'varies') return;
    if (whole) reasons.push(...target.expressions.flatMap(expression => fixedReasons(expression, pages)));
    else for (const expression of target.expressions) {
      // A bare reference to a parameter the user fills in (`parameters.repoUrl`, a RepoUrlPicker's) can discard
      // nothing: the user's choice without loading the renderer (a plain `check` of most templates).
      if (BARE_PARAMETER.test(expression) && whoChooses(expression, pages, eachLiteral) === 'user') return;
      const evaluated = partOnEveryRun(`\${{ ${expression} }}`, pages, rendered => (rendered === undefined || rendered === null || rendered === '' ? undefined : rendered), { each: step.each });
      if (evaluated === 'varies') return;
      const chosen = evaluated ? fixedReasons(expression, pages) : whoChooses(expression, pages, eachLiteral);
      if (chosen === 'user') return;
      reasons.push(...chosen);
    }
    const action = boundedText(step.action, 100);
    const own = target.repository !== undefined && isOwnRepository(target.repository, ownRepoUrl);
    const where = target.shown ? `${boundedText(target.shown, 200)} (repoUrl ${JSON.stringify(boundedText(repoUrl, 200))})` : `repoUrl ${JSON.stringify(boundedText(repoUrl, 200))}`;
    const fixedBy = reasons.length ? `, fixed by the template (${[...new Set(reasons)].slice(0, 3).join('; ')})` : '';
    const sourcePath = typeof step.input.sourcePath === 'string' ? `its sourcePath ${JSON.stringify(boundedText(step.input.sourcePath, 100))}` : 'the workspace';
    const credentials = step.input.token !== undefined ? 'the token the step is given' : 'the credentials Backstage holds for that host (a GitHub App\'s token starts workflows)';
    if (own) {
      found.push({
        ruleId: 'template-push-fixed-repo',
        severity: 'warning',
        path: ['spec', 'steps', i, 'input', 'repoUrl'],
        message: `${action} writes into ${where}: this repository itself, which the user running the template does not choose: every run ${does}, with ${credentials}. The pull request it opens is reviewed here like any other, but its branch is pushed first: a GitHub workflow on push that the branch brings (from ${sourcePath}) runs with this repository's secrets before anyone reviews it.`,
        hint: 'Keep CI workflows out of what the step pushes (its sourcePath holds catalog files only), or let the user choose the repository with a RepoUrlPicker. The platform team can set rules: { template-push-fixed-repo: info } in gitops.config.yaml once it has reviewed the template.',
      });
      return;
    }
    found.push({
      ruleId: 'template-push-fixed-repo',
      severity: guessed ? 'warning' : 'error',
      path: ['spec', 'steps', i, 'input', 'repoUrl'],
      message: `${action} writes into ${where}, an existing repository the user running the template does not choose${fixedBy}: once merged, every run ${does}, with ${credentials}. Whatever the step takes from ${sourcePath} lands in that repository, CI workflows included: a GitHub workflow on push runs on that branch with that repository's secrets, before anyone who owns it has reviewed anything, and this repository's CODEOWNERS, not theirs, approved it.`,
      hint: 'Let the user choose the repository: repoUrl: ${{ parameters.repoUrl }} from a RepoUrlPicker parameter (its ui:options allowedHosts and allowedOwners bound it). If every run must write into that repository, have its owners agree to it and the platform team approve: it can set rules: { template-push-fixed-repo: warning } in gitops.config.yaml, and report --base then asks it to review each change that adds such a step.',
    });
  });
  return found;
}

/**
 * The text of a repoUrl that names the repository, as parseRepoUrl reads it (`https://` + repoUrl): the host
 * part when an expression writes it (its value may carry the whole query, as a RepoUrlPicker's does), else the
 * `repo` query value (GitLab's `project` when given), else, when the query has expressions, all of them (a value
 * may bring its own `&repo=`). Gives the inner text of each expression in it, and, when there is none, the
 * repository as the message names it; undefined when no repository is named (template-repo-url's finding).
 */
function repositoryPart(repoUrl: string, gitlab: boolean): { expressions: string[]; inName?: boolean; shown?: string; repository?: { host: string; path: string[] } } | undefined {
  const matches = expressionMatches(repoUrl);
  let marked = '';
  let from = 0;
  matches.forEach((m, i) => {
    marked += repoUrl.slice(from, m.index) + MARK + i + END;
    from = m.index + m.text.length;
  });
  marked += repoUrl.slice(from);
  const inner = (text: string) => [...text.matchAll(new RegExp(`${MARK}(\\d+)${END}`, 'g'))].map(m => matches[Number(m[1])].inner);
  const query = marked.indexOf('?');
  const head = (query < 0 ? marked : marked.slice(0, query)).trim();
  if (head.includes(MARK)) return { expressions: matches.map(m => m.inner) };
  if (query < 0) return undefined;
  const params = new URLSearchParams(marked.slice(query + 1).split('#')[0]);
  const part = gitlab && params.get('project') ? 'project' : 'repo';
  const name = params.get(part)?.replace(/^\/+|\/+$/g, '');
  if (!name) return matches.length ? { expressions: matches.map(m => m.inner) } : undefined;
  if (name.includes(MARK)) return { expressions: inner(name), inName: true };
  const owner = ['organization', 'workspace', 'owner'].map(key => params.get(key)).find(v => v);
  const path = part === 'project' ? [name] : [owner, params.get('project'), name].filter((v): v is string => !!v && !v.includes(MARK));
  // The repository itself only when every part that names it is literal (an owner the user picks is not).
  const written = part === 'project' ? [name] : [owner, params.get('project'), name].filter((v): v is string => !!v);
  const literal = !written.some(v => v.includes(MARK));
  return { expressions: [], shown: `${path.join('/')} on ${head}`, ...(literal ? { repository: { host: head, path } } : {}) };
}

/**
 * The repository a rendered repoUrl names: its host and `repo` query value (GitLab's `project` when given), as
 * parseRepoUrl reads them (the first of each). The owner alone does not make the target the user's, as for a
 * written repo name; other query values (a branch, a sentinel glued on) say nothing. Undefined when it names
 * none, or the rendering is not text.
 */
function namedRepository(rendered: unknown, gitlab: boolean): string | undefined {
  if (typeof rendered !== 'string') return undefined;
  const query = rendered.indexOf('?');
  if (query < 0) return undefined;
  const params = new URLSearchParams(rendered.slice(query + 1).split('#')[0]);
  const name = (gitlab && params.get('project') ? params.get('project') : params.get('repo'))?.replace(/^\/+|\/+$/g, '');
  if (!name) return undefined;
  return `${rendered.slice(0, query).trim()}?${name}`;
}

/**
 * Whether a literal target (the host and the owner/…/repo path repoUrl names) is the repository `ownRepoUrl`
 * (gitops.config.yaml's repoUrl, `https://host/owner/repo/blob/branch/`) names: the same host and the same
 * leading path, both compared without case, as GitHub and GitLab compare names. Azure's `_git` URLs are never
 * taken as this repository (the finding stays an error).
 */
function isOwnRepository(target: { host: string; path: string[] }, ownRepoUrl: string | undefined): boolean {
  if (!ownRepoUrl) return false;
  let url: URL;
  try {
    url = new URL(ownRepoUrl);
  } catch {
    return false;
  }
  if (url.host.toLowerCase() !== target.host.toLowerCase()) return false;
  const segments = url.pathname.split('/').filter(Boolean);
  const end = segments.findIndex(s => s === '-' || s === 'blob' || s === 'tree' || s === '_git');
  let repository: string[];
  try {
    repository = (end < 0 ? segments : segments.slice(0, end)).map(s => decodeURIComponent(s).toLowerCase());
  } catch {
    return false;
  }
  const named = target.path.flatMap(p => p.split('/')).filter(Boolean).map(p => p.toLowerCase());
  return named.length >= 2 && named.length === repository.length && named.every((p, i) => p === repository[i]);
}

/**
 * Who chooses what an expression gives: 'user' when it reads a parameter the user fills in, the whole
 * parameters, a step's output, user, secrets, context, environment, a non-literal each or calls a global
 * function (the user's choice, or not known here); else the reasons the template's author fixes it (none for
 * an expression of literals alone).
 */
function whoChooses(expression: string, pages: readonly unknown[], eachLiteral: boolean): 'user' | string[] {
  const { text, strings } = withoutStrings(expression);
  if (/(?<![\w$])(?<!\.\s*)(?:steps|user|secrets|context|environment)\b/.test(text)) return 'user';
  if (/(?<![\w$])(?<!\.\s*)each\b/.test(text) && !eachLiteral) return 'user';
  // A call not written as a filter (`| name(…)`) nor a method (`.name(…)`): a global the deployment may add.
  if (/(?<![|.]\s*)(?<![\w$])[A-Za-z_$][\w$]*\s*\(/.test(text.replace(/\b(?:and|or|not|in|if|else|is)\s*\(/g, '('))) return 'user';
  const reads = [...text.matchAll(new RegExp(String.raw`${OWN_PARAMETERS}(?:\s*\.\s*([A-Za-z_$][\w$]*)|\s*\[\s*'(\d+)'\s*\])?`, 'g'))];
  const reasons: string[] = /(?<![\w$])(?<!\.\s*)each\b/.test(text) ? ['a literal each list'] : [];
  for (const read of reads) {
    const name = read[1] ?? (read[2] !== undefined ? strings[Number(read[2])] : undefined);
    if (name === undefined) return 'user';
    const fixed = fixedParameter(name, pages);
    if (fixed === undefined) return 'user';
    reasons.push(`parameters.${boundedText(name, 60)}: ${fixed}`);
  }
  return reasons;
}

/**
 * How the template's author fixes what parameter `name` gives, in words, or undefined when the user fills it
 * in (or the pages do not declare it: whoChooses then takes it as passed through ?formData=, when the value could
 * not be rendered). Each of its declarations must fix it.
 */
function fixedParameter(name: string, pages: readonly unknown[]): string | undefined {
  const declared = declarations(pages, name);
  if (!declared.length) return undefined;
  const reasons = declared.map(fixedBy);
  return reasons.every(r => r !== undefined) ? reasons[0] : undefined;
}

/**
 * The reasons the template's author fixes what an expression evaluation found fixed: each parameter it reads
 * that the template fixes (a nested property by its own declaration) or that no page declares (the form leaves
 * it empty, so a fallback applies), and a literal each list; what the user fills in but the expression discards
 * is left out.
 */
function fixedReasons(expression: string, pages: readonly unknown[]): string[] {
  const { text, strings } = withoutStrings(expression);
  const reasons: string[] = /(?<![\w$])(?<!\.\s*)each\b/.test(text) ? ['an each list the template writes'] : [];
  for (const m of text.matchAll(new RegExp(String.raw`${OWN_PARAMETERS}(${NAME_OR_INDEX}*)`, 'g'))) {
    const [name, ...rest] = segmentsOf(m[1], strings);
    if (name === undefined) continue;
    if (!declarations(pages, name).length) {
      reasons.push(`parameters.${boundedText(name, 60)}: no page declares it, so the form never asks for it`);
      continue;
    }
    const fixed = fixedParameter(name, pages);
    if (fixed !== undefined) {
      reasons.push(`parameters.${boundedText(name, 60)}: ${fixed}`);
      continue;
    }
    let schema: unknown = declarations(pages, name)[0];
    const path = [name];
    for (const key of rest) {
      schema = isRecord(schema) && isRecord(schema.properties) ? schema.properties[key] : undefined;
      path.push(key);
      const nested = isRecord(schema) ? fixedBy(schema) : undefined;
      if (nested !== undefined) {
        reasons.push(`parameters.${boundedText(path.join('.'), 60)}: ${nested}`);
        break;
      }
    }
  }
  return reasons;
}
