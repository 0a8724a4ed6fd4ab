import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateGate } from '../../src/templates/templateGate.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const HOST_LINE = 'host-secret-line: [never shown';
const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [templates/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend']\n";

/** A repo whose templates/t/template.yaml (with a test case) is a link to a host file that is not YAML. */
async function linkedTemplateRepo(): Promise<string> {
  const host = join(await mkdtemp(join(tmpdir(), 'gitops-host-')), 'host.txt');
  await writeFile(host, `${HOST_LINE}\n  - {\n`);
  const root = await tempRepo({
    'gitops.config.yaml': CONFIG,
    'app-config.yaml': 'app: {}\n',
    'templates/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./t/template.yaml]\n',
    'templates/t/tests/a.yaml': 'name: a\nvalues: {}\n',
  });
  await symlink(host, join(root, 'templates/t/template.yaml'));
  return root;
}

describe('a template.yaml linked to a host file that is not YAML', () => {
  it.each([
    ['check', ['check', '--format', 'json']],
    ['templates test', ['templates', 'test', '--format', 'json']],
  ])('%s: a repo-symlink finding on the link, exit 1, never the host file\'s content', async (_name, args) => {
    const root = await linkedTemplateRepo();
    const run = await runBin(args, root);
    expect(run.stdout + run.stderr).not.toContain('host-secret-line');
    expect(run.stderr).not.toContain('internal error');
    expect(run.status).toBe(1);
    const findings = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).filter(d => d.file === 'templates/t/template.yaml').map(d => d.ruleId);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings)).toEqual(new Set(['repo-symlink']));
  }, 60_000);

  it('templateGate given the link as a template file reports it as repo-symlink instead of parsing the host file', async () => {
    const root = await linkedTemplateRepo();
    const found = await templateGate(root, { files: ['templates/t/template.yaml'] });
    expect(found.map(d => `${d.ruleId} ${d.file}:${d.range.start.line} ${d.message}`)).toEqual(['repo-symlink templates/t/template.yaml:1 templates/t/template.yaml is a symbolic link (or lies in a linked folder) that leads outside the repository; it is not read.']);
  }, 60_000);
});
