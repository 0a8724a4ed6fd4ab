import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { quietWorker } from '../process/quietWorker.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { linearByShape } from './linearPattern.ts';

/** A regular expression a JSON Schema holds: `pattern`'s value, or a `patternProperties` key (`key: true`). */
export interface SchemaPattern {
  pattern: string;
  /** Where it is, from the schema given to schemaPatterns. */
  path: (string | number)[];
  key?: boolean;
}

/** What recheck says of one pattern: exponential or polynomial backtracking, with a string that shows it. */
export interface Backtracking {
  /** `unjudged`: the run's budget ran out (or the pattern is over 10,000 characters) before recheck got to it. */
  complexity: 'exponential' | 'polynomial' | 'unjudged';
  /** recheck's attack string, clipped: a value that makes the match run for seconds to hours. */
  attack?: string;
}

// Keywords whose values are data, not schemas: a `pattern` inside an `enum` entry or a `default` is no regex.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example', 'ui:options', 'ui:widget', 'ui:field', 'ui:help', 'ui:placeholder', 'title', 'description']);

/**
 * Every regular expression in `schema` that jsonschema (the validator scaffolder-backend's router runs on
 * the form values of every task and dry-run) runs on a value: each string `pattern` and each
 * `patternProperties` key, at any depth (properties, items, dependencies, allOf/anyOf/oneOf, if/then/else…),
 * skipping keywords that hold data. Takes any value; returns them in document order. Never throws.
 */
export function schemaPatterns(schema: unknown, path: (string | number)[] = []): SchemaPattern[] {
  const found: SchemaPattern[] = [];
  const walk = (node: unknown, at: (string | number)[], depth: number) => {
    if (depth > 64) return;
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, [...at, i], depth + 1));
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.push({ pattern: value, path: [...at, key] });
      else if (key === 'patternProperties' && isRecord(value)) {
        for (const [name, sub] of Object.entries(value)) {
          found.push({ pattern: name, path: [...at, key, name], key: true });
          walk(sub, [...at, key, name], depth + 1);
        }
      } else if (key === 'properties' && isRecord(value)) {
        // Property names are names, not keywords: a property called `pattern` or `enum` is a schema.
        for (const [name, sub] of Object.entries(value)) walk(sub, [...at, key, name], depth + 1);
      } else if (!DATA_KEYWORDS.has(key)) walk(value, [...at, key], depth + 1);
    }
  };
  walk(schema, path, 0);
  return found;
}

/**
 * The patterns of a Template document that the scaffolder backend runs on what users send: its parameter
 * pages (`spec.parameters`, one schema or a list) and `spec.secrets.schema`, with paths from the document.
 */
export function templateSchemaPatterns(document: unknown): SchemaPattern[] {
  const spec = isRecord(document) && isRecord(document.spec) ? document.spec : {};
  const secrets = isRecord(spec.secrets) ? spec.secrets.schema : undefined;
  return [...schemaPatterns(spec.parameters, ['spec', 'parameters']), ...schemaPatterns(secrets, ['spec', 'secrets', 'schema'])];
}

/** How long recheck may think about one pattern, and about all of one run's patterns together (ms). */
export const BACKTRACKING_BUDGET = { perPattern: 3_000, total: 30_000 };

// The thread's own code: recheck's pure JavaScript checker (no native agent, no java: no child process),
// one pattern per message. Flags as jsonschema compiles them: 'u', else none.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { checkSync } = require(workerData.recheck);
parentPort.on('message', ({ index, pattern, timeout }) => {
  let reply = { index, status: 'unknown' };
  for (const flags of ['u', '']) {
    try { new RegExp(pattern, flags); } catch { continue; }
    try {
      const r = checkSync(pattern, flags, { timeout, checker: 'auto' });
      reply = { index, status: r.status, complexity: r.complexity && r.complexity.type, attack: r.attack && typeof r.attack.string === 'string' ? r.attack.string.slice(0, 200) : undefined };
    } catch (error) {
      reply = { index, status: 'unknown' };
    }
    break;
  }
  parentPort.postMessage(reply);
});
`;

/**
 * Which of `patterns` backtrack super-linearly in a backtracking engine such as V8's (the scaffolder
 * backend's, and this toolkit's when it validates values), judged by recheck (automata theory and
 * fuzzing) on a worker thread that is stopped when a pattern overruns its budget; a pattern whose shape
 * already shows it linear (linearByShape) is not sent. A pattern recheck cannot
 * decide in its own time, or that no flags compile, is left out (undecided is not a finding); one that
 * ends the thread (out of its heap) is left out and the next gets a fresh thread. Patterns the run's total
 * budget leaves unjudged are `unjudged` (a finding: otherwise slow patterns placed first would wave the
 * rest through). Takes the patterns (duplicates judged once); returns the vulnerable and the unjudged ones.
 * Never throws.
 */
export async function backtrackingPatterns(patterns: readonly string[], budget = BACKTRACKING_BUDGET): Promise<Map<string, Backtracking>> {
  // A pattern whose shape shows it linear needs no recheck: nearly every real one (`^[a-z0-9-]+$`,
  // `^[a-z][a-z0-9-]{2,38}[a-z0-9]$`), and recheck's fuzzing took up to a second of CPU on those per check.
  const unique = [...new Set(patterns)].filter(pattern => pattern.length > 10_000 || !linearByShape(pattern));
  const found = new Map<string, Backtracking>();
  if (unique.length === 0) return found;
  let recheck: string;
  try {
    recheck = createRequire(import.meta.url).resolve('recheck');
  } catch {
    return found;
  }
  const deadline = Date.now() + budget.total;
  let worker: Worker | undefined;
  for (const [index, pattern] of unique.entries()) {
    const left = deadline - Date.now();
    if (left <= 0 || pattern.length > 10_000) {
      found.set(pattern, { complexity: 'unjudged' });
      continue;
    }
    try {
      // Its own environment (recheck picks a native agent or a JVM from RECHECK_* variables otherwise) and its
      // own heap limit: an automaton that outgrows it ends the thread, not the run.
      worker ??= quietWorker(THREAD, { eval: true, workerData: { recheck }, env: { RECHECK_BACKEND: 'pure', RECHECK_SYNC_BACKEND: 'pure' }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
      const reply = await ask(worker, index, pattern, Math.min(budget.perPattern, left));
      if (reply === 'timeout') {
        await worker.terminate();
        worker = undefined;
      } else if (reply.status === 'vulnerable' && (reply.complexity === 'exponential' || reply.complexity === 'polynomial')) {
        found.set(pattern, { complexity: reply.complexity, ...(reply.attack !== undefined ? { attack: reply.attack } : {}) });
      }
    } catch {
      // A thread that dies on this pattern decides nothing about it; the next pattern gets a new thread.
      await worker?.terminate();
      worker = undefined;
    }
  }
  await worker?.terminate();
  return found;
}

interface Reply {
  index: number;
  status: string;
  complexity?: string;
  attack?: string;
}

function ask(worker: Worker, index: number, pattern: string, ms: number): Promise<Reply | 'timeout'> {
  return new Promise((resolve, reject) => {
    // recheck's own timeout first; the timer stops a thread that overruns it.
    const timer = setTimeout(() => done('timeout'), ms + 1_000);
    const onMessage = (reply: Reply) => reply.index === index && done(reply);
    const onError = (error: Error) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      reject(error);
    };
    const done = (value: Reply | 'timeout') => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError);
      resolve(value);
    };
    worker.on('message', onMessage).once('error', onError);
    worker.postMessage({ index, pattern, timeout: ms });
  });
}

/**
 * The messages for a Template document's patterns that backtrack super-linearly (backtrackingPatterns over
 * templateSchemaPatterns): values must not be validated with them here either (jsonschema would run for
 * hours on a case's value), so a caller that finds any reports these instead. Never throws.
 */
export async function templateBacktracking(document: unknown): Promise<string[]> {
  const found = templateSchemaPatterns(document);
  const verdicts = await backtrackingPatterns(found.map(f => f.pattern));
  return found.flatMap(f => {
    const verdict = verdicts.get(f.pattern);
    return verdict ? [`${f.path.join('.')}: ${backtrackingMessage(f, verdict)}`] : [];
  });
}

/** What a verdict says of a pattern: how it backtracks, or that it could not be judged. */
export function describeVerdict(verdict: Backtracking): string {
  if (verdict.complexity === 'unjudged') return `could not be judged within the ${BACKTRACKING_BUDGET.total / 1000} s all patterns of a run get (too many or too long patterns), so it counts as backtracking`;
  return `backtracks ${verdict.complexity === 'exponential' ? 'exponentially' : 'polynomially'} on some values`;
}

/** The finding's message for one vulnerable pattern of a template. */
export function backtrackingMessage(found: SchemaPattern, verdict: Backtracking): string {
  const shown = JSON.stringify(found.pattern.length > 80 ? `${found.pattern.slice(0, 80)}…` : found.pattern);
  const attack = verdict.attack !== undefined ? ` (for example a value of ${JSON.stringify(verdict.attack.length > 40 ? `${verdict.attack.slice(0, 40)}…` : verdict.attack)})` : '';
  return `The ${found.key ? 'patternProperties key' : 'pattern'} ${shown} ${describeVerdict(verdict)}${attack}: the scaffolder backend validates every task's and dry-run's form values with it on its one JavaScript thread, so one such value from any user stalls the whole Backstage backend.`;
}

export const BACKTRACKING_HINT = 'Write the pattern without nested or overlapping repetition ((a+)+, (a|a)*, (\\w+\\s?)*, \\d+\\d+): one way to match each character, e.g. ^[a-z0-9]+(-[a-z0-9]+)*$.';
