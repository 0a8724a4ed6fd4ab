import { credentialVariables, type Environment } from '../process/childEnv.ts';

/**
 * The environment a CI adapter starts the gate (`report`/`check`) with: its own, without the step's inputs
 * (GitHub's `INPUT_*`: the github-token among them) and without every variable named like a credential
 * (credentialVariables: GITHUB_TOKEN, Azure's SYSTEM_ACCESSTOKEN, the runner's ACTIONS_RUNTIME_TOKEN and
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN, which write caches and artifacts and mint OIDC tokens). The gate reads
 * a pull request's files and needs none of them; the adapter keeps the token for the comment. Takes the
 * adapter's environment; returns a fresh object; never throws.
 */
export function gateEnvironment(env: Environment): Record<string, string> {
  const credentials = new Set(credentialVariables(env));
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !name.startsWith('INPUT_') && !credentials.has(name)) kept[name] = value;
  return kept;
}
