import type { getOctokit } from '@actions/github';
import { REPORT_MARKER } from '../../../scripts/src/pr/reportMarker.ts';

type Octokit = ReturnType<typeof getOctokit>;

/**
 * Exactly one report comment per pull request: found by its hidden marker among the bot's own
 * comments, updated in place, and duplicates from racing runs deleted.
 */
export async function upsertStickyComment(octokit: Octokit, target: { owner: string; repo: string; issue_number: number }, body: string): Promise<'created' | 'updated'> {
  const text = body.includes(REPORT_MARKER) ? body : `${REPORT_MARKER}\n${body}`;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 });
  const mine = comments.filter(c => c.body?.includes(REPORT_MARKER) && c.user?.type === 'Bot');
  if (mine.length === 0) {
    await octokit.rest.issues.createComment({ ...target, body: text });
    return 'created';
  }
  await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: mine[0].id, body: text });
  for (const extra of mine.slice(1)) await octokit.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: extra.id });
  return 'updated';
}
