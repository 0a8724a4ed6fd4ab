import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team, round 3: Backstage resolves a relative Location target against the repository's URL and keeps
// climbing: `../../../../control/blob/wip/team.yaml` from a file of github.com/acme/control/blob/main/
// is the same repository on an unmerged branch. Content there is never reviewed in this repository.
const location = (target: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: team}\nspec:\n  type: url\n  targets: [${JSON.stringify(target)}]\n`;

async function check(target: string) {
  const root = await tempRepo({
    'gitops.config.yaml': 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
    'catalog/all.yaml': location(target),
  });
  const run = await runBin(['check', '--format', 'json'], root);
  return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; message: string; range: { start: { line: number } } }[]).map(d => `${d.ruleId} ${d.severity}@${d.range.start.line}: ${d.message}`) };
}

describe('a relative Location target that climbs out of the repository (check, through the bin)', () => {
  it.each([
    ['to another branch of this repository', '../../../../control/blob/wip/team.yaml'],
    ['to another repository of the organisation', '../../../../other/blob/main/team.yaml'],
  ])('%s is an error on its line', async (_, target) => {
    const { status, found } = await check(target);
    expect(found).toEqual([`location-target-invalid error@6: ${JSON.stringify(target)} leads outside this repository: a relative target resolves against the repository's URL, so it can reach another branch or repository, whose content nobody reviews here`]);
    expect(status).toBe(1);
  }, 60_000);

  it('an absolute URL to another repository stays an external target (info): it says where it leads', async () => {
    const { status, found } = await check('https://github.com/acme/other/blob/main/team.yaml');
    expect(found.map(f => f.split(':')[0])).toEqual(['location-target-external info@6']);
    expect(status).toBe(0);
  }, 60_000);
});

describe('a malformed %-escape in a target or techdocs-ref (red team, round 4)', () => {
  it('a Location target with one is an invalid target, not a crash', async () => {
    const { status, found } = await check('./teams/%E0%A4%A/x.yaml');
    expect(found.map(f => f.split(':')[0])).toEqual(['location-target-invalid error@6']);
    expect(status).toBe(1);
  }, 60_000);

  it('a techdocs-ref dir: with one is judged, not a crash', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n    backstage.io/techdocs-ref: "dir:https://github.com/acme/control/blob/main/catalog/%E0%A4%A/"\nspec: {type: service, lifecycle: production, owner: guest}\n',
    });
    for (const args of [['check', '--format', 'json'], ['codeowners', '--check']]) {
      const run = await runBin(args, root);
      expect(run.stderr).not.toContain('internal error');
      expect(run.status).not.toBe(2);
    }
  }, 60_000);
});

// Backstage's resolveUrl (defaultScmResolveUrl in @backstage/integration, behind the GitHub, GitLab and
// Bitbucket integrations) reads a target or placeholder starting with `/` from the root of the same
// repository and branch: real catalogs write `/catalog/teams/x.yaml`.
describe('a target or placeholder written from the repository root, /catalog/x.yaml (check, through the bin)', () => {
  const files = (withConfig: boolean) => ({
    ...(withConfig ? { 'gitops.config.yaml': 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' } : {}),
    'catalog/all.yaml': `${location('/catalog/teams/team-a.yaml')}---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: orders}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:default/team-a\n  definition:\n    $text: /catalog/openapi.yaml\n`,
    'catalog/teams/team-a.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
    'catalog/openapi.yaml': 'openapi: 3.0.0\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n',
  });

  it.each([['with a repoUrl', true], ['in a folder without config', false]])('resolves in this repository %s: reached, read, nothing reported', async (_, withConfig) => {
    const run = await runBin(['check', '--format', 'json'], await tempRepo(files(withConfig)));
    expect(JSON.parse(run.stdout).diagnostics).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);

  it('a file it names that is missing is the missing-target error; one that climbs out with /.. is invalid', async () => {
    expect((await check('/catalog/teams/nobody.yaml')).found.map(f => f.split(':')[0])).toEqual(['location-target-missing error@6']);
    expect((await check('/../../other/blob/main/team.yaml')).found.map(f => f.split(':')[0])).toEqual(['location-target-invalid error@6']);
  }, 60_000);

  it('the $text it reads is checked like any placeholder target: a missing one is an error', async () => {
    const broken = files(true);
    delete (broken as Record<string, string>)['catalog/openapi.yaml'];
    const run = await runBin(['check', '--format', 'json'], await tempRepo(broken));
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toEqual(['placeholder-target-missing']);
    expect(run.status).toBe(1);
  }, 60_000);
});

// Backstage's ProcessorOutputCollector drops an entity emitted with the ref of the entity being processed
// ("Ignored emitted entity … whose ref was identical to the one being processed"): a Location in a file that
// a Location of the same name reads is never ingested, and what it targets is never read (a real catalog).
describe('a Location read by a Location of the same ref (check, through the bin)', () => {
  /** catalog/all.yaml (Location acme) reads catalog/group/all.yaml (Location `child`), which reads a Group. */
  const nested = (child: string, kind = 'Location') => tempRepo({
    'gitops.config.yaml': "repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n",
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: acme\nspec:\n  targets: [./group/all.yaml]\n',
    'catalog/group/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${child}\nspec:\n  targets: [./sre.yaml]\n`,
    'catalog/group/sre.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: sre}\nspec: {type: team, children: []}\n',
  });

  it('is ignored: its own finding, what it targets unreachable, no duplicate', async () => {
    const run = await runBin(['check', '--format', 'json'], await nested('acme'));
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[]);
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['location-ignored@catalog/group/all.yaml:4:9', 'location-unreachable@catalog/group/sre.yaml:1:1']);
    expect(found[0].message).toContain('the same ref as the Location in catalog/all.yaml that reads this file');
    expect(run.status).toBe(1);
  }, 60_000);

  // stringifyEntityRef lower-cases the kind: `kind: location` has the ref of the Location reading it and is
  // dropped the same way (it was reported as an unknown kind and a duplicate). Only `kind: Location`, exactly,
  // reads targets (isLocationEntity), so what it lists stays unreachable either way.
  it.each(['location', 'LOCATION', 'LoCaTiOn'])('kind: %s of the same name is ignored too, not an unknown kind nor a duplicate', async kind => {
    const run = await runBin(['check', '--root', '.', '--format', 'json'], await nested('ACME', kind));
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } } }[]);
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual(['location-ignored@catalog/group/all.yaml:4', 'location-unreachable@catalog/group/sre.yaml:1']);
    expect(run.status).toBe(1);
  }, 60_000);

  it('kind: location of another name is what Backstage makes of it: a kind no processor knows, whose targets nobody reads', async () => {
    const run = await runBin(['check', '--root', '.', '--format', 'json'], await nested('acme-groups', 'location'));
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]);
    expect(found.map(d => `${d.ruleId}@${d.file}`)).toEqual(['entity-kind-unknown@catalog/group/all.yaml', 'location-unreachable@catalog/group/sre.yaml']);
    expect(run.status).toBe(1);
  }, 60_000);

  it('a Location of another name in the same place is read as usual', async () => {
    const run = await runBin(['check', '--format', 'json'], await nested('acme-groups'));
    expect(JSON.parse(run.stdout).diagnostics).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);
});

// A folder without gitops.config.yaml: its checkout's origin says where it lives, so a target that names this
// repository by its full URL is read from the checkout (real catalogs list their own files that way).
describe('absolute targets into the repository itself, in a folder without config (check, through the bin)', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { stdio: 'pipe' });
  const repo = async (remote: string) => {
    const root = await tempRepo({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  type: url\n  targets:\n    - https://github.com/acme/cat/blob/main/sub/a.yaml\n    - https://github.com/acme/cat/blob/main/sub/missing.yaml\n',
      'sub/a.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec: {type: team, children: []}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'remote', 'add', 'origin', remote);
    return root;
  };

  it('reads them from the checkout: a missing one is location-target-missing; the remote\'s credentials appear nowhere', async () => {
    const run = await runBin(['check', '--format', 'json'], await repo('https://x-access-token:ghs_SECRET123@github.com/acme/cat.git'));
    const found = JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[];
    expect(found.map(d => d.ruleId)).toEqual(['location-target-missing']);
    expect(run.stdout + run.stderr).not.toContain('SECRET123');
    expect(run.status).toBe(1);
  }, 60_000);

  it('an origin elsewhere (another repository) leaves them external', async () => {
    const run = await runBin(['check', '--format', 'json'], await repo('git@github.com:acme/other.git'));
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toEqual(['location-target-external', 'location-target-external']);
    expect(run.status).toBe(0);
  }, 60_000);
});

// The same for an Azure Repos checkout: its remote comes in four shapes (https with the organisation as user,
// ssh's v3 path, the older ORG.visualstudio.com with DefaultCollection), all the one repository that Backstage
// addresses as https://dev.azure.com/ORG/PROJECT/_git/REPO?path=…&version=GB<branch>.
describe('absolute Azure Repos targets into the repository itself, in a folder without config (check, through the bin)', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { stdio: 'pipe' });
  const target = (file: string) => `https://dev.azure.com/acme/Plat%20form/_git/cat?path=/sub/${file}&version=GBmain`;
  const repo = async (remote: string) => {
    const root = await tempRepo({
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  type: url\n  targets:\n    - ${target('a.yaml')}\n    - ${target('missing.yaml')}\n`,
      'sub/a.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec: {type: team, children: []}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'remote', 'add', 'origin', remote);
    return root;
  };

  it.each([
    'https://acme:SECRET123@dev.azure.com/acme/Plat%20form/_git/cat',
    'git@ssh.dev.azure.com:v3/acme/Plat%20form/cat',
    'https://acme.visualstudio.com/DefaultCollection/Plat%20form/_git/cat',
  ])('reads them from the checkout of %s: the missing one is location-target-missing', async remote => {
    const run = await runBin(['check', '--format', 'json'], await repo(remote));
    const found = JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[];
    expect(found.map(d => d.ruleId)).toEqual(['location-target-missing']);
    expect(found[0].message).toContain('looked for sub/missing.yaml');
    expect(run.stdout + run.stderr).not.toContain('SECRET123');
  }, 60_000);

  it('another project of the organisation leaves them external', async () => {
    const run = await runBin(['check', '--format', 'json'], await repo('https://dev.azure.com/acme/Platform/_git/cat'));
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toEqual(['location-target-external', 'location-target-external']);
  }, 60_000);
});

// TechDocs resolves dir: against the entity's location URL and keeps climbing (transformDirLocation).
describe('a techdocs-ref dir: that leaves the repository (red team, round 7; check, through the bin)', () => {
  it.each(['dir:/../other-branch/site', 'dir:../../../../other/blob/main/docs'])('%s is techdocs-ref-outside', async ref => {
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n    backstage.io/techdocs-ref: ${JSON.stringify(ref)}\nspec: {type: service, lifecycle: production, owner: guest}\n`,
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toContain('techdocs-ref-outside');
    expect(run.status).toBe(1);
  }, 60_000);
});
