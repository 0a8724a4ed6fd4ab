import { join } from 'node:path';
import { expect } from 'vitest';
import { runNode, type NodeRun } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

/** The bin as package.json ships it; the suite's global setup has just rebuilt the bundle it runs. */
export const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

/**
 * Runs `backstage-gitops ...args` as a user does: a child process of this machine's Node, in `cwd`, with
 * PATH and HOME plus `env` only (no NO_COLOR, no CI: output is not a TTY, so no colours either).
 */
export function gitops(cwd: string, args: string[], env: Record<string, string> = {}): Promise<NodeRun> {
  return runNode(BIN, cwd, env, args);
}

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/**
 * What every run must show on stderr, whatever its outcome: no stack trace, no "internal error", no
 * Node or library warning (`(node:123) Warning: …`), no EPIPE.
 */
export function expectCleanStderr(run: NodeRun): void {
  expect(run.stderr, run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/\(node:\d+\)|Warning:|EPIPE/);
}

/** A tool error as the issue defines it: exit 2, one or two lines (capped), no trace. */
export function expectToolError(run: NodeRun, message: RegExp): void {
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(2);
  expectCleanStderr(run);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trimEnd().split('\n').length, run.stderr).toBeLessThanOrEqual(3);
}
