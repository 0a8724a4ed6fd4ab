import { otherRevision } from '../load/toRepoUrlForm.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';

const FETCH_ACTIONS = new Set(['fetch:plain', 'fetch:template', 'fetch:plain:file', 'fetch:template:file']);

/**
 * The fetch:* steps of a template whose url names this repository (repoUrl's host and repository in any
 * capitals, as git-url-parse reads them; Azure Repos by `version`) at another branch, tag or commit than
 * repoUrl's, HEAD or none included (whichever branch the host's default-branch setting names): the
 * scaffolder copies what that ref holds into every repository the template creates, which no pull request
 * to the reviewed branch shows, and neither the gate nor the offline render reads it. The url's text before
 * its first `${{` is judged, so an expression in the ref says nothing. Takes the template document, repoUrl
 * (undefined: nothing is said) and whether repoUrl was inferred from the checkout; returns each finding's
 * path in the document, message and hint. Pure.
 */
export function fetchOtherRevision(template: unknown, repoUrl: string | undefined, inferred = false): { path: PathSegment[]; message: string; hint: string }[] {
  const steps = isRecord(template) && isRecord(template.spec) && Array.isArray(template.spec.steps) ? template.spec.steps : [];
  if (!repoUrl) return [];
  const found: { path: PathSegment[]; message: string; hint: string }[] = [];
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.action !== 'string' || !FETCH_ACTIONS.has(step.action) || !isRecord(step.input) || typeof step.input.url !== 'string') return;
    const url = step.input.url;
    const at = url.indexOf('${{');
    const literal = at < 0 ? url : url.slice(0, at);
    const ref = otherRevision(literal, repoUrl);
    // Before an expression, only a ref the literal text closes (`/main/`) is the one the url names.
    if (!ref || (at >= 0 && (!ref.written || !literal.includes(`/${ref.written}/`)))) return;
    const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    found.push({
      path: ['spec', 'steps', i, 'input', 'url'],
      message: `${step.action} copies ${shown}, this repository at another branch, tag or commit than ${ref.branch} (${inferred ? "the branch git names for this checkout, as no gitops.config.yaml sets repoUrl" : 'repoUrl in gitops.config.yaml'}; HEAD, or no ref at all, is whichever branch the git host's default-branch setting names): Backstage copies whatever that ref holds into every repository the template creates, which no pull request to ${ref.branch} reviews, and neither the gate nor the offline render reads it.`,
      hint: `Write the url relative to the template file (./skeleton or ../../skeletons/<name>), so Backstage copies the reviewed files and the gate checks them.`,
    });
  });
  return found;
}
