import type { getOctokit } from '@actions/github';
import { REPORT_MARKER } from '../../../scripts/src/pr/reportMarker.ts';

type Octokit = ReturnType<typeof getOctokit>;

/** The account a token posts as: its login and whether GitHub shows it as a `Bot` or a `User`. */
export interface TokenIdentity {
  login: string;
  type: 'Bot' | 'User';
}

/** The identity of the default workflow token; used when the token cannot tell who it is. */
const WORKFLOW_TOKEN: TokenIdentity = { login: 'github-actions[bot]', type: 'Bot' };

/**
 * The account the token posts as, from GraphQL `viewer { login __typename }` (it answers for
 * installation tokens such as GITHUB_TOKEN, where REST `GET /user` is refused): the workflow token's
 * `github-actions[bot]`, an app's bot, or the user of a PAT. Falls back to the workflow token.
 */
export async function tokenIdentity(octokit: Octokit): Promise<TokenIdentity> {
  try {
    const { viewer } = await octokit.graphql<{ viewer: { login: string; __typename?: string } }>('query { viewer { login __typename } }');
    const type = viewer.__typename === 'Bot' || (viewer.__typename === undefined && viewer.login.endsWith('[bot]')) ? 'Bot' : 'User';
    return { login: viewer.login, type };
  } catch {
    return WORKFLOW_TOKEN;
  }
}

/**
 * Whether a comment is this action's report: it starts with the marker (a quote of it does not) and its
 * author is the token's own account, of the same type. REST shows bots as `name[bot]` while GraphQL's
 * viewer may drop the suffix, so for a bot the names are compared without it; a person of the same
 * name is a different account and never matches a bot token, nor a bot a user token.
 */
export function isOwnReport(comment: { body?: string | null; user?: { login: string; type?: string } | null }, identity: TokenIdentity): boolean {
  if (!comment.body?.startsWith(REPORT_MARKER) || !comment.user) return false;
  if (comment.user.type !== identity.type) return false;
  const bare = (name: string) => (identity.type === 'Bot' ? name.replace(/\[bot\]$/, '') : name).toLowerCase();
  return bare(comment.user.login) === bare(identity.login);
}

/**
 * Exactly one report comment per pull request: found by its marker among the comments the token's
 * own identity posted, updated in place, and duplicates from racing runs deleted. Comments of anyone
 * else (people, other bots quoting the marker) are never edited or deleted.
 */
export async function upsertStickyComment(octokit: Octokit, target: { owner: string; repo: string; issue_number: number }, body: string): Promise<'created' | 'updated'> {
  const text = body.startsWith(REPORT_MARKER) ? body : `${REPORT_MARKER}\n${body}`;
  const identity = await tokenIdentity(octokit);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 });
  const mine = comments.filter(c => isOwnReport(c, identity));
  if (mine.length === 0) {
    await octokit.rest.issues.createComment({ ...target, body: text });
    return 'created';
  }
  await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: mine[0].id, body: text });
  for (const extra of mine.slice(1)) await octokit.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: extra.id });
  return 'updated';
}
