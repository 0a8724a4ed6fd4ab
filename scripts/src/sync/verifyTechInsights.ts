import { boundedJson } from './boundedBody.ts';
import { parse } from 'yaml';
import type { Diagnostic } from '../diagnostic.ts';
import { fetchWithRetry, HttpError, type RetryPolicy } from './retry.ts';

interface DeployedCheck {
  id: string;
  name: string;
  description: string;
  factIds: string[];
  rule?: { conditions: unknown };
  metadata?: Record<string, unknown>;
}

/**
 * Tech Insights checks are config, deployed with Backstage rather than over an API; this proves
 * that what runs (`GET /api/tech-insights/checks`) is what the repo compiled.
 */
export async function verifyTechInsights(baseUrl: string, token: string, compiledConfig: string, outputFile: string, fetcher: typeof fetch, retry: RetryPolicy): Promise<{ installed: boolean; diagnostics: Diagnostic[] }> {
  const response = await fetchWithRetry(fetcher, `${baseUrl.replace(/\/$/, '')}/api/tech-insights/checks`, { headers: { authorization: `Bearer ${token}` } }, retry);
  if (response.status === 404) return { installed: false, diagnostics: [] };
  if (!response.ok) throw new HttpError(response.status, 'GET', '/api/tech-insights/checks', await response.text().catch(() => ''), [token]);
  const deployed = new Map((await boundedJson<DeployedCheck[]>(response, 'GET /api/tech-insights/checks')).map(c => [c.id, c]));
  const wanted = (parse(compiledConfig, { logLevel: 'error' })?.techInsights?.factChecker?.checks ?? {}) as Record<string, DeployedCheck>;
  const problems: string[] = [];
  for (const [id, check] of Object.entries(wanted)) {
    const live = deployed.get(id);
    if (!live) problems.push(`${id} is not deployed`);
    else if (JSON.stringify(canonical(live)) !== JSON.stringify(canonical(check))) problems.push(`${id} differs from the repo`);
  }
  for (const id of deployed.keys()) if (!(id in wanted)) problems.push(`${id} is deployed but not in the repo`);
  return {
    installed: true,
    diagnostics: problems.map(problem => ({
      ruleId: 'sync-scorecards-differ',
      severity: 'error',
      message: `Tech Insights in Backstage does not run the repo's checks: ${problem}.`,
      hint: `Deploy ${outputFile} with the managed Backstage's config; the checks are config, not catalog data.`,
      file: outputFile,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    })),
  };
}

function canonical(check: DeployedCheck) {
  return { name: check.name, description: check.description, factIds: [...check.factIds].sort(), rule: JSON.stringify(check.rule?.conditions), metadata: JSON.stringify(check.metadata, Object.keys(check.metadata ?? {}).sort()) };
}
