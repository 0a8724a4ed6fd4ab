import type { Recorded } from './recordingServer.ts';

const THREADS = 'ab6e2e5d-a0b7-4153-b64a-a4efe0d49449';
const COMMENTS = '965a3ec7-5ed8-455a-bdcb-835a5ea7fe7b';
const STATUSES = 'b5f6bb4f-8d1e-4d79-8d11-4c9172c99c35';
const ITERATIONS = 'd43911ee-6958-46b0-a42b-8445b8a0d004';
/** The head commit of the fake PR's latest iteration (2); iteration 1 is an older push. */
export const AZURE_PR_HEAD = '2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b';
export const AZURE_PR_PATH = '/org/Platform/_apis/git/repositories/repo-1/pullRequests/42';
/** The identity the fake's token authenticates as (the project's build service). */
export const BUILD_SERVICE_ID = '3f2d5c1e-0b6a-4c1e-9d2f-6a7b8c9d0e1f';

export interface FakeThread {
  id: number;
  isDeleted: boolean;
  status: number;
  comments: { id: number; content: string; author: { id: string; displayName: string } }[];
}

/**
 * A fake Azure DevOps: the location discovery azure-devops-node-api performs, connectionData (who the
 * token is), then the PR thread, iteration and status routes. Threads it creates are authored by
 * BUILD_SERVICE_ID; the PR has two iterations, the latest with head AZURE_PR_HEAD.
 */
export function fakeAzureDevOps(initial: FakeThread[] = [], project = 'Platform') {
  const iterations = [{ id: 1, sourceRefCommit: { commitId: '1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a' } }, { id: 2, sourceRefCommit: { commitId: AZURE_PR_HEAD } }];
  const threads: FakeThread[] = initial.map(t => ({ ...t, comments: t.comments.map(c => ({ ...c })) }));
  const statuses: unknown[] = [];
  const location = (id: string, area: string, resourceName: string, routeTemplate: string) => ({ id, area, resourceName, routeTemplate, resourceVersion: 1, minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' });
  // The client puts the project in the path encoded, as Azure DevOps' own links do (`Platform%20Team`).
  const PR = AZURE_PR_PATH.replace('/Platform/', `/${encodeURIComponent(project)}/`);
  return {
    threads,
    statuses,
    handler: (r: Recorded) => {
      const path = r.path.split('?')[0];
      if (r.method === 'GET' && path === '/org/_apis/connectionData') return { status: 200, body: { authenticatedUser: { id: BUILD_SERVICE_ID, providerDisplayName: 'Platform Build Service (org)' } } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/Location') return { status: 200, body: { count: 1, value: [location('e81700f7-3be2-46de-8624-2eb35882fcaa', 'Location', 'ResourceAreas', '_apis/{resource}/{areaId}')] } };
      if (r.method === 'GET' && path.startsWith('/org/_apis/ResourceAreas')) return { status: 200, body: { count: 0, value: [] } };
      if (r.method === 'OPTIONS' && path === '/org/_apis/git') {
        return { status: 200, body: { count: 4, value: [
          location(ITERATIONS, 'git', 'pullRequestIterations', '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/iterations/{iterationId}'),
          location(THREADS, 'git', 'pullRequestThreads', '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads/{threadId}'),
          location(COMMENTS, 'git', 'pullRequestThreadComments', '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads/{threadId}/comments/{commentId}'),
          location(STATUSES, 'git', 'pullRequestStatuses', '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/statuses/{statusId}'),
        ] } };
      }
      if (r.method === 'GET' && path === `${PR}/iterations`) return { status: 200, body: { count: iterations.length, value: iterations } };
      if (r.method === 'GET' && path === `${PR}/threads`) return { status: 200, body: { count: threads.length, value: threads } };
      if (r.method === 'POST' && path === `${PR}/threads`) {
        const body = r.body as { comments: { content: string }[]; status: number };
        const thread = { id: threads.length + 1, isDeleted: false, status: body.status, comments: [{ id: 1, content: body.comments[0].content, author: { id: BUILD_SERVICE_ID, displayName: 'Platform Build Service (org)' } }] };
        threads.push(thread);
        return { status: 200, body: thread };
      }
      const comment = new RegExp(`^${PR}/threads/(\\d+)/comments/(\\d+)$`).exec(path);
      if (r.method === 'PATCH' && comment) {
        const thread = threads.find(t => t.id === Number(comment[1]))!;
        thread.comments[0].content = (r.body as { content: string }).content;
        return { status: 200, body: thread.comments[0] };
      }
      if (r.method === 'DELETE' && comment) {
        // Azure deletes a thread with its last comment (isDeleted on both).
        const found = threads.find(t => t.id === Number(comment[1]))!;
        found.comments = found.comments.filter(c => c.id !== Number(comment[2]));
        if (found.comments.length === 0) found.isDeleted = true;
        return { status: 200, body: {} };
      }
      const thread = new RegExp(`^${PR}/threads/(\\d+)$`).exec(path);
      if (r.method === 'PATCH' && thread) {
        const found = threads.find(t => t.id === Number(thread[1]))!;
        found.status = (r.body as { status: number }).status;
        return { status: 200, body: found };
      }
      if (r.method === 'POST' && path === `${PR}/statuses`) {
        statuses.push(r.body);
        return { status: 200, body: r.body };
      }
      return undefined;
    },
  };
}
