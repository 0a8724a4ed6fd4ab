/**
 * The `report --link-github` / `--link-azure` value for a CI run, from the platform's own predefined
 * variables and the event's head commit: never from a file or a value the pull request commits. Undefined
 * when one of them is missing or not of its documented shape (the report then shows plain `file:line`).
 */
export function githubLinkArgs(env: NodeJS.ProcessEnv, headSha: unknown): string[] {
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const repo = env.GITHUB_REPOSITORY ?? '';
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(server) || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) return [];
  // The head commit, not GITHUB_SHA (a pull_request run's merge commit, which GitHub may delete later).
  if (typeof headSha !== 'string' || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(headSha)) return [];
  return ['--link-github', `${server}/${repo}/blob/${headSha}`];
}

/** Azure Repos: the pull request's web URL (its Files view takes `?_a=files&path=`). */
export function azureLinkArgs(env: NodeJS.ProcessEnv): string[] {
  const collection = (env.SYSTEM_COLLECTIONURI ?? '').replace(/\/*$/, '/');
  const { SYSTEM_TEAMPROJECT: project, BUILD_REPOSITORY_NAME: repo, SYSTEM_PULLREQUEST_PULLREQUESTID: id } = env;
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%-]+)*\/$/.test(collection) || !project || !repo || !id || !/^\d+$/.test(id)) return [];
  const part = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return ['--link-azure', `${collection}${part(project)}/_git/${part(repo)}/pullrequest/${id}`];
}
