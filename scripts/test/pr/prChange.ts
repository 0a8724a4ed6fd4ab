import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../helpers/gitRepo.ts';

/**
 * The pull request of the CI issue: breaks an entity (an owner typo), removes an API another team
 * consumes (payments-openapi, used by orders-api and storefront-bff), and lowers a score (drops the
 * PagerDuty id of payments-api-prod). Committed on a branch; returns the base revision.
 */
export function makeBadPullRequest(root: string): string {
  const base = git(root, 'rev-parse', 'HEAD').trim();
  git(root, 'checkout', '-q', '-b', 'change');
  const payments = join(root, 'catalog/systems/payments-core/entities.yaml');
  let text = readFileSync(payments, 'utf8');
  const docs = text.split('---\n');
  text = docs.filter(d => !/kind: API\nmetadata:\n  name: payments-openapi\n/.test(d)).join('---\n');
  text = text.replace(/(name: payments-api-prod[\s\S]*?)    pagerduty\.com\/service-id: "[^"]+"\n/, '$1');
  text = text.replace(/(name: ledger-service[\s\S]*?  owner: )payments-team/, '$1payments-teem');
  writeFileSync(payments, text);
  git(root, 'commit', '-qam', 'remove the payments API');
  return base;
}
