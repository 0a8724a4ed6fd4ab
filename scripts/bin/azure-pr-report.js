#!/usr/bin/env node
// Azure Pipelines step: node scripts/bin/azure-pr-report.js (env: SYSTEM_ACCESSTOKEN mapped from $(System.AccessToken)).
import { register } from 'tsx/esm/api';

register();
const { prReport } = await import('../../pipelines/tasks/prReport.ts');
process.exitCode = await prReport(process.env, text => process.stdout.write(text));
