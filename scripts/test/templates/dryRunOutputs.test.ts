import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRY_RUN_BRANCHES } from '../../src/templates/dryRunOutputs.ts';
import { installedActions } from '../../src/templates/scaffolderActions.ts';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

const require = createRequire(import.meta.url);

// Backstage's dry-run runs an action that supportsDryRun (publish:github:pull-request, github:issues:create,
// github:webhook in the github module): its handler's `if (ctx.isDryRun)` branch outputs fixed values built
// from the input. The offline render answered every such step with example outputs ('<example>', 0) and
// listed it as skipped offline; Backstage's dry-run renders branch=feat-x url=github.com?owner=acme&repo=x num=43.
const TEMPLATE = `${templateHead('svc')}    - id: pr
      name: Pull request
      action: publish:github:pull-request
      input: { repoUrl: 'github.com?owner=acme&repo=\${{ parameters.name }}', branchName: 'feat-\${{ parameters.name }}', title: t, description: d }
    - id: issue
      name: Issue
      action: github:issues:create
      input: { repoUrl: 'github.com?owner=acme&repo=\${{ parameters.name }}', title: t }
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          branch: \${{ steps.pr.output.targetBranchName }}
          url: \${{ steps.pr.output.remoteUrl }}
          num: \${{ steps.pr.output.pullRequestNumber }}
          issue: \${{ steps.issue.output.issueUrl }} \${{ steps.issue.output.issueNumber }}
  output:
    links:
      - title: Pull request
        url: \${{ steps.pr.output.remoteUrl }}
`;

const files = {
  'templates/svc/template.yaml': TEMPLATE,
  'templates/svc/skeleton/out.txt': 'branch=${{ values.branch }} url=${{ values.url }} num=${{ values.num }}\nissue=${{ values.issue }}\n',
  'values.yaml': 'name: x\n',
};

describe("a module's action that supports dry-run, answered as its dry-run branch answers", () => {
  it('templates render: the skeleton gets the dry-run outputs, and the steps are not skipped offline', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(readFileSync(join(root, 'out/out.txt'), 'utf8')).toBe('branch=feat-x url=github.com?owner=acme&repo=x num=43\nissue=https://github.com/acme/x/issues/42 42\n');
    expect(run.stdout).toContain('1 file(s) rendered to');
    expect(run.stdout).not.toContain('skipped offline');
    expect(run.stdout).toContain('  Pull request: github.com?owner=acme&repo=x\n');
    expect(run.status).toBe(0);
  }, 60_000);
});

/** The `ctx.output(name, expr)` calls of the `if (ctx.isDryRun) { … }` branch of a module's source, as written. */
function dryRunBranchOutputs(source: string): [string, string][] {
  const start = source.indexOf('if (ctx.isDryRun) {');
  expect(start, 'the handler has no `if (ctx.isDryRun) {` branch').toBeGreaterThan(-1);
  let depth = 0;
  let end = start;
  for (let i = source.indexOf('{', start); i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  const branch = source.slice(start, end);
  return [...branch.matchAll(/ctx\.output\(\s*"([^"]+)",\s*(.+?)\s*\);\s*$/gm)].map(m => [m[1], m[2]]);
}

describe('DRY_RUN_BRANCHES follows the installed modules', () => {
  it("each entry's outputs are its installed handler's dry-run branch, expression for expression", () => {
    for (const [id, branch] of Object.entries(DRY_RUN_BRANCHES)) {
      const folder = dirname(require.resolve(`${branch.provider}/package.json`));
      const source = readFileSync(join(folder, branch.file), 'utf8');
      expect(source, `${branch.file} defines ${id}`).toContain(`id: "${id}"`);
      expect(dryRunBranchOutputs(source), `${id}: ${branch.file}'s dry-run branch`).toEqual(branch.outputs);
      // host, owner and repo come from parseRepoUrl of the repoUrl input, as dryRunOutputs reads them.
      if (branch.outputs.some(([, e]) => /\b(host|owner|repo)\b/.test(e))) expect(source).toMatch(/const \{ (?:host|owner|repo)(?:, (?:host|owner|repo))* \} = pluginScaffolderNode\.parseRepoUrl\(repoUrl, integrations\)/);
    }
  });

  it('every installed module action that supports dry-run has an entry', async () => {
    const modules = ['@backstage/plugin-scaffolder-backend-module-github', '@backstage/plugin-scaffolder-backend-module-azure'];
    const dryRun = (await installedActions(modules)).filter(a => a.supportsDryRun && a.provider !== '@backstage/plugin-scaffolder-backend');
    expect(dryRun.map(a => `${a.provider} ${a.id}`).sort()).toEqual(Object.entries(DRY_RUN_BRANCHES).map(([id, b]) => `${b.provider} ${id}`).sort());
  });
});
