import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: a pull request to templates/python-datascience/template.yaml (CODEOWNERS: the data team alone) added a
// publish:github:pull-request step with repoUrl github.com?owner=acme&repo=payments-core, a repository of
// another team that the user running the template does not choose, and sourcePath hub, where the skeleton holds
// an `on: push` workflow. Every run would push a branch there with Backstage's GitHub App token (which starts
// workflows), so the workflow runs with payments-core's secrets. `check --base` and `report --base` said
// "ready to merge" with no finding.

const TEMPLATE = (parameters: string, steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3
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
    - id: fetch
      name: Fetch the skeleton
      action: fetch:plain
      input:
        url: ../../skeletons/python-datascience
    - id: publish
      name: Publish to GitHub
      action: publish:github
      input:
        repoUrl: \${{ parameters.repoUrl }}
        defaultBranch: main
${steps}`;

// The red team's exact step (its branchName without the parameter the test's template does not declare).
const RED_TEAM = `    - id: mlflow-hub
      name: Register the experiment in the MLflow hub
      action: publish:github:pull-request
      input:
        repoUrl: github.com?owner=acme&repo=payments-core
        branchName: mlflow-hub
        sourcePath: hub
        title: Track the experiment in MLflow
        description: Adds the MLflow sync workflow.
`;

const WORKFLOW = 'name: mlflow sync\non: push\npermissions:\n  contents: read\njobs:\n  register:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo registering\n';

const GROUPS = ['platform-team', 'data-team'].map(name => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`).join('---\n');

/** A repository whose main holds the template with its two steps, and a branch `change` with `changed` added (parameters and steps). */
async function pullRequest(changed: { parameters?: string; steps: string }, rules = ''): Promise<string> {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: 'https://github.com/acme/control/blob/main/'\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform-team'\n${rules}`,
    '.github/CODEOWNERS': '*  @acme/platform-team\n/templates/python-datascience/  @acme/data-team\n/skeletons/python-datascience/  @acme/data-team @acme/platform-team\n',
    'catalog-info.yaml': GROUPS,
    'templates/python-datascience/template.yaml': TEMPLATE('', ''),
    'skeletons/python-datascience/README.md': '# Experiment\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-q', '-b', 'change');
  writeFileSync(join(root, 'templates/python-datascience/template.yaml'), TEMPLATE(changed.parameters ?? '', changed.steps));
  const workflow = join(root, 'skeletons/python-datascience/hub/.github/workflows/mlflow-sync.yml');
  mkdirSync(dirname(workflow), { recursive: true });
  writeFileSync(workflow, WORKFLOW);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'change');
  return root;
}

const ANNOTATION = /^::(\w+) file=([^,]+),line=(\d+),endLine=\d+,col=(\d+),endColumn=\d+,title=(template-push-fixed-repo)::(.*)$/;

/**
 * `check --base main --format github`'s template-push-fixed-repo annotations: "level rule@file:line:col", and the
 * messages. (The hand-written CODEOWNERS is codeowners-stale on main already, so the exit code says nothing here.)
 */
async function annotations(root: string): Promise<{ at: string[]; messages: string[] }> {
  const run = await runBin(['check', '--base', 'main', '--format', 'github'], root);
  expect(run.stderr).toBe('');
  const found = run.stdout.split('\n').flatMap(line => {
    const m = ANNOTATION.exec(line);
    return m ? [{ at: `${m[1]} ${m[5]}@${m[2]}:${m[3]}:${m[4]}`, message: m[6] }] : [];
  });
  return { at: found.map(f => f.at), messages: found.map(f => f.message) };
}

describe('template-push-fixed-repo through check --base and report --base', () => {
  it("the red team's pull request step into acme/payments-core: an error at its repoUrl, and the report asks the platform team", async () => {
    const root = await pullRequest({ steps: RED_TEAM });
    const { at, messages } = await annotations(root);
    expect(at).toEqual(['error template-push-fixed-repo@templates/python-datascience/template.yaml:31:18']);
    expect(messages[0]).toContain('publish:github:pull-request writes into acme/payments-core on github.com (repoUrl "github.com?owner=acme&repo=payments-core"), an existing repository the user running the template does not choose: once merged, every run pushes a branch there and opens a pull request, with the credentials Backstage holds for that host');
    expect(messages[0]).toContain('Whatever the step takes from its sourcePath "hub" lands in that repository, CI workflows included');
    expect(messages[0]).toContain('%0ALet the user choose the repository: repoUrl: ${{ parameters.repoUrl }} from a RepoUrlPicker parameter');
    const report = await runBin(['report', '--base', 'main', '--today', '2026-11-23'], root);
    expect(report.stderr).toBe('');
    const md = report.stdout;
    expect(md).toContain('## ❌ Backstage catalog: changes needed');
    expect(md).toContain('- This change makes 1 template push into an existing repository that the user running it does not choose (`template-push-fixed-repo` under Findings)');
    expect(md).toContain('| ❌ | <code>template-push-fixed-repo</code> | publish\\:github\\:pull\\-request writes into acme/payments\\-core on github.com');
    const reviews = md.slice(md.indexOf('### Reviews needed'), md.indexOf('#### CODEOWNERS'));
    expect(reviews).toContain('- <code>@acme/platform-team</code>: templates/python\\-datascience/template.yaml now pushes into an existing repository its user does not choose, on every run \\(template\\-push\\-fixed\\-repo\\); CODEOWNERS lets @​acme/data\\-team approve it alone');
  }, 180_000);

  it('says nothing of a pull request into the repository the user picks (RepoUrlPicker, or a name typed in)', async () => {
    const steps = `    - id: pr
      name: Open the pull request
      action: publish:github:pull-request
      input:
        repoUrl: \${{ parameters.repoUrl }}
        branchName: add-hub
        sourcePath: hub
        title: Add the hub
        description: Adds the hub.
    - id: pr-named
      name: Open the pull request in the named repository
      action: publish:github:pull-request
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.service }}
        branchName: add-hub
        sourcePath: hub
        title: Add the hub
        description: Adds the hub.
`;
    const root = await pullRequest({ parameters: '    - properties:\n        service: {type: string, title: Service repository}\n', steps });
    expect((await annotations(root)).at).toEqual([]);
  }, 120_000);

  it('reports github:repo:push into a fixed repository, and a pull request into one a hidden parameter fixes', async () => {
    const steps = `    - id: push
      name: Push the hub
      action: github:repo:push
      input:
        repoUrl: github.com?owner=acme&repo=shared-hub
        sourcePath: hub
        defaultBranch: hub-\${{ parameters.repoUrl | parseRepoUrl | pick('repo') }}
    - id: pr
      name: Open the pull request
      action: publish:github:pull-request
      input:
        repoUrl: \${{ parameters.hubRepo }}
        branchName: add-hub
        title: Add the hub
        description: Adds the hub.
`;
    const root = await pullRequest({ parameters: "    - properties:\n        hubRepo: {type: string, default: 'github.com?owner=acme&repo=payments-core', ui:widget: hidden}\n", steps });
    const { at, messages } = await annotations(root);
    expect(at).toEqual([
      'error template-push-fixed-repo@templates/python-datascience/template.yaml:33:18',
      'error template-push-fixed-repo@templates/python-datascience/template.yaml:40:18',
    ]);
    expect(messages[0]).toContain("github:repo:push writes into acme/shared-hub on github.com (repoUrl \"github.com?owner=acme&repo=shared-hub\"), an existing repository the user running the template does not choose: once merged, every run pushes a commit to a branch there (its defaultBranch input) and sets that branch's protection");
    expect(messages[1]).toContain('publish:github:pull-request writes into repoUrl "${{ parameters.hubRepo }}", an existing repository the user running the template does not choose, fixed by the template (parameters.hubRepo: a hidden field)');
  }, 120_000);

  it("red team 2: a discarded user part, a ui:options hidden field and a creator under if: ${{ false }} do not hide the fixed repository", async () => {
    const steps = `    - id: pr-or
      name: Open the pull request
      action: publish:github:pull-request
      input:
        repoUrl: github.com?owner=acme&repo=\${{ 'payments-core' or parameters.service }}
        branchName: add-hub
        sourcePath: hub
        title: Add the hub
        description: Adds the hub.
    - id: pr-hidden
      name: Open the pull request
      action: publish:github:pull-request
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.hubRepo }}
        branchName: add-hub
        title: Add the hub
        description: Adds the hub.
    - id: never
      name: Never created
      if: \${{ false }}
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=billing
    - id: push
      name: Push the hub
      action: github:repo:push
      input:
        repoUrl: github.com?owner=acme&repo=billing
        sourcePath: hub
`;
    const root = await pullRequest({ parameters: "    - properties:\n        service: {type: string}\n        hubRepo: {type: string, default: payments-core, ui:options: {widget: hidden}}\n", steps });
    const { at, messages } = await annotations(root);
    expect(at).toEqual([
      'error template-push-fixed-repo@templates/python-datascience/template.yaml:34:18',
      'error template-push-fixed-repo@templates/python-datascience/template.yaml:43:18',
      'error template-push-fixed-repo@templates/python-datascience/template.yaml:57:18',
    ]);
    expect(messages[0]).toContain("publish:github:pull-request writes into repoUrl \"github.com?owner=acme&repo=${{ 'payments-core' or parameters.service }}\", an existing repository the user running the template does not choose:");
    expect(messages[2]).toContain('github:repo:push writes into acme/billing on github.com');
    expect(messages[1]).toContain('fixed by the template (parameters.hubRepo: a hidden field)');
  }, 120_000);

  it('is lowered to a warning by rules: in gitops.config.yaml, and the report still asks the platform team', async () => {
    const root = await pullRequest({ steps: RED_TEAM }, 'rules:\n  template-push-fixed-repo: warning\n');
    expect((await annotations(root)).at).toEqual(['warning template-push-fixed-repo@templates/python-datascience/template.yaml:31:18']);
    const report = await runBin(['report', '--base', 'main', '--today', '2026-11-23'], root);
    expect(report.stderr).toBe('');
    expect(report.stdout).toContain('## ❌ Backstage catalog: blocked by findings already on the base branch');
    const reviews = report.stdout.slice(report.stdout.indexOf('### Reviews needed'), report.stdout.indexOf('#### CODEOWNERS'));
    expect(reviews).toContain('template\\-push\\-fixed\\-repo');
  }, 180_000);
  it("a pull request into this repository itself (gitops.config.yaml's repoUrl, any case): a warning; a look-alike name stays an error", async () => {
    // Fresh user: 7K-Group/backstage-catalog's new-domain template opens its pull request into the catalog
    // repository that holds it, the usual way to register an entity through review.
    const step = (id: string, repo: string) => `    - id: ${id}\n      name: Register\n      action: publish:github:pull-request\n      input:\n        repoUrl: github.com?owner=${repo}\n        branchName: add-\${{ parameters.repoUrl | parseRepoUrl | pick('repo') }}\n        title: Register\n        description: Adds the entity.\n`;
    const root = await pullRequest({ steps: step('own', 'acme&repo=control') + step('shouting', 'ACME&repo=Control') + step('lookalike', 'acme&repo=control-hub') });
    const { at, messages } = await annotations(root);
    expect(at).toEqual([
      'warning template-push-fixed-repo@templates/python-datascience/template.yaml:31:18',
      'warning template-push-fixed-repo@templates/python-datascience/template.yaml:39:18',
      'error template-push-fixed-repo@templates/python-datascience/template.yaml:47:18',
    ]);
    expect(messages[0]).toContain('publish:github:pull-request writes into acme/control on github.com (repoUrl "github.com?owner=acme&repo=control"): this repository itself, which the user running the template does not choose');
    expect(messages[0]).toContain("its branch is pushed first: a GitHub workflow on push that the branch brings (from the workspace) runs with this repository's secrets before anyone reviews it");
    expect(messages[2]).toContain('writes into acme/control-hub on github.com');
  }, 120_000);
});
