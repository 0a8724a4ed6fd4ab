import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team, round 15: GitHub asks ONE code owner per file. In a file two teams' entities share (the generated
// CODEOWNERS gives it to both), team-a approves alone a change to team-b's entity, even handing it to itself,
// and the report asked only team-a ("billing is now owned by team-a"), never team-b.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const groups = ['team-a', 'team-b'].map(name => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: acme/${name}\nspec:\n  type: team\n  children: []\n`).join('---\n');
const domain = (name: string, owner: string, extra = '') => `apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: ${name}\n${extra}spec:\n  owner: ${owner}\n`;

async function sharedFileRepo(head: string): Promise<string> {
  const root = await tempRepo({
    'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n",
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml, ./domains.yaml]\n',
    'catalog/groups.yaml': groups,
    'catalog/domains.yaml': [domain('shop', 'team-a'), domain('billing', 'team-b'), domain('ledger', 'team-b')].join('---\n'),
  });
  expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'pr');
  writeFileSync(join(root, 'catalog/domains.yaml'), head);
  git(root, 'commit', '-qam', 'change');
  return root;
}

describe('a change to another team\'s entity in a file several teams own asks that team', () => {
  it('handing team-b\'s entity to team-a names team-b; editing it names team-b too', async () => {
    const handed = await sharedFileRepo([domain('shop', 'team-a'), domain('billing', 'team-a'), domain('ledger', 'team-b')].join('---\n'));
    const report = await runBin(['report', '--base', 'main'], handed);
    expect(report.stderr).toBe('');
    // CODEOWNERS does not change (team-b still owns ledger there), so team-a's approval alone merges it.
    expect(report.stdout).toContain('| <code>@acme/team-a</code> <code>@acme/team-b</code> | <code>catalog/domains.yaml</code> |');
    expect(report.stdout).toMatch(/- <code>group:default\/team-b<\/code>: domain\\:default\/billing is handed from group\\:default\/team\\-b to group\\:default\/team\\-a in catalog\/domains\.yaml, which CODEOWNERS gives to 2 teams/);
    const edited = await sharedFileRepo([domain('shop', 'team-a'), domain('billing', 'team-b', '  description: retired by team-a\n'), domain('ledger', 'team-b')].join('---\n'));
    const second = await runBin(['report', '--base', 'main'], edited);
    expect(second.stdout).toMatch(/- <code>group:default\/team-b<\/code>: domain\\:default\/billing is edited in catalog\/domains\.yaml, which CODEOWNERS gives to 2 teams/);
    expect(second.stdout).toContain('1 team outside CODEOWNERS should review.');
    // An entity added in team-b's name in the shared file: team-b never agreed to own it.
    const added = await sharedFileRepo([domain('shop', 'team-a'), domain('billing', 'team-b'), domain('ledger', 'team-b'), domain('chores', 'team-b')].join('---\n'));
    expect((await runBin(['report', '--base', 'main'], added)).stdout).toMatch(/- <code>group:default\/team-b<\/code>: domain\\:default\/chores is added in catalog\/domains\.yaml, which CODEOWNERS gives to 2 teams/);
  });
});
