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
    expect(body).toMatch(/\| ❌ \| `catalog\/systems\/payments-core\/entities\.yaml:\d+:\d+` \| `ref-unresolved` \| spec\.owner refers to group:default\/payments-teem/);
    expect(body).toContain('- `api:default/payments-openapi` is removed; still used by:');
    expect(body).toContain('  - `component:default/orders-api` (consumesApis), owned by `group:default/commerce-team`');
    expect(body).toContain('  - `component:default/storefront-bff` (consumesApis), owned by `group:default/web-team`');
    expect(body).not.toContain('payments-teem**');
    expect(body).toMatch(/\| @acme\/payments-team @acme\/platform-team \| `catalog\/systems\/payments-core\/entities\.yaml` \|/);
    expect(body).toContain('### Scorecards: what this change does to each team');
    expect(body).toContain('- **group:default/payments-team**: Silver (99%) → Bronze (97%) ⬇️');
    expect(body).toContain('❌ now failing: `component:default/payments-api-prod` On call in PagerDuty');
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
