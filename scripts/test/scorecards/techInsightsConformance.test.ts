import { describe, expect, inject, it } from 'vitest';
import { computeFacts } from '../../src/scorecards/computeFacts.ts';
import { evaluateChecks } from '../../src/scorecards/evaluateChecks.ts';
import { loadScorecards } from '../../src/scorecards/loadScorecards.ts';
import { loadEntities } from '../../src/scorecards/prepareScorecards.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const { baseUrl, token, techInsightsChecks } = inject('backstage');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function poll<T>(what: string, get: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

describe('conformance with a real Tech Insights backend (built-in retrievers + jsonfc)', () => {
  it('gives the same pass / fail / not-applicable as the gate for every entity of the example catalog', async () => {
    const { data } = await loadScorecards(REPO_ROOT);
    const { entities, repoFiles } = await loadEntities(REPO_ROOT);
    const refs = entities.map(e => e.ref!).filter(Boolean);
    // Retrievers run on a schedule: wait until one has seen every kind, APIs (ingested last) included.
    for (const kind of ['Component', 'API', 'Resource', 'System']) {
      const ref = entities.find(e => e.kind === kind)!.ref!;
      await poll(`facts for ${ref}`, async () => {
        const res = await fetch(`${baseUrl}/api/tech-insights/facts/latest?entity=${encodeURIComponent(ref)}&ids[]=entityOwnershipFactRetriever&ids[]=entityMetadataFactRetriever&ids[]=techdocsFactRetriever`, { headers });
        const body = res.ok ? ((await res.json()) as Record<string, unknown>) : {};
        return Object.keys(body).length === 3 ? body : undefined;
      }, 100);
    }
    const res = await fetch(`${baseUrl}/api/tech-insights/checks/run`, { method: 'POST', headers, body: JSON.stringify({ entities: refs, checks: techInsightsChecks }) });
    expect(res.status).toBe(200);
    const bulk = (await res.json()) as { entity: string; results: { check: { id: string }; result: boolean }[]; error?: unknown }[];
    const theirs = new Map(bulk.map(b => [b.entity, new Map(b.results.map(r => [r.check.id, r.result ? 'pass' : 'fail']))]));
    const checks = data.checks.map(c => c.value).filter(c => techInsightsChecks.includes(c.id));
    const retrievers = data.retrievers.map(r => r.value);
    const repo = { isCovered: () => true, repoFiles: new Set(repoFiles) };
    const mismatches: string[] = [];
    let compared = 0;
    for (const entity of entities) {
      const ours = await evaluateChecks(entity.entity, computeFacts(entity, retrievers, repo), checks);
      for (const result of ours) {
        const expected = theirs.get(entity.ref!)?.get(result.checkId) ?? 'not-applicable';
        compared++;
        if (expected !== result.outcome) mismatches.push(`${entity.ref} ${result.checkId}: Tech Insights ${expected}, gate ${result.outcome}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBe(entities.length * checks.length);
    expect(checks.length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
