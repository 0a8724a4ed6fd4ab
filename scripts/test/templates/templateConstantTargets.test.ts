import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: the template rules judged a step input as written, so a target that is the same on every run but
// spelled as an expression passed `check --base` with exit 0 where the literal is an error:
// `repo=payments-core${{ '' if parameters.name else '' }}`, an owner from `${{ 'github.com?owner=evil-org&repo='
// if parameters.name else '…' }}`, a catalogInfoUrl whose organisation such an expression writes,
// `repoVisibility: ${{ 'public' if parameters.name else 'public' }}`, `protectDefaultBranch: ${{ false }}`, and
// `repo=${{ parameters.shareWith or 'payments-core' }}` where no page declares shareWith (the form never asks for
// it, so every run from the form writes to payments-core). Each value is rendered as the scaffolder renders it,
// for different answers to the form: what comes out the same is judged as if written out.

const TEMPLATE = (steps: string, parameters = '') => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: python-datascience
spec:
  owner: group:default/data-team
  type: library
  parameters:
    - required: [repoUrl, name]
      properties:
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
          ui:options: {allowedHosts: [github.com], allowedOwners: [acme]}
        name: {type: string}
        owner: {type: string, enum: [acme, evil-org]}
        openSource: {type: boolean, default: false}
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

const GROUPS = ['platform-team', 'data-team'].map(name => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`).join('---\n');

const RULES = /^template-(push-fixed-repo|publish-foreign|register-foreign|fetch-foreign|repo-public|repo-unprotected)$/;

/**
 * `check --base main` of a pull request that adds `steps` to the data team's template: its findings of the rules
 * under test as "severity rule@line", and their messages, and the exit code.
 */
async function findings(steps: string, parameters = ''): Promise<{ at: string[]; messages: string[]; status: number | null }> {
  const root = await tempRepo({
    'gitops.config.yaml': "repoUrl: 'https://github.com/acme/control/blob/main/'\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform-team'\n",
    '.github/CODEOWNERS': '*  @acme/platform-team\n/templates/python-datascience/  @acme/data-team\n',
    'catalog-info.yaml': GROUPS,
    'templates/python-datascience/template.yaml': TEMPLATE(''),
    'skeletons/python-datascience/README.md': '# Experiment\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-q', '-b', 'change');
  writeFileSync(join(root, 'templates/python-datascience/template.yaml'), TEMPLATE(steps, parameters));
  git(root, 'commit', '-qam', 'change');
  const run = await runBin(['check', '--base', 'main', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string; message: string; range: { start: { line: number } } }[] }).diagnostics.filter(d => RULES.test(d.ruleId));
  return { at: found.map(d => `${d.severity} ${d.ruleId}@${d.range.start.line}`), messages: found.map(d => d.message), status: run.status };
}

/** A publish:github:pull-request step into `repoUrl`: the first added is at lines 34–41 of the template. */
const share = (repoUrl: string, id = 'share') => `    - id: ${id}
      name: Share
      action: publish:github:pull-request
      input:
        repoUrl: ${repoUrl}
        branchName: nb-\${{ parameters.name }}
        title: t
        description: d
`;

describe('targets spelled as expressions that give one value whatever the user enters', () => {
  it('template-push-fixed-repo: a literal repository with a constant-valued expression appended (a condition, a replace that empties the name)', async () => {
    const empty = await findings(share("github.com?owner=acme&repo=payments-core${{ '' if parameters.name else '' }}"));
    expect(empty.at).toEqual(['error template-push-fixed-repo@34']);
    expect(empty.status).toBe(1);
    const replaced = await findings(share("github.com?owner=acme&repo=payments-core${{ parameters.name | replace(parameters.name, '') }}"));
    expect(replaced.at).toEqual(['error template-push-fixed-repo@34']);
  }, 180_000);

  it('template-publish-foreign: an owner a constant-valued expression writes', async () => {
    const { at, messages, status } = await findings(`    - id: mirror
      name: Mirror
      action: publish:github
      input:
        repoUrl: \${{ 'github.com?owner=evil-org&repo=' if parameters.name else 'github.com?owner=evil-org&repo=' }}\${{ parameters.name }}
        description: m
`);
    expect(at).toEqual(['error template-publish-foreign@34']);
    expect(messages[0]).toContain('publish:github publishes to owner "evil-org" on github.com');
    expect(status).toBe(1);
  }, 120_000);

  it("template-register-foreign: a catalogInfoUrl whose organisation a constant-valued expression writes", async () => {
    const { at, status } = await findings(`    - id: reg2
      name: Register more
      action: catalog:register
      input:
        catalogInfoUrl: \${{ 'https://github.com/evil-org/x/blob/main/' if parameters.name else 'https://github.com/evil-org/x/blob/main/' }}catalog-info.yaml
`);
    expect(at).toEqual(['error template-register-foreign@34']);
    expect(status).toBe(1);
  }, 120_000);

  it('template-repo-public and template-repo-unprotected: repoVisibility and protectDefaultBranch given by constant expressions', async () => {
    const { at, messages } = await findings(`    - id: second
      name: Publish again
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}-docs
        repoVisibility: \${{ 'public' if parameters.name else 'public' }}
        protectDefaultBranch: \${{ false }}
`);
    expect(at).toEqual(['warning template-repo-public@35', 'warning template-repo-unprotected@36']);
    expect(messages[0]).toContain('which gives "public" for every answer to the form the gate tried: every repository the template creates is created public');
  }, 120_000);

  it("template-push-fixed-repo: a fallback for a parameter no page declares (or, | default), which the form never asks for", async () => {
    const or = await findings(share("github.com?owner=acme&repo=${{ parameters.shareWith or 'payments-core' }}"));
    expect(or.at).toEqual(['error template-push-fixed-repo@34']);
    expect(or.messages[0]).toContain('fixed by the template (parameters.shareWith: no page declares it, so the form never asks for it)');
    expect(or.status).toBe(1);
    const fallback = await findings(share("github.com?owner=acme&repo=${{ parameters.x | default('payments-core') }}"));
    expect(fallback.at).toEqual(['error template-push-fixed-repo@34']);
  }, 180_000);

  it('template-fetch-foreign: a fetch:plain url that a constant-valued expression writes whole', async () => {
    const { at, status } = await findings(`    - id: extra
      name: Fetch more
      action: fetch:plain
      input:
        url: \${{ 'https://github.com/evil-org/payload/tree/main/files' if parameters.name else 'https://github.com/evil-org/payload/tree/main/files' }}
        targetPath: ./.github
`);
    expect(at).toEqual(['error template-fetch-foreign@34']);
    expect(status).toBe(1);
  }, 120_000);

  it("says nothing of values that depend on the user's answers: a RepoUrlPicker, a name typed in, an enum's or a checkbox's choice", async () => {
    const { at } = await findings(`${share('${{ parameters.repoUrl }}', 'picked')}${share('github.com?owner=acme&repo=${{ parameters.name }}-svc', 'named')}${share("github.com?owner=acme&repo=${{ parameters.name | replace('x', '') }}", 'filtered')}    - id: mirror
      name: Mirror
      action: publish:github
      input:
        repoUrl: github.com?owner=\${{ parameters.owner }}&repo=\${{ parameters.name }}
        repoVisibility: \${{ 'public' if parameters.openSource else 'private' }}
        protectDefaultBranch: \${{ parameters.name != 'sandbox' }}
    - id: reg2
      name: Register more
      action: catalog:register
      input:
        catalogInfoUrl: https://github.com/\${{ parameters.owner }}/x/blob/main/catalog-info.yaml
    - id: extra
      name: Fetch more
      action: fetch:plain
      input:
        url: https://github.com/\${{ 'acme' if parameters.name else parameters.owner }}/x/tree/main/files
`);
    expect(at).toEqual([]);
  }, 120_000);
});

// Reviewer, session 47: the runs' context was built from the template's own names, so `user.__proto__['rule-id']`
// wrote a severity onto every object (the gate then exited 0 on a fixed push target); a pattern that allows one
// string, and a fixed item after the first of a step's each, still passed; predicates on the input
// (`startsWith`, a nested checkbox) gave a false "whatever the user enters".
describe('what the runs cannot be fooled by, and what they do not claim', () => {
  it("a name reaching a prototype is not followed, and cannot turn a rule off", async () => {
    const { at, status } = await findings(`${share('github.com?owner=acme&repo=payments-core')}    - id: poison
      name: Poison
      action: publish:github
      input:
        repoUrl: "\${{ user.__proto__['template-push-fixed-repo'] }}\${{ user.constructor.prototype['template-expression-syntax'] }}"
        description: p
`);
    expect(at).toContain('error template-push-fixed-repo@34');
    expect(status).toBe(1);
  }, 120_000);

  it("a pattern that allows one string, and a fixed item of each after a free one: template-push-fixed-repo", async () => {
    const patterned = await findings(share('github.com?owner=acme&repo=${{ parameters.target }}'), "        target: {type: string, pattern: '^payments-core$', default: payments-core}\n");
    expect(patterned.at).toEqual(['error template-push-fixed-repo@35']);
    const each = await findings(share('github.com?owner=acme&repo=${{ each.value }}').replace('      action:', "      each: ['${{ parameters.name }}', 'payments-core']\n      action:"));
    expect(each.at).toEqual(['error template-push-fixed-repo@35']);
    expect(each.status).toBe(1);
  }, 180_000);

  it('a value that depends on the answer through a predicate or a nested checkbox is no "whatever the user enters" warning', async () => {
    const { at } = await findings(`    - id: second
      name: Publish again
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}-docs
        repoVisibility: "\${{ 'public' if parameters.options.openSource else 'private' }}"
        protectDefaultBranch: \${{ parameters.name | length > 3 }}
`, "        options: {type: object, properties: {openSource: {type: boolean}}}\n");
    expect(at).toEqual([]);
  }, 120_000);

  // Red team, session 47 (second round): a third run's one-character answer, a sentinel a template could
  // recognise ('choice' in the name), and schemas that allow one value without a const.
  it('answers a template cannot tell from real ones, and allOf, oneOf enums and one-character classes that fix a parameter', async () => {
    const length = await findings(share("github.com?owner=acme&repo=${{ 'payments-core' if (parameters.name | length) > 1 else parameters.name }}"));
    expect(length.at).toEqual(['error template-push-fixed-repo@34']);
    const recognised = await findings(share("github.com?owner=acme&repo=${{ parameters.name if 'choice' in parameters.name else 'payments-core' }}"));
    expect(recognised.at).toEqual(['error template-push-fixed-repo@34']);
    for (const schema of ['{type: string, allOf: [{const: payments-core}]}', '{type: string, oneOf: [{enum: [payments-core]}]}', "{type: string, pattern: '^payments-cor[e]$'}"]) {
      const fixed = await findings(share('github.com?owner=acme&repo=${{ parameters.target }}'), `        target: ${schema}\n`);
      expect(fixed.at, schema).toEqual(['error template-push-fixed-repo@35']);
    }
  }, 300_000);
});

