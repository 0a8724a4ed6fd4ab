import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

/** Runs the shipped bin in `cwd` as CI would; returns its exit code and output. */
export function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `check --format json` through the bin: the findings as `rule@file:line:column`, sorted. */
export function checkFindings(cwd: string, args: string[] = []): { status: number | null; findings: string[]; diagnostics: { ruleId: string; severity: string; message: string; hint?: string; file: string }[] } {
  const run = runCli(['check', '--format', 'json', ...args], cwd);
  if (run.status === 2) throw new Error(`check failed: ${run.stderr}`);
  const diagnostics = JSON.parse(run.stdout).diagnostics;
  const findings = diagnostics.map((d: { ruleId: string; file: string; range: { start: { line: number; column: number } } }) => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort();
  return { status: run.status, findings, diagnostics };
}
