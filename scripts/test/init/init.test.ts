import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

/** The new repo's node_modules as `npm ci` leaves it, a real folder (the gate refuses links in a repo), its packages linked from this one's. */
function installToolkitDependencies(root: string) {
  mkdirSync(join(root, 'node_modules'));
  // Not .cache: the build manifest there would be this repo's, and a build here would make the bundle other tests run stale.
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) if (name !== '.cache') symlinkSync(join(REPO_ROOT, 'node_modules', name), join(root, 'node_modules', name));
  // What `npm ci` does next through the package's `prepare` script: build the bundle the bin runs.
  execFileSync(process.execPath, [join(root, 'scripts/bin/build.js')], { cwd: root, stdio: 'ignore' });
}

function run(bin: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  return new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr })));
}

const github = ['--org', 'globex', '--platform', 'github', '--repo-url', 'https://github.com/globex/backstage-control', '--backstage-url', 'https://backstage.globex.example', '--team', 'platform', '--identity-provider', 'entra'];
const azure = ['--org', 'contoso', '--platform', 'azure', '--repo-url', 'https://dev.azure.com/contoso/Platform/_git/backstage-control', '--backstage-url', 'https://backstage.contoso.example/', '--team', 'platform-team', '--identity-provider', 'github-org'];

describe('backstage-gitops init (the shipped bin, in an empty folder)', () => {
  it.each([['github', github], ['azure', azure]])('%s: writes a control repo whose own toolkit passes check at once', async (platform, flags) => {
    const root = await mkdtemp(join(tmpdir(), `init-${platform}-`));
    const init = await run(BIN, ['init', ...flags], root);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    // The bins keep the executable bit they have here (git records it: a copy without it is a mode change).
    expect(statSync(join(root, 'scripts/bin/backstage-gitops.js')).mode & 0o111).not.toBe(0);
    expect(statSync(join(root, 'scripts/bin/build.js')).mode & 0o111).toBe(0);
    // A private control repo without GitHub Code Security refuses SARIF: the upload never fails the gate job.
    if (platform === 'github') expect(readFileSync(join(root, '.github/workflows/pull-request.yml'), 'utf8')).toMatch(/- name: Findings to code scanning\n {8}if: [^\n]*\n {8}continue-on-error: true\n {8}uses: github\/codeql-action\/upload-sarif@/);
    // The README names what the pipelines read, by those names.
    const readmeText = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of ['BACKSTAGE_URL', 'CATALOG_SYNC_TOKEN', 'TECHDOCS_AZURE_CONNECTION_STRING']) expect(readmeText).toContain(`\`${name}\``);
    // The new repo runs its own copy of the toolkit (as its CI does after npm ci).
    installToolkitDependencies(root);
    const check = await run(join(root, 'scripts/bin/backstage-gitops.js'), ['check'], root);
    expect(check.stdout + check.stderr).toContain('0 errors');
    expect(check.code).toBe(0);
    // Run again by the new repo's own toolkit, inside it: not the example repo, so as idempotent as anywhere.
    const again = await run(join(root, 'scripts/bin/backstage-gitops.js'), ['init', ...flags], root);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/Wrote 0 file\(s\)/);
    expect(again.code).toBe(0);

    const config = parse(readFileSync(join(root, 'gitops.config.yaml'), 'utf8'));
    const template = parse(readFileSync(join(root, 'templates/node-service/template.yaml'), 'utf8'));
    const appConfig = parse(readFileSync(join(root, 'backstage-config/app-config.yaml'), 'utf8'));
    if (platform === 'github') {
      expect(config.repoUrl).toBe('https://github.com/globex/backstage-control/blob/main/');
      expect(config.codeowners).toEqual({ file: '.github/CODEOWNERS', platformTeam: '@globex/platform' });
      expect(template.spec.owner).toBe('group:default/platform');
      expect(appConfig.catalog.providers.microsoftGraphOrg.default.tenantId).toBe('${AZURE_TENANT_ID}');
      expect(readFileSync(join(root, '.github/workflows/pull-request.yml'), 'utf8')).toContain('uses: ./toolkit/actions/check');
    } else {
      expect(config.repoUrl).toBe('https://dev.azure.com/contoso/Platform/_git/backstage-control?version=GBmain&path=/');
      expect(appConfig.catalog.providers.githubOrg.orgs).toEqual(['contoso']);
      expect(appConfig.catalog.locations[0].target).toBe('https://dev.azure.com/contoso/Platform/_git/backstage-control?version=GBmain&path=/catalog/all.yaml');
      expect(readFileSync(join(root, 'pipelines/main.yml'), 'utf8')).toContain('backstage-gitops.js sync');
      expect(readFileSync(join(root, 'CODEOWNERS'), 'utf8')).toContain('@contoso/platform-team');
    }
    expect(config.catalog.external.map((e: { kind: string }) => e.kind)).toEqual(['Group', 'User']);
    // Backstage reads TechDocs from the container the generated CI publishes to, with the secret the README names.
    const publishing = readFileSync(join(root, platform === 'github' ? '.github/workflows/main.yml' : 'pipelines/main.yml'), 'utf8');
    const container = /(?:--container |container: )([\w-]+)/.exec(publishing)?.[1];
    expect(container).toBeTruthy();
    expect(appConfig.techdocs).toEqual({ builder: 'external', publisher: { type: 'azureBlobStorage', azureBlobStorage: { containerName: container, connectionString: '${TECHDOCS_AZURE_CONNECTION_STRING}' } } });
    expect(config.backstageConfig.plugins).toContain('@backstage/plugin-techdocs-backend');
  }, 120_000);

  it('azure: the golden paths publish to Azure Repos, and the repos they render are Azure repos (templates test and render in the new repo)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-azure-paths-'));
    expect((await run(BIN, ['init', ...azure], root)).code).toBe(0);
    installToolkitDependencies(root);
    const bin = join(root, 'scripts/bin/backstage-gitops.js');
    const templates = readdirSync(join(root, 'templates')).filter(name => existsSync(join(root, 'templates', name, 'template.yaml'))).sort();
    // add-redis-cache opens a pull request with publish:github:pull-request: no Azure module has one.
    expect(templates).toEqual(['docs-site', 'dotnet-webapi', 'go-service', 'node-service', 'python-datascience']);
    expect(parse(readFileSync(join(root, 'templates/all.yaml'), 'utf8')).spec.targets).toEqual(['node-service', 'dotnet-webapi', 'go-service', 'python-datascience', 'docs-site'].map(name => `./${name}/template.yaml`));
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/Not included: `add-redis-cache`, because .*publish:github:pull-request/);
    // The gate's task posts its thread and status with $(System.AccessToken): the setup names the permission and the identity.
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('"Contribute to pull requests" allowed for the build service identity `Platform Build Service (contoso)`');
    for (const name of templates) {
      const text = readFileSync(join(root, 'templates', name, 'template.yaml'), 'utf8');
      expect(text, name).not.toContain('publish:github');
      const template = parse(text);
      const picker = template.spec.parameters.find((page: { properties?: Record<string, unknown> }) => page.properties?.repoUrl).properties.repoUrl;
      expect(picker['ui:options'], name).toEqual({ allowedHosts: ['dev.azure.com'], allowedOrganizations: ['contoso'], allowedProjects: ['Platform'] });
      const steps = Object.fromEntries(template.spec.steps.map((step: { id: string }) => [step.id, step]));
      expect(steps.publish.action, name).toBe('publish:azure');
      expect(Object.keys(steps.publish.input).sort(), name).toEqual(['defaultBranch', 'description', 'repoUrl']);
      expect(steps.fetch.input.values.scm, name).toBe('azure');
      expect(steps.register.input.repoContentsUrl, name).toBe('${{ steps.publish.output.repoContentsUrl }}');
      expect(template.spec.output.links[0].url, name).toBe('${{ steps.publish.output.repoContentsUrl }}');
    }
    const skeletonFiles = readdirSync(join(root, 'skeletons'), { recursive: true }).map(String);
    expect(skeletonFiles.filter(file => file.split('/').includes('.github'))).toEqual([]);
    expect(skeletonFiles.filter(file => file.startsWith('add-redis-cache'))).toEqual([]);
    // The gate judges every step's input with the installed module's own schema: nothing to report.
    const check = await run(bin, ['check', '--format', 'json'], root);
    expect(JSON.parse(check.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId.startsWith('template-'))).toEqual([]);
    expect(check.code).toBe(0);

    // What the platform team does next: a System for the services, and a test case per golden path.
    mkdirSync(join(root, 'catalog/systems'));
    writeFileSync(join(root, 'catalog/systems/orders.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: orders\nspec:\n  owner: group:default/platform-team\n');
    writeFileSync(join(root, 'catalog/all.yaml'), readFileSync(join(root, 'catalog/all.yaml'), 'utf8').replace('targets: []', 'targets: [./systems/orders.yaml]'));
    const repoUrl = (repo: string) => `dev.azure.com?organization=contoso&project=Platform&repo=${repo}`;
    const base = { description: 'A service of the orders system.', owner: 'group:default/platform-team', system: 'system:default/orders' };
    const cases: Record<string, Record<string, unknown>> = {
      'node-service': { ...base, name: 'orders-notifier', port: 8081, repoUrl: repoUrl('orders-notifier') },
      'dotnet-webapi': { ...base, name: 'orders-returns', dotnetVersion: 'net8.0', region: 'northeurope', repoUrl: repoUrl('orders-returns') },
      'go-service': { ...base, name: 'fraud-features', replicas: 3, namespace: 'data', repoUrl: repoUrl('fraud-features') },
      'python-datascience': { ...base, name: 'churn-model', experiment: 'churn', python: '3.12', repoUrl: repoUrl('churn-model') },
      'docs-site': { system: 'system:default/orders', owner: 'group:default/platform-team', title: 'Orders handbook', repoUrl: repoUrl('orders-docs') },
    };
    for (const [name, values] of Object.entries(cases)) {
      const repo = new URLSearchParams(String(values.repoUrl).split('?')[1]).get('repo');
      const ci = name === 'node-service' || name === 'dotnet-webapi';
      mkdirSync(join(root, 'templates', name, 'tests'));
      writeFileSync(join(root, 'templates', name, 'tests', 'azure.yaml'), JSON.stringify({
        name: `${name} in Azure Repos`,
        values,
        snapshot: false,
        expect: {
          files: ['catalog-info.yaml', ...(ci ? ['azure-pipelines.yml'] : [])],
          absent: ['.github/workflows/ci.yml'],
          contains: { 'catalog-info.yaml': [`dev.azure.com/project-repo: Platform/${repo}`, 'dev.azure.com/host-org: dev.azure.com/contoso'] },
        },
      }));
    }
    const tested = await run(bin, ['templates', 'test'], root);
    expect(tested.stdout).toContain('0 errors, 0 warnings, 0 info in 5 cases');
    expect(tested.code).toBe(0);

    writeFileSync(join(root, 'values.json'), JSON.stringify(cases['node-service']));
    const rendered = await run(bin, ['templates', 'render', 'templates/node-service/template.yaml', '--values', 'values.json', '--out', 'out'], root);
    expect(rendered.stdout).toContain('skipped offline: publish:azure, catalog:register');
    expect(rendered.code).toBe(0);
    const out = readdirSync(join(root, 'out'), { recursive: true }).map(String).sort();
    expect(out).toContain('azure-pipelines.yml');
    expect(out.filter(file => file.startsWith('.github'))).toEqual([]);
    const entity = parse(readFileSync(join(root, 'out/catalog-info.yaml'), 'utf8'));
    expect(entity.metadata.annotations).toMatchObject({ 'dev.azure.com/project-repo': 'Platform/orders-notifier', 'dev.azure.com/host-org': 'dev.azure.com/contoso' });
    expect(entity.metadata.annotations['github.com/project-slug']).toBeUndefined();
    const pipeline = parse(readFileSync(join(root, 'out/azure-pipelines.yml'), 'utf8'));
    expect(pipeline.steps.map((s: { script?: string }) => s.script).filter(Boolean)).toEqual(['npm ci', 'npm test', 'docker build -t orders-notifier:$(Build.SourceVersion) .']);
  }, 180_000);

  it('is idempotent, and never overwrites a changed file without --force', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-again-'));
    expect((await run(BIN, ['init', ...github], root)).code).toBe(0);
    const again = await run(BIN, ['init', ...github], root);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Wrote 0 file\(s\)/);
    writeFileSync(join(root, 'README.md'), '# ours\n');
    const refused = await run(BIN, ['init', ...github], root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('README.md');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('# ours\n');
    const forced = await run(BIN, ['init', ...github, '--force'], root);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('# globex Backstage control repo');
  }, 60_000);

  it('without a terminal, a missing flag is a usage error (exit 2), never a prompt', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-missing-'));
    const result = await run(BIN, ['init', '--org', 'globex'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("backstage-gitops init: missing --platform, --repo-url, --backstage-url, --team, --identity-provider (not a terminal, so nothing is asked). Run 'backstage-gitops init --help'.\n");
  });

  it.each([
    ['an org that is no entity name', ['--org', 'Bad Name!'], 'org: \'Bad Name!\' is not a valid Backstage entity name'],
    ['a team with a newline', ['--team', 'a\nb: c'], 'team: '],
    ['a Backstage URL with credentials', ['--backstage-url', 'https://u:p@backstage.globex.example'], 'backstageUrl: a URL with credentials'],
    ['a repo URL of the other platform', ['--repo-url', 'https://dev.azure.com/x/y/_git/z'], 'repoUrl: a GitHub repository URL looks like'],
  ])('refuses %s (exit 2)', async (_, override, message) => {
    const root = await mkdtemp(join(tmpdir(), 'init-bad-'));
    const flags = [...github];
    flags[flags.indexOf(override[0]) + 1] = override[1];
    const result = await run(BIN, ['init', ...flags], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('\nb: c');
  });

  it.each([
    ['a project with a newline', 'https://dev.azure.com/contoso/Plat%0Aform/_git/c'],
    ['a project with template braces', 'https://dev.azure.com/contoso/%24%7B%7B%20x%20%7D%7D/_git/c'],
    ['an organisation Azure DevOps would not allow', 'https://dev.azure.com/-contoso/Platform/_git/c'],
  ])('azure: refuses a repo URL with %s (it names the templates\' organisation and project; exit 2)', async (_, url) => {
    const root = await mkdtemp(join(tmpdir(), 'init-bad-azure-'));
    const flags = [...azure];
    flags[flags.indexOf('--repo-url') + 1] = url;
    const result = await run(BIN, ['init', ...flags], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('repoUrl: an Azure Repos URL looks like https://dev.azure.com/ORG/PROJECT/_git/REPO');
    expect(readdirSync(root)).toEqual([]);
  });

  it('emits names that YAML would read as other types as strings', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-types-'));
    const flags = [...github];
    flags[flags.indexOf('--org') + 1] = 'null';
    flags[flags.indexOf('--team') + 1] = '1e3';
    flags[flags.indexOf('--repo-url') + 1] = 'https://github.com/null/backstage-control';
    expect((await run(BIN, ['init', ...flags], root)).code).toBe(0);
    const appConfig = parse(readFileSync(join(root, 'backstage-config/app-config.yaml'), 'utf8'));
    expect(appConfig.organization.name).toBe('null');
    expect(parse(readFileSync(join(root, 'templates/go-service/template.yaml'), 'utf8')).spec.owner).toBe('group:default/1e3');
    expect(parse(readFileSync(join(root, 'gitops.config.yaml'), 'utf8')).codeowners.platformTeam).toBe('@null/1e3');
  });

  it('--replace-example turns a copy of this example repo into the new org\'s, passing check; without it, refuses', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'init-example-'));
    for (const file of execFileSync('git', ['-C', REPO_ROOT, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean)) {
      if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(copy, file));
    }
    installToolkitDependencies(copy);
    const bin = join(copy, 'scripts/bin/backstage-gitops.js');
    const refused = await run(bin, ['init', ...github], copy);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --replace-example');
    const replaced = await run(bin, ['init', ...github, '--replace-example'], copy);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(existsSync(join(copy, 'catalog/systems'))).toBe(false);
    expect(existsSync(join(copy, 'scorecards'))).toBe(false);
    expect(readFileSync(join(copy, 'gitops.config.yaml'), 'utf8')).not.toContain('acme');
    const check = await run(bin, ['check'], copy);
    expect(check.stdout).toContain('0 errors');
    expect(check.code).toBe(0);
  }, 120_000);

  // On a terminal the missing values are asked with @inquirer/prompts; `script` gives the bin a real pty.
  it.skipIf(spawnSyncOk('script') === false)('on a terminal, asks for what is missing, re-asks an invalid answer, and writes what was chosen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-tty-'));
    const command = [process.execPath, BIN, 'init', '--org', 'globex', '--platform', 'github', '--repo-url', 'https://github.com/globex/c', '--backstage-url', 'https://b.globex.example'].map(a => `'${a}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const steps: [RegExp, string][] = [
      [/The platform team \(Backstage Group name\)/, 'Bad Name\r'],
      [/'Bad Name' is not a valid Backstage entity name/, '\x15platform\r'],
      [/Where users and groups come from/, '\x1b[B'],
      [/❯ GitHub organisation/, '\r'],
    ];
    child.stdout.on('data', d => {
      screen += d;
      while (steps.length && steps[0][0].test(screen)) {
        child.stdin.write(steps.shift()![1]);
        screen = '';
      }
    });
    const code = await new Promise(resolve => child.on('close', resolve));
    expect(steps).toEqual([]);
    expect(code).toBe(0);
    expect(parse(readFileSync(join(root, 'gitops.config.yaml'), 'utf8')).codeowners.platformTeam).toBe('@globex/platform');
    expect(parse(readFileSync(join(root, 'backstage-config/app-config.yaml'), 'utf8')).catalog.providers.githubOrg.orgs).toEqual(['globex']);
  }, 60_000);
});

function spawnSyncOk(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
