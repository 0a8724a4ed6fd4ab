import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// A new org's golden paths render repositories of that org: nothing a rendered repository does (who reviews
// it, where its image is pulled from, what its README says) may name the example org, Acme.

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

/** The new repo's node_modules as `npm ci` leaves it (its packages linked from this one's), and the bundle `prepare` builds. */
function installToolkitDependencies(root: string) {
  mkdirSync(join(root, 'node_modules'));
  // Not .cache: the build manifest there would be this repo's, and a build here would make the bundle other tests run stale.
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) if (name !== '.cache') symlinkSync(join(REPO_ROOT, 'node_modules', name), join(root, 'node_modules', name));
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

/** Every file under `dir` (path → text). */
function filesOf(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const path of readdirSync(dir, { recursive: true }).map(String)) if (statSync(join(dir, path)).isFile()) found.set(path, readFileSync(join(dir, path), 'utf8'));
  return found;
}

/** `init` for `platform` into a new folder, then renders four golden paths with `repoUrl(repo)`; returns each one's files. */
async function renderedFor(platform: 'github' | 'azure', org: string, repoUrl: (repo: string) => string): Promise<Record<string, Map<string, string>>> {
  const root = await mkdtemp(join(tmpdir(), `init-org-${platform}-`));
  const controlRepo = platform === 'github' ? `https://github.com/${org}/backstage-control` : `https://dev.azure.com/${org}/Platform/_git/backstage-control`;
  const init = await run(BIN, ['init', '--org', org, '--platform', platform, '--repo-url', controlRepo, '--backstage-url', 'https://backstage.example.org', '--team', 'platform', '--identity-provider', 'entra'], root);
  expect(init.code, init.stderr).toBe(0);
  installToolkitDependencies(root);
  // The System the services join, as the platform team adds it first (render holds the output to the catalog's references).
  mkdirSync(join(root, 'catalog/systems'));
  writeFileSync(join(root, 'catalog/systems/orders.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: orders\nspec:\n  owner: group:default/commerce-team\n');
  writeFileSync(join(root, 'catalog/all.yaml'), readFileSync(join(root, 'catalog/all.yaml'), 'utf8').replace('targets: []', 'targets: [./systems/orders.yaml]'));
  const base = { description: 'A service of the orders system.', owner: 'group:default/commerce-team', system: 'system:default/orders' };
  const cases: Record<string, Record<string, unknown>> = {
    'node-service': { ...base, name: 'orders-notifier', port: 8081, repoUrl: repoUrl('orders-notifier') },
    'dotnet-webapi': { ...base, name: 'orders-returns', dotnetVersion: 'net8.0', region: 'northeurope', repoUrl: repoUrl('orders-returns') },
    'go-service': { ...base, name: 'fraud-features', replicas: 3, namespace: 'data', repoUrl: repoUrl('fraud-features') },
    'docs-site': { system: 'system:default/orders', owner: 'group:default/commerce-team', title: 'Orders handbook', repoUrl: repoUrl('orders-docs') },
  };
  const rendered: Record<string, Map<string, string>> = {};
  for (const [name, values] of Object.entries(cases)) {
    writeFileSync(join(root, `${name}.json`), JSON.stringify(values));
    const out = join(root, 'out', name);
    const result = await run(join(root, 'scripts/bin/backstage-gitops.js'), ['templates', 'render', `templates/${name}/template.yaml`, '--values', `${name}.json`, '--out', out], root);
    expect(result.code, `${name}: ${result.stdout}${result.stderr}`).toBe(0);
    rendered[name] = filesOf(out);
  }
  return rendered;
}

/** Lines of the rendered files that name Acme, but for the runtime annotations the example's scorecards read (a key, not an org). */
function acmeLines(rendered: Record<string, Map<string, string>>): string[] {
  return Object.entries(rendered).flatMap(([name, files]) => [...files].flatMap(([path, text]) => text.split('\n').filter(line => /acme/i.test(line) && !/acme\.com\/runtime/.test(line)).map(line => `${name}/${path}: ${line.trim()}`)));
}

describe('init: the golden paths render repositories of the new org, not of the example', () => {
  it('github: CODEOWNERS names the org\'s team, the image is in the org\'s registry, nothing says Acme', async () => {
    const rendered = await renderedFor('github', 'Globex', repo => `github.com?owner=Globex&repo=${repo}`);
    expect(acmeLines(rendered)).toEqual([]);
    expect(rendered['dotnet-webapi'].get('CODEOWNERS')).toBe('* @Globex/commerce-team\n');
    expect(rendered['go-service'].get('k8s/deployment.yaml')).toContain('image: ghcr.io/globex/fraud-features:latest');
  }, 240_000);

  it('azure: no CODEOWNERS (Azure Repos reads none), the image in the organisation\'s Azure Container Registry, nothing says Acme', async () => {
    const rendered = await renderedFor('azure', 'contoso-eu', repo => `dev.azure.com?organization=contoso-eu&project=Platform&repo=${repo}`);
    expect(acmeLines(rendered)).toEqual([]);
    expect(rendered['dotnet-webapi'].has('CODEOWNERS')).toBe(false);
    expect(rendered['go-service'].get('k8s/deployment.yaml')).toContain('image: contosoeu.azurecr.io/fraud-features:latest');
    expect(existsSync(join(REPO_ROOT, 'skeletons/dotnet-webapi/CODEOWNERS'))).toBe(true);
  }, 240_000);

  it('a repo URL pasted from the address bar (?version=…&path=…) is refused with what to give instead, one line, exit 2', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-org-query-'));
    const result = await run(BIN, ['init', '--org', 'fabrikam', '--platform', 'azure', '--repo-url', 'https://dev.azure.com/fabrikam/Platform/_git/backstage-control?version=GBmain&path=/', '--backstage-url', 'https://backstage.example.org', '--team', 'platform', '--identity-provider', 'entra'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('backstage-gitops init: invalid values:\n  repoUrl: give the repository URL alone (https://github.com/ORG/REPO or https://dev.azure.com/ORG/PROJECT/_git/REPO), without ?… or #…: init adds the branch (--branch) and path where Backstage needs them\n');
    expect(readdirSync(root)).toEqual([]);
  }, 60_000);
});
