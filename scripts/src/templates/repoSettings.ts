import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';
import { partOnEveryRun } from './formRuns.ts';
import { declarations, parameterPages } from './parameterDeclarations.ts';
import type { KnownAction } from './scaffolderActions.ts';

/** The three ways a template's step weakens every repository it creates. */
export type RepoSettingRule = 'template-repo-public' | 'template-repo-admin' | 'template-repo-unprotected';

/** A finding on one settings input of a publish or repo-creation step: rule, severity, path in the template document, message and hint. */
export interface RepoSettingFinding { ruleId: RepoSettingRule; severity: 'warning'; path: PathSegment[]; message: string; hint: string }

/** One settings input and the values of it that weaken the repository, as the action's handler reads them. */
interface Setting {
  /** The input's path under `input` (settings.visibility for publish:gitlab). */
  input: string[];
  rule: RepoSettingRule;
  /** Whether a value the step hands the action weakens the repository. */
  weak: (value: unknown) => boolean;
  /** What the action then does, after "every repository the template creates". */
  does: string;
  /** What to write instead. */
  fix: string;
}

const isPublic = (v: unknown) => typeof v === 'string' && v.trim().toLowerCase() === 'public';
const isFalse = (v: unknown) => v === false;

// GitHub's module (scaffolder-backend-module-github 0.10.0, actions/github.cjs.js, githubRepoCreate.cjs.js,
// helpers.cjs.js): repoVisibility defaults to "private" and becomes createInOrg's visibility.
const GITHUB_VISIBILITY: Setting = { input: ['repoVisibility'], rule: 'template-repo-public', weak: isPublic, does: 'is created public: anyone on the internet can read and clone it, with everything the template rendered into it and all that its team pushes later', fix: 'Leave repoVisibility out (the action creates a private repository) or write repoVisibility: private (or internal, which keeps it inside the enterprise)' };
// Branch protection (helpers.cjs.js initRepoPushAndProtect, gitHelpers.cjs.js): the handler defaults to
// protectDefaultBranch true, protectEnforceAdmins true and requiredApprovingReviewCount 1. Its defaults for
// requireCodeOwnerReviews and dismissStaleReviews are false and for requiredStatusCheckContexts [], so writing
// those out changes nothing and is not reported.
const GITHUB_PROTECTION = (enforceAdmins: string): Setting[] => [
  { input: ['protectDefaultBranch'], rule: 'template-repo-unprotected', weak: isFalse, does: 'gets no branch protection on its default branch: anyone with write access pushes straight to it, force-pushes over its history or deletes it, with no review', fix: 'Leave protectDefaultBranch out (the action protects the default branch) or write protectDefaultBranch: true' },
  { input: [enforceAdmins], rule: 'template-repo-unprotected', weak: isFalse, does: "has a default branch whose protection does not apply to its admins: they push to it and merge without review", fix: `Leave ${enforceAdmins} out (the action enforces protection for admins too) or write ${enforceAdmins}: true` },
  { input: ['requiredApprovingReviewCount'], rule: 'template-repo-unprotected', weak: v => v === 0, does: 'has a default branch that takes pull requests merged with no approving review', fix: 'Leave requiredApprovingReviewCount out (the action requires 1 approval) or write a number from 1 to 6' },
  { input: ['bypassPullRequestAllowances'], rule: 'template-repo-unprotected', weak: namesAnyone, does: "has a default branch whose required reviews the users, teams or apps named here skip: they merge into it with no approval", fix: 'Remove bypassPullRequestAllowances, so that every change to the default branch is reviewed' },
];
// `access` names a user, or a team as <owner>/<team>, that the handler (helpers.cjs.js) makes an admin of the repository.
const GITHUB_ACCESS: Setting = { input: ['access'], rule: 'template-repo-admin', weak: v => typeof v === 'string' && v.trim() !== '', does: 'makes the user or team named here an admin (access is always admin), who can make the repository public, remove its branch protection, add collaborators or delete it', fix: 'Remove access, and give the owning team write (push) or maintain through collaborators, or let the organisation\'s base permissions and team membership grant access' };
// Each collaborator's access becomes GitHub's permission (pull, triage, push, maintain or admin) for that user or team.
const GITHUB_COLLABORATORS: Setting = { input: ['collaborators'], rule: 'template-repo-admin', weak: v => typeof v === 'string' && v.trim().toLowerCase() === 'admin', does: 'makes this collaborator an admin, who can make the repository public, remove its branch protection, add collaborators or delete it', fix: 'Give the collaborator access: push (or maintain, which administers the repository without visibility, branch protection or deletion)' };

// The scaffolder modules' publish and repo-creation actions and their settings inputs. GitHub's and Azure's are
// installed here (publish:azure has no visibility, collaborator or protection input: an Azure DevOps repository
// takes its project's visibility and permissions); the others read from backstage/backstage's sources:
// scaffolder-backend-module-gitlab publish:gitlab (repoVisibility, deprecated, and settings.visibility, which
// the handler spreads after it, both private by default; branches[].protect is false by default),
// -bitbucket-cloud and -bitbucket-server publish:* (repoVisibility private | public, private by default,
// sent as is_private / public). Gerrit and Gitea's publish actions have no such input.
const SETTINGS: ReadonlyMap<string, readonly Setting[]> = new Map([
  ['publish:github', [GITHUB_VISIBILITY, GITHUB_ACCESS, GITHUB_COLLABORATORS, ...GITHUB_PROTECTION('protectEnforceAdmins')]],
  ['github:repo:create', [GITHUB_VISIBILITY, GITHUB_ACCESS, GITHUB_COLLABORATORS]],
  ['github:repo:push', GITHUB_PROTECTION('protectEnforceAdmins')],
  // githubBranchProtection.cjs.js: the same protection under the name enforceAdmins, on the branch it names.
  ['github:branch-protection:create', GITHUB_PROTECTION('enforceAdmins').filter(s => s.input[0] !== 'protectDefaultBranch')],
  ['publish:gitlab', [
    { ...GITHUB_VISIBILITY, input: ['settings', 'visibility'], fix: 'Leave settings.visibility out (the action creates a private project) or write visibility: private (or internal, which keeps it inside the GitLab instance)' },
    { ...GITHUB_VISIBILITY, fix: 'Leave repoVisibility out (the action creates a private project) or write repoVisibility: private (or internal, which keeps it inside the GitLab instance)' },
  ]],
  ['publish:bitbucketCloud', [{ ...GITHUB_VISIBILITY, fix: 'Leave repoVisibility out (the action creates a private repository) or write repoVisibility: private' }]],
  ['publish:bitbucketServer', [{ ...GITHUB_VISIBILITY, fix: 'Leave repoVisibility out (the action creates a private repository) or write repoVisibility: private' }]],
]);

/** Whether a bypassPullRequestAllowances mapping names any user, team or app. */
function namesAnyone(value: unknown): boolean {
  return isRecord(value) && ['users', 'teams', 'apps'].some(key => Array.isArray(value[key]) && (value[key] as unknown[]).length > 0);
}

// A lone `${{ parameters.name }}` (or parameters['name']): the value is whatever the form lets the user pick.
const LONE_PARAMETER = /^\s*\$\{\{\s*parameters\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])\s*\}\}\s*$/;

/**
 * The settings inputs of a template's publish and repo-creation steps that weaken every repository it creates,
 * read as the actions' handlers read them (scaffolder-backend-module-github 0.10.0: helpers.cjs.js and
 * gitHelpers.cjs.js; the GitLab and Bitbucket modules' sources):
 * - template-repo-public: repoVisibility (publish:gitlab's settings.visibility too) `public`; `internal` stays
 *   inside the enterprise or GitLab instance and is not reported;
 * - template-repo-admin: GitHub's `access` (always admin) naming anyone but repoUrl's owner, or a collaborator
 *   (user or team) given `admin`; maintain cannot change visibility, branch protection or delete, and is not reported;
 * - template-repo-unprotected: protectDefaultBranch false, protectEnforceAdmins (enforceAdmins) false,
 *   requiredApprovingReviewCount 0, or bypassPullRequestAllowances naming anyone.
 * A value written as a lone `${{ parameters.x }}` is reported when the form lets the user pick a weakening
 * value: a parameter declared (on any page or branch) with such a value in its enum, const or default, or
 * with no enum or const at all (a free text, a checkbox, a number without minimum 1); any other expression
 * is reported when it gives a weakening value whatever the user enters (judge), and not when what it gives
 * depends on the user's answers or the run (a step's output). An input the installed action's own input schema (`actions`)
 * does not have is not judged; an action not installed here is judged by the table above. All warnings
 * (an organisation may publish open source on purpose; `rules:` raises them). Pure.
 */
export function repoSettingsWeakened(template: unknown, actions?: ReadonlyMap<string, KnownAction>): RepoSettingFinding[] {
  const spec = isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
  const steps = Array.isArray(spec?.steps) ? spec.steps : [];
  const pages = parameterPages(template);
  const found: RepoSettingFinding[] = [];
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.action !== 'string' || !isRecord(step.input)) return;
    const settings = SETTINGS.get(step.action);
    if (!settings) return;
    const schema = actions?.get(step.action)?.inputSchema as { properties?: Record<string, unknown> } | undefined;
    const action = boundedText(step.action, 100);
    const input = step.input;
    const at = (setting: Setting, path: PathSegment[], message: string) => found.push({ ruleId: setting.rule, severity: 'warning', path: ['spec', 'steps', i, 'input', ...path], message, hint: `${setting.fix}. If the platform team means every repository of this template to be so, it can set rules: { ${setting.rule}: info } in gitops.config.yaml.` });
    for (const setting of settings) {
      if (schema && isRecord(schema.properties) && !Object.hasOwn(schema.properties, setting.input[0])) continue;
      // publish:gitlab spreads settings after repoVisibility: a settings.visibility written out decides.
      if (step.action === 'publish:gitlab' && setting.input[0] === 'repoVisibility' && isRecord(input.settings) && input.settings.visibility !== undefined) continue;
      const value = valueAt(input, setting.input);
      if (value === undefined) continue;
      const name = setting.input.join('.');
      if (setting === GITHUB_COLLABORATORS) {
        if (!Array.isArray(value)) continue;
        value.forEach((collaborator, j) => {
          if (!isRecord(collaborator)) return;
          const who = typeof collaborator.user === 'string' ? `user ${JSON.stringify(boundedText(collaborator.user, 100))}` : typeof collaborator.team === 'string' ? `team ${JSON.stringify(boundedText(collaborator.team, 100))}` : undefined;
          if (!who) return;
          const verdict = judge(collaborator.access, setting.weak, pages, step.each);
          if (verdict) at(setting, [name, j, 'access'], `${action} ${verdict.how.replace('{name}', `${name}[${j}].access`)}: every repository the template creates ${setting.does.replace('this collaborator', `the ${who}`)}.`);
        });
        continue;
      }
      if (setting === GITHUB_ACCESS) {
        // The handler skips an access equal to repoUrl's owner; a value an expression builds is not judged.
        if (typeof value !== 'string' || value.includes('${{') || value === ownerOf(input.repoUrl)) continue;
        at(setting, [name], `${action} sets access: ${JSON.stringify(boundedText(value, 100))}: every repository the template creates ${setting.does}.`);
        continue;
      }
      const verdict = judge(value, setting.weak, pages, step.each);
      if (verdict) at(setting, setting.input, `${action} ${verdict.how.replace('{name}', name)}: every repository the template creates ${setting.does}.`);
    }
  });
  return found;
}

/**
 * Whether `value` (as written) weakens by `weak`: literally, as a lone `${{ parameters.x }}` whose declared
 * schema lets the user pick a weakening value, or as any other expression that gives one value whatever the
 * user enters in the form (partOnEveryRun, an enum's choices varied: `${{ 'public' if parameters.name else
 * 'public' }}`, `${{ false }}`) when that value weakens. Gives the words saying how ("sets {name}: public",
 * "lets the user choose {name}: …"), or undefined.
 */
function judge(value: unknown, weak: (v: unknown) => boolean, pages: readonly unknown[], each?: unknown): { how: string } | undefined {
  if (typeof value !== 'string' || !value.includes('${{')) return weak(value) ? { how: `sets {name}: ${boundedText(JSON.stringify(value), 100)}` } : undefined;
  const match = LONE_PARAMETER.exec(value);
  if (!match) {
    const verdict = partOnEveryRun(value, pages, rendered => rendered, { each, choices: 'varied', prefer: weak });
    return typeof verdict === 'object' && weak(verdict.fixed) ? { how: `sets {name}: ${boundedText(JSON.stringify(value), 100)}, which gives ${boundedText(JSON.stringify(verdict.fixed), 60)} for every answer to the form the gate tried` } : undefined;
  }
  const parameter = match[1] ?? match[3];
  const declared = declarations(pages, parameter);
  const choice = declared.map(schema => pickable(schema, weak)).find(c => c !== undefined);
  if (choice === undefined) return undefined;
  return { how: `lets whoever runs the template choose {name} through parameters.${boundedText(parameter, 100)} (${choice})` };
}

/** How a parameter's schema lets the user give a weakening value, in words, or undefined when it does not. */
function pickable(schema: Record<string, unknown>, weak: (v: unknown) => boolean): string | undefined {
  if ('const' in schema) return weak(schema.const) ? `its const is ${boundedText(JSON.stringify(schema.const), 60)}` : undefined;
  if ('default' in schema && weak(schema.default)) return `its default is ${boundedText(JSON.stringify(schema.default), 60)}`;
  if (Array.isArray(schema.enum)) {
    const offered = schema.enum.find(weak);
    return offered !== undefined ? `its enum offers ${boundedText(JSON.stringify(offered), 60)}` : undefined;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('boolean') && weak(false)) return 'a checkbox the user can leave unticked';
  if ((types.includes('number') || types.includes('integer')) && weak(0)) return typeof schema.minimum === 'number' && schema.minimum > 0 ? undefined : 'a number without minimum 1';
  if ((types.includes('string') || schema.type === undefined) && weak('public')) return 'free text, with no enum to keep it from public';
  if ((types.includes('string') || schema.type === undefined) && weak('admin')) return 'free text, with no enum to keep it from admin';
  return undefined;
}

function valueAt(input: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = input;
  for (const key of path) value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}

/** The owner a repoUrl writes out (`host?owner=acme&repo=…`), or undefined when absent or built by an expression. */
function ownerOf(repoUrl: unknown): string | undefined {
  if (typeof repoUrl !== 'string') return undefined;
  const query = repoUrl.indexOf('?');
  const owner = query < 0 ? null : new URLSearchParams(repoUrl.slice(query + 1)).get('owner');
  return owner && !owner.includes('${{') ? owner : undefined;
}
