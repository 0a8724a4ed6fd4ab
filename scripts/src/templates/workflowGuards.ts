import { Lexer, Parser } from '@actions/expressions';
import type { Expr } from '@actions/expressions';
import { Binary, ContextAccess, Grouping, IndexAccess, Literal, Logical, Unary } from '@actions/expressions/ast';
import { TokenType } from '@actions/expressions/lexer';
import { BooleanData, StringData } from '@actions/expressions/data/index';

// The contexts and status functions a job's or step's `if:` may use (GitHub's "Contexts" availability table);
// anything else makes GitHub's parser, and so this one, refuse the condition.
const CONTEXTS = ['github', 'env', 'vars', 'inputs', 'needs', 'secrets', 'matrix', 'steps', 'job', 'jobs', 'runner', 'strategy'];
const STATUS_FUNCTIONS = ['always', 'success', 'failure', 'cancelled'].map(name => ({ name, minArgs: 0, maxArgs: 0 }));
const HASH_FILES = { name: 'hashFiles', minArgs: 1, maxArgs: 255 };

// Whose repository the head of a pull request, or of the run that triggered a workflow_run, is.
const HEAD_REPOSITORY = ['github.event.pull_request.head.repo.full_name', 'github.event.workflow_run.head_repository.full_name'];
// This repository's own name, as every event gives it.
const THIS_REPOSITORY = ['github.repository', 'github.event.repository.full_name'];
const HEAD_IS_FORK = 'github.event.pull_request.head.repo.fork';

/**
 * Whether a job's or step's `if:` (as written: an expression with or without its `${{ }}`) lets it run only for a
 * pull request (or, under workflow_run, a triggering run) whose head is in this repository itself, under every
 * trigger in `triggers`: a top-level `&&` operand comparing the head's repository with this one
 * (`github.event.pull_request.head.repo.full_name == github.repository`, either way round), or, when the
 * workflow runs on pull_request_target alone, `!github.event.pull_request.head.repo.fork` and its `== false`,
 * `!= true` spellings. Such a head is pushed by someone who can already write to the repository, which is
 * the guard GitHub Security Lab's "Preventing pwn requests" names for running a pull request's code with the
 * repository's token. The full-name comparison holds under other triggers too: without that event's payload
 * its left side is null and the condition false. The fork flag does not (null is falsy, so `!fork` is true on
 * an issue_comment). Anything GitHub's expression parser (@actions/expressions) refuses, and any `||`, gives
 * false. Pure; never throws.
 */
export function runsOnlyForSameRepository(condition: string, triggers: readonly string[]): boolean {
  // GitHub reads an `if:` holding `${{` as a format() string unless the expression is all of it: a space or a
  // block scalar's line break outside it makes a non-empty string, always true (@actions/workflow-parser).
  const source = condition.includes('${{') ? /^\$\{\{([\s\S]*)\}\}$/.exec(condition)?.[1] : condition;
  if (source === undefined || source.includes('${{')) return false;
  let expression: Expr | undefined;
  try {
    expression = new Parser(new Lexer(source).lex().tokens, CONTEXTS, [...STATUS_FUNCTIONS, HASH_FILES]).parse();
  } catch {
    return false;
  }
  const forkFlagHolds = triggers.length > 0 && triggers.every(t => t === 'pull_request_target');
  return conjuncts(expression).some(operand => sameRepositoryComparison(operand) || (forkFlagHolds && notFork(operand)));
}

/** The operands of a top-level `&&` (through parentheses), or the expression itself. */
function conjuncts(expression: Expr | undefined): Expr[] {
  const inner = ungroup(expression);
  if (inner instanceof Logical && inner.operator.type === TokenType.AND) return inner.args.flatMap(conjuncts);
  return inner ? [inner] : [];
}

function ungroup(expression: Expr | undefined): Expr | undefined {
  return expression instanceof Grouping ? ungroup(expression.group) : expression;
}

function sameRepositoryComparison(operand: Expr): boolean {
  if (!(operand instanceof Binary) || operand.operator.type !== TokenType.EQUAL_EQUAL) return false;
  const left = contextPath(operand.left);
  const right = contextPath(operand.right);
  return (HEAD_REPOSITORY.includes(left ?? '') && THIS_REPOSITORY.includes(right ?? '')) || (HEAD_REPOSITORY.includes(right ?? '') && THIS_REPOSITORY.includes(left ?? ''));
}

function notFork(operand: Expr): boolean {
  if (operand instanceof Unary && operand.operator.type === TokenType.BANG) return contextPath(operand.expr) === HEAD_IS_FORK;
  if (!(operand instanceof Binary)) return false;
  const expected = operand.operator.type === TokenType.EQUAL_EQUAL ? false : operand.operator.type === TokenType.BANG_EQUAL ? true : undefined;
  if (expected === undefined) return false;
  const [path, other] = contextPath(operand.left) === HEAD_IS_FORK ? [HEAD_IS_FORK, ungroup(operand.right)] : [contextPath(operand.right), ungroup(operand.left)];
  return path === HEAD_IS_FORK && other instanceof Literal && other.literal instanceof BooleanData && other.literal.value === expected;
}

/** `github.event.x` or `github['event'].x` as a lower-cased dotted path (contexts and keys are case-insensitive), else undefined. */
function contextPath(expression: Expr | undefined): string | undefined {
  const inner = ungroup(expression);
  if (inner instanceof ContextAccess) return inner.name.lexeme.toLowerCase();
  if (!(inner instanceof IndexAccess)) return undefined;
  const index = ungroup(inner.index);
  const base = contextPath(inner.expr);
  if (base === undefined || !(index instanceof Literal) || !(index.literal instanceof StringData)) return undefined;
  return `${base}.${index.literal.value.toLowerCase()}`;
}
