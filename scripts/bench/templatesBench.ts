import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startBackstage } from '../test/backstage/startBackstage.ts';
import { loadConfig } from '../src/config/gitopsConfig.ts';
import { BUILTIN_ACTIONS, dryRunRequest } from '../src/templates/dryRunRequest.ts';
import { renderTemplate } from '../src/templates/renderTemplate.ts';
import { discoverCases } from '../src/templates/runTemplateTests.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Milliseconds per render for every template and case, offline and through a local Backstage's dry-run endpoint. */
export async function runTemplatesBench(root: string, runs: number): Promise<string> {
  const config = await loadConfig(root);
  const backstage = await startBackstage();
  const rows: string[] = [];
  let total = 0;
  try {
    for (const item of discoverCases(root, [])) {
      const testCase = parse(readFileSync(join(root, item.caseFile), 'utf8'));
      if (testCase.expect?.valuesError || testCase.expect?.error) continue;
      const templateFile = `templates/${item.template}/template.yaml`;
      const template = parse(readFileSync(join(root, templateFile), 'utf8'));
      const offline: number[] = [];
      const dryRun: number[] = [];
      for (let i = 0; i < runs; i++) {
        const result = await renderTemplate({ source: { root, baseUrl: config.repoUrl ?? 'https://github.com/offline/template/blob/main/' }, templateFile, template, values: testCase.values, offlineActions: template.spec.steps.map((s: { action: string }) => s.action).filter((a: string) => !BUILTIN_ACTIONS.has(a)) });
        offline.push(result.milliseconds);
        const body = JSON.stringify(await dryRunRequest(root, item.template, template, testCase.values));
        const started = Date.now();
        const res = await fetch(`${backstage.baseUrl}/api/scaffolder/v2/dry-run`, { method: 'POST', headers: { authorization: `Bearer ${backstage.token}`, 'content-type': 'application/json' }, body });
        await res.text();
        if (!res.ok) throw new Error(`dry-run of ${item.caseFile} answered ${res.status}`);
        dryRun.push(Date.now() - started);
      }
      total += median(offline);
      rows.push(`| ${item.template} | ${item.caseFile.split('/').pop()} | ${median(offline)} ms | ${median(dryRun)} ms | ${(median(offline) / median(dryRun)).toFixed(2)} |`);
    }
  } finally {
    await backstage.stop();
  }
  return ['| Template | Case | Offline render | Dry-run endpoint | Ratio |', '|---|---|---:|---:|---:|', ...rows, '', `All cases offline: ${total} ms (median of ${runs} runs each).`, ''].join('\n');
}
