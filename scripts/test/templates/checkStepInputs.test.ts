import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/load/parseYaml.ts';
import { checkTemplate } from '../../src/templates/checkTemplate.ts';
import { loadScaffolderActions, type KnownAction } from '../../src/templates/scaffolderActions.ts';
import { loadTemplatePolicy, templateActions, templateGate } from '../../src/templates/templateGate.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

const GO = 'templates/go-service/template.yaml';
const REDIS = 'templates/add-redis-cache/template.yaml';
const REPO_FILES = new Set(['skeletons/go-service/go.mod', 'skeletons/add-redis-cache/infra/modules/redis.bicep']);
let actions: Map<string, KnownAction>;
beforeAll(async () => {
  actions = await templateActions(REPO_ROOT);
});

function check(file: string, edit: (text: string) => string, known = actions) {
  const original = readFileSync(join(REPO_ROOT, file), 'utf8');
  const text = edit(original);
  const parsed = parseYaml(text, file);
  return checkTemplate({ file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, REPO_FILES, loadTemplatePolicy(REPO_ROOT)!, known)
    .filter(d => d.ruleId !== 'template-skeleton-missing')
    .map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.message}`);
}

const replace = (from: string, to: string) => (text: string) => {
  if (!text.includes(from)) throw new Error(`fixture drifted: ${from}`);
  return text.replace(from, to);
};

describe("step inputs against the actions' own schemas", () => {
  it('loads the actions of scaffolder-backend and the modules gitops.config.yaml names', () => {
    expect(actions.get('fetch:plain')?.provider).toBe('@backstage/plugin-scaffolder-backend');
    expect(actions.get('publish:github')?.provider).toBe('@backstage/plugin-scaffolder-backend-module-github');
    expect(actions.get('publish:azure')?.provider).toBe('@backstage/plugin-scaffolder-backend-module-azure');
    expect(actions.get('publish:github:pull-request')?.inputSchema).toMatchObject({ required: ['repoUrl', 'branchName', 'title', 'description'] });
  });

  it.each([
    ['the shipped go-service template passes', GO, (t: string) => t, []],
    ['the shipped add-redis-cache template passes', REDIS, (t: string) => t, []],
    ['publish:github with allowedHosts', GO, replace('        defaultBranch: main\n', '        defaultBranch: main\n        allowedHosts: [github.com]\n'),
      ['template-action-input@81:9 Invalid input passed to action publish:github, instance is not allowed to have the additional property "allowedHosts"']],
    ['fetch:plain given values', GO, replace('      action: fetch:template\n', '      action: fetch:plain\n'),
      ['template-action-input@64:9 Invalid input passed to action fetch:plain, instance is not allowed to have the additional property "values"']],
    ['publish:github:pull-request without branchName, title and description', REDIS, replace(/        branchName: add-redis-cache\n[\s\S]*?documents the connection settings.\n/.exec(readFileSync(join(REPO_ROOT, REDIS), 'utf8'))![0], ''),
      ['template-action-input@61:7 Invalid input passed to action publish:github:pull-request, instance requires property "branchName"',
        'template-action-input@61:7 Invalid input passed to action publish:github:pull-request, instance requires property "title"',
        'template-action-input@61:7 Invalid input passed to action publish:github:pull-request, instance requires property "description"']],
    ['a literal of the wrong type', GO, replace('        defaultBranch: main\n', '        defaultBranch: main\n        repoVisibility: secret\n'),
      ['template-action-input@81:25 Invalid input passed to action publish:github, instance.repoVisibility is not one of enum values: private,public,internal']],
    ['a templated value is left to the rendered check', GO, replace('        defaultBranch: main\n', '        defaultBranch: main\n        repoVisibility: ${{ parameters.name }}\n'), []],
    ['repoUrl with ?owner= appended', GO, replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        repoUrl: ${{ parameters.repoUrl }}?owner=platform-team\n'),
      ['template-repo-url@78:18 parseRepoUrl reads "github.com?owner=sample-owner&repo=sample-repo?owner=platform-team" as repo "sample-repo?owner=platform-team", which is not a valid name (with the RepoUrlPicker value github.com?owner=sample-owner&repo=sample-repo).']],
    ['a literal repoUrl parseRepoUrl refuses', GO, replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        repoUrl: github.com/acme/ledger\n'),
      ['template-repo-url@78:18 parseRepoUrl refuses "github.com/acme/ledger": Invalid repo URL passed to publisher: https://github.com/acme/ledger, missing repo']],
    // Fidelity sweep, 2026-12-01: parseRepoUrl reads `https://${repoUrl}`; a URL's scheme becomes the host.
    ['a repoUrl written as a URL', GO, replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        repoUrl: https://github.com/acme/${{ parameters.name }}\n'),
      ['template-repo-url@78:18 parseRepoUrl refuses "https://github.com/acme/${{ parameters.name }}": it reads host?owner=…&repo=… (as RepoUrlPicker writes it), not a URL, so it takes "https" for the host (No matching integration configuration for host https).']],
    ['a repoUrl path with an expression and no query', GO, replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        repoUrl: github.com/acme/${{ parameters.name }}\n'),
      ['template-repo-url@78:18 parseRepoUrl refuses "github.com/acme/${{ parameters.name }}" whatever its expressions give: it takes the owner and repo from the query (?owner=…&repo=…), which this value never has (with "sample" for each expression: Invalid repo URL passed to publisher: https://github.com/acme/sample, missing repo).']],
    ['a repoUrl written by hand with its query from expressions', GO, replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        repoUrl: github.com?owner=acme&repo=${{ parameters.name }}\n'), []],
    // Fidelity sweep, 2026-12-01 (a real template): a lone expression keeps its type, and parseRepoUrl gives an object.
    ['an object where the action takes a string (| parseRepoUrl)', GO, replace('        repoContentsUrl: ${{ steps.publish.output.repoContentsUrl }}\n', '        repoContentsUrl: ${{ parameters.repoUrl | parseRepoUrl }}\n'),
      ['template-action-input@85:9 Invalid input passed to action catalog:register, instance is not any of [subschema 0],[subschema 1]']],
    ['a property of the object is a string', GO, replace('        repoContentsUrl: ${{ steps.publish.output.repoContentsUrl }}\n', '        repoContentsUrl: https://github.com/acme/${{ (parameters.repoUrl | parseRepoUrl).repo }}\n'), []],
    ['a missing input block is validated as {}', REDIS, replace(/      input:\n        repoUrl: \$\{\{ parameters.repoUrl \}\}\n[\s\S]*?settings.\n/.exec(readFileSync(join(REPO_ROOT, REDIS), 'utf8'))![0], ''),
      ['template-action-input@60:15 Invalid input passed to action publish:github:pull-request, instance requires property "repoUrl"',
        'template-action-input@60:15 Invalid input passed to action publish:github:pull-request, instance requires property "branchName"',
        'template-action-input@60:15 Invalid input passed to action publish:github:pull-request, instance requires property "title"',
        'template-action-input@60:15 Invalid input passed to action publish:github:pull-request, instance requires property "description"']],
    ['an action no module provides', GO, replace('      action: catalog:register\n', '      action: catalog:registr\n'),
      ["template-action-unknown@83:15 No installed scaffolder module provides the action catalog:registr: the managed Backstage would fail the task with \"Template action with ID 'catalog:registr' is not registered.\"", 'template-action-not-allowed@83:15 Action catalog:registr is not in the allow-list.']],
    ['a targetPath that leaves the workspace', GO, replace('        url: ../../skeletons/go-service\n', '        url: ../../skeletons/go-service\n        targetPath: ../elsewhere\n'),
      ['template-action-input@64:21 targetPath "../elsewhere": Relative path is not allowed to refer to a directory outside its parent']],
    ['duplicate step ids', GO, replace('    - id: register\n', '    - id: publish\n'),
      ['template-duplicate-step@81:11 Step id publish is already used by step 2. Backstage still runs both steps, but keeps one output per id: from this step on steps.publish is this step\'s output (the earlier one\'s is gone), and the task\'s log names both steps publish.', 'template-unknown-step@93:20 There is no step with id register. Backstage still completes the task, but this value of the output renders as nothing (a link loses its url, a text its content).']],
  ] as [string, string, (t: string) => string, string[]][])('%s', (_name, file, edit, expected) => {
    expect(check(file, edit)).toEqual(expected);
  });

  it('an action declared in gitops.config.yaml is judged by the schema declared there', async () => {
    const declared = await loadScaffolderActions([], { 'acme:notify': { input: { type: 'object', required: ['channel'], properties: { channel: { type: 'string' } }, additionalProperties: false } } });
    const edit = replace('      action: catalog:register\n      input:\n        repoContentsUrl: ${{ steps.publish.output.repoContentsUrl }}\n        catalogInfoPath: /catalog-info.yaml\n', '      action: acme:notify\n      input:\n        chanel: platform\n');
    expect(check(GO, edit, declared).filter(d => !d.startsWith('template-action-not-allowed') && !d.includes('publish:github'))).toEqual([
      'template-action-input@84:7 Invalid input passed to action acme:notify, instance requires property "channel"',
      'template-action-input@85:9 Invalid input passed to action acme:notify, instance is not allowed to have the additional property "chanel"',
    ]);
  });
});

describe('actions the managed Backstage provides beyond the installed modules', () => {
  const template = (action: string, input: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  owner: group:default/a\n  type: service\n  steps:\n    - id: notify\n      action: ${action}\n      input:\n${input}`;
  const config = (actions: string) => `repoUrl: https://github.com/acme/x/blob/main/\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github']\n${actions}`;
  const gate = async (files: Record<string, string>) => {
    const root = await tempRepo({ 'app-config.yaml': 'app: {}\n', ...files });
    return (await templateGate(root, { files: ['templates/t/template.yaml'] })).map(d => `${d.ruleId}@${d.range.start.line} ${d.message}`);
  };

  it.each([
    ['undeclared: a finding on the action', config(''), 'acme:notify', '        channel: platform\n', ["template-action-unknown@9 No installed scaffolder module provides the action acme:notify: the managed Backstage would fail the task with \"Template action with ID 'acme:notify' is not registered.\""]],
    ['declared with its schema in gitops.config.yaml: judged by it', config('  actions:\n    acme:notify:\n      input: {type: object, required: [channel], properties: {channel: {type: string}}, additionalProperties: false}\n'), 'acme:notify', '        chanel: platform\n',
      ['template-action-input@10 Invalid input passed to action acme:notify, instance requires property "channel"', 'template-action-input@11 Invalid input passed to action acme:notify, instance is not allowed to have the additional property "chanel"']],
    ['an action of a module the config does not name', config(''), 'publish:azure', '        repoUrl: dev.azure.com?organization=o&project=p&repo=r\n', ["template-action-unknown@9 No installed scaffolder module provides the action publish:azure: the managed Backstage would fail the task with \"Template action with ID 'publish:azure' is not registered.\"",
      // Publishing outside the organisation of repoUrl (github.com/acme) is said whether or not the module is installed.
      'template-publish-foreign@11 publish:azure publishes to organization "o" on dev.azure.com (repoUrl "dev.azure.com?organization=o&project=p&repo=r"), outside https://github.com/acme/, the organisation of repoUrl in gitops.config.yaml: once merged, every run of the template creates or pushes a repository there, with what it rendered and the user\'s answers, using the credentials Backstage holds for that host, where whoever owns it can read it and nobody here controls it.']],
  ])('%s', async (_name, gitopsConfig, action, input, expected) => {
    expect(await gate({ 'gitops.config.yaml': gitopsConfig, 'templates/t/template.yaml': template(action, input) })).toEqual(expected);
  });

  it('an action declared in gitops.config.yaml reads its repoUrl as its schema says: no parseRepoUrl finding (red team, 2026-12-01)', () => {
    const declared = new Map(actions);
    declared.set('acme:deploy', { id: 'acme:deploy', provider: 'gitops.config.yaml', supportsDryRun: false, inputSchema: { type: 'object', properties: { repoUrl: { type: 'string' } } } });
    const edit = (text: string) => text.replace('      action: catalog:register\n      input:\n', '      action: acme:deploy\n      input:\n        repoUrl: https://github.com/acme/x.git\n');
    expect(check(GO, edit, declared).filter(f => f.startsWith('template-repo-url') || f.startsWith('template-action-input'))).toEqual([]);
    // The same value given to a scaffolder module's action is refused.
    expect(check(GO, text => text.replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        repoUrl: https://github.com/acme/x.git\n')).some(f => f.startsWith('template-repo-url'))).toBe(true);
  });

  it('a scaffolder module the config names but nobody installed is a tool error that says so', async () => {
    const root = await tempRepo({ 'app-config.yaml': 'app: {}\n', 'gitops.config.yaml': config('').replace("'@backstage/plugin-scaffolder-backend-module-github'", "'@backstage/plugin-scaffolder-backend-module-gitlab'"), 'templates/t/template.yaml': template('debug:log', '        message: hi\n') });
    await expect(templateGate(root, { files: ['templates/t/template.yaml'] })).rejects.toThrow(/^@backstage\/plugin-scaffolder-backend-module-gitlab \(named in backstageConfig.plugins\) is not installed, so the actions it provides cannot be read: Cannot find module/);
  });

  it('a plugin name that is a path (a pull request pointing at its own files) is refused, never loaded', async () => {
    await expect(loadScaffolderActions(['../../../catalog/x/plugin-scaffolder-backend-module-evil.js'])).rejects.toThrow('"../../../catalog/x/plugin-scaffolder-backend-module-evil.js" in backstageConfig.plugins is not an npm package name.');
  });
});
