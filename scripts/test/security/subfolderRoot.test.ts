import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team, round 15: gitops.config.yaml may sit in a folder below the top of the git repository (the
// control repo inside a monorepo; every command finds it from the current folder upwards). The changed files
// the gate compares came from the top of the repository (bs/catalog/…) while every reader compares paths from
// the root (catalog/…): none matched, so a breaking change made through a $ref'd file and a rewritten policy
// file passed as "ready to merge".
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });

const entities = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-b
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: pets
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./defs/openapi.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
spec:
  type: service
  lifecycle: production
  owner: team-b
  consumesApis: [pets]
`;
const files = {
  'bs/gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n',
  'bs/catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./entities.yaml]\n',
  'bs/catalog/entities.yaml': entities,
  'bs/catalog/defs/openapi.yaml': 'openapi: 3.0.3\ninfo:\n  title: Pets\n  version: 1.0.0\npaths:\n  /pets:\n    $ref: ./paths/pets.yaml\n',
  'bs/catalog/defs/paths/pets.yaml': "get:\n  operationId: listPets\n  responses:\n    '200':\n      description: ok\ndelete:\n  operationId: deletePets\n  responses:\n    '204':\n      description: gone\n",
  'web/README.md': 'another part of the monorepo\n',
};

async function monorepo(change: Record<string, string>): Promise<string> {
  const top = await tempRepo(files);
  git(top, 'init', '-q', '-b', 'main');
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'base');
  git(top, 'checkout', '-qb', 'pr');
  for (const [file, text] of Object.entries(change)) {
    mkdirSync(dirname(join(top, file)), { recursive: true });
    writeFileSync(join(top, file), text);
  }
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'change');
  return top;
}

describe('a root below the top of the git repository compares the files the pull request changes under it', () => {
  it('a breaking change made in a file the definition $refs is found and blocks the report', async () => {
    const top = await monorepo({ 'bs/catalog/defs/paths/pets.yaml': files['bs/catalog/defs/paths/pets.yaml'].split('delete:')[0] });
    const result = await runBin(['report', '--base', 'main'], join(top, 'bs'));
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('changes needed');
    expect(result.stdout).toMatch(/api-breaking-change<\/code> \| Breaking change to api\\:default\/pets\\: \\\[Removed\\\] operation DELETE \/pets/);
    // The files are named as the root's files (the CODEOWNERS table), and a file outside the root is not one.
    expect(result.stdout).toContain('<code>catalog/defs/paths/pets.yaml</code>');
  });

  it('a policy file rewritten beside another file is config-weakened (error); alone with gitops.config.yaml, a warning', async () => {
    const policy = JSON.stringify({ plugins: ['techdocs-core'], yamlTags: [], diagramServers: ['http://169.254.169.254/'] });
    const mixed = await monorepo({ 'bs/schemas/techdocs-policy.json': policy, 'bs/catalog/entities.yaml': entities.replace('name: shop', 'name: shop\n  title: Shop') });
    const check = await runBin(['check', '--base', 'main', '--format', 'json'], join(mixed, 'bs'));
    const found = (JSON.parse(check.stdout).diagnostics as { ruleId: string; severity: string; file: string }[]).filter(d => d.ruleId === 'config-weakened');
    expect(found).toEqual([expect.objectContaining({ severity: 'error', file: 'schemas/techdocs-policy.json' })]);
    expect(check.status).toBe(1);
    const alone = await monorepo({ 'bs/schemas/techdocs-policy.json': policy, 'bs/gitops.config.yaml': `${files['bs/gitops.config.yaml']}failOn: error\n`, 'web/README.md': 'outside the root: not judged by the gate\n' });
    const report = await runBin(['check', '--base', 'main', '--format', 'json'], join(alone, 'bs'));
    expect((JSON.parse(report.stdout).diagnostics as { ruleId: string; severity: string }[]).filter(d => d.ruleId === 'config-weakened').map(d => d.severity)).toEqual(['warning']);
  });
});
