import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

function check(root: string, ...args: string[]) {
  const child = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', '--today', '2026-11-30', ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** A path under `root` whose last name ends in the byte 0xff (not UTF-8). */
const undecodable = (root: string, folder: string, name: string) => Buffer.concat([Buffer.from(join(root, folder, name)), Buffer.from([0xff])]);

// A name of invalid UTF-8 bytes reads back as U+FFFD, a name no open() finds: the gate must report it,
// not stop on it (it stopped with exit 2 and no report when such a file sat in a skeleton).
describe('file and folder names that are not valid UTF-8', () => {
  let root: string;
  beforeAll(async () => {
    root = await dataRepoCopy();
    writeFileSync(undecodable(root, 'skeletons/docs-site', 'odd'), 'hi\n');
    writeFileSync(undecodable(root, 'catalog', 'bad'), 'apiVersion: backstage.io/v1alpha1\n');
    mkdirSync(undecodable(root, 'catalog', 'folder'));
  });

  it('are findings on their names, and every other check still runs', () => {
    const run = check(root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { summary: { entities: number }; diagnostics: { ruleId: string; file: string }[] };
    expect(report.diagnostics.filter(d => d.ruleId === 'repo-path-encoding').map(d => d.file)).toEqual(['catalog/bad\uFFFD', 'catalog/folder\uFFFD', 'skeletons/docs-site/odd\uFFFD']);
    expect(report.summary.entities).toBeGreaterThan(50);
  });

  it('a folder holding one given on the command line is checked too', () => {
    const run = check(root, 'catalog');
    expect(run.stderr).toBe('');
    expect([0, 1]).toContain(run.status);
  });
});
