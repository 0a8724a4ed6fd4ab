import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, startPullRequest } from '../pr/prChange.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// Red team 26: the toolkit's own patterns ran on a team's text with two quantifiers that split one long run
// of spaces (or of `${{`) every way, so a file of a few hundred kilobytes in a team's own folder held the gate
// for minutes (a 200 KB mkdocs.yml nav value: 2 min 33 s; a 1 MB one about an hour). Each case runs `check`
// through the shipped bin and kills it after LIMIT: before the fix every one of them ran past it.
const LIMIT = 40_000;

async function timedCheck(root: string): Promise<{ status: number | null; stdout: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [`${REPO_ROOT}scripts/bin/backstage-gitops.js`, 'check', '--format', 'json'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
  let stdout = '';
  child.stdout.on('data', d => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT);
  const status = await new Promise<number | null>(r => child.on('close', r));
  clearTimeout(timer);
  return { status, stdout, ms: Date.now() - started };
}

const edit = (root: string, file: string, change: (text: string) => string) => writeFileSync(join(root, file), change(readFileSync(join(root, file), 'utf8')));
const SPACES = ' '.repeat(300_000);
const ruleIds = (stdout: string) => (JSON.parse(stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId);

describe('patterns run on a team\'s text stay linear (check through the bin)', () => {
  it('a mkdocs.yml nav value `!include a<300,000 spaces>b`', async () => {
    const root = await dataRepoCopy();
    edit(root, 'catalog/systems/orders/docs-site/mkdocs.yml', t => t.replace('  - Runbook: runbook.md\n', `  - Runbook: runbook.md\n  - Notes: '!include a${SPACES}b'\n`));
    const run = await timedCheck(root);
    expect(run.status, `killed after ${run.ms} ms`).toBe(1);
    // Still read as an include (of a path that is no .yml file): the trimmed value is matched as before.
    expect(ruleIds(run.stdout)).toEqual(['mkdocs-nav-missing']);
  }, 60_000);

  it('a docs page line `--8<-- "a<300,000 spaces>b"` (Python strip of every snippet line)', async () => {
    const root = await dataRepoCopy();
    edit(root, 'catalog/systems/orders/docs-site/docs/index.md', t => `${t}\n--8<-- "a${SPACES}b"\n\n--8<-- "\x1f/etc/hostname\x1f"\n`);
    const run = await timedCheck(root);
    expect(run.status, `killed after ${run.ms} ms`).toBe(1);
    // Python's strip (with \x1f) still applies: the host file is found, the long line is no finding.
    expect(ruleIds(run.stdout)).toEqual(['techdocs-file-include']);
  }, 60_000);

  it('a template value of 300,000 `${{` without `}}`, and one `| parseRepoUrl<300,000 spaces>x`', async () => {
    const root = await dataRepoCopy();
    edit(root, 'templates/go-service/template.yaml', t =>
      t.replace('          description: ${{ parameters.description }}\n', `          description: \${{ parameters.description }}\n          note: '${'${{'.repeat(300_000)}'\n          other: '\${{ parameters.repoUrl | parseRepoUrl${SPACES}x }}'\n`),
    );
    const run = await timedCheck(root);
    expect(run.status, `killed after ${run.ms} ms`).toBe(1);
    expect(ruleIds(run.stdout).length).toBeGreaterThan(0);
  }, 60_000);
  it('a template fetch url `../../skeletons<300,000 slashes>go-service` (trailing slashes trimmed by hand everywhere)', async () => {
    const root = await dataRepoCopy();
    edit(root, 'templates/go-service/template.yaml', t => t.replace('url: ../../skeletons/go-service', `url: ../../skeletons${'/'.repeat(300_000)}go-service`));
    const run = await timedCheck(root);
    expect(run.status, `killed after ${run.ms} ms`).toBe(1);
    expect(ruleIds(run.stdout).sort()).toEqual(['codeowners-claim-outside', 'codeowners-stale', 'template-skeleton-missing']);
  }, 60_000);
  it('a publish repoUrl `${{ parameters.name }}<300,000 dots>` (the host-like first segment, found by indexOf)', async () => {
    const root = await dataRepoCopy();
    edit(root, 'templates/go-service/template.yaml', t => t.replace('repoUrl: ${{ parameters.repoUrl }}', `repoUrl: '\${{ parameters.name }}${'.'.repeat(300_000)}'`));
    const run = await timedCheck(root);
    expect(run.status, `killed after ${run.ms} ms`).not.toBeNull();
    expect([0, 1]).toContain(run.status);
  }, 60_000);
});

describe("patterns run on a team's text stay linear (report through the bin)", () => {
  it('a changed .proto ending in 300,000 `/* ` without `*/` (the import scan drops comments first)', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/payments-core/definitions/ledger.proto', t => `${t}\n${'/* '.repeat(300_000)}\n`);
    commit(root, 'an unclosed comment, many times');
    const started = Date.now();
    const child = spawn(process.execPath, [`${REPO_ROOT}scripts/bin/backstage-gitops.js`, 'report', '--base', base, '--format', 'json'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT);
    const status = await new Promise<number | null>(r => child.on('close', r));
    clearTimeout(timer);
    expect(status, `killed after ${Date.now() - started} ms`).not.toBeNull();
    expect([0, 1]).toContain(status);
  }, 90_000);
});

// Red team 31: every text line a command writes passes the output guard's redactUrl, whose scheme pattern was tried at
// each word start and rescanned the rest of a run such as `a.a.a…` from each letter. A template's output text of one
// 300 kB such run (printed by `templates render` as the task page shows it) held the command for about two minutes.
describe('the output guard stays linear on a long run of letters and dots (templates render through the bin)', () => {
  it('an output text `a.a.a…` of 300,000 characters, next to a URL with user info', async () => {
    const root = await dataRepoCopy();
    const run = `${'a.'.repeat(150_000)}a`;
    edit(root, 'templates/docs-site/template.yaml', t => t.replace('  output:\n    links:\n', `  output:\n    text:\n      - title: Notes\n        content: 'see https://user:hunter2@host.example/x then ${run}'\n    links:\n`));
    writeFileSync(join(root, 'values.yaml'), 'system: system:default/orders\nowner: group:default/commerce-team\ntitle: Orders handbook\nrepoUrl: github.com?owner=acme&repo=orders-docs\n');
    const started = Date.now();
    const child = spawn(process.execPath, [`${REPO_ROOT}scripts/bin/backstage-gitops.js`, 'templates', 'render', 'templates/docs-site/template.yaml', '--values', 'values.yaml', '--out', 'out'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
    let stdout = '';
    child.stdout.on('data', d => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT);
    const status = await new Promise<number | null>(r => child.on('close', r));
    clearTimeout(timer);
    expect(status, `killed after ${Date.now() - started} ms`).toBe(0);
    // The text is still shown, and the user info in it is still redacted.
    expect(stdout).toContain(`see https://***@host.example/x then ${run}`);
    expect(stdout).not.toContain('hunter2');
  }, 60_000);
});
