#!/usr/bin/env node
// Azure Pipelines step: node scripts/bin/azure-pr-report.js (env: SYSTEM_ACCESSTOKEN mapped from $(System.AccessToken)).
import { register } from 'tsx/esm/api';

register();
const { prReport } = await import('../../pipelines/tasks/prReport.ts');
try {
  process.exitCode = await prReport(process.env, text => process.stdout.write(text));
} catch (error) {
  // One logged issue instead of a stack trace; the trace with DEBUG=backstage-gitops or a pipeline run
  // with diagnostics on (System.Debug sets SYSTEM_DEBUG=true).
  const { describeError } = await import('../src/cli/describeError.ts');
  const { wantsDebug } = await import('../src/cli/main.ts');
  const debug = wantsDebug([], process.env) || process.env.SYSTEM_DEBUG === 'true';
  const [first, ...rest] = describeError(error, debug).split('\n');
  process.stdout.write(`##vso[task.logissue type=error;]backstage-gitops Azure task: ${first}\n${rest.length ? `${rest.join('\n')}\n` : ''}##vso[task.complete result=Failed;]\n`);
  process.exitCode = 2;
}
