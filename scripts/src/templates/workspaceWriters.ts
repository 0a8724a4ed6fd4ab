// Actions known to leave the task's workspace as they found it: they act on the catalog or a git host, and
// those that read the workspace (publish:*, github:repo:push) push it as it is. A clone (azure:repo:clone
// and the like) writes it, so it is not among them.
const HOSTS = /^(github|gitlab|bitbucket|bitbucketCloud|bitbucketServer|azure|gitea|gerrit):/;

/**
 * Whether a step's action may change the files of the task's workspace when Backstage runs it, where the
 * offline render cannot run it (a custom action, one declared in gitops.config.yaml, a module's action
 * answered with the dry-run's example): anything but the catalog's register and fetch, debug:*, publish:*
 * and the git hosts' repository actions (a clone excepted). Takes the action id; pure.
 */
export function mayWriteWorkspace(action: string): boolean {
  if (action === 'catalog:register' || action === 'catalog:fetch' || action.startsWith('debug:') || action.startsWith('publish:')) return false;
  return !(HOSTS.test(action) && !/clone/i.test(action));
}
