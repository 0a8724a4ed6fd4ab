import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { makeBadPullRequest } from './prChange.ts';

function io(cwd: string) {
  const out: string[] = [];
  const value: CliIo = { cwd, env: {}, stdout: { write: t => void out.push(t) }, stderr: { write: () => {} }, writeFile: async () => {}, fetch: globalThis.fetch };
  return { io: value, out: () => out.join('') };
}

describe('backstage-gitops report', () => {
  it('shows the broken entity, who loses the removed API, the reviewers and the score drop', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const report = io(root);
    expect(await run(['report', '--base', base, '--today', '2026-11-23'], report.io)).toBe(1);
    const body = report.out();
    expect(body.startsWith(`${REPORT_MARKER}\n## ❌ Backstage catalog: changes needed`)).toBe(true);
    expect(body).toContain('0 added · 2 changed · 1 removed');
    expect(body).toMatch(/\| ❌ \| <code>catalog\/systems\/payments-core\/entities\.yaml:\d+:\d+<\/code> \| <code>ref-unresolved<\/code> \| spec\.owner refers to group\\:default\/payments\\-teem/);
    expect(body).toContain('- <code>api:default/payments-openapi</code> is removed; still used by:');
    expect(body).toContain('  - <code>component:default/orders-api</code> (consumesApis), owned by <code>group:default/commerce-team</code>');
    expect(body).toContain('  - <code>component:default/storefront-bff</code> (consumesApis), owned by <code>group:default/web-team</code>');
    expect(body).not.toContain('payments-teem**');
    expect(body).toMatch(/\| <code>@acme\/payments-team<\/code> <code>@acme\/platform-team<\/code> \| <code>catalog\/systems\/payments-core\/entities\.yaml<\/code> \|/);
    expect(body).toContain('### Scorecards: what this change does to each team');
    expect(body).toContain('- **<code>group:default/payments-team</code>**: Silver (99%) → Bronze (97%) ⬇️');
    expect(body).toContain('❌ now failing: <code>component:default/payments-api-prod</code> On call in PagerDuty');
    expect(body).toContain('```mermaid');
    expect(body.length).toBeLessThan(65_536);
  }, 60_000);

  it('is green for a clean change', async () => {
    const root = await dataRepoCopy();
    const report = io(root);
    expect(await run(['report', '--base', 'HEAD', '--today', '2026-11-23'], report.io)).toBe(0);
    expect(report.out()).toContain('## ✅ Backstage catalog: ready to merge');
  }, 60_000);
});
