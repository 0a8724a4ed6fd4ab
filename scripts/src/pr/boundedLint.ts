import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { quietWorker } from '../process/quietWorker.ts';
import type { DefinitionLimits } from '../catalog/apiRefs.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { lintApiDefinitions, loadApiRuleset, type LintTarget } from './lintApiDefinitions.ts';
import type { RepoFiles } from './repoRefResolver.ts';

/** What the lint thread needs to read the head revision and the ruleset itself (plain data: it crosses threads). */
export interface LintJob {
  root: string;
  /** The head's repo files (repo-relative paths): the only files its `$ref`s may read. */
  files: string[];
  limits?: DefinitionLimits;
  /** apiChanges.ruleset, repo-relative. */
  rulesetPath: string;
}

/** One definition's answer from the lint thread. */
export type LintReply = { index: number; diagnostics: Diagnostic[] } | { index: number; error: string };

/** Default time one definition may take Spectral (seconds): real definitions take well under one. */
export const LINT_TIMEOUT_SECONDS = 20;

/**
 * lintApiDefinitions with a time bound: the definitions are linted one by one on a worker thread
 * (apiLintWorker.mjs, bundled beside the CLI), and one that takes longer than `timeoutSeconds` (a
 * `pattern` that backtracks catastrophically on an `example` takes hours) is stopped and is an
 * `api-lint-timeout` error at its definition; the rest go on in a fresh thread. A thread's start-up (loading
 * Spectral and the ruleset) is not counted against a definition's bound. All of them together, start-ups
 * included, get at most ten times that bound; those left then are `api-lint-timeout` errors too. Returns the Diagnostics
 * in definition order. Throws what lintApiDefinitions throws (a UsageError for a bad ruleset is
 * thrown by loadApiRuleset before any thread starts). Without the bundled worker (running from source),
 * lints in this thread without a bound.
 */
export async function lintApiDefinitionsBounded(targets: readonly LintTarget[], job: LintJob, repo: RepoFiles, timeoutSeconds = LINT_TIMEOUT_SECONDS): Promise<Diagnostic[]> {
  if (targets.length === 0) return [];
  // A ruleset the config names badly is the usage error it always was, from this thread.
  const ruleset = await loadApiRuleset(job.root, job.rulesetPath);
  const url = new URL('./apiLintWorker.mjs', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return lintApiDefinitions(targets, ruleset, repo);
  const results: Diagnostic[][] = [];
  const deadline = Date.now() + timeoutSeconds * 10_000;
  let worker: Worker | undefined;
  try {
    for (const [index, target] of targets.entries()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        results.push([timeoutProblem(target, timeoutSeconds, 'all')]);
        continue;
      }
      if (!worker) {
        worker = quietWorker(url, { workerData: job });
        // A fresh thread loads Spectral and the ruleset first: that start-up counts against the run's whole
        // bound, not against this definition's (a restart after a stopped definition took the next one's 2 s).
        if ((await started(worker, left)) === 'timeout') {
          await worker.terminate();
          worker = undefined;
          results.push([timeoutProblem(target, timeoutSeconds, 'all')]);
          continue;
        }
      }
      const remaining = deadline - Date.now();
      const reply = await lintOne(worker, index, target, Math.max(0, Math.min(timeoutSeconds * 1000, remaining)));
      if (reply === 'timeout') {
        // terminate() stops even a regular expression in the middle of its backtracking.
        await worker.terminate();
        worker = undefined;
        results.push([timeoutProblem(target, timeoutSeconds, remaining < timeoutSeconds * 1000 ? 'all' : 'one')]);
      } else if ('error' in reply) {
        throw new Error(reply.error);
      } else {
        results.push(reply.diagnostics);
      }
    }
  } finally {
    await worker?.terminate();
  }
  return results.flat();
}

/** Resolves when `worker` says it is ready (apiLintWorker's first message), or 'timeout' after `ms`; rejects on its error. */
function started(worker: Worker, ms: number): Promise<'ready' | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done('timeout'), ms);
    const onMessage = (message: { ready?: boolean }) => message?.ready === true && done('ready');
    const onError = (error: Error) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      reject(error);
    };
    const done = (value: 'ready' | 'timeout') => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError);
      resolve(value);
    };
    worker.on('message', onMessage).once('error', onError);
  });
}

function lintOne(worker: Worker, index: number, target: LintTarget, ms: number): Promise<LintReply | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done('timeout'), ms);
    const onMessage = (reply: LintReply) => reply.index === index && done(reply);
    const onError = (error: Error) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      reject(error);
    };
    const done = (value: LintReply | 'timeout') => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError);
      resolve(value);
    };
    worker.on('message', onMessage).once('error', onError);
    worker.postMessage({ index, target });
  });
}

function timeoutProblem(target: LintTarget, seconds: number, budget: 'one' | 'all'): Diagnostic {
  return {
    ruleId: 'api-lint-timeout',
    severity: 'error',
    message:
      budget === 'one'
        ? `Spectral did not finish linting this definition within ${seconds} s and was stopped: it is not linted.`
        : `The definitions of this change used up the ${seconds * 10} s Spectral may take for all of them: this one is not linted.`,
    hint: 'A `pattern` that backtracks catastrophically on an `example` or `default` (nested or overlapping repetition such as ^(a|a)*$ or ^(a+)+$) makes Spectral run for hours: write the pattern without nested repetition. Otherwise split the definition, or raise report --lint-timeout.',
    file: target.file,
    range: target.inlineRange ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
  };
}
