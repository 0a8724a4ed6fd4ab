import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../helpers/gitRepo.ts';

export const PAYMENTS = 'catalog/systems/payments-core/entities.yaml';
export const PAYMENTS_OPENAPI = 'catalog/systems/payments-core/definitions/payments-openapi.yaml';

export const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');
export const write = (root: string, file: string, text: string) => writeFileSync(join(root, file), text);
export const edit = (root: string, file: string, change: (text: string) => string) => write(root, file, change(read(root, file)));

/** Drops the YAML document that defines `kind`/`name` from a multi-document file. */
export const withoutDocument = (text: string, kind: string, name: string) =>
  text.split('---\n').filter(d => !new RegExp(`kind: ${kind}\\nmetadata:\\n  name: ${name}\\n`).test(d)).join('---\n');

/** Starts the PR branch on the repo's current commit; returns the base revision. */
export function startPullRequest(root: string): string {
  const base = git(root, 'rev-parse', 'HEAD').trim();
  git(root, 'checkout', '-q', '-b', 'change');
  return base;
}

export function commit(root: string, message: string): void {
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', message);
}

/**
 * The pull request of the CI issue: breaks an entity (an owner typo), removes an API another team
 * consumes (payments-openapi, used by orders-api and storefront-bff), and lowers a score (drops the
 * PagerDuty id of payments-api-prod). Committed on a branch; returns the base revision.
 */
export function makeBadPullRequest(root: string, options: { branch?: boolean } = {}): string {
  const base = options.branch === false ? git(root, 'rev-parse', 'HEAD').trim() : startPullRequest(root);
  edit(root, PAYMENTS, text =>
    withoutDocument(text, 'API', 'payments-openapi')
      .replace(/(name: payments-api-prod[\s\S]*?)    pagerduty\.com\/service-id: "[^"]+"\n/, '$1')
      .replace(/(name: ledger-service[\s\S]*?  owner: )payments-team/, '$1payments-teem'),
  );
  commit(root, 'remove the payments API');
  return base;
}
