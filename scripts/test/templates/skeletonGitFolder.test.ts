import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Red team 32: the offline reader of templates render/test read git's own folder. A template step
// fetching ../../.git/config (fetch:plain:file), or a fetch:plain of the repository's root, rendered the
// checkout's .git into the output: its config, with the job's credentials where actions/checkout keeps
// them (http.extraheader AUTHORIZATION: basic …) or a token in the remote URL. `--update-snapshots`
// wrote them into the committed snapshot, and a snapshot that differs at that line put the header into
// the template-snapshot finding, hence the PR comment and the annotations. Backstage reads a skeleton
// from the git host, which never holds .git (no commit can), and `check` already called it missing.

const SECRET = 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVA==';

const step = (id: string, action: string, url: string, target: string) => `    - id: ${id}
      name: ${id}
      action: ${action}
      input:
        url: ${url}
        targetPath: ${target}
`;

async function repo(steps: string): Promise<string> {
  const root = await templateRepo(['../templates/leak/template.yaml'], {
    'templates/leak/template.yaml': templateHead('leak') + steps,
    'templates/leak/tests/default.yaml': 'name: default\nvalues:\n  name: orders\n',
    'values.yaml': 'name: orders\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'config', '--local', 'http.https://github.com/.extraheader', SECRET);
  return root;
}

describe("git's own folder (templates render/test)", () => {
  it('a fetch of one file in .git fails as not found, naming it, and nothing of it is written', async () => {
    const root = await repo(step('leak', 'fetch:plain:file', '../../.git/config', 'leaked.txt'));
    const run = await runBin(['templates', 'render', 'templates/leak/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain("✖ The template failed to render: step leak (fetch:plain:file): .git/config is not in the repository: it is git's own folder");
    expect(run.stdout + run.stderr).not.toContain('eC1hY2Nlc3MtdG9rZW46');
    expect(existsSync(join(root, 'out/leaked.txt'))).toBe(false);
    expect(run.status).toBe(1);
  }, 60_000);

  it('a fetch of the .git folder fails as not found; a fetch of the root renders the committed files without .git', async () => {
    const folder = await repo(step('leak', 'fetch:plain', '../../.git', 'leaked'));
    const refused = await runBin(['templates', 'render', 'templates/leak/template.yaml', '--values', 'values.yaml', '--out', 'out'], folder);
    expect(refused.stdout).toContain("step leak (fetch:plain): .git is not in the repository: it is git's own folder");
    expect(refused.status).toBe(1);

    const root = await repo(step('all', 'fetch:plain', '../..', 'copy'));
    const run = await runBin(['templates', 'render', 'templates/leak/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toMatch(/\d+ file\(s\) rendered/);
    expect(readdirSync(join(root, 'out/copy')).sort()).toEqual(['catalog', 'gitops.config.yaml', 'templates', 'values.yaml']);
    expect(readFileSync(join(root, 'out/copy/values.yaml'), 'utf8')).toBe('name: orders\n');
  }, 60_000);

  it('templates test never writes .git into a snapshot', async () => {
    const root = await repo(step('leak', 'fetch:plain', '../..', 'copy'));
    const run = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(run.stderr).not.toMatch(/internal error/);
    const snapshot = readFileSync(join(root, 'templates/leak/tests/default.snapshot.yaml'), 'utf8');
    expect(snapshot).toContain('copy/values.yaml');
    expect(snapshot).not.toContain('copy/.git/');
    expect(snapshot).not.toContain('eC1hY2Nlc3MtdG9rZW46');
  }, 60_000);

  it('a committed link into .git is neither read (a skeleton file) nor written through (a snapshot)', async () => {
    const root = await repo(step('leak', 'fetch:plain:file', './cfg', 'leaked.txt'));
    symlinkSync('../../.git/config', join(root, 'templates/leak/cfg'));
    const run = await runBin(['templates', 'render', 'templates/leak/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('step leak (fetch:plain:file): templates/leak/cfg is a symbolic link (or lies in a linked folder) that leads outside the repository; it is not read.');
    expect(existsSync(join(root, 'out/leaked.txt'))).toBe(false);
    expect(run.status).toBe(1);

    // --update-snapshots through a snapshot linked to a file of .git (its config, a hook) never writes it.
    const written = await repo(step('all', 'fetch:plain', '../../catalog', 'copy'));
    writeFileSync(join(written, '.git/description'), 'untouched\n');
    symlinkSync('../../../.git/description', join(written, 'templates/leak/tests/default.snapshot.yaml'));
    const test = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], written);
    const findings = JSON.parse(test.stdout).diagnostics as { ruleId: string; file: string }[];
    expect(findings.map(d => `${d.ruleId} ${d.file}`)).toContain('repo-symlink templates/leak/tests/default.snapshot.yaml');
    expect(readFileSync(join(written, '.git/description'), 'utf8')).toBe('untouched\n');
  }, 60_000);
});
