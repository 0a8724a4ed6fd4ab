import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { NoOperationTraceWriter, isBasicExpression, isString } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction, type ActionTemplate } from '@actions/workflow-parser/actions/index';
import { runNode, type NodeRun } from './runNode.ts';
import { REPO_ROOT } from './tempRepo.ts';

/**
 * Reads `actions/<name>/action.yml` with GitHub's own action parser (@actions/workflow-parser, the one
 * behind the Actions language service) and returns the converted template and every error it reports
 * (YAML syntax, unknown keys, a `runs.using` GitHub does not know), as `file (Line: n, Col: m): …`.
 */
export function readAction(name: string): { template?: ActionTemplate; errors: string[] } {
  const file = `actions/${name}/action.yml`;
  return parseActionText(file, readFileSync(join(REPO_ROOT, file), 'utf8'));
}

/** {@link readAction} for a text: the converted template (when it parses) and GitHub's parser's errors. */
export function parseActionText(file: string, content: string): { template?: ActionTemplate; errors: string[] } {
  const parsed = parseAction({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map(e => e.message);
  if (errors.length || !parsed.value) return { errors };
  return { template: convertActionTemplate(parsed.context, parsed.value), errors: parsed.context.errors.getErrors().map(e => e.message) };
}

/** Evaluates an input default as the runner does: literals as they are, `${{ … }}` against `github`. */
function inputDefault(token: NonNullable<ActionTemplate['inputs']>[number]['default'], github: Record<string, unknown>): string | undefined {
  if (!token) return undefined;
  if (isString(token)) return token.value;
  if (isBasicExpression(token)) {
    const expr = new Parser(new Lexer(token.expression).lex().tokens, ['github'], []).parse();
    const context = JSON.parse(JSON.stringify({ github }), data.reviver) as data.Dictionary;
    return new Evaluator(expr, context).evaluate().coerceString();
  }
  return String((token as { value?: unknown }).value ?? '');
}

export interface ActionRun extends NodeRun {
  inputs: Record<string, string>;
}

/**
 * Runs a JavaScript action as GitHub's runner does: parses its action.yml, takes each input from the
 * workflow's `with:` or else the input's default (so `${{ github.token }}` becomes `github.token`), passes
 * them as `INPUT_<NAME>` variables (upper case, spaces as `_`) beside `env`, and runs `runs.main` with
 * Node in `cwd`. Throws when action.yml does not parse or `with:` names an input the action lacks
 * (the runner warns "Unexpected input(s)" and the value is lost).
 */
export async function runAction(name: string, options: { with?: Record<string, string>; env?: Record<string, string>; cwd: string; github?: Record<string, unknown> }): Promise<ActionRun> {
  const { template, errors } = readAction(name);
  if (!template) throw new Error(`actions/${name}/action.yml: ${errors.join('; ')}`);
  if (template.runs.using === 'composite' || template.runs.using === 'docker') throw new Error(`actions/${name} is not a JavaScript action`);
  const declared = new Set((template.inputs ?? []).map(i => i.id));
  const unexpected = Object.keys(options.with ?? {}).filter(k => !declared.has(k.toLowerCase()));
  if (unexpected.length) throw new Error(`actions/${name}: unexpected input(s) ${unexpected.join(', ')}`);
  const inputs: Record<string, string> = {};
  for (const input of template.inputs ?? []) {
    const given = Object.entries(options.with ?? {}).find(([k]) => k.toLowerCase() === input.id)?.[1];
    const value = given ?? inputDefault(input.default, options.github ?? { token: 'ghs_default_token' });
    if (value !== undefined) inputs[input.id] = value;
  }
  const env = { ...options.env, ...Object.fromEntries(Object.entries(inputs).map(([id, v]) => [`INPUT_${id.replace(/ /g, '_').toUpperCase()}`, v])) };
  const run = await runNode(join(REPO_ROOT, 'actions', name, template.runs.main), options.cwd, env);
  return { ...run, inputs };
}
