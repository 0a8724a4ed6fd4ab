import { describe, expect, it } from 'vitest';
import { azureGlobs, reviewerPolicies } from '../../src/codeowners/azureReviewerPolicies.ts';
import { parseCodeowners } from '../../src/codeowners/codeowners.ts';
import { startRecordingServer, type Recorded } from '../helpers/recordingServer.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';

describe('CODEOWNERS patterns as Azure path filters', () => {
  it.each([
    ['*', ['*']],
    ['/catalog/all.yaml', ['/catalog/all.yaml', '/catalog/all.yaml/*']],
    ['/schemas/', ['/schemas/*']],
    ['docs/*', ['/docs/*', '!/docs/*/*']],
    ['*.js', ['/*.js', '/*.js/*', '*/*.js', '*/*.js/*']],
  ])('%s', (pattern, expected) => {
    expect(azureGlobs(pattern)).toEqual(expected);
  });

  it('excludes what later rules take over, since Azure applies every matching policy', () => {
    const rules = parseCodeowners('* @acme/platform\n/catalog/orders.yaml @acme/commerce\n');
    const policies = reviewerPolicies(rules, ['README.md', 'catalog/orders.yaml'], new Map([['@acme/platform', 'p-id'], ['@acme/commerce', 'c-id']]));
    expect(policies).toEqual([
      { team: '@acme/commerce', reviewerId: 'c-id', filenamePatterns: ['/catalog/orders.yaml', '/catalog/orders.yaml/*'] },
      { team: '@acme/platform', reviewerId: 'p-id', filenamePatterns: ['*', '!/catalog/orders.yaml', '!/catalog/orders.yaml/*'] },
    ]);
  });
});

describe('backstage-gitops azure-reviewers against a fake Azure DevOps PolicyApi', () => {
  it('plans, then creates, updates and removes only its own policies', async () => {
    const configurations = [
      { id: 1, isEnabled: true, isBlocking: true, type: { id: 'fd2167ab-b0be-447a-8ec8-39368250530e' }, settings: { message: 'backstage-gitops: @acme/gone-team owns these files (from the catalog)', requiredReviewerIds: ['x'], filenamePatterns: ['/old/*'], scope: [{ repositoryId: 'repo-1', refName: 'refs/heads/main', matchKind: 'Exact' }] } },
      { id: 2, isEnabled: true, isBlocking: true, type: { id: 'fd2167ab-b0be-447a-8ec8-39368250530e' }, settings: { message: 'Security reviews', requiredReviewerIds: ['sec'], filenamePatterns: ['/secrets/*'], scope: [] } },
    ];
    const handler = (r: Recorded) => {
      const path = r.path.split('?')[0];
      if (r.method === 'OPTIONS' && path === '/org/_apis/Location') return { status: 200, body: { count: 1, value: [{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path.startsWith('/org/_apis/ResourceAreas')) return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/policy') return { status: 200, body: { count: 1, value: [{ id: 'dad91cbe-d183-45f8-9c6e-9c1164472121', area: 'policy', resourceName: 'configurations', routeTemplate: '{project}/_apis/{area}/{resource}/{configurationId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { count: configurations.length, value: configurations } };
      if (r.method === 'POST' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { ...(r.body as object), id: 10 } };
      if (r.method === 'DELETE' && path === '/org/Platform/_apis/policy/configurations/1') return { status: 204 };
      return undefined;
    };
    const server = await startRecordingServer(handler);
    try {
      // The shipped bin, as a pipeline runs it.
      const args = ['azure-reviewers', '--organization-url', `${server.url}/org/`, '--project', 'Platform', '--repository-id', 'repo-1'];
      const plan = await gitops(REPO_ROOT, args, { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(plan.status, plan.stderr).toBe(0);
      expectCleanStderr(plan);
      expect(plan.stdout).toMatch(/^5 to create · 0 to update · 1 to remove · 0 unchanged\n/);
      expect(server.requests.filter(r => r.method !== 'GET' && r.method !== 'OPTIONS')).toEqual([]);

      const apply = await gitops(REPO_ROOT, [...args, '--apply'], { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(apply.status, apply.stderr).toBe(0);
      expectCleanStderr(apply);
      const writes = server.requests.filter(r => r.method === 'POST' || r.method === 'DELETE');
      expect(writes.filter(w => w.method === 'POST')).toHaveLength(5);
      expect(writes.filter(w => w.method === 'DELETE').map(w => w.path.split('?')[0])).toEqual(['/org/Platform/_apis/policy/configurations/1']);
      const payments = writes.map(w => w.body as { settings: { message: string; filenamePatterns: string[]; requiredReviewerIds: string[] }; isBlocking: boolean }).find(b => b?.settings?.message.includes('@acme/payments-team'))!;
      expect(payments.isBlocking).toBe(true);
      expect(payments.settings.filenamePatterns).toContain('/catalog/systems/payments-core/entities.yaml');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('an Azure DevOps refusal is a tool error naming the step, Azure\'s words and what already landed, not an internal error', async () => {
    let posts = 0;
    const handler = (r: Recorded) => {
      const path = r.path.split('?')[0];
      if (r.method === 'OPTIONS' && path === '/org/_apis/Location') return { status: 200, body: { count: 1, value: [{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path.startsWith('/org/_apis/ResourceAreas')) return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/policy') return { status: 200, body: { count: 1, value: [{ id: 'dad91cbe-d183-45f8-9c6e-9c1164472121', area: 'policy', resourceName: 'configurations', routeTemplate: '{project}/_apis/{area}/{resource}/{configurationId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'GET' && path === '/org/Locked/_apis/policy/configurations') return { status: 401, body: { message: 'TF400813: The user is not authorized to access this resource.' } };
      if (r.method === 'POST' && path === '/org/Platform/_apis/policy/configurations') return ++posts === 1 ? { status: 200, body: { ...(r.body as object), id: 40 } } : { status: 400, body: { message: 'TF401019: The Git repository with name or identifier repo-1 does not exist or you do not have permissions.' } };
      return undefined;
    };
    const server = await startRecordingServer(handler);
    try {
      const args = (project: string) => ['azure-reviewers', '--organization-url', `${server.url}/org/`, '--project', project, '--repository-id', 'repo-1', '--apply'];
      const refused = await gitops(REPO_ROOT, args('Platform'), { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(refused.status).toBe(2);
      expectCleanStderr(refused);
      expect(refused.stderr).not.toContain('internal error');
      expect(refused.stderr.trim()).toMatch(/^backstage-gitops azure-reviewers: Azure DevOps answered 400 to creating the policy for @acme\/\S+ \(\d+ path filters\): TF401019: The Git repository with name or identifier repo-1 does not exist or you do not have permissions\. 1 change\(s\) were applied before it; run again to finish/);
      const locked = await gitops(REPO_ROOT, args('Locked'), { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(locked.status).toBe(2);
      expect(locked.stderr.trim()).toBe('backstage-gitops azure-reviewers: Azure DevOps answered 401 to GET policy/configurations of project Locked: TF400813: The user is not authorized to access this resource. Check that the token (--token-env) may read and edit branch policies of the project.');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a team without a dev.azure.com/team-id does not cut its files out of the earlier rule: they keep a required reviewer, and the plan warns', async () => {
    const group = (name: string, teamId?: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: acme/${name}\n${teamId ? `    dev.azure.com/team-id: ${teamId}\n` : ''}spec:\n  type: team\n  children: []\n`;
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./org.yaml]\n',
      'catalog/org.yaml': `${group('platform', 'p-id')}---\n${group('web')}`,
      'catalog/web/site.yaml': 'x: 1\n',
      '.github/CODEOWNERS': '* @acme/platform\n/catalog/web/ @acme/web\n',
    });
    const handler = (r: Recorded) => {
      const path = r.path.split('?')[0];
      if (r.method === 'OPTIONS' && path === '/org/_apis/Location') return { status: 200, body: { count: 1, value: [{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path.startsWith('/org/_apis/ResourceAreas')) return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/policy') return { status: 200, body: { count: 1, value: [{ id: 'dad91cbe-d183-45f8-9c6e-9c1164472121', area: 'policy', resourceName: 'configurations', routeTemplate: '{project}/_apis/{area}/{resource}/{configurationId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'POST' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { ...(r.body as object), id: 50 } };
      return undefined;
    };
    const server = await startRecordingServer(handler);
    try {
      const apply = await gitops(root, ['azure-reviewers', '--organization-url', `${server.url}/org/`, '--project', 'Platform', '--repository-id', 'repo-1', '--apply'], { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(apply.status, apply.stderr).toBe(0);
      expect(apply.stderr).toContain('azure-reviewers: warning: @acme/web has no dev.azure.com/team-id on its Group');
      const created = server.requests.filter(r => r.method === 'POST').map(r => (r.body as { settings: { requiredReviewerIds: string[]; filenamePatterns: string[] } }).settings);
      expect(created).toEqual([expect.objectContaining({ requiredReviewerIds: ['p-id'], filenamePatterns: ['*'] })]);
    } finally {
      await server.close();
    }
  }, 60_000);

  // Red team, round 18: team-a adds, in a file of its own, a Group that owns nothing (so CODEOWNERS does not
  // change and no one else reviews it) naming team-b's GitHub team with team-a's Azure id. Loaded after
  // team-b's Group, it replaced team-b's id: team-b's files required team-a in Azure, not team-b.
  it('a Group naming another team\'s team-slug with its own team-id does not take that team\'s files over: nothing is changed', async () => {
    const group = (name: string, slug: string, teamId: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: acme/${slug}\n    dev.azure.com/team-id: ${teamId}\nspec:\n  type: team\n  children: []\n`;
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./org.yaml, ./team-a/extra.yaml]\n',
      'catalog/org.yaml': `${group('platform', 'platform', 'p-id')}---\n${group('team-a', 'team-a', 'a-id')}---\n${group('team-b', 'team-b', 'b-id')}`,
      'catalog/team-a/extra.yaml': group('team-b-reviewers', 'team-b', 'a-id'),
      'catalog/team-b/site.yaml': 'x: 1\n',
      '.github/CODEOWNERS': '* @acme/platform\n/catalog/team-a/ @acme/team-a\n/catalog/team-b/ @acme/team-b\n',
    });
    const handler = (r: Recorded) => {
      const path = r.path.split('?')[0];
      if (r.method === 'OPTIONS' && path === '/org/_apis/Location') return { status: 200, body: { count: 1, value: [{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path.startsWith('/org/_apis/ResourceAreas')) return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/policy') return { status: 200, body: { count: 1, value: [{ id: 'dad91cbe-d183-45f8-9c6e-9c1164472121', area: 'policy', resourceName: 'configurations', routeTemplate: '{project}/_apis/{area}/{resource}/{configurationId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'POST' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { ...(r.body as object), id: 60 } };
      return undefined;
    };
    const server = await startRecordingServer(handler);
    try {
      const apply = await gitops(root, ['azure-reviewers', '--organization-url', `${server.url}/org/`, '--project', 'Platform', '--repository-id', 'repo-1', '--apply'], { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(server.requests.filter(r => r.method === 'POST' || r.method === 'PATCH' || r.method === 'PUT' || r.method === 'DELETE')).toEqual([]);
      expect(apply.status).toBe(2);
      expect(apply.stderr.trim().split('\n')).toHaveLength(1);
      expect(apply.stderr).toContain('@acme/team-b is given two dev.azure.com/team-id values, by group:default/team-b and group:default/team-b-reviewers');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('check reports such a Group at the pull request (codeowners-team-invalid, locked), before any merge', async () => {
    const group = (name: string, slug: string, teamId: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: acme/${slug}\n    dev.azure.com/team-id: ${teamId}\nspec:\n  type: team\n  children: []\n`;
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./org.yaml, ./team-a/extra.yaml]\n',
      'catalog/org.yaml': `${group('platform', 'platform', 'p-id')}---\n${group('team-a', 'team-a', 'a-id')}---\n${group('team-b', 'team-b', 'b-id')}`,
      'catalog/team-a/extra.yaml': group('team-b-reviewers', 'team-b', 'a-id'),
    });
    await gitops(root, ['codeowners', '--write']);
    const check = await gitops(root, ['check', '--format', 'json']);
    expect(check.status).toBe(1);
    const found = (JSON.parse(check.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-team-invalid');
    expect(found.map(d => d.file)).toEqual(['catalog/team-a/extra.yaml']);
    expect(found[0].message).toContain('is also on group:default/team-b with another dev.azure.com/team-id');
  }, 60_000);

  it('leaves the policies it wrote for another repository or branch of the project alone', async () => {
    const policy = (id: number, team: string, repositoryId: string, refName: string) => ({ id, isEnabled: true, isBlocking: true, type: { id: 'fd2167ab-b0be-447a-8ec8-39368250530e' }, settings: { message: `backstage-gitops: ${team} owns these files (from the catalog)`, requiredReviewerIds: ['x'], filenamePatterns: ['/catalog/*'], scope: [{ repositoryId, refName, matchKind: 'Exact' }] } });
    const configurations = [
      // Another control repo in the same project, and this repo's release branch: written by earlier runs there.
      policy(21, '@acme/billing-team', 'repo-2', 'refs/heads/main'),
      policy(22, '@acme/payments-team', 'repo-1', 'refs/heads/release'),
      // This repo's main branch, a team that no longer owns anything: the only one to remove.
      policy(23, '@acme/gone-team', 'repo-1', 'refs/heads/main'),
    ];
    const handler = (r: Recorded) => {
      const path = r.path.split('?')[0];
      if (r.method === 'OPTIONS' && path === '/org/_apis/Location') return { status: 200, body: { count: 1, value: [{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path.startsWith('/org/_apis/ResourceAreas')) return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/policy') return { status: 200, body: { count: 1, value: [{ id: 'dad91cbe-d183-45f8-9c6e-9c1164472121', area: 'policy', resourceName: 'configurations', routeTemplate: '{project}/_apis/{area}/{resource}/{configurationId}', resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' }] } };
      if (r.method === 'GET' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { count: configurations.length, value: configurations } };
      if (r.method === 'POST' && path === '/org/Platform/_apis/policy/configurations') return { status: 200, body: { ...(r.body as object), id: 30 } };
      if (r.method === 'DELETE' && path.startsWith('/org/Platform/_apis/policy/configurations/')) return { status: 204 };
      return undefined;
    };
    const server = await startRecordingServer(handler);
    try {
      const args = ['azure-reviewers', '--organization-url', `${server.url}/org/`, '--project', 'Platform', '--repository-id', 'repo-1', '--apply'];
      const apply = await gitops(REPO_ROOT, args, { SYSTEM_ACCESSTOKEN: 'fake' });
      expect(apply.status, apply.stderr).toBe(0);
      expectCleanStderr(apply);
      expect(apply.stdout).toMatch(/^5 to create · 0 to update · 1 to remove · 0 unchanged\n/);
      expect(server.requests.filter(r => r.method === 'DELETE').map(r => r.path.split('?')[0])).toEqual(['/org/Platform/_apis/policy/configurations/23']);
    } finally {
      await server.close();
    }
  }, 60_000);
});
