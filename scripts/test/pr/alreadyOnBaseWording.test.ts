import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A legacy finding whose message names other entities (how often the repo names a near spelling) was matched
// with the base's by its wording: a pull request that only added another service owned by billing-team
// rewrote "3 times" into "4 times", and the baselined warning failed that pull request as its own.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const CONFIG = 'catalog:\n  roots: [catalog/all.yaml]\n  appConfig: backstage-config/app-config.yaml\nfailOn: warning\nbaseline: .backstage-gitops-baseline.json\n';
const APP_CONFIG = 'catalog:\n  rules:\n    - allow: [Component, API, Resource, System, Domain, Location, Group, User]\n  providers:\n    githubOrg:\n      - id: acme\n        githubUrl: https://github.com\n        orgs: [acme]\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./billing/*.yaml]\n';
const service = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: ${owner}\n`;

interface Finding { ruleId: string; severity: string; file: string; message: string; alreadyOnBase?: boolean }
const parse = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

describe('check --base: a legacy finding is the same finding whatever its message says of other entities', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  async function legacy() {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'backstage-config/app-config.yaml': APP_CONFIG,
      'catalog/all.yaml': ROOT,
      'catalog/billing/svc-0.yaml': service('svc-0', 'billing-team'),
      // The legacy typo: a warning that names how often the repo names billing-team.
      'catalog/billing/svc-1.yaml': service('svc-1', 'biling-team'),
      'catalog/billing/svc-2.yaml': service('svc-2', 'billing-team'),
      'catalog/billing/svc-3.yaml': service('svc-3', 'billing-team'),
    });
    roots.push(root);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    return root;
  }

  it('another service of the same team changes the count in the legacy warning: it stays known, and the pull request passes', async () => {
    const root = await legacy();
    writeFileSync(join(root, 'catalog/billing/svc-4.yaml'), service('svc-4', 'billing-team'));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'svc-4');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const typo = parse(gate.stdout).filter(d => d.ruleId === 'ref-provided-elsewhere' && d.message.includes('biling-team'));
    expect(typo.map(d => d.message.match(/\d+ times/)?.[0])).toEqual(['4 times']);
    expect(typo.map(d => `${d.severity} ${d.alreadyOnBase}`)).toEqual(['info true']);
    expect(gate.status).toBe(0);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.stdout).toContain('## ✅ Backstage catalog: ready to merge');
    expect(report.status).toBe(0);
  }, 120_000);

  it('a typo the pull request makes in the same entity (another ref, the same rule and place) is its own and fails', async () => {
    const root = await legacy();
    writeFileSync(join(root, 'catalog/billing/svc-1.yaml'), service('svc-1', 'billng-team'));
    writeFileSync(join(root, 'catalog/billing/svc-4.yaml'), service('svc-4', 'billing-team'));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'another typo');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const typo = parse(gate.stdout).filter(d => d.ruleId === 'ref-provided-elsewhere' && d.severity !== 'info');
    expect(typo.map(d => `${d.severity} ${d.alreadyOnBase ?? false} ${d.message.includes('billng-team')}`)).toEqual(['warning false true']);
    expect(gate.status).toBe(1);
  }, 120_000);
});
