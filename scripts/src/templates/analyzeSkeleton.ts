import { createRequire } from 'node:module';
import type { Diagnostic } from '../diagnostic.ts';

const require = createRequire(import.meta.url);

// Nunjucks' built-in filters that Nunjitsu keeps, plus the ones Backstage's scaffolder adds.
const FILTERS = new Set(['abs', 'batch', 'capitalize', 'center', 'default', 'd', 'dictsort', 'dump', 'escape', 'e', 'first', 'float', 'forceescape', 'groupby', 'indent', 'int', 'join', 'last', 'length', 'list', 'lower', 'nl2br', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice', 'sort', 'string', 'striptags', 'sum', 'title', 'trim', 'truncate', 'upper', 'urlencode', 'urlize', 'wordcount', 'parseRepoUrl', 'parseEntityRef', 'pick', 'projectSlug']);
const RESERVED = new Set(['constructor', 'prototype', '__proto__']);
const GITHUB_CONTEXTS = new Set(['github', 'secrets', 'env', 'matrix', 'needs', 'inputs', 'vars', 'runner', 'job', 'strategy']);
const UNSUPPORTED = new Set(['Include', 'Import', 'FromImport', 'Extends', 'Block', 'Super']);

export interface SkeletonFile {
  /** Repo-relative path. */
  file: string;
  /** Path inside the skeleton, as fetch:template renders it. */
  relative: string;
  text: string;
}

interface Node {
  typename: string;
  lineno: number;
  colno: number;
  fields?: string[];
  [key: string]: unknown;
}

/**
 * Static analysis of a skeleton with nunjucks' parser (the Jinja grammar Nunjitsu keeps): values the
 * fetch step never passes, unknown filters, constructs Nunjitsu refuses, reserved names, and GitHub
 * expressions in workflow files that Backstage would render to nothing.
 */
/** `files`: the skeleton files fetch:template renders (not those it copies verbatim). */
export function analyzeSkeleton(files: readonly SkeletonFile[], passedValues: ReadonlySet<string>): Diagnostic[] {
  const { parser } = require('nunjucks');
  const found: Diagnostic[] = [];
  for (const file of files) {
    const report = (node: { lineno: number; colno: number }, ruleId: string, message: string, hint: string, severity: Diagnostic['severity'] = 'error') => {
      const line = node.lineno + 1;
      const column = node.colno + 1;
      const key = `${ruleId}|${line}|${column}|${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      found.push({ ruleId, severity, message, hint, file: file.file, range: { start: { line, column }, end: { line, column } } });
    };
    const seen = new Set<string>();
    for (const source of [file.relative, file.text]) {
      let ast: Node;
      try {
        ast = parser.parse(source, [], { tags: { variableStart: '${{', variableEnd: '}}' } });
      } catch (error) {
        const match = /\[Line (\d+), Column (\d+)\]/.exec(String(error));
        report({ lineno: match ? Number(match[1]) - 1 : 0, colno: match ? Number(match[2]) : 0 }, 'skeleton-syntax', `This file does not parse as a template: ${String((error as Error).message).split('\n').pop()?.trim()}`, 'Fix the {% %} or ${{ }} syntax, or list the file under copyWithoutTemplating.');
        continue;
      }
      const guarded = guardedValues(ast);
      walk(ast, node => {
        if (UNSUPPORTED.has(node.typename)) report(node, 'skeleton-unsupported', `{% ${node.typename.toLowerCase()} %} is not supported by Backstage's template engine.`, 'Inline the content; Nunjitsu has no include, import or extends.');
        if (node.typename === 'Filter') {
          const name = (node.name as { value?: string })?.value;
          if (name && !FILTERS.has(name)) report(node, 'skeleton-unknown-filter', `Unknown template filter "${name}".`, `Use one of Backstage's filters (e.g. ${['lower', 'replace', 'dump', 'parseRepoUrl'].join(', ')}).`);
        }
        if (node.typename === 'LookupVal') {
          const target = node.target as Node;
          const property = (node.val as { value?: unknown })?.value;
          if (typeof property === 'string' && RESERVED.has(property)) report(node, 'skeleton-unsafe', `"${property}" is reserved: a template may not reach into JavaScript objects.`, 'Remove it; the render would fail.');
          if (target?.typename === 'Symbol' && target.value === 'values' && typeof property === 'string' && !passedValues.has(property) && !guarded.has(property)) {
            report(node, 'skeleton-unknown-value', `values.${property} is never passed by the fetch:template step, so it renders as nothing (or as "undefined" where the expression builds a string from it).`, 'Pass it in the step\'s input.values, or fix the name.');
          }
        }
        if (node.typename === 'Symbol' && typeof node.value === 'string') {
          if (RESERVED.has(node.value)) report(node, 'skeleton-unsafe', `"${node.value}" is reserved: a template may not reach into JavaScript objects.`, 'Remove it; the render would fail.');
          if (GITHUB_CONTEXTS.has(node.value) && /(^|\/)\.github\/workflows\//.test(file.relative)) {
            report(node, 'skeleton-github-expression', `\${{ ${node.value}.… }} is a GitHub Actions expression, but Backstage renders it first and it comes out empty.`, 'List the workflow under copyWithoutTemplating, or wrap it in {% raw %}…{% endraw %}.');
          }
        }
      });
    }
  }
  return found;
}

/** values.x the skeleton itself tests (`{% if values.x %}`, `… if values.x else …`) or defaults (`values.x | default(…)`): absence is planned for. */
function guardedValues(ast: Node): Set<string> {
  const guarded = new Set<string>();
  const collect = (node: unknown) => walk(node, n => {
    const property = (n.val as { value?: unknown })?.value;
    if (n.typename === 'LookupVal' && (n.target as Node)?.typename === 'Symbol' && (n.target as Node).value === 'values' && typeof property === 'string') guarded.add(property);
  });
  walk(ast, node => {
    if (node.typename === 'If' || node.typename === 'InlineIf') collect(node.cond);
    if (node.typename === 'Filter' && (node.name as { value?: string })?.value === 'default') collect(node.args);
  });
  return guarded;
}

function walk(node: unknown, visit: (node: Node) => void, seen = new Set<unknown>()): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const n = node as Node;
  if (typeof n.typename === 'string') visit(n);
  for (const field of n.fields ?? []) {
    const value = n[field];
    if (Array.isArray(value)) value.forEach(child => walk(child, visit, seen));
    else walk(value, visit, seen);
  }
  if (Array.isArray(n.children)) n.children.forEach(child => walk(child, visit, seen));
}
