import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { checkFindings } from '../helpers/runCli.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// A fresh user's public templates passed check and templates test, then failed in Backstage after the
// repository was created. (1) catalogInfoPath: catalog-info.yaml (no leading /): catalog:register
// (scaffolder-backend 4.2.0) calls integration.resolveUrl({ base: repoContentsUrl, url: catalogInfoPath }),
// publish:github's repoContentsUrl is `${html_url}/blob/${defaultBranch}`, and @backstage/integration's
// defaultScmResolveUrl resolves a path without / by `new URL(path, base)`: …/svc/tree/catalog-info.yaml, the
// branch gone. (2) fetch:template into ./app, publish:github without sourcePath and the default
// /catalog-info.yaml: the pushed repository has app/catalog-info.yaml only, so register reads nothing.

const CATALOG_INFO = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/platform\n';
const CASE = 'name: default\nvalues:\n  name: orders\n  repoUrl: github.com?owner=acme&repo=orders\nsnapshot: false\n';

/** A template that fetches skeletons/svc (into `targetPath`), publishes with `publish` and registers with `register` (input lines, indented eight). */
function template(publish: string, register: string, targetPath = ''): string {
  return `${templateHead('t', '        repoUrl: {type: string}\n')}    - id: fetch
      action: fetch:template
      input:
        url: ../../skeletons/svc
${targetPath ? `        targetPath: ${targetPath}\n` : ''}        values:
          name: \${{ parameters.name }}
    - id: publish
      action: ${publish}
      input:
        repoUrl: \${{ parameters.repoUrl }}
${publish === 'publish:github' ? '        defaultBranch: main\n' : ''}    - id: register
      action: catalog:register
      input:
${register}`;
}

async function repo(body: string, extra: Record<string, string> = {}) {
  return templateRepo(['../templates/t/template.yaml'], {
    'templates/t/template.yaml': body,
    'templates/t/tests/default.yaml': CASE,
    'skeletons/svc/catalog-info.yaml': CATALOG_INFO,
    ...extra,
  });
}

async function templatesTest(root: string) {
  const run = await runBin(['templates', 'test', '--format', 'json'], root);
  if (run.status === 2) throw new Error(run.stderr);
  const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string; hint?: string; file: string; range: { start: { line: number; column: number } } }[];
  return { status: run.status, diagnostics, findings: diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort() };
}

const CONTENTS = '        repoContentsUrl: ${{ steps.publish.output.repoContentsUrl }}\n';

describe('catalog:register: the file Backstage registers', () => {
  it('a catalogInfoPath without a leading / after publish:github is an error at the path, in check and templates test', async () => {
    const root = await repo(template('publish:github', `${CONTENTS}        catalogInfoPath: catalog-info.yaml\n`));
    const check = checkFindings(root);
    expect(check.findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:30:26']);
    const finding = check.diagnostics.find(d => d.ruleId === 'template-register-path')!;
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('Backstage registers https://github.com/acme/svc/tree/catalog-info.yaml');
    expect(finding.hint).toBe("Write catalogInfoPath: /catalog-info.yaml (a path from the repository root, as Backstage's default /catalog-info.yaml is).");
    expect(check.status).toBe(1);
    const test = await templatesTest(root);
    expect(test.findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:30:26']);
    expect(test.status).toBe(1);
  }, 120_000);

  it('a catalogInfoPath an expression gives without a leading / is judged per case, naming it', async () => {
    const root = await repo(template('publish:github', `${CONTENTS}        catalogInfoPath: \${{ parameters.name }}/catalog-info.yaml\n`));
    expect(checkFindings(root).findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    const { diagnostics, findings } = await templatesTest(root);
    expect(findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:30:26']);
    expect(diagnostics.find(d => d.ruleId === 'template-register-path')!.message).toContain('Backstage registers https://github.com/acme/svc/tree/orders/catalog-info.yaml instead of the file in the new repository. The catalog cannot read it, so the task fails at this step, after the repository is created. (rendered with the values of templates/t/tests/default.yaml)');
  }, 120_000);

  it('a hand-built catalogInfoUrl glued onto the branch is the same error; a joined one is not', async () => {
    const glued = await repo(template('publish:github', '        catalogInfoUrl: ${{ steps.publish.output.repoContentsUrl }}catalog-info.yaml\n'));
    const found = checkFindings(glued);
    expect(found.findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:29:25']);
    expect(found.diagnostics.find(d => d.ruleId === 'template-register-path')!.message).toContain('Backstage registers https://github.com/acme/svc/blob/maincatalog-info.yaml');
    const joined = await repo(template('publish:github', '        catalogInfoUrl: ${{ steps.publish.output.repoContentsUrl }}/catalog-info.yaml\n'));
    expect(checkFindings(joined).findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    expect((await templatesTest(joined)).findings.filter(f => f.startsWith('template-register'))).toEqual([]);
  }, 120_000);

  // aws-samples/appmod-blueprints: publish:gitlab, whose module the toolkit does not install (template-action-unknown,
  // a warning without a config), so the check was skipped. Its repoContentsUrl's shape is known all the same
  // (`${remoteUrl}/-/blob/${defaultBranch}`), and once the deployment runs the action register fails.
  it('publish:gitlab, whose module is not installed, gets the same error in check and templates test, beside template-action-unknown', async () => {
    const root = await repo(template('publish:gitlab', `${CONTENTS}        catalogInfoPath: catalog-info.yaml\n`));
    const check = checkFindings(root);
    expect(check.findings.filter(f => f.startsWith('template-register') || f.startsWith('template-action-unknown'))).toEqual(['template-action-unknown@templates/t/template.yaml:22:15', 'template-register-path@templates/t/template.yaml:29:26']);
    expect(check.diagnostics.find(d => d.ruleId === 'template-register-path')!.message).toContain('Backstage registers https://gitlab.com/acme/svc/-/blob/catalog-info.yaml instead of the file in the new repository.');
    expect(check.status).toBe(1);
    const test = await templatesTest(root);
    expect(test.findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:29:26']);
    expect(test.status).toBe(1);
    const expression = await templatesTest(await repo(template('publish:gitlab', `${CONTENTS}        catalogInfoPath: \${{ parameters.name }}/catalog-info.yaml\n`)));
    expect(expression.diagnostics.find(d => d.ruleId === 'template-register-path')!.message).toContain('Backstage registers https://gitlab.com/acme/svc/-/blob/orders/catalog-info.yaml instead of the file in the new repository. The catalog cannot read it, so the task fails at this step, after the repository is created. (rendered with the values of templates/t/tests/default.yaml)');
  }, 120_000);

  it('publish:bitbucketCloud and publish:bitbucketServer, not installed, are judged too; a path with a leading / is not', async () => {
    const cloud = checkFindings(await repo(template('publish:bitbucketCloud', `${CONTENTS}        catalogInfoPath: catalog-info.yaml\n`)));
    expect(cloud.findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:29:26']);
    expect(cloud.diagnostics.find(d => d.ruleId === 'template-register-path')!.message).toContain('Backstage registers https://bitbucket.org/acme/svc/src/catalog-info.yaml');
    const server = checkFindings(await repo(template('publish:bitbucketServer', '        catalogInfoUrl: ${{ steps.publish.output.repoContentsUrl }}catalog-info.yaml\n')));
    expect(server.findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-path@templates/t/template.yaml:28:25']);
    const rooted = checkFindings(await repo(template('publish:bitbucketCloud', `${CONTENTS}        catalogInfoPath: /catalog-info.yaml\n`)));
    expect(rooted.findings.filter(f => f.startsWith('template-register'))).toEqual([]);
  }, 120_000);

  it('publish:azure resolves a relative catalogInfoPath from the root: no finding', async () => {
    const root = await repo(template('publish:azure', `${CONTENTS}        catalogInfoPath: catalog-info.yaml\n`).replace('github.com?owner=acme&repo=orders', 'dev.azure.com?organization=acme&project=p&repo=orders'));
    expect(checkFindings(root).findings.filter(f => f.startsWith('template-register'))).toEqual([]);
  }, 120_000);

  it('a catalog-info.yaml rendered into ./app while publish pushes the whole workspace is an error naming the case, with the fix', async () => {
    const root = await repo(template('publish:github', `${CONTENTS}        catalogInfoPath: /catalog-info.yaml\n`, './app'));
    expect(checkFindings(root).findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    const { status, diagnostics, findings } = await templatesTest(root);
    expect(findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-file-missing@templates/t/template.yaml:31:26']);
    const finding = diagnostics.find(d => d.ruleId === 'template-register-file-missing')!;
    expect(finding.message).toBe('Rendered with the values of templates/t/tests/default.yaml, the repository publish:github (step publish) pushes, the whole workspace (no sourcePath), has no catalog-info.yaml: catalog:register reads catalogInfoPath "/catalog-info.yaml" from its root, where Backstage\'s catalog finds no file. The catalog cannot read it, so the task fails at this step, after the repository is created. The rendered workspace has app/catalog-info.yaml.');
    expect(finding.hint).toBe("Set publish's sourcePath: ./app (to publish that folder as the repository), or catalogInfoPath: /app/catalog-info.yaml.");
    expect(status).toBe(1);
  }, 120_000);

  it('templates render says it too, and exits 1', async () => {
    const root = await repo(template('publish:github', `${CONTENTS}        catalogInfoPath: /catalog-info.yaml\n`, './app'), { 'values.yaml': 'name: orders\nrepoUrl: github.com?owner=acme&repo=orders\n' });
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('✖ Rendered with the values of values.yaml, the repository publish:github (step publish) pushes, the whole workspace (no sourcePath), has no catalog-info.yaml');
    expect(run.stdout).toContain("hint: Set publish's sourcePath: ./app (to publish that folder as the repository), or catalogInfoPath: /app/catalog-info.yaml.");
    expect(run.status).toBe(1);
  }, 120_000);

  it('the default catalogInfoPath (none written) is judged too, at the register step', async () => {
    const root = await repo(template('publish:github', CONTENTS, './app'));
    const { findings } = await templatesTest(root);
    expect(findings.filter(f => f.startsWith('template-register'))).toEqual(['template-register-file-missing@templates/t/template.yaml:29:7']);
  }, 120_000);

  it("no false alarm: publish's sourcePath reaching the file, or a catalogInfoPath into the folder", async () => {
    const bySource = await repo(template('publish:github', `${CONTENTS}        catalogInfoPath: /catalog-info.yaml\n`, './app').replace('        defaultBranch: main\n', '        defaultBranch: main\n        sourcePath: ./app\n'));
    const one = await templatesTest(bySource);
    expect(one.findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    expect(one.status).toBe(0);
    const byPath = await repo(template('publish:github', `${CONTENTS}        catalogInfoPath: /app/catalog-info.yaml\n`, './app'));
    const two = await templatesTest(byPath);
    expect(two.findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    expect(two.status).toBe(0);
  }, 120_000);

  it('a register or publish step its if: skips in the case is not judged', async () => {
    const skipped = template('publish:github', `${CONTENTS}        catalogInfoPath: /catalog-info.yaml\n`, './app').replace('    - id: register\n', '    - id: register\n      if: ${{ parameters.name === "never" }}\n');
    const { status, findings } = await templatesTest(await repo(skipped));
    expect(findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    expect(status).toBe(0);
  }, 120_000);

  // A fetch from another repository is copied as nothing offline (template-step-not-rendered): the rendered tree
  // then lacks what that repository gives, so which file register reads is not known, and not judged.
  it('no false alarm when the catalog-info.yaml may come from a folder fetched from another repository', async () => {
    const elsewhere = template('publish:github', `${CONTENTS}        catalogInfoPath: /catalog-info.yaml\n`, './app')
      .replace('    - id: publish\n', '    - id: shared\n      action: fetch:plain\n      input:\n        url: https://github.com/acme/shared-skeletons/tree/main/service\n    - id: publish\n');
    const run = await templatesTest(await repo(elsewhere));
    expect(run.findings.filter(f => f.startsWith('template-register'))).toEqual([]);
    expect(run.findings).toContain('template-step-not-rendered@templates/t/tests/default.yaml:3:3');
  }, 120_000);
});
