// The thread that lints changed API definitions with Spectral (see boundedLint.ts): bundled as its own entry,
// apiLintWorker.mjs beside cli.mjs. Spectral runs a definition's own `pattern`s on its own `example`s with
// V8's backtracking regular expressions; here the main thread can stop a definition that never finishes.
import { parentPort, workerData } from 'node:worker_threads';
import { readRepoFile } from '../load/repoPath.ts';
import { lintApiDefinitions, loadApiRuleset, type LintTarget } from './lintApiDefinitions.ts';
import type { LintJob, LintReply } from './boundedLint.ts';

const port = parentPort!;
const job = workerData as LintJob;
const repoFileSet = new Set(job.files);
const read = (path: string): string | null => {
  if (!repoFileSet.has(path)) return null;
  try {
    return readRepoFile(job.root, path, 'utf8');
  } catch {
    return null;
  }
};
const ruleset = loadApiRuleset(job.root, job.rulesetPath);
// Ready once Spectral and the ruleset are loaded: the main thread starts a definition's time bound only then, so
// a fresh thread's start-up (seconds on a loaded runner) is not counted against the definition it lints first.
ruleset.then(
  () => port.postMessage({ ready: true }),
  () => port.postMessage({ ready: true }),
);

port.on('message', async ({ index, target }: { index: number; target: LintTarget }) => {
  let reply: LintReply;
  try {
    reply = { index, diagnostics: await lintApiDefinitions([target], await ruleset, { repoFileSet, read, limits: job.limits }) };
  } catch (error) {
    reply = { index, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
