import type { Recorded } from './recordingServer.ts';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/**
 * A fake GitHub REST + GraphQL API holding one PR's comments, as the issues endpoints document them.
 * The token it serves is `github-actions[bot]` (GraphQL `viewer`), the login REST shows on its comments.
 */
export function fakeGitHub(initial: FakeComment[] = [{ id: 1, body: 'Looks good to me', user: { login: 'alice', type: 'User' } }]) {
  const comments = initial.map(c => ({ ...c, user: { ...c.user } }));
  const deleted: number[] = [];
  return {
    comments,
    deleted,
    handler: (r: Recorded) => {
      if (r.method === 'POST' && r.path === '/graphql') {
        const query = (r.body as { query: string }).query;
        if (/viewer\s*\{\s*login/.test(query)) return { status: 200, body: { data: { viewer: { login: 'github-actions[bot]', __typename: 'Bot' } } } };
      }
      if (r.method === 'GET' && r.path.startsWith('/repos/acme/control/issues/7/comments')) return { status: 200, body: comments };
      if (r.method === 'POST' && r.path === '/repos/acme/control/issues/7/comments') {
        const comment = { id: 100 + comments.length, body: (r.body as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        comments.push(comment);
        return { status: 201, body: comment };
      }
      const one = /^\/repos\/acme\/control\/issues\/comments\/(\d+)$/.exec(r.path);
      if (r.method === 'PATCH' && one) {
        const comment = comments.find(c => c.id === Number(one[1]))!;
        comment.body = (r.body as { body: string }).body;
        return { status: 200, body: comment };
      }
      if (r.method === 'DELETE' && one) {
        const index = comments.findIndex(c => c.id === Number(one[1]));
        if (index < 0) return { status: 404, body: { message: 'Not Found' } };
        deleted.push(comments[index].id);
        comments.splice(index, 1);
        return { status: 204 };
      }
      return undefined;
    },
  };
}
