import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker as WorkerThread, type MessagePort, type Worker } from 'node:worker_threads';
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
  /**
   * `unjudged`: the run's budget ran out (or the pattern is over 10,000 characters) before recheck got to it;
   * `undecided`: recheck could not say within a pattern's own time (or its thread died on it). Both count as
   * backtracking: padding a pattern until recheck gives up (`^(a+)+$|abcdefghijklmnopqrstuvwxyz0123456789`)
   * must not wave it through.
   */
  complexity: 'exponential' | 'polynomial' | 'unjudged' | 'undecided';
  /** recheck's attack, written out for a message (`a value of "x" 54773 times, then "!"`): a value that makes the match run for seconds to hours. */
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

/**
 * How long recheck may think about one pattern, and about all of one run's patterns together (ms). A pattern
 * it cannot decide in its time counts as backtracking, so that time is several times what real ones take:
 * an RFC-style e-mail pattern 1.1 s and semver's 1.6 s on this 2-core machine under load, which a CI
 * runner busier still must not turn into a finding.
 */
export const BACKTRACKING_BUDGET = { perPattern: 10_000, total: 30_000 };

// Both judging threads' source (they run as plain CommonJS workers, so it is shared as text).
const SHOWN_ATTACK = `
// recheck's attack as its parts: each pumped string and how often (recheck repeats it base + bias times), then
// the suffix that makes the match fail, which the expanded string clipped to its start never shows.
const shownAttack = (a) => {
  if (!a) return undefined;
  const q = (t) => JSON.stringify(String(t).slice(0, 40)) + (String(t).length > 40 ? '…' : '');
  if (Array.isArray(a.pumps) && a.pumps.length > 0 && typeof a.base === 'number') {
    const parts = [];
    for (const p of a.pumps.slice(0, 3)) {
      if (p.prefix) parts.push(q(p.prefix));
      parts.push(q(p.pump) + ' ' + (a.base + (typeof p.bias === 'number' ? p.bias : 0)) + ' times');
    }
    if (a.pumps.length > 3) parts.push('…');
    if (a.suffix) parts.push(q(a.suffix));
    return 'a value of ' + parts.join(', then ');
  }
  return typeof a.string === 'string' ? 'a value of ' + q(a.string) : undefined;
};
`;

// The thread's own code: recheck's pure JavaScript checker (no native agent, no java: no child process),
// one pattern per message. Flags as jsonschema compiles them: 'u', else none.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { checkSync } = require(workerData.recheck);
${SHOWN_ATTACK}parentPort.on('message', ({ index, pattern, flags: given, timeout }) => {
  // A pattern no flags compile is no regular expression anyone runs (the schema's own finding).
  let reply = { index, status: 'invalid' };
  for (const flags of given !== undefined ? [given] : ['u', '']) {
    try { new RegExp(pattern, flags); } catch { continue; }
    try {
      const r = checkSync(pattern, flags, { timeout, checker: 'auto' });
      reply = { index, status: r.status, complexity: r.complexity && r.complexity.type, attack: shownAttack(r.attack) };
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
 * already shows it linear (linearByShape) is not sent. A pattern that no flags compile is left out; one
 * recheck cannot decide in its own time, or that ends the thread (out of its heap; the next gets a fresh
 * thread), is `undecided`, and one the run's total budget leaves unjudged is `unjudged`: both count as
 * backtracking (otherwise padding a pattern until recheck gives up, or slow patterns placed first, would
 * wave it through). Takes the patterns (duplicates judged once); returns the vulnerable, undecided and
 * unjudged ones. Never throws.
 */
export async function backtrackingPatterns(patterns: readonly string[], budget = BACKTRACKING_BUDGET): Promise<Map<string, Backtracking>> {
  const verdicts = await backtrackingRegexes(patterns.map(pattern => ({ pattern })), budget);
  return new Map([...verdicts].map(([key, verdict]) => [key.slice(key.indexOf('/') + 1), verdict]));
}

/** The key backtrackingRegexes gives a pattern with its flags (none given: `/pattern`). */
export const regexKey = (regex: { pattern: string; flags?: string }) => `${regex.flags ?? ''}/${regex.pattern}`;

/**
 * backtrackingPatterns for regular expressions with their own flags (a template's `r/…/flags` literals, which
 * Nunjitsu compiles with exactly those; without flags, as jsonschema compiles a pattern: 'u', else none).
 * Returns the vulnerable and the unjudged ones by regexKey. Never throws.
 */
export async function backtrackingRegexes(regexes: readonly { pattern: string; flags?: string }[], budget = BACKTRACKING_BUDGET): Promise<Map<string, Backtracking>> {
  // A pattern whose shape shows it linear needs no recheck: nearly every real one (`^[a-z0-9-]+$`,
  // `^[a-z][a-z0-9-]{2,38}[a-z0-9]$`), and recheck's fuzzing took up to a second of CPU on those per check.
  const unique = [...new Map(regexes.map(r => [regexKey(r), r])).values()].filter(r => r.pattern.length > 10_000 || !linearByShapeWith(r.pattern, r.flags));
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
  for (const [index, { pattern, flags }] of unique.entries()) {
    const key = regexKey({ pattern, flags });
    const left = deadline - Date.now();
    if (left <= 0 || pattern.length > 10_000) {
      found.set(key, { complexity: 'unjudged' });
      continue;
    }
    try {
      // Its own environment (recheck picks a native agent or a JVM from RECHECK_* variables otherwise) and its
      // own heap limit: an automaton that outgrows it ends the thread, not the run.
      worker ??= quietWorker(THREAD, { eval: true, workerData: { recheck }, env: { RECHECK_BACKEND: 'pure', RECHECK_SYNC_BACKEND: 'pure' }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
      const reply = await ask(worker, index, pattern, flags, Math.min(budget.perPattern, left));
      if (reply === 'timeout') {
        await worker.terminate();
        worker = undefined;
      }
      const verdict = verdictOf(reply === 'timeout' ? undefined : reply, left < budget.perPattern);
      if (verdict) found.set(key, verdict);
      rememberSync(key, flags, verdict);
    } catch {
      // A thread that dies on this pattern decides nothing about it (undecided); the next pattern gets a new thread.
      await worker?.terminate();
      worker = undefined;
      const verdict = verdictOf(undefined, left < budget.perPattern)!;
      found.set(key, verdict);
      rememberSync(key, flags, verdict);
    }
  }
  await worker?.terminate();
  return found;
}

/**
 * What recheck's reply (undefined: none came in time, or the thread died) says of a pattern: its
 * complexity when vulnerable; nothing when safe, or when the pattern compiles with no flags; otherwise
 * undecided, or unjudged when the time it had was cut short by the run's total budget (`short`).
 */
function verdictOf(reply: Pick<Reply, 'status' | 'complexity' | 'attack'> | undefined, short: boolean): Backtracking | undefined {
  if (reply?.status === 'vulnerable' && (reply.complexity === 'exponential' || reply.complexity === 'polynomial')) {
    return { complexity: reply.complexity, ...(reply.attack !== undefined ? { attack: reply.attack } : {}) };
  }
  if (reply?.status === 'safe' || reply?.status === 'invalid') return undefined;
  return { complexity: short ? 'unjudged' : 'undecided' };
}

/**
 * linearByShape for a pattern compiled with `flags` (none given: jsonschema's 'u', else none). Its shape
 * argument assumes case matters and `^` is the text's start: with `i` or `m` recheck decides.
 */
function linearByShapeWith(pattern: string, flags?: string): boolean {
  return !/[im]/.test(flags ?? '') && linearByShape(pattern);
}

// The synchronous judge's thread: one regular expression per message on its port; the reply is posted
// before the shared counter moves, so the waiting thread finds it there when it wakes.
const SYNC_THREAD = `
process.stdout.write = process.stderr.write = () => true;
const { workerData } = require('node:worker_threads');
const { checkSync } = require(workerData.recheck);
${SHOWN_ATTACK}const done = new Int32Array(workerData.done);
workerData.port.on('message', ({ pattern, flags, timeout }) => {
  let reply = { status: 'unknown' };
  try {
    const r = checkSync(pattern, flags, { timeout, checker: 'auto' });
    reply = { status: r.status, complexity: r.complexity && r.complexity.type, attack: shownAttack(r.attack) };
  } catch {}
  workerData.port.postMessage(reply);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

let judge: { worker: Worker; port: MessagePort; done: Int32Array } | undefined;
const syncVerdicts = new Map<string, Backtracking | null>();
let syncSpent = 0;

// A verdict the asynchronous judge reached serves the synchronous one too (`templates test` checks a
// template's literals before it renders them), so an undecided literal costs its time once, not twice. Only
// for given flags (without, the thread tries 'u' first, which the render does not) and not when the run's
// budget cut it short (the synchronous judge's own budget may still have room).
function rememberSync(key: string, flags: string | undefined, verdict: Backtracking | undefined): void {
  if (flags !== undefined && verdict?.complexity !== 'unjudged') syncVerdicts.set(key, verdict ?? null);
}

/**
 * backtrackingRegexes for one regular expression, synchronously: for a caller that cannot wait (the
 * guard on every string Nunjitsu renders, whose render is synchronous). recheck runs on a worker thread
 * while this one waits (Atomics.wait) for at most the pattern's budget and a second; a thread that
 * overruns it is stopped and the pattern is `undecided`. Verdicts are kept for the process, and all calls
 * share one total budget (BACKTRACKING_BUDGET.total): past it a pattern is `unjudged`. Both count as
 * backtracking. Returns the verdict, or undefined for a pattern shown or judged linear.
 * Never throws.
 */
export function backtrackingRegexSync(pattern: string, flags = '', budget = BACKTRACKING_BUDGET): Backtracking | undefined {
  const key = regexKey({ pattern, flags });
  const known = syncVerdicts.get(key);
  if (known !== undefined) return known ?? undefined;
  let verdict: Backtracking | null = null;
  const left = budget.total - syncSpent;
  if (pattern.length > 10_000 || left <= 0) verdict = { complexity: 'unjudged' };
  else if (!linearByShapeWith(pattern, flags)) {
    const started = Date.now();
    const ms = Math.min(budget.perPattern, left);
    try {
      judge ??= startJudge();
      const before = Atomics.load(judge.done, 0);
      judge.port.postMessage({ pattern, flags, timeout: ms });
      const waited = Atomics.wait(judge.done, 0, before, ms + 1_000);
      const reply = receiveMessageOnPort(judge.port)?.message as Reply | undefined;
      if (waited === 'timed-out' || !reply) stopJudge();
      verdict = verdictOf(waited === 'timed-out' ? undefined : reply, ms < budget.perPattern) ?? null;
    } catch {
      stopJudge();
      verdict = verdictOf(undefined, ms < budget.perPattern)!;
    }
    syncSpent += Date.now() - started;
  }
  syncVerdicts.set(key, verdict);
  return verdict ?? undefined;
}

function startJudge(): NonNullable<typeof judge> {
  const recheck = createRequire(import.meta.url).resolve('recheck');
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  // Its output goes nowhere, as quietWorker's does, but by the thread writing none: streams read here (resumed)
  // would keep the process alive after its work, whatever unref says.
  const worker = new WorkerThread(SYNC_THREAD, { eval: true, stdout: true, stderr: true, workerData: { recheck, done: done.buffer, port: port2 }, transferList: [port2], env: { RECHECK_BACKEND: 'pure', RECHECK_SYNC_BACKEND: 'pure' }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
  // Never what keeps the process alive.
  worker.unref();
  port1.unref();
  const started = { worker, port: port1, done };
  // A thread that dies (out of its heap on an automaton) decides nothing: the wait for it times out, and the
  // next pattern gets a new thread. Unheard, its error would end the process.
  worker.on('error', () => {
    if (judge === started) stopJudge();
  });
  return started;
}

function stopJudge(): void {
  void judge?.worker.terminate().catch(() => undefined);
  judge?.port.close();
  judge = undefined;
}

interface Reply {
  index: number;
  status: string;
  complexity?: string;
  attack?: string;
}

function ask(worker: Worker, index: number, pattern: string, flags: string | undefined, ms: number): Promise<Reply | 'timeout'> {
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
    worker.postMessage({ index, pattern, flags, timeout: ms });
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
  if (verdict.complexity === 'undecided') return `could not be judged by recheck within the ${BACKTRACKING_BUDGET.perPattern / 1000} s a pattern gets, so it counts as backtracking`;
  if (verdict.complexity === 'unjudged') return `could not be judged within the ${BACKTRACKING_BUDGET.total / 1000} s all patterns of a run get (too many or too long patterns), so it counts as backtracking`;
  return `backtracks ${verdict.complexity === 'exponential' ? 'exponentially' : 'polynomially'} on some values`;
}

/** The finding's message for one vulnerable pattern of a template. */
export function backtrackingMessage(found: SchemaPattern, verdict: Backtracking): string {
  const shown = JSON.stringify(found.pattern.length > 80 ? `${found.pattern.slice(0, 80)}…` : found.pattern);
  const attack = verdict.attack !== undefined ? ` (for example ${verdict.attack})` : '';
  return `The ${found.key ? 'patternProperties key' : 'pattern'} ${shown} ${describeVerdict(verdict)}${attack}: the scaffolder backend validates every task's and dry-run's form values with it on its one JavaScript thread, so one such value from any user stalls the whole Backstage backend.`;
}

export const BACKTRACKING_HINT = 'Write the pattern without nested or overlapping repetition ((a+)+, (a|a)*, (\\w+\\s?)*, \\d+\\d+): one way to match each character, e.g. ^[a-z0-9]+(-[a-z0-9]+)*$.';

export const BACKTRACKING_LITERAL_HINT = 'Write the regular expression without nested or overlapping repetition ((a+)+, (a|a)*, (\\w+\\s?)*): one way to match each character, e.g. r/^[a-z0-9]+(-[a-z0-9]+)*$/; or replace a plain string, which runs no regular expression.';
