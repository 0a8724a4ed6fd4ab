import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: a pull request to templates/python-datascience/template.yaml (CODEOWNERS: the data team alone) set
// publish:github's repoVisibility: public, made an outside user an admin and turned off the default branch's
// protection. `report --base` said "ready to merge" with no finding, and every repository the template creates
// from then on would be public, administered by that user and unprotected.

const TEMPLATE = (parameters: string, input: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: python-datascience
spec:
  owner: group:default/data-team
  type: library
  parameters:
    - required: [repoUrl]
      properties:
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
          ui:options: {allowedHosts: [github.com], allowedOwners: [acme]}
${parameters}  steps:
    - id: publish
      name: Publish to GitHub
      action: publish:github
      input:
        repoUrl: \${{ parameters.repoUrl }}
        defaultBranch: main
${input}`;

// The red team's exact addition to the step's input.
const RED_TEAM = `        repoVisibility: public
        collaborators:
          - user: mallory-external
            access: admin
        protectDefaultBranch: false
`;

const GROUPS = ['platform-team', 'data-team'].map(name => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`).join('---\n');

/** A repository whose main holds the template with `input` added to its publish step, and a branch `change` with `changed` instead. */
async function pullRequest(changed: { parameters?: string; input: string }, rules = ''): Promise<string> {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: 'https://github.com/acme/control/blob/main/'\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform-team'\n${rules}`,
    '.github/CODEOWNERS': '*  @acme/platform-team\n/templates/python-datascience/  @acme/data-team\n',
    'catalog-info.yaml': GROUPS,
    'templates/python-datascience/template.yaml': TEMPLATE('', ''),
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-q', '-b', 'change');
  writeFileSync(join(root, 'templates/python-datascience/template.yaml'), TEMPLATE(changed.parameters ?? '', changed.input));
  git(root, 'commit', '-qam', 'change');
  return root;
}

const ANNOTATION = /^::(\w+) file=([^,]+),line=(\d+),endLine=\d+,col=(\d+),endColumn=\d+,title=(template-repo-[a-z]+)::/;

/** `check --base main --format github`'s template-repo-* annotations: "level rule@file:line:col". */
async function annotations(root: string, status?: number): Promise<string[]> {
  const run = await runBin(['check', '--base', 'main', '--format', 'github'], root);
  expect(run.stderr).toBe('');
  if (status !== undefined) expect(run.status).toBe(status);
  return run.stdout.split('\n').flatMap(line => {
    const m = ANNOTATION.exec(line);
    return m ? [`${m[1]} ${m[5]}@${m[2]}:${m[3]}:${m[4]}`] : [];
  });
}

describe('template-repo-public, -admin, -unprotected through check --base and report --base', () => {
  it("the red team's change: each setting is a warning on its line, and the report asks the platform team", async () => {
    const root = await pullRequest({ input: RED_TEAM });
    expect(await annotations(root)).toEqual([
      'warning template-repo-public@templates/python-datascience/template.yaml:22:25',
      'warning template-repo-admin@templates/python-datascience/template.yaml:25:21',
      'warning template-repo-unprotected@templates/python-datascience/template.yaml:26:31',
    ]);
    const report = await runBin(['report', '--base', 'main', '--today', '2026-11-23'], root);
    expect(report.stderr).toBe('');
    const md = report.stdout;
    expect(md).toContain('- This change weakens the repositories 1 template creates (made public, an admin named, or branch protection removed: `template-repo-*` under Findings)');
    expect(md).toContain('| ⚠️ | <code>template-repo-public</code> | publish\\:github sets repoVisibility\\: &quot;public&quot;\\: every repository the template creates is created public');
    expect(md).toContain('makes the user &quot;mallory\\-external&quot; an admin');
    expect(md).toContain('| ⚠️ | <code>template-repo-unprotected</code> | publish\\:github sets protectDefaultBranch\\: false\\: every repository the template creates gets no branch protection');
    const reviews = md.slice(md.indexOf('### Reviews needed'), md.indexOf('#### CODEOWNERS'));
    expect(reviews).toContain('- <code>@acme/platform-team</code>: templates/python\\-datascience/template.yaml now makes every repository it creates public \\(template\\-repo\\-public\\); CODEOWNERS lets @​acme/data\\-team approve it alone');
    expect(reviews).toContain('template\\-repo\\-admin');
    expect(reviews).toContain('template\\-repo\\-unprotected');
  }, 180_000);

  it("says nothing of the actions' own defaults written out, internal, push access or protection kept", async () => {
    const root = await pullRequest({ input: "        repoVisibility: private\n        collaborators:\n          - team: data-team\n            access: push\n          - user: someone\n            access: maintain\n        protectDefaultBranch: true\n        requireCodeOwnerReviews: false\n        requiredStatusCheckContexts: []\n" });
    expect(await annotations(root)).toEqual([]);
  }, 120_000);

  it('judges a visibility the user picks by the parameter: enum [private, internal] is not reported, one offering public is', async () => {
    const parameter = (choices: string) => `    - properties:\n        visibility: {type: string, default: private, enum: [${choices}]}\n`;
    const input = '        repoVisibility: ${{ parameters.visibility }}\n';
    expect(await annotations(await pullRequest({ parameters: parameter('private, internal'), input }))).toEqual([]);
    expect(await annotations(await pullRequest({ parameters: parameter('private, public'), input }))).toEqual(['warning template-repo-public@templates/python-datascience/template.yaml:24:25']);
  }, 180_000);

  it('is raised to an error by rules: in gitops.config.yaml, as other rules are', async () => {
    const root = await pullRequest({ input: '        repoVisibility: public\n' }, 'rules:\n  template-repo-public: error\n');
    expect(await annotations(root, 1)).toEqual(['error template-repo-public@templates/python-datascience/template.yaml:22:25']);
  }, 120_000);
});
