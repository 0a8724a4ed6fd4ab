import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// `npm run check` is the README's first command: package.json's script (scripts/bin/check.js builds when
// the sources changed, then runs the CLI's check in the same process). It must say what the bin says.
// In a clone of this repo (its tracked files, the installed packages linked in, but not their .cache,
// which holds the build manifest): a build here never replaces the bundle other tests are running.
let clone: string;

const npm = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', ...args], { cwd: clone, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};
const bin = (args: string[], env: Record<string, string> = {}) => {
  try {
    return { status: 0, stdout: execFileSync(process.execPath, [join(clone, 'scripts/bin/backstage-gitops.js'), ...args], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } }), stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
};

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'npm-run-check-'));
  for (const file of execFileSync('git', ['-C', REPO_ROOT, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean)) {
    if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(clone, file));
  }
  mkdirSync(join(clone, 'node_modules'));
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) if (name !== '.cache') symlinkSync(join(REPO_ROOT, 'node_modules', name), join(clone, 'node_modules', name));
}, 60_000);

describe('npm run check (through npm, in a clone of this repo)', () => {
  it('builds the CLI when there is no build, then reports what the bin reports, arguments passed on', async () => {
    expect(existsSync(join(clone, 'scripts/src/.build/cli.mjs'))).toBe(false);
    const script = await npm(['check', '--', '--format', 'json']);
    expect(existsSync(join(clone, 'scripts/src/.build/cli.mjs'))).toBe(true);
    expect(script).toEqual(bin(['check', '--format', 'json']));
    expect(script.status).toBe(0);
  }, 120_000);

  it('a usage error is the bin\'s one line and exit 2', async () => {
    const script = await npm(['check', '--', '--fail-on', 'nope']);
    const direct = bin(['check', '--fail-on', 'nope']);
    expect([script.status, script.stdout]).toEqual([2, '']);
    expect(direct.stderr.trim().split('\n')).toHaveLength(1);
    expect(script.stderr).toContain(direct.stderr.trim());
  }, 60_000);

  // left25: a source of the toolkit that does not build gave esbuild's report and Node's stack trace, exit 1.
  it('toolkit sources that do not build: one line naming the file and line, exit 2', async () => {
    const source = join(clone, 'scripts/src/cli/main.ts');
    const text = readFileSync(source, 'utf8');
    appendFileSync(source, '\nexport const broken = ;\n');
    try {
      const script = await npm(['check']);
      const line = `${text.split('\n').length + 1}`;
      expect([script.status, script.stdout]).toEqual([2, '']);
      expect(script.stderr).toBe(`backstage-gitops check: the toolkit's own sources do not build: scripts/src/cli/main.ts:${line}:23: Unexpected ";". Fix them, or run \`npm run build\` for esbuild's full report.\n`);
    } finally {
      writeFileSync(source, text);
    }
  }, 120_000);

  // Node 22.1+ keeps the code V8 compiled for the bundle and its packages (module.enableCompileCache): the
  // bin and `npm run check` ask for it beside the CLI's remembered values. Node 20 has no such cache: the
  // same run, and nothing written.
  it("keeps Node's compile cache under node_modules/.cache where Node has one, with the same verdict", async () => {
    const folder = join(clone, 'node_modules/.cache/backstage-gitops/compile-cache');
    const nodeHasIt = typeof ((await import('node:module')).default as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    expect((await npm(['check'])).status).toBe(0); // builds the clone's CLI if an earlier test left it unbuilt
    rmSync(folder, { recursive: true, force: true });
    const off = bin(['check', '--format', 'json'], { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    const first = bin(['check', '--format', 'json']);
    expect(existsSync(folder) && readdirSync(folder).length > 0).toBe(nodeHasIt);
    expect([first, bin(['check', '--format', 'json'])]).toEqual([off, off]);
    expect(off.status).toBe(0);
  }, 120_000);
});

