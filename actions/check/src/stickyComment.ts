import type { getOctokit } from '@actions/github';
import { REPORT_MARKER } from '../../../scripts/src/pr/reportMarker.ts';

type Octokit = ReturnType<typeof getOctokit>;

/** The identity of the default workflow token; used when the token cannot tell who it is. */
const WORKFLOW_TOKEN_LOGIN = 'github-actions[bot]';

/**
 * The login the token posts as, from GraphQL `viewer` (it answers for installation tokens such as
 * GITHUB_TOKEN, where REST `GET /user` is refused): `github-actions[bot]` for the workflow token, the
 * app's `<slug>[bot]` for an app token, the user for a PAT. Falls back to the workflow token's login.
 */
export async function tokenLogin(octokit: Octokit): Promise<string> {
  try {
    const { viewer } = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    return viewer.login;
  } catch {
    return WORKFLOW_TOKEN_LOGIN;
  }
}

/**
 * Whether a comment is this action's report: it starts with the marker (a quote of it does not) and
 * was posted by `login`. REST shows bots as `name[bot]` with type Bot, GraphQL's viewer may drop the
 * suffix; both spellings are the same account only when the comment's author is really a bot.
 */
export function isOwnReport(comment: { body?: string | null; user?: { login: string; type?: string } | null }, login: string): boolean {
  if (!comment.body?.startsWith(REPORT_MARKER) || !comment.user) return false;
  const bare = (name: string) => name.replace(/\[bot\]$/, '').toLowerCase();
  const botLogin = login.endsWith('[bot]') || comment.user.login.endsWith('[bot]');
  return bare(comment.user.login) === bare(login) && (!botLogin || comment.user.type === 'Bot');
}

/**
 * Exactly one report comment per pull request: found by its marker among the comments the token's
 * own identity posted, updated in place, and duplicates from racing runs deleted. Comments of anyone
 * else (people, other bots quoting the marker) are never edited or deleted.
 */
export async function upsertStickyComment(octokit: Octokit, target: { owner: string; repo: string; issue_number: number }, body: string): Promise<'created' | 'updated'> {
  const text = body.startsWith(REPORT_MARKER) ? body : `${REPORT_MARKER}\n${body}`;
  const login = await tokenLogin(octokit);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 });
  const mine = comments.filter(c => isOwnReport(c, login));
  if (mine.length === 0) {
    await octokit.rest.issues.createComment({ ...target, body: text });
    return 'created';
  }
  await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: mine[0].id, body: text });
  for (const extra of mine.slice(1)) await octokit.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: extra.id });
  return 'updated';
}
