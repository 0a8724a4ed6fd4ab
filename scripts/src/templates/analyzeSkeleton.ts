import { createRequire } from 'node:module';
import type { Diagnostic } from '../diagnostic.ts';
import { isKnownFilter } from './templateFilters.ts';

const require = createRequire(import.meta.url);

const RESERVED = new Set(['constructor', 'prototype', '__proto__']);
const GITHUB_CONTEXTS = new Set(['github', 'secrets', 'env', 'matrix', 'needs', 'inputs', 'vars', 'runner', 'job', 'strategy']);
const UNSUPPORTED = new Set(['Include', 'Import', 'FromImport', 'Extends', 'Block', 'Super']);
/** A value the step passes through an expression: known to exist, not known before the task runs. */
export const RENDERED = Symbol('rendered at run time');

export interface SkeletonFile {
  /** Repo-relative path. */
  file: string;
  /** Path inside the skeleton, as fetch:template renders it. */
  relative: string;
  text: string;
}

/** The fetch:template step that renders a skeleton, as far as the analysis needs it. */
export interface SkeletonStep {
  /** input.values: literals as written, RENDERED for values built from expressions; RENDERED as a whole when one expression builds them all. */
  values: Readonly<Record<string, unknown>> | typeof RENDERED;
  cookiecutterCompat?: boolean;
  /** Who fetches the skeleton (e.g. `templates/x/template.yaml, step fetch`), named in findings about its values. */
  label?: string;
  /**
   * Whether the step's copyWithoutRender lists the file. scaffolder-backend 4.x's fetch:template accepts
   * the key in its schema but reads only copyWithoutTemplating (resolveTemplateActionSettings), so the
   * file is rendered all the same: each finding in it says so.
   */
  listedInCopyWithoutRender?: (relative: string) => boolean;
}

interface Node {
  typename: string;
  lineno: number;
  colno: number;
  fields?: string[];
  [key: string]: unknown;
}

/**
 * Static analysis of a skeleton with nunjucks' parser (the Jinja grammar Nunjitsu keeps), under the
 * delimiters and context name the step's cookiecutterCompat selects: values the step never passes
 * (once per value and file, naming the step; not inside a branch the step's literal values rule out),
 * filters the pinned renderer does not have, constructs Nunjitsu refuses, reserved names, GitHub
 * expressions in workflow files that Backstage would render to nothing, and Cookiecutter's `{{ }}`
 * where the step does not turn cookiecutterCompat on (written out unrendered).
 * `files`: the skeleton files fetch:template renders (not those it copies verbatim).
 */
export function analyzeSkeleton(files: readonly SkeletonFile[], step: SkeletonStep): Diagnostic[] {
  const { parser } = require('nunjucks');
  const compat = Boolean(step.cookiecutterCompat);
  const contextName = compat ? 'cookiecutter' : 'values';
  const by = step.label ? ` by ${step.label}` : ' by the fetch:template step';
  // `values: ${{ parameters }}`: which names exist is known only when the task runs.
  const values = step.values === RENDERED ? undefined : step.values;
  const found: Diagnostic[] = [];
  for (const file of files) {
    const seen = new Set<string>();
    const ignored = step.listedInCopyWithoutRender?.(file.relative) ?? false;
    const unknownValues = new Map<string, { node: Node; uses: number }>();
    const report = (node: { lineno: number; colno: number }, ruleId: string, message: string, hint: string, severity: Diagnostic['severity'] = 'error') => {
      const line = node.lineno + 1;
      const column = node.colno + 1;
      const key = `${ruleId}|${line}|${column}|${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (ignored) hint = `copyWithoutRender lists this file, but this Backstage's fetch:template ignores copyWithoutRender and renders the file: rename the key to copyWithoutTemplating. ${hint}`;
      found.push({ ruleId, severity, message, hint, file: file.file, range: { start: { line, column }, end: { line, column } } });
    };
    for (const source of [file.relative, file.text]) {
      let ast: Node;
      try {
        ast = parser.parse(source, [], { tags: { variableStart: compat ? '{{' : '${{', variableEnd: '}}' } });
      } catch (error) {
        const match = /\[Line (\d+), Column (\d+)\]/.exec(String(error));
        report({ lineno: match ? Number(match[1]) - 1 : 0, colno: match ? Number(match[2]) : 0 }, 'skeleton-syntax', `This file does not parse as a template: ${String((error as Error).message).split('\n').pop()?.trim()}`, 'Fix the {% %} or ${{ }} syntax, or list the file under copyWithoutTemplating.');
        continue;
      }
      const guarded = guardedValues(ast, contextName);
      walk(ast, values ?? {}, contextName, node => {
        if (UNSUPPORTED.has(node.typename)) report(node, 'skeleton-unsupported', `{% ${node.typename.toLowerCase()} %} is not supported by Backstage's template engine.`, 'Inline the content; Nunjitsu has no include, import or extends.');
        if (node.typename === 'Filter') {
          const name = (node.name as { value?: string })?.value;
          if (name && !isKnownFilter(name, compat)) report(node, 'skeleton-unknown-filter', `Unknown template filter "${name}".`, `Use one of Backstage's filters (e.g. ${['lower', 'replace', 'dump', 'parseRepoUrl'].join(', ')}).`);
        }
        if (node.typename === 'LookupVal') {
          const target = node.target as Node;
          const property = (node.val as { value?: unknown })?.value;
          if (typeof property === 'string' && RESERVED.has(property)) report(node, 'skeleton-unsafe', `"${property}" is reserved: a template may not reach into JavaScript objects.`, 'Remove it; the render would fail.');
          if (target?.typename === 'Symbol' && target.value === contextName && typeof property === 'string' && values && !(property in values) && !guarded.has(property)) {
            const entry = unknownValues.get(property);
            if (entry) entry.uses++;
            else unknownValues.set(property, { node, uses: 1 });
          }
        }
        if (node.typename === 'Symbol' && typeof node.value === 'string') {
          if (RESERVED.has(node.value)) report(node, 'skeleton-unsafe', `"${node.value}" is reserved: a template may not reach into JavaScript objects.`, 'Remove it; the render would fail.');
          if (!compat && GITHUB_CONTEXTS.has(node.value) && /(^|\/)\.github\/workflows\//.test(file.relative)) {
            const expression = enclosingExpression(source, node) ?? `\${{ ${node.value}.… }}`;
            report(node, 'skeleton-github-expression', `${expression} is a GitHub Actions expression, but Backstage renders it first and it comes out empty.`, `List the workflow under copyWithoutTemplating, or write it as \${{ '${expression.replace(/'/g, "\\'")}' }} so Backstage renders it to the GitHub expression.`);
          }
        }
      });
    }
    for (const [property, { node, uses }] of unknownValues) {
      const more = uses > 1 ? ` (used ${uses} times in this file)` : '';
      report(node, 'skeleton-unknown-value', `${contextName}.${property} is never passed${by}, so it renders as nothing (or as "undefined" where the expression builds a string from it)${more}.`, "Pass it in the step's input.values, or fix the name.");
    }
    const cookiecutter = compat ? null : /(?<!\$)\{\{\s*cookiecutter\./.exec(file.text);
    if (cookiecutter) {
      const before = file.text.slice(0, cookiecutter.index);
      report({ lineno: before.split('\n').length - 1, colno: cookiecutter.index - (before.lastIndexOf('\n') + 1) }, 'skeleton-cookiecutter-syntax', `{{ cookiecutter.… }} is Cookiecutter syntax, but cookiecutterCompat is not set on the step${step.label ? ` (${step.label})` : ''}, so it is written out unrendered.`, 'Set cookiecutterCompat: true on the fetch:template step, or write ${{ values.… }}.');
    }
  }
  return found;
}

/** The whole `${{ … }}` around a node, from the text it was parsed from. */
function enclosingExpression(source: string, node: { lineno: number; colno: number }): string | undefined {
  const line = source.split('\n')[node.lineno] ?? '';
  const start = line.lastIndexOf('${{', node.colno);
  const end = line.indexOf('}}', node.colno);
  return start >= 0 && end > start ? line.slice(start, end + 2) : undefined;
}

/** values.x the skeleton itself tests (`{% if values.x %}`, `… if values.x else …`) or defaults (`values.x | default(…)`): absence is planned for. */
function guardedValues(ast: Node, contextName: string): Set<string> {
  const guarded = new Set<string>();
  const collect = (node: unknown) => walk(node, {}, contextName, n => {
    const property = (n.val as { value?: unknown })?.value;
    if (n.typename === 'LookupVal' && (n.target as Node)?.typename === 'Symbol' && (n.target as Node).value === contextName && typeof property === 'string') guarded.add(property);
  }, false);
  walk(ast, {}, contextName, node => {
    if (node.typename === 'If' || node.typename === 'InlineIf') collect(node.cond);
    if (node.typename === 'Filter' && (node.name as { value?: string })?.value === 'default') collect(node.args);
  }, false);
  return guarded;
}

/**
 * Visits every node; with `prune`, skips the branch of an if that the step's literal values rule out
 * (`{% if not values.editMode %}` where the step passes `editMode: true`): the render never reaches it.
 */
function walk(node: unknown, values: Readonly<Record<string, unknown>>, contextName: string, visit: (node: Node) => void, prune = true, seen = new Set<unknown>()): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const n = node as Node;
  if (typeof n.typename === 'string') visit(n);
  const condition = prune && (n.typename === 'If' || n.typename === 'InlineIf') ? evaluate(n.cond, values, contextName) : UNKNOWN;
  const settled = condition === UNKNOWN ? undefined : Boolean(condition);
  for (const field of n.fields ?? []) {
    if ((settled === true && field === 'else_') || (settled === false && field === 'body')) continue;
    const value = n[field];
    if (Array.isArray(value)) value.forEach(child => walk(child, values, contextName, visit, prune, seen));
    else walk(value, values, contextName, visit, prune, seen);
  }
  if (Array.isArray(n.children)) n.children.forEach(child => walk(child, values, contextName, visit, prune, seen));
}

/**
 * A condition's value from the step's literal values, or undefined when it depends on anything else:
 * lookups of values, literals, not/and/or, and one ==/!= comparison. A value the step does not pass is
 * undefined, as the render sees it.
 */
function evaluate(node: unknown, values: Readonly<Record<string, unknown>>, contextName: string): unknown {
  const n = node as Node | undefined;
  if (!n) return undefined;
  switch (n.typename) {
    case 'Literal':
      return n.value;
    case 'LookupVal': {
      const target = n.target as Node;
      const property = (n.val as { value?: unknown })?.value;
      if (target?.typename !== 'Symbol' || target.value !== contextName || typeof property !== 'string') return UNKNOWN;
      const value = values[property];
      return value === RENDERED ? UNKNOWN : value;
    }
    case 'Not': {
      const inner = evaluate(n.target, values, contextName);
      return inner === UNKNOWN ? UNKNOWN : !inner;
    }
    case 'And':
    case 'Or': {
      const left = evaluate(n.left, values, contextName);
      const right = evaluate(n.right, values, contextName);
      if (n.typename === 'And') return left !== UNKNOWN && !left ? false : right !== UNKNOWN && !right ? false : left === UNKNOWN || right === UNKNOWN ? UNKNOWN : true;
      return left !== UNKNOWN && left ? true : right !== UNKNOWN && right ? true : left === UNKNOWN || right === UNKNOWN ? UNKNOWN : false;
    }
    case 'Compare': {
      const ops = n.ops as { type: string; expr: unknown }[];
      if (ops.length !== 1) return UNKNOWN;
      const left = evaluate(n.expr, values, contextName);
      const right = evaluate(ops[0].expr, values, contextName);
      if (left === UNKNOWN || right === UNKNOWN || (left !== null && typeof left === 'object') || (right !== null && typeof right === 'object')) return UNKNOWN;
      // Nunjucks compiles == and != to JavaScript's loose comparisons.
      if (ops[0].type === '==') return left == right;
      if (ops[0].type === '!=') return left != right;
      if (ops[0].type === '===') return left === right;
      if (ops[0].type === '!==') return left !== right;
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

const UNKNOWN = Symbol('unknown');
