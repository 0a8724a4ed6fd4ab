import { outsideOrganisation } from '../catalog/checkLocations.ts';
import { otherRevision } from '../load/toRepoUrlForm.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { organisationOnEveryRun } from './formRuns.ts';
import { parameterPages } from './parameterDeclarations.ts';

const FETCH_ACTIONS = new Set(['fetch:plain', 'fetch:template', 'fetch:plain:file', 'fetch:template:file']);

/** A finding on a fetch:* step's url: its rule, severity, path in the template document, message and hint. */
export interface FetchSourceFinding { ruleId: 'template-fetch-other-revision' | 'template-fetch-foreign'; severity: 'error' | 'warning'; path: PathSegment[]; message: string; hint: string }

/**
 * The fetch:* steps of a template that copy content no pull request to this repository reviews:
 * - template-fetch-other-revision (error; a warning when repoUrl was inferred from the checkout, which only
 *   guesses the reviewed branch): the url names this repository (repoUrl's host and repository in
 *   any capitals, as git-url-parse reads them; Azure Repos by `version`) at another branch, tag or commit than
 *   repoUrl's (otherRevision: a url without a ref, or at HEAD, reads the default branch, taken as repoUrl's);
 * - template-fetch-foreign (error; a warning when repoUrl was inferred from the checkout, which only guesses
 *   the organisation): the url is a repository outside repoUrl's organisation (another GitHub owner, Azure
 *   DevOps organisation or host), read as Location targets are (outsideOrganisation).
 * Either way the scaffolder copies what that source holds into every repository the template creates, and
 * neither the gate nor the offline render reads it. The url's text before its first `${{` is judged, so an
 * expression in the ref says nothing; a host and owner an expression writes are judged for the organisation
 * when they come out the same whatever the user enters in the form (organisationOnEveryRun). Takes the template document, repoUrl (undefined:
 * nothing is said) and whether repoUrl was inferred; returns the findings. Pure.
 */
export function fetchSources(template: unknown, repoUrl: string | undefined, inferred = false): FetchSourceFinding[] {
  const steps = isRecord(template) && isRecord(template.spec) && Array.isArray(template.spec.steps) ? template.spec.steps : [];
  if (!repoUrl) return [];
  const found: FetchSourceFinding[] = [];
  const pages = parameterPages(template);
  const source = inferred ? "the branch git names for this checkout, as no gitops.config.yaml sets repoUrl" : 'repoUrl in gitops.config.yaml';
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.action !== 'string' || !FETCH_ACTIONS.has(step.action) || !isRecord(step.input) || typeof step.input.url !== 'string') return;
    const url = step.input.url;
    const at = url.indexOf('${{');
    const literal = at < 0 ? url : url.slice(0, at);
    const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    const path: PathSegment[] = ['spec', 'steps', i, 'input', 'url'];
    const ref = otherRevision(literal, repoUrl);
    // Before an expression, only a ref the literal text closes (`/main/`) is the one the url names.
    if (ref && (at < 0 || (ref.written && literal.includes(`/${ref.written}/`)))) {
      found.push({
        ruleId: 'template-fetch-other-revision',
        // Another branch of this repository is pushed to by anyone who can push a branch, unreviewed.
        severity: inferred ? 'warning' : 'error',
        path,
        message: `${step.action} copies ${shown}, this repository at ${JSON.stringify(ref.written)}, another branch, tag or commit than ${ref.branch} (${source}): Backstage copies whatever that ref holds into every repository the template creates, which no pull request to ${ref.branch} reviews, and neither the gate nor the offline render reads it.`,
        hint: otherRevisionHint(url, ref),
      });
      return;
    }
    // The organisation written out (host and owner closed by a /), else as an expression writes it on every run.
    // A url relative to the template file (`./`, `../`) stays in its repository whatever follows: not rendered.
    const named = at < 0 || /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/[^/]+\//i.test(literal) ? literal : /^\.\.?\//.test(literal) ? undefined : organisationOnEveryRun(url, pages, step.each);
    if (named === undefined) return;
    const organisation = outsideOrganisation(named, repoUrl);
    if (!organisation) return;
    found.push({
      ruleId: 'template-fetch-foreign',
      severity: inferred ? 'warning' : 'error',
      path,
      message: `${step.action} copies ${shown}, a repository outside ${organisation}, the organisation of ${inferred ? "this checkout's origin" : 'repoUrl in gitops.config.yaml'}: once merged, Backstage copies whatever that repository holds, changed by whoever can push there, into every repository the template creates, and nobody who reviews this repository reviews it; neither the gate nor the offline render reads it.`,
      hint: `Keep the skeleton in this repository and write the url relative to the template file (../../skeletons/<name>); if the platform team trusts that source, it can set rules: { template-fetch-foreign: info } in gitops.config.yaml.`,
    });
  });
  return found;
}

/** How to fetch the reviewed files instead: the url at repoUrl's branch, and for a folder, a url relative to the template file. */
function otherRevisionHint(url: string, ref: { branch: string; written: string; path: string }): string {
  const escaped = ref.written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // GitHub's and GitLab's /tree|blob|raw/<ref>, Azure Repos' version=GB|GT|GC<ref>.
  const named = url.replace(new RegExp(`(/(?:tree|blob|raw)/)${escaped}(?=[/?#]|$)`), (_, before: string) => `${before}${ref.branch}`).replace(new RegExp(`([?&]version=)G[BTC]${escaped}(?=[&#]|$)`), (_, before: string) => `${before}GB${ref.branch}`);
  const atBranch = named !== url ? `Name ${ref.branch}, the reviewed branch, in its place (${named.length > 200 ? `${named.slice(0, 200)}…` : named})` : `Name ${ref.branch}, the reviewed branch, in its place`;
  // A whole repository has no relative spelling worth suggesting; a folder of it does.
  return ref.path
    ? `${atBranch}, or write the url relative to the template file (./skeleton or ../../skeletons/<name>), so Backstage copies the reviewed files and the gate checks them.`
    : `${atBranch}, so Backstage copies the reviewed files.`;
}
