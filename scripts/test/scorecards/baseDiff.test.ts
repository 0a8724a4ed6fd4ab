import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ${name}}\nspec: {type: team, children: []}\n`;
const component = (name: string, owner: string, title = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${name}${title ? `, title: ${title}` : ''}}\nspec: {type: service, lifecycle: production, owner: ${owner}}\n`;
const check = (id: string, fact: string, level: string) => `apiVersion: scorecards.acme.example/v1alpha1
kind: Check
id: ${id}
name: ${id} check
description: ${id}
level: ${level}
category: X
solution: Set it.
enforcement: { mode: report }
factIds: [entityMetadataFactRetriever]
filter: { kind: component }
rule: { conditions: { all: [{ fact: ${fact}, operator: equal, value: true }] } }
tests: [{ name: t, facts: { entityMetadataFactRetriever: { ${fact}: true } }, expect: pass }]
`;

describe('scorecards --base', () => {
  it('carries a failure across a rename, and does not call the failures of a removed check fixed', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n',
      'catalog/all.yaml': [group('team-a'), group('team-b'), component('svc-old', 'team-a'), component('mover', 'team-a', 'Mover')].join('---\n'),
      'scorecards/config.yaml': 'apiVersion: scorecards.acme.example/v1alpha1\nkind: ScorecardConfig\ntarget: { jsonfc: 0.10.0, features: { checkFilter: true } }\nlevels: [{ id: bronze, name: Bronze, rank: 1 }, { id: silver, name: Silver, rank: 2 }]\nmaxExemptionDays: 180\noutput: backstage-config/ti.yaml\n',
      'scorecards/facts/m.yaml': 'apiVersion: scorecards.acme.example/v1alpha1\nkind: FactRetriever\nid: entityMetadataFactRetriever\nversion: 0.0.1\nbuiltin: true\nprovider: entityMetadata\nschema:\n  hasTitle: { type: boolean, description: t }\n  hasDescription: { type: boolean, description: d }\n',
      'scorecards/checks/titled.yaml': check('titled', 'hasTitle', 'bronze'),
      'scorecards/checks/described.yaml': check('described', 'hasDescription', 'silver'),
      'backstage-config/.keep': '',
    });
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    // The change: svc-old renamed svc-new (still untitled), mover handed to team-b, the `described` check removed.
    writeFileSync(join(root, 'catalog/all.yaml'), [group('team-a'), group('team-b'), component('svc-new', 'team-a'), component('mover', 'team-b', 'Mover')].join('---\n'));
    rmSync(join(root, 'scorecards/checks/described.yaml'));
    const { stdout } = await runBin(['scorecards', '--base', 'HEAD', '--format', 'markdown', '--today', '2026-11-23'], root);
    const part = stdout.slice(stdout.indexOf('### What this change'), stdout.indexOf('### Teams'));
    expect(part).toBe([
      '### What this change does to each team',
      '',
      '- **<code>group:default/team-a</code>**: Stone (25%) → Stone (0%)',
      '  - ➖ no longer counted (check removed): <code>component:default/svc-old</code> described',
      '  - ➖ no longer counted (check removed): <code>component:default/mover</code> described',
      '- **<code>group:default/team-b</code>**: not scored → Bronze (100%)',
      '',
      '',
    ].join('\n'));
  }, 60_000);
});
