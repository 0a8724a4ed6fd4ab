// Every subcommand and every example of the README, run as users run them: the shipped bin as a child
// process. Independent cases run concurrently (each is its own process); the copies they write into are
// made once per describe block.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { BIN, expectCleanStderr, gitops } from './gitops.ts';
import { execFile } from 'node:child_process';

const TODAY = ['--today', '2026-11-23'];

// Each case is one or two CLI processes of a few seconds; on two shared cores a run may wait its turn.
describe.concurrent('backstage-gitops as the README shows it', { timeout: 120_000 }, () => {
  let repo: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
  }, 60_000);

  it('check: the whole catalog from the root Location, from the repo root and from a folder inside it', async () => {
    const [top, inside] = await Promise.all([gitops(repo, ['check']), gitops(join(repo, 'catalog/systems'), ['check'])]);
    for (const run of [top, inside]) {
      expect(run.status, run.stderr).toBe(0);
      expectCleanStderr(run);
      expect(run.stdout).toMatch(/^✔ 0 errors, 0 warnings, 0 info in \d+ files \(\d+ entities\)\n$/);
    }
    expect(inside.stdout).toBe(top.stdout);
  });

  it('check catalog/systems/orders: one folder, with the same discovery as the full run', async () => {
    const run = await gitops(repo, ['check', 'catalog/systems/orders']);
    expect(run.status, run.stdout).toBe(0);
    expectCleanStderr(run);
    expect(run.stdout).toMatch(/^✔ 0 errors, 0 warnings, 0 info in \d+ files? \(\d+ entities\)\n$/);
  });

  it('check --format sarif --output gate.sarif --format junit --output gate.xml: the files, and one summary line on stderr', async () => {
    const run = await gitops(repo, ['check', '--format', 'sarif', '--output', 'gate.sarif', '--format', 'junit', '--output', 'gate.xml']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^✔ 0 errors, 0 warnings, 0 info in \d+ files \(\d+ entities\)\n$/);
    expect(JSON.parse(readFileSync(join(repo, 'gate.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(join(repo, 'gate.xml'), 'utf8')).toContain('<testsuites');
  });

  it('check with every format, each to its own file, over a catalog with findings: exit 1, every report names them', async () => {
    const other = await tempRepo({ 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/nobody\n  dependsOn: [shop-db]\n' });
    const formats = ['stylish', 'json', 'junit', 'sarif', 'markdown', 'github', 'azure'];
    const run = await gitops(other, ['check', ...formats.flatMap(f => ['--format', f, '--output', `report.${f}`])]);
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expectCleanStderr(run);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^✖ 1 error, 1 warning, 0 info in 1 file \(1 entities\)\n$/);
    for (const format of formats) expect(readFileSync(join(other, `report.${format}`), 'utf8'), format).toMatch(/shop\\?-db/);
  });

  it('check --root ../other-repo: any catalog, Backstage rules and references', async () => {
    const other = await tempRepo({ 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments-team\n' });
    const run = await gitops(REPO_ROOT, ['check', '--root', other]);
    expect(run.status).toBe(0);
    expectCleanStderr(run);
    expect(run.stdout).toContain('1 warning');
    expect(run.stdout).toContain('group:default/payments-team');
  });

  it('check --catalog-url --token-env: references resolved against a live Backstage', async () => {
    const backstage = inject('backstage');
    const other = await tempRepo({ 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments-team\n' });
    const run = await gitops(other, ['check', '--catalog-url', backstage.baseUrl, '--token-env', 'BACKSTAGE_TOKEN'], { BACKSTAGE_TOKEN: backstage.token });
    expect(run.status, run.stderr).toBe(0);
    expectCleanStderr(run);
    expect(run.stdout).toMatch(/^✔ 0 errors, 0 warnings, 0 info in 1 file \(1 entities\)\n$/);
  });

  it('check --list-rules', async () => {
    const run = await gitops(repo, ['check', '--list-rules']);
    expect(run.status).toBe(0);
    expectCleanStderr(run);
    expect(run.stdout).toContain('ref-unresolved  (error)');
  });

  it('check --base HEAD and scorecards --base HEAD: the gate and the team deltas of a change', async () => {
    const [checkRun, scorecards] = await Promise.all([gitops(repo, ['check', '--base', 'HEAD', ...TODAY]), gitops(repo, ['scorecards', '--base', 'HEAD', ...TODAY])]);
    for (const run of [checkRun, scorecards]) {
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expectCleanStderr(run);
    }
  });

  it('scorecards: levels per team; --write-config regenerates an unchanged config', async () => {
    const report = await gitops(repo, ['scorecards', ...TODAY]);
    expect(report.status, report.stderr).toBe(0);
    expectCleanStderr(report);
    expect(report.stdout).toContain('payments-team');
    const before = readFileSync(join(repo, 'backstage-config/app-config.tech-insights.yaml'), 'utf8');
    const write = await gitops(repo, ['scorecards', '--write-config', ...TODAY]);
    expect(write.status, write.stderr).toBe(0);
    expectCleanStderr(write);
    expect(readFileSync(join(repo, 'backstage-config/app-config.tech-insights.yaml'), 'utf8')).toBe(before);
  });

  it('scorecards --format text: columns for a terminal, no HTML, and a check name from the PR cannot drive the log', async () => {
    const copy = await dataRepoCopy();
    const file = join(copy, 'scorecards/checks/has-techdocs.yaml');
    // Its name reaches the Teams table (the engineering team fails it).
    await writeFile(file, readFileSync(file, 'utf8').replace('name: Has TechDocs', 'name: "Has \\e[31mTechDocs\\n::error::forged ##vso[task.setvariable variable=x]1"'));
    // --write-config: the renamed check makes the committed Tech Insights config stale.
    const run = await gitops(copy, ['scorecards', '--format', 'text', '--write-config', ...TODAY]);
    expect(run.status, run.stderr).toBe(0);
    expectCleanStderr(run);
    expect(run.stdout).toMatch(/^Scorecards\n=+\n/);
    expect(run.stdout).toMatch(/^Team +Level +Score +Entities +Failing checks$/m);
    expect(run.stdout).toMatch(/^group:default\/payments-team +Silver +\d+% \(\d+\/\d+\) +\d+ +/m);
    expect(run.stdout).not.toMatch(/<code>|\||\u001b|^\s*::|##vso\[/m);
    expect(run.stdout).toContain('Has \\u001b[31mTechDocs\\n:');
  });

  it('scorecards --format json bounds a finding that quotes the pull request (a 5,000-character test case name)', async () => {
    const copy = await dataRepoCopy();
    const file = join(copy, 'scorecards/checks/has-description.yaml');
    await writeFile(file, readFileSync(file, 'utf8').replace('{ name: described, facts:', `{ name: "${'described '.repeat(500)}", facts:`).replace('hasDescription: true, hasTags: false } }, expect: pass', 'hasDescription: true, hasTags: false } }, expect: fail'));
    const run = await gitops(copy, ['scorecards', '--format', 'json', ...TODAY]);
    expect(run.status, run.stderr).toBe(1);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'scorecard-test-failed');
    expect(found).toHaveLength(1);
    expect(found[0].message.length).toBeLessThanOrEqual(2000);
    expect(found[0].message).toMatch(/^Check hasDescription, case "described described .*…$/);
  });

  it('scorecards on a terminal defaults to text, piped to Markdown', async () => {
    // util-linux `script` gives the bin a pseudo-terminal as stdout.
    const tty = await new Promise<string>((resolve, reject) => {
      execFile('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} scorecards ${TODAY.join(' ')}`, '/dev/null'], { cwd: repo, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
    expect(tty.replace(/\r\n/g, '\n')).toMatch(/^Scorecards\n=+\n/);
    const piped = await gitops(repo, ['scorecards', ...TODAY]);
    expect(piped.stdout).toMatch(/^## Scorecards\n/);
  });

  it('codeowners: --check passes on the committed file, --write regenerates it unchanged', async () => {
    const run = await gitops(repo, ['codeowners', '--check']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expectCleanStderr(run);
    const write = await gitops(repo, ['codeowners', '--write']);
    expect(write.status, write.stderr).toBe(0);
    expectCleanStderr(write);
    expect(git(repo, 'status', '--porcelain', '.github')).toBe('');
  });

  it('schema --check: the committed editor schema is current', async () => {
    const run = await gitops(repo, ['schema', '--check']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expectCleanStderr(run);
  });

  it('techdocs build --changed-since HEAD --shard 1/2 --format github: the PR job, nothing changed', async () => {
    const run = await gitops(repo, ['techdocs', 'build', '--changed-since', 'HEAD', '--shard', '1/2', '--format', 'github']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expectCleanStderr(run);
  });

  it('report --base HEAD: the pull-request report', async () => {
    const run = await gitops(repo, ['report', '--base', 'HEAD', ...TODAY]);
    expect(run.status, run.stderr).toBe(0);
    expectCleanStderr(run);
    expect(run.stdout).toContain('Backstage catalog: ready to merge');
  });

  // azure-reviewers (plan and --apply) runs through the bin in ci/azureReviewers.test.ts, against a fake PolicyApi.

  // techdocs publish (--dry-run and real) needs a storage: it runs against Azurite in e2e/actions.test.ts,
  // beside techdocs build --out.

  it('sync --url --token-env --dry-run against a real Backstage: the plan, and the refusal of entities other locations hold', async () => {
    // The shared test backend reads the example organisation from its app-config (catalog.locations): a
    // location this repo's config does not own nor list under catalog.adoptFrom, so sync refuses each of
    // those entities with a finding naming that location, changing nothing.
    const backstage = inject('backstage');
    const run = await gitops(repo, ['sync', '--url', backstage.baseUrl, '--token-env', 'BACKSTAGE_TOKEN', '--dry-run'], { BACKSTAGE_TOKEN: backstage.token });
    expect(run.status, run.stderr).toBe(1);
    expectCleanStderr(run);
    expect(run.stdout + run.stderr).toMatch(/\d+ to add[,·] \d+ to update[,·] \d+ to remove/);
    expect(run.stderr).toContain('sync-entity-held-elsewhere');
    expect(run.stderr).toMatch(/component:default\/\S+ is already in Backstage from the location \S+, which this repo does not own/);
    expect(run.stdout).toMatch(/ · \d+ refused \(held by a location this repo does not own\)/);
    expect(run.stdout + run.stderr).not.toContain(backstage.token);
  });

  it('templates test: every case of every template (workflows parsed by GitHub\'s parser in the bundle)', async () => {
    const run = await gitops(repo, ['templates', 'test']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expectCleanStderr(run);
    expect(run.stderr).toContain('✔ dotnet-webapi / default.yaml');
    expect(run.stderr).toContain('✔ node-service / default.yaml');
    // The summary counts what was judged: cases, not files or entities.
    expect(run.stdout).toMatch(/^✔ 0 errors, 0 warnings, 0 info in \d+ cases\n$/);
  }, 120_000);

  // templates test node-service --run (and the other templates test cases) run through the bin in
  // templates/templatesTest.test.ts.

  it('templates test --update-snapshots leaves reviewed snapshots as they are', async () => {
    const run = await gitops(repo, ['templates', 'test', 'go-service', '--update-snapshots']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expectCleanStderr(run);
    expect(git(repo, 'status', '--porcelain', 'templates')).toBe('');
  }, 60_000);

  it('templates render path/to/template.yaml --values values.yaml --out DIR', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gitops-preview-'));
    const values = join(out, '..', `${out.split('/').pop()}-values.yaml`);
    await writeFile(values, 'name: orders-notifier\ndescription: Sends customers a message.\nowner: group:default/commerce-team\nsystem: system:default/orders\nport: 8081\nrepoUrl: github.com?owner=acme&repo=orders-notifier\n');
    const run = await gitops(repo, ['templates', 'render', 'templates/node-service/template.yaml', '--values', values, '--out', out]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expectCleanStderr(run);
    expect(existsSync(join(out, '.github/workflows/ci.yml'))).toBe(true);
    // The task's log as Backstage would show it: the template's three steps, none of the toolkit's own.
    const log = run.stdout + run.stderr;
    expect(log).toContain('Starting up task with 3 steps');
    expect(log).toContain('Beginning step Register in the catalog');
    expect(log).not.toMatch(/offline:extract|step extract/);
  }, 60_000);

  it('--version and help', async () => {
    const [versionRun, help] = await Promise.all([gitops(repo, ['--version']), gitops(repo, ['help'])]);
    expect(versionRun.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(help.stdout).toContain('--debug');
    expect(help.status).toBe(0);
    // The command list only: each command's options are its own --help.
    expect(help.stdout).toContain("Run 'backstage-gitops <command> --help'");
    expect(help.stdout).not.toContain('--list-rules');
    const [bare, checkHelp] = await Promise.all([gitops(repo, []), gitops(repo, ['check', '--help'])]);
    expect([bare.status, bare.stdout, bare.stderr]).toEqual([2, '', help.stdout]);
    expect(checkHelp.stdout).toContain('--list-rules');
  });
});
