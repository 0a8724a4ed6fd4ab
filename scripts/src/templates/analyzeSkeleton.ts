import { createRequire } from 'node:module';
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from '../diagnostic.ts';
import { boundedText } from '../report/safeText.ts';
import { declareFilter, isKnownFilter, isKnownTest, methodOnSomeValue, renderText } from './templateFilters.ts';
import type { TemplatingNames } from './scaffolderActions.ts';
import { nunjitsuSourceLimit, templateSyntaxError, type TemplateSyntaxError } from './templateSyntax.ts';
import { callScope, unresolvedCall } from './unresolvedCall.ts';
import { ownTemplateSyntax, rawTagAt } from './workflowOwnSyntax.ts';
import { declaresTemplate } from './templateFiles.ts';
import { lookupPath, mappingAt } from './valuePaths.ts';

const require = createRequire(import.meta.url);

const RESERVED = new Set(['constructor', 'prototype', '__proto__']);
// The names a template's own expressions read (template.yaml), none of which a skeleton's context holds.
const TEMPLATE_CONTEXT = new Set(['parameters', 'steps', 'user', 'secrets', 'environment', 'each']);
const GITHUB_CONTEXTS = new Set(['github', 'secrets', 'env', 'matrix', 'needs', 'inputs', 'vars', 'runner', 'job', 'jobs', 'steps', 'strategy']);
/**
 * What nunjucks' parser accepts and Nunjitsu (the scaffolder's renderer) refuses, by nunjucks node type:
 * the loading tags (`Unsupported template-loading tag`), the async tags its parser does not know
 * (`Unknown template tag "asyncEach"`), and super(), which has no parent template to call. Nunjitsu
 * renders {% block %} as its body, so a block alone is fine.
 */
const UNSUPPORTED = new Map<string, { what: string; hint: string }>([
  ['Include', { what: '{% include %} is a template-loading tag: Nunjitsu refuses it', hint: 'Inline the content; Nunjitsu has no include, import or extends.' }],
  ['Import', { what: '{% import %} is a template-loading tag: Nunjitsu refuses it', hint: 'Inline the macros; Nunjitsu has no include, import or extends.' }],
  ['FromImport', { what: '{% from … import %} is a template-loading tag: Nunjitsu refuses it', hint: 'Inline the macros; Nunjitsu has no include, import or extends.' }],
  ['Extends', { what: '{% extends %} is a template-loading tag: Nunjitsu refuses it', hint: 'Inline the parent template; Nunjitsu has no include, import or extends.' }],
  ['Super', { what: 'super() calls a parent template, which Nunjitsu does not have: the render fails', hint: 'Write the content out in place of super().' }],
  ['IfAsync', { what: '{% ifAsync %} is not a tag Nunjitsu knows: the render fails with Unknown template tag "ifAsync"', hint: 'Use {% if %}.' }],
  ['AsyncEach', { what: '{% asyncEach %} is not a tag Nunjitsu knows: the render fails with Unknown template tag "asyncEach"', hint: 'Use {% for %} … {% endfor %}.' }],
  ['AsyncAll', { what: '{% asyncAll %} is not a tag Nunjitsu knows: the render fails with Unknown template tag "asyncAll"', hint: 'Use {% for %} … {% endfor %}.' }],
]);
/** A value the step passes through an expression: known to exist, not known before the task runs. */
export const RENDERED = Symbol('rendered at run time');

export interface SkeletonFile {
  /** Repo-relative path. */
  file: string;
  /** Path inside the skeleton, as fetch:template lists it (its globby). */
  relative: string;
  /**
   * The path fetch:template renders as the output name, when it is not `relative`: with
   * templateFileExtension, a file it renders loses the extension first (templateActionHandler).
   */
  name?: string;
  /** The content, when fetch:template renders it; absent for a file it copies as it is (its name is rendered all the same). */
  text?: string;
  /** False for fetch:template:file's one file, whose name the action never renders (its targetPath is the step's). */
  nameRendered?: boolean;
  /** For a rendered file too large to read (sourceTooLarge): Nunjitsu's refusal, said in place of its content's findings. */
  unread?: TemplateSyntaxError;
}

/** The fetch:template step that renders a skeleton, as far as the analysis needs it. */
export interface SkeletonStep {
  /**
   * input.values: literals as written, RENDERED for values built from expressions (a mapping written out
   * literally stays a mapping, RENDERED where an expression builds one of its values); RENDERED as a whole
   * when one expression builds them all.
   */
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
  /** The filters and globals the managed Backstage adds to fetch:template's renderer (templateExtensionNames). */
  extensions?: TemplatingNames;
  /** The repo path of the template file whose step fetches the skeleton (it may lie in it: a template that copies its own folder). */
  templateFile?: string;
}

interface Node {
  typename: string;
  lineno: number;
  colno: number;
  fields?: string[];
  [key: string]: unknown;
}

/** What opens a tag, an expression or a comment in either of fetch:template's syntaxes ({{ in cookiecutterCompat). */
const TEMPLATE_OPENING = /\{[{%#]/;

/**
 * Static analysis of a skeleton with nunjucks' parser (the Jinja grammar Nunjitsu keeps), under the
 * delimiters and context name the step's cookiecutterCompat selects: values the step never passes
 * (once per value and file, naming the step; not inside a branch the step's literal values rule out), and
 * keys a mapping the step writes out literally does not have (values.a.c where values.a is {a: …, b: …}),
 * filters and tests the pinned renderer does not have, calls it cannot make (unresolvedCall: unknown
 * functions, Math.max, loop.cycle, methods no value has, caller() outside a {% call %} macro, a printed
 * joiner()), constructs Nunjitsu refuses, reserved names, GitHub
 * expressions on the code lines of workflow files (Backstage renders them first: to nothing, NaN or a
 * failure, as the renderer says; those in a `#` comment are harmless), Cookiecutter's `{{ }}` where the
 * step does not turn cookiecutterCompat on (written out unrendered), and `values.x` where it does (the
 * step's values are then under `cookiecutter` only). A file (or file name) that does not parse is one
 * finding with the reason, line and column of Nunjitsu, the renderer fetch:template runs (an unclosed
 * raw, verbatim or comment included, which nunjucks' parser lets through).
 * `files`: every skeleton file, with the text of those whose content fetch:template renders (only the
 * name of one it copies as it is: copyWithoutTemplating, outside templateFileExtension, binary); `step` the
 * fetch step's settings. Returns the findings on the skeleton's files; never throws.
 */
export function analyzeSkeleton(files: readonly SkeletonFile[], step: SkeletonStep): Diagnostic[] {
  const { parser } = require('nunjucks');
  const compat = Boolean(step.cookiecutterCompat);
  const contextName = compat ? 'cookiecutter' : 'values';
  const by = step.label ? ` by ${step.label}` : ' by the fetch:template step';
  // `values: ${{ parameters }}`: which names exist is known only when the task runs.
  const values = step.values === RENDERED ? undefined : step.values;
  const found: Diagnostic[] = [];
  // Folders judged already: one that does not parse is said once, at the first file in it.
  const foldersJudged = new Set<string>();
  for (const file of files) {
    const seen = new Set<string>();
    const ignored = step.listedInCopyWithoutRender?.(file.relative) ?? false;
    // `called`: some use is called (values.x()), which fails the render; `viaGet`: every use is cookiecutter.get('x').
    const unknownValues = new Map<string, { node: Node; uses: number; called: boolean; viaGet: boolean }>();
    // values.a.b where the step writes values.a out as a mapping without b (keyed by the path, \0 between keys).
    const unknownKeys = new Map<string, { node: Node; path: string[]; keys: string[]; uses: number }>();
    const compatValues = new Map<string, { node: Node; uses: number }>();
    // template.yaml's names (parameters.x, user.entity…) used in the skeleton, whose context is values alone.
    const misplaced = new Map<string, { node: Node; shown: string; uses: number }>();
    // The template's own file, when it fetches its own folder, is copied along, not meant to be rendered; a
    // template the skeleton carries (a template of templates) keeps its expressions only when escaped.
    const ownFile = file.file === step.templateFile;
    const carriesTemplate = /\.ya?ml$/.test(file.relative) && file.text !== undefined && declaresTemplate(file.text);
    // A workflow's GitHub expressions share one cause and one fix (copyWithoutTemplating): said once, at the first.
    const githubExpressions: { node: Node; shown: string; outcome: string }[] = [];
    // Where the workflow renders something on purpose ($values, an escaped expression, a tag): then
    // copyWithoutTemplating is no fix, as it would copy that unrendered too.
    const workflow = /(^|\/)\.github\/workflows\//.test(file.relative);
    const rawTag = workflow && file.text !== undefined ? rawTagAt(file.text) : undefined;
    let ownSyntax: { lineno: number; colno: number } | undefined;
    let ownSyntaxChecks = 0;
    // Nodes of the file's name: a finding there is about the name, not a place in the file's text.
    const inName = new WeakSet<object>();
    // A lookup's own position is its `.` (or `[`): a finding about the name looked up points at the name,
    // as template.yaml's and the other skeleton findings point at what is wrong, not the character before.
    const nameOf = (node: Node): { lineno: number; colno: number } => {
      const val = node.val as { lineno?: unknown; colno?: unknown } | undefined;
      return !inName.has(node) && node.typename === 'LookupVal' && typeof val?.lineno === 'number' && typeof val.colno === 'number' ? { lineno: val.lineno, colno: val.colno } : (node as { lineno: number; colno: number });
    };
    const report = (node: { lineno: number; colno: number }, ruleId: string, message: string, hint: string, severity: Diagnostic['severity'] = 'error') => {
      if (inName.has(node)) {
        message = `In this file's name: ${message}`;
        node = { lineno: 0, colno: 0 };
      }
      const line = node.lineno + 1;
      const column = node.colno + 1;
      const key = `${ruleId}|${line}|${column}|${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (ignored) hint = `copyWithoutRender lists this file, but this Backstage's fetch:template ignores copyWithoutRender and renders the file: rename the key to copyWithoutTemplating. ${hint}`;
      // Messages quote the skeleton (expressions, names, the parser's words): a hostile file's are cut here, once.
      found.push({ ruleId, severity, message: bounded(message), hint: bounded(hint), file: file.file, range: { start: { line, column }, end: { line, column } } });
    };
    // Under cookiecutterCompat `values` is undefined too, which skeleton-unknown-value already says.
    const environment = { renderer: compat ? 'cookiecutter' : 'skeleton', contextNames: new Set(compat ? ['cookiecutter', 'values'] : ['values']), extensions: step.extensions } as const;
    const tags = { variableStart: compat ? '{{' : '${{', variableEnd: '}}' };
    const open = compat ? '{{' : '${{';
    // fetch:template renders every entry's path (renderFilename is always on, templateFileExtension or
    // not), and the content only of the files it does not copy as they are.
    const sources = [...(file.nameRendered === false ? [] : [{ source: file.name ?? file.relative, isName: true }]), ...(file.text === undefined ? [] : [{ source: file.text, isName: false }])];
    if (file.unread) report({ lineno: 0, colno: 0 }, 'skeleton-syntax', `This file does not parse as a template: ${file.unread.reason}`, OVER_LIMIT_HINT);
    for (const { source, isName } of sources) {
      // A text with none of the renderer's openings ({{ and so ${{, {%, {#) is one text node to Nunjitsu and to
      // nunjucks' parser alike, so there is nothing to parse or explain; only its length can fail the render,
      // past Nunjitsu's size limit, which the scan below says. A skeleton's package-lock.json or vendored
      // sources (megabytes) were lexed twice for nothing.
      if (!TEMPLATE_OPENING.test(source) && source.length <= (nunjitsuSourceLimit() ?? Number.POSITIVE_INFINITY)) continue;
      // Whether it parses is the renderer's to say (Nunjitsu, as fetch:template creates it): nunjucks' parser,
      // which the analysis below reads, accepts some texts Nunjitsu refuses (an unclosed raw) and the reverse.
      const refused = templateSyntaxError(source, { cookiecutterCompat: compat });
      // Past one of Nunjitsu's limits (its size, its tags) there is nothing for nunjucks' parser to explain, and
      // on a file of tens of megabytes it ran for minutes and built an AST past a Set's 2^24 entries (a crash).
      const overLimit = refused !== undefined && LIMIT_REASON.test(refused.reason);
      let ast: Node | undefined;
      try {
        ast = overLimit ? undefined : parser.parse(source, [], { tags });
      } catch {
        ast = undefined;
      }
      // A tag or name Nunjitsu refuses that nunjucks parses (include, asyncEach, constructor…) has its own finding below.
      // fetch:template lists each folder as an entry of its own (`docs/`, before the files in it) and renders
      // that path alone: a tag that spans a / parses in the file's whole path and fails the task at its folder.
      const folder = isName && !refused ? unparsedFolder(file.relative, compat, foldersJudged) : undefined;
      if (folder) {
        report({ lineno: 0, colno: 0 }, 'skeleton-syntax', `The folder ${boundedText(folder.path, 120)} in this file's path does not parse as a template on its own: fetch:template renders each folder's path by itself, before the files in it, so a tag that spans a / fails the render (${folder.reason}).`, `Close each tag within one folder or file name (${open} … }} and {% if %}…{% endif %} inside a segment, as in {% if values.x %}docs{% endif %}/index.md).`);
        continue;
      }
      if (refused && !(ast && explainsRefusal(ast))) {
        // A file name is rendered too: its error is about the name, not a place in the file.
        if (isName) report({ lineno: 0, colno: 0 }, 'skeleton-syntax', `This file's name does not parse as a template: ${refused.reason}`, `Fix the {% %} or ${open} }} syntax in the file name.`);
        else {
          const unclosed = unclosedExpression(source, refused.line, refused.column, open);
          // The same for a block tag: `{% for x in y %` reads on to the next `%}`, lines later.
          const unclosedTag = unclosed ? undefined : unclosedExpression(source, refused.line, refused.column, '{%', '%}');
          // `${{{values.x}}`: the renderer reads the third { as the start of an object literal ({key: value}), and
          // says only 'Expected :' somewhere after it.
          const tripled = unclosed || unclosedTag ? undefined : tripledBrace(source, refused.line, refused.column, open);
          // Said where the expression opens, where the fix goes (a fresh user read the renderer's column, further on, as
          // a wrong position); the message names where the renderer stopped, as an unclosed expression's does.
          if (tripled) report(tripled, 'skeleton-syntax', `This file does not parse as a template: this ${open}{ opens an expression that starts with {, which the renderer reads as an object literal ({key: value}), so it stops at column ${refused.column} (${refused.reason}).`, `Write the expression with two braces (${open} values.x }}); a literal { before the value goes before the $ ({${open} values.x }}).`);
          else if (unclosed) report(unclosed, 'skeleton-syntax', `This file does not parse as a template: the ${open} here is never closed with }}, so the parser reads on as one expression until line ${refused.line}, column ${refused.column} (${refused.reason}).`, `Close it with }} (write ${open} … }}); if the text is not meant as an expression, wrap it in {% raw %}…{% endraw %} or list the file under copyWithoutTemplating.`);
          else if (unclosedTag) report(unclosedTag, 'skeleton-syntax', `This file does not parse as a template: the {% here is never closed with %}, so the parser reads on as one tag until line ${refused.line}, column ${refused.column} (${refused.reason}).`, 'Close the tag with %} (write {% … %}); if the text is not meant as a tag, wrap it in {% raw %}…{% endraw %} or list the file under copyWithoutTemplating.');
          // Past a limit (its size, its tags) the syntax may be fine: the way out is not to render it.
          else if (overLimit) report({ lineno: refused.line - 1, colno: refused.column - 1 }, 'skeleton-syntax', `This file does not parse as a template: ${refused.reason}`, OVER_LIMIT_HINT);
          else report({ lineno: refused.line - 1, colno: refused.column - 1 }, 'skeleton-syntax', `This file does not parse as a template: ${refused.reason}`, `Fix the {% %}, {# #} or ${open} }} syntax there. Text another language writes with those characters (a \`#}\` or \`{%\` of its own) goes inside {% raw %}…{% endraw %}, so the rest of the file still renders; copyWithoutTemplating would copy the whole file unrendered.`);
        }
        continue;
      }
      // Nunjitsu reads it, nunjucks' parser cannot: nothing more to say of it.
      if (!ast) continue;
      if (isName) walk(ast, {}, contextName, node => inName.add(node), false);
      const guarded = guardedUses(ast, contextName);
      const definesValues = compat && definesName(ast, 'values');
      const scope = callScope(ast, environment.contextNames);
      // The calls a `${{ … }}` prints as a whole (its result must be text).
      const printed = new Set<unknown>();
      // What is called (`cookiecutter.get('x')`): under cookiecutterCompat a dict's Python methods (get, items,
      // keys…, as the renderer allows them) are no value the step has to pass.
      const called = new Set<unknown>();
      // cookiecutter.get('x') with no default: the renderer's dict get gives undefined for a key not passed.
      const gets: { call: Node; key: string }[] = [];
      walk(ast, {}, contextName, node => void (node.typename === 'FunCall' && called.add(node.name)), false);
      walk(ast, values ?? {}, contextName, node => {
        // nunjucks' parser reads super() as a call; only its compiler turns it into a Super node.
        const isSuper = node.typename === 'FunCall' && (node.name as Node)?.typename === 'Symbol' && (node.name as Node).value === 'super';
        const unsupported = UNSUPPORTED.get(isSuper ? 'Super' : node.typename);
        if (unsupported) report(isSuper ? (node.name as Node) : node, 'skeleton-unsupported', `${unsupported.what}.`, unsupported.hint);
        if (node.typename === 'Filter') {
          const name = (node.name as { value?: string })?.value;
          if (name && !isKnownFilter(name, compat, step.extensions)) report(node, 'skeleton-unknown-filter', `Unknown template filter "${boundedText(name, 80)}".`, `Use one of Backstage's filters (e.g. ${['lower', 'replace', 'dump', 'parseRepoUrl'].join(', ')}). ${declareFilter(name)}`);
        }
        if (node.typename === 'Is') {
          const test = node.right as Node | undefined;
          const name = test?.typename === 'Symbol' ? test.value : test?.typename === 'FunCall' && (test.name as Node)?.typename === 'Symbol' ? (test.name as Node).value : undefined;
          if (test && typeof name === 'string' && !isKnownTest(name, compat)) report(test.typename === 'FunCall' ? (test.name as Node) : test, 'skeleton-unknown-test', `Unknown template test "${name}": the render of this file fails here.`, "Use one of the renderer's tests (defined, undefined, none, string, number, odd, even, divisibleby, eq, lt, gt…), or compare with ==, < or in.");
        }
        if (node.typename === 'Output') (node.children as unknown[] | undefined)?.forEach(child => printed.add(child));
        if (node.typename === 'FunCall') {
          const name = node.name as Node | undefined;
          const args = ((node.args as Node | undefined)?.children ?? []) as Node[];
          if (compat && name?.typename === 'LookupVal' && (name.target as Node)?.typename === 'Symbol' && (name.target as Node).value === contextName && (name.val as Node)?.value === 'get' && args.length === 1 && args[0]?.typename === 'Literal' && typeof args[0].value === 'string') gets.push({ call: name, key: args[0].value });
          const call = unresolvedCall(node, scope, environment, printed.has(node));
          if (call) report(call.at, 'skeleton-unknown-function', `${call.message} The render of this file fails here.`, call.hint);
        }
        if (node.typename === 'LookupVal') {
          const target = node.target as Node;
          const property = (node.val as { value?: unknown })?.value;
          if (typeof property === 'string' && RESERVED.has(property)) report(nameOf(node), 'skeleton-unsafe', `"${property}" is reserved: a template may not reach into JavaScript objects.`, 'Remove it; the render would fail.');
          // A use in a comment line (`# annotation: '${{ values.x }}'` kept for later) renders as nothing where
          // nothing reads it, as skeleton-unrendered-braces and skeleton-github-expression already take it.
          const commented = () => !isName && HASH_COMMENT_FILE.test(file.relative) && inLineComment(source, node as { lineno: number; colno: number });
          const dictMethod = () => compat && called.has(node) && methodOnSomeValue(property as string, true, ['record']);
          if (target?.typename === 'Symbol' && target.value === contextName && typeof property === 'string' && values && !(property in values) && !guarded.has(node) && !commented() && !dictMethod()) {
            const entry = unknownValues.get(property);
            if (entry) {
              entry.uses++;
              entry.called ||= called.has(node);
              entry.viaGet = false;
            } else unknownValues.set(property, { node, uses: 1, called: called.has(node), viaGet: false });
          }
          // A key of a mapping the step writes out literally: its keys are all there is (a call, values.a.get('b'),
          // is a method's, not a key's).
          const path = target?.typename === 'LookupVal' && values ? lookupPath(node, contextName) : undefined;
          const mapping = path && path.length > 1 ? mappingAt(values!, path.slice(0, -1)) : undefined;
          if (path && mapping && !Object.hasOwn(mapping, path[path.length - 1]) && !RESERVED.has(path[path.length - 1]) && !called.has(node) && !guarded.has(node) && !commented()) {
            const entry = unknownKeys.get(path.join('\0'));
            if (entry) entry.uses++;
            else unknownKeys.set(path.join('\0'), { node, path, keys: Object.keys(mapping), uses: 1 });
          }
          // fetch:template renders a skeleton with { values } (or { cookiecutter }) alone: template.yaml's own
          // names are undefined here (a workflow's secrets.X is GitHub's, said by skeleton-github-expression).
          const own = target?.typename === 'Symbol' && typeof target.value === 'string' ? target.value : undefined;
          if (own !== undefined && !ownFile && TEMPLATE_CONTEXT.has(own) && own !== contextName && !scope.bound.has(own) && !(step.extensions?.globals ?? []).includes(own) && !(workflow && GITHUB_CONTEXTS.has(own)) && !commented()) {
            const entry = misplaced.get(own);
            if (entry) entry.uses++;
            else misplaced.set(own, { node: target, shown: typeof property === 'string' ? `${own}.${boundedText(property, 60)}` : own, uses: 1 });
          }
          // fetch:template's context is { cookiecutter: values } under cookiecutterCompat: values is undefined.
          if (compat && !definesValues && target?.typename === 'Symbol' && target.value === 'values' && typeof property === 'string') {
            const entry = compatValues.get(property);
            if (entry) entry.uses++;
            else compatValues.set(property, { node: inName.has(node) ? node : target, uses: 1 });
          }
        }
        if (workflow && !isName && !ownSyntax && ownSyntaxChecks < 200) {
          const own = ownTemplateSyntax(node, contextName);
          if (own) {
            ownSyntaxChecks++;
            if (!inLineComment(source, own)) ownSyntax = own;
          }
        }
        if (node.typename === 'Symbol' && typeof node.value === 'string') {
          if (RESERVED.has(node.value)) report(node, 'skeleton-unsafe', `"${node.value}" is reserved: a template may not reach into JavaScript objects.`, 'Remove it; the render would fail.');
          if (workflow && GITHUB_CONTEXTS.has(node.value) && !inLineComment(source, node)) {
            const expression = enclosingExpression(source, node);
            // Under cookiecutterCompat the renderer reads `{{ … }}` and leaves the `$` before it as text: the
            // `${{ secrets.X }}` GitHub reads becomes `$` (a `{{ github.x }}` without `$` is no GitHub syntax).
            if (!compat || expression) {
              // The expression is the PR's: a 300 KB one is named by its start.
              const shown = boundedText(expression ?? `\${{ ${node.value}.… }}`);
              const outcome = expression ? renderedOutcome(expression) : 'comes out empty';
              githubExpressions.push({ node, shown, outcome: compat ? afterDollar(outcome) : outcome });
            }
          }
        }
      });
      // get('x') is the dict's own method (a value named get would shadow it: then it is that value's call).
      for (const { call, key } of gets) {
        if (!values || key in values || 'get' in values || guarded.has(call)) continue;
        if (!isName && HASH_COMMENT_FILE.test(file.relative) && inLineComment(source, call as { lineno: number; colno: number })) continue;
        const entry = unknownValues.get(key);
        if (entry) entry.uses++;
        else unknownValues.set(key, { node: call, uses: 1, called: false, viaGet: true });
      }
    }
    if (githubExpressions.length > 0) {
      const [{ node, shown, outcome }] = githubExpressions;
      const lines = [...new Set(githubExpressions.slice(1).map(e => e.node.lineno + 1))];
      const count = githubExpressions.length - 1;
      const more = lines.length ? ` Backstage renders the ${count} other GitHub Actions expression${count === 1 ? '' : 's'} of this file too (line${lines.length === 1 ? '' : 's'} ${lines.slice(0, 12).join(', ')}${lines.length > 12 ? ', …' : ''}).` : '';
      const own = [ownSyntax, rawTag].filter(at => at !== undefined).sort((a, b) => a.lineno - b.lineno || a.colno - b.colno)[0];
      const escaped = `\${{ '${shown.replace(/'/g, "\\'")}' }}`;
      // With cookiecutterCompat, `{% raw %}` keeps the whole expression: the `$` is plain text either way.
      const kept = compat ? `{% raw %}${shown}{% endraw %}` : escaped;
      const how = compat ? ' (its fetch:template step sets cookiecutterCompat, so the renderer reads the {{ … }} after the $)' : '';
      report(node, 'skeleton-github-expression', `${shown} is a GitHub Actions expression, but Backstage renders it first${how} and it ${outcome}.${more}`, own
        ? `Write each as ${kept} so Backstage renders it to the GitHub expression. Listing the workflow under copyWithoutTemplating is no fix here: it would also copy the file's own template syntax (line ${own.lineno + 1}) unrendered, which GitHub Actions cannot read.`
        : `List the workflow under copyWithoutTemplating (it is then copied as it is); or write each as ${kept} so Backstage renders it to the GitHub expression.`);
    }
    for (const [property, { node, uses, called, viaGet }] of unknownValues) {
      const more = uses > 1 ? ` (used ${uses} times in this file)` : '';
      // The same tolerance as template-unknown-parameter's: a misspelt value names the one the step passes.
      const passed = Object.keys(values ?? {});
      const near = passed.length ? closest(property, passed) : undefined;
      // A value called as a method: the name meant is a method, not another value to call.
      const meant = !called && near && distance(property, near) <= Math.max(2, Math.floor(property.length / 3)) ? near : undefined;
      const shown = viaGet ? `${contextName}.get(${JSON.stringify(boundedText(property))})` : `${contextName}.${boundedText(property)}`;
      const meantShown = meant ? (viaGet ? `${contextName}.get(${JSON.stringify(boundedText(meant))})` : `${contextName}.${boundedText(meant)}`) : undefined;
      // Calling what is not there stops the render: Nunjitsu's 'Template value "values.x" resolved to undefined and cannot be called'.
      const outcome = called
        ? `so calling it fails the render of this file ("resolved to undefined and cannot be called")${compat ? '; nor is it one of the Python dict methods the renderer gives cookiecutter' : ''}`
        : viaGet
          ? `so, with no default as its second argument, it renders as nothing`
          : 'so it renders as nothing (or as "undefined" where the expression builds a string from it)';
      const subject = viaGet ? `${shown} reads ${boundedText(property)}, which is` : `${shown} is`;
      // A folder or file name that is this expression alone renders empty: fetch:template leaves the file out
      // (an empty name makes the path `src//App.java` or `/App.java`, which its handler skips; an empty last
      // name is the folder already written, skipped as existing).
      const leftOut = inName.has(node) && !called && wholeSegment(file.name ?? file.relative, open, contextName, property);
      report(nameOf(node), 'skeleton-unknown-value', `${subject} never passed${by}, ${leftOut ? 'so this part of the path renders empty and fetch:template leaves the file out of the new repository' : outcome}${more}.${meantShown ? ` Did you mean ${meantShown}?` : ''}`, meantShown ? `Write ${meantShown}, which the step passes; or pass ${boundedText(property)} in the step's input.values.` : viaGet ? `Pass it in the step's input.values, fix the name, or give a default: ${contextName}.get(${JSON.stringify(boundedText(property))}, '…').` : "Pass it in the step's input.values, or fix the name.");
    }
    for (const { node, path, keys, uses } of unknownKeys.values()) {
      const more = uses > 1 ? ` (used ${uses} times in this file)` : '';
      const key = path[path.length - 1];
      const parent = `${contextName}.${path.slice(0, -1).map(k => boundedText(k, 60)).join('.')}`;
      const near = keys.length ? closest(key, keys) : undefined;
      const meant = near && distance(key, near) <= Math.max(2, Math.floor(key.length / 3)) ? `${parent}.${boundedText(near, 60)}` : undefined;
      report(nameOf(node), 'skeleton-unknown-value', `${parent}.${boundedText(key, 60)} is never passed${by}: the step writes ${parent} out as a mapping without the key ${boundedText(key, 60)}, so it renders as nothing (or as "undefined" where the expression builds a string from it)${more}.${meant ? ` Did you mean ${meant}?` : ''}`, meant ? `Write ${meant}, which the step passes; or add ${boundedText(key, 60)} to ${parent} in the step's input.values.` : `Add ${boundedText(key, 60)} to ${parent} in the step's input.values, or fix the name.`);
    }
    for (const [name, { node, shown, uses }] of misplaced) {
      const more = uses > 1 ? ` (${name} is used ${uses} times in this file)` : '';
      const open = compat ? '{{' : '${{';
      const hint = name === 'secrets'
        ? 'A skeleton cannot read the task\'s secrets, and should not write one into a repository: use the secret in the step that needs it (publish, a webhook), not in the skeleton.'
        : carriesTemplate
          ? `This file is a template the new repository gets: write the expression as \${{ '\${{ ${shown} }}' }} (or list the file under copyWithoutTemplating) so that it is copied, not rendered now.`
          : `Pass it in the step's input.values (for example x: \${{ ${shown} }}) and write ${open} ${contextName}.x }} here.`;
      report(node, 'skeleton-unknown-value', `${shown} renders as nothing: fetch:template renders a skeleton with ${contextName} alone${step.label ? ` (${step.label})` : ''}, so template.yaml's ${name} is undefined here${more}.`, hint);
    }
    for (const [property, { node, uses }] of compatValues) {
      const more = uses > 1 ? ` (used ${uses} times in this file)` : '';
      report(node, 'skeleton-unknown-value', `values.${property} renders as nothing: with cookiecutterCompat the step's values${step.label ? ` (${step.label})` : ''} are under cookiecutter, and values is undefined${more}.`, `Write {{ cookiecutter.${property} }}.`);
    }
    // The first use outside a comment line (the Backstage docs' TechDocs workflow carries one in a comment).
    const hashComments = HASH_COMMENT_FILE.test(file.relative);
    const cookiecutter = compat
      ? undefined
      : [...(file.text ?? '').matchAll(/(?<!\$)\{\{\s*cookiecutter\./g)].map(match => {
          const before = (file.text ?? '').slice(0, match.index);
          return { lineno: before.split('\n').length - 1, colno: match.index - (before.lastIndexOf('\n') + 1) };
        }).find(at => !(hashComments && inLineComment(file.text ?? '', at)));
    if (cookiecutter) {
      report(cookiecutter, 'skeleton-cookiecutter-syntax', `{{ cookiecutter.… }} is Cookiecutter syntax, but cookiecutterCompat is not set on the step${step.label ? ` (${step.label})` : ''}, so it is written out unrendered.`, 'Set cookiecutterCompat: true on the fetch:template step, or write ${{ values.… }}.');
    }
    // `{{ values.x }}` with the $ left out: fetch:template's variables are `${{ … }}` (without
    // cookiecutterCompat), so Nunjitsu sees plain text and the file gets the braces as written.
    // Each is said at its place (fixing the first must not reveal the next); past MAX_BRACES_SAID in one file
    // the last one said lists the lines of the rest.
    const allBraces = compat || file.text === undefined ? [] : literalBraces(file.text).filter(at => !(hashComments && inLineComment(file.text ?? '', at)));
    for (const [index, braces] of allBraces.slice(0, MAX_BRACES_SAID).entries()) {
      const rest = index === MAX_BRACES_SAID - 1 ? allBraces.slice(MAX_BRACES_SAID) : [];
      const lines = [...new Set(rest.map(at => at.lineno + 1))];
      const more = rest.length ? ` This file has ${rest.length} more such expression${rest.length === 1 ? '' : 's'} (line${lines.length === 1 ? '' : 's'} ${lines.slice(0, 12).join(', ')}${lines.length > 12 ? ', …' : ''}).` : '';
      report(braces, 'skeleton-unrendered-braces', `${braces.text} has no $ before its braces: the scaffolder's expressions are \${{ … }}${step.label ? ` (${step.label} does not set cookiecutterCompat)` : ''}, so it is written out as is.${more}`, bracesHint(braces.inside, values));
    }
  }
  return found;
}

// The start of a `for … in` iterable or a `set … =` value the scaffolder can evaluate: its values, or a literal.
const RENDERED_HERE = /^\s*(?:values\b|[[('"\d{-]|range\s*\()/;

/**
 * skeleton-unrendered-braces' hint for `{{ inside }}`: the `${{ … }}` to write only when it names a value the
 * step passes (`values`, undefined when only the task knows them), or one close to it (the same tolerance
 * as skeleton-unknown-value's did-you-mean); otherwise the values the step does pass, as writing the
 * name as it is would only trade this finding for skeleton-unknown-value. Pure.
 */
function bracesHint(inside: string, values: Readonly<Record<string, unknown>> | undefined): string {
  const raw = 'to keep the braces on purpose, wrap them in {% raw %}…{% endraw %}.';
  const named = /^values\s*\.\s*([A-Za-z_]\w*)/.exec(inside);
  if (!named || !values || Object.hasOwn(values, named[1])) return `Write \${{ ${inside} }}; ${raw}`;
  const passed = Object.keys(values);
  const near = passed.length ? closest(named[1], passed) : undefined;
  if (near && distance(named[1], near) <= Math.max(2, Math.floor(named[1].length / 3))) {
    return `Write \${{ values.${boundedText(near, 60)}${inside.slice(named[0].length)} }}: the step passes ${boundedText(near, 60)}, not ${named[1]}; ${raw}`;
  }
  const shown = passed.slice(0, 12).map(name => boundedText(name, 60)).join(', ') + (passed.length > 12 ? ', …' : '');
  return `Write \${{ values.… }} with a value the step passes (${passed.length ? shown : 'it passes none'}): ${named[1]} is not one of them, so pass it in the step's input.values first; ${raw}`;
}

/** How many skeleton-unrendered-braces one file gets, each at its place; the last one counts the rest. */
const MAX_BRACES_SAID = 20;

/**
 * Where the parser's refusal really comes from when an expression is left open (`${{ values.name }` on
 * line 3): Nunjitsu reads on as one expression and refuses the first character that cannot be in one,
 * often lines later (`;` on line 8); the same for a block tag (`{% for x in y %`, closed by `%}`). Takes the
 * source, the refusal's 1-based line and column and the opening and closing delimiters; returns the 0-based position of the first opening before the refusal whose next `}}`
 * comes after another opening (or never), on a line before the refusal's, or undefined (the refusal is
 * then where it says).
 */
function unclosedExpression(source: string, line: number, column: number, open: string, close = '}}'): { lineno: number; colno: number } | undefined {
  const lines = source.split('\n');
  if (line < 1 || line > lines.length) return undefined;
  let offset = column - 1;
  for (let n = 0; n < line - 1; n++) offset += lines[n].length + 1;
  for (let start = source.indexOf(open); start !== -1 && start < offset; start = source.indexOf(open, start + open.length)) {
    const end = source.indexOf(close, start + open.length);
    const next = source.indexOf(open, start + open.length);
    if (end !== -1 && (next === -1 || end < next)) continue;
    const before = source.slice(0, start);
    const lineno = before.split('\n').length - 1;
    // On the refusal's own line the parser's position already points at the expression.
    return lineno < line - 1 ? { lineno, colno: start - (before.lastIndexOf('\n') + 1) } : undefined;
  }
  return undefined;
}

/**
 * Where, on the line of a parse refusal at or before its column, an expression opens with a third brace
 * (`${{{`), as 0-based line and column; undefined when it does not.
 */
function tripledBrace(source: string, line: number, column: number, open: string): { lineno: number; colno: number } | undefined {
  const text = source.split('\n', line)[line - 1];
  if (text === undefined) return undefined;
  const at = text.lastIndexOf(`${open}{`, column - 1);
  return at === -1 ? undefined : { lineno: line - 1, colno: at };
}

// A finding's message or hint, at most this long: enough for any real expression, never a whole hostile line.
const MAX_TEXT = 600;

function bounded(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The whole `${{ … }}` around a node, from the text it was parsed from. */
function enclosingExpression(source: string, node: { lineno: number; colno: number }): string | undefined {
  const line = source.split('\n')[node.lineno] ?? '';
  const start = line.lastIndexOf('${{', node.colno);
  const end = line.indexOf('}}', node.colno);
  return start >= 0 && end > start ? line.slice(start, end + 2) : undefined;
}

/**
 * The uses of values.x where the skeleton plans for its absence, so that it never renders as nothing
 * there: inside the condition of an if (`{% if values.x %}`, `… if values.x else …`) and anywhere under an
 * if whose condition names it (either branch: `not` inverts which one has it); the operand of a test
 * (`values.x is defined`, `not values.x`); the left of `or` (`values.x or 8080`); the value a `default` or
 * `d` filter is given. A use anywhere else in the same file is not covered by these.
 */
function guardedUses(ast: Node, contextName: string): Set<Node> {
  const guarded = new Set<Node>();
  // A value's name, or a path into a mapping value (values.a.b: `a\0b`), which a guard covers as a whole.
  const property = (n: Node) => ((n.target as Node)?.typename === 'Symbol' && (n.target as Node).value === contextName ? (n.val as { value?: unknown })?.value : lookupPath(n, contextName)?.join('\0'));
  // Every use of the context in `node`, marked guarded; returns their names.
  const mark = (node: unknown): Set<string> => {
    const names = new Set<string>();
    walk(node, {}, contextName, n => {
      const name = n.typename === 'LookupVal' ? property(n) : undefined;
      if (typeof name !== 'string') return;
      guarded.add(n);
      names.add(name);
    }, false);
    return names;
  };
  const visit = (node: unknown, names: ReadonlySet<string>, seen: Set<unknown>, depth = 0): void => {
    if (!node || typeof node !== 'object' || seen.has(node) || depth > MAX_TREE_DEPTH) return;
    seen.add(node);
    const n = node as Node;
    const name = n.typename === 'LookupVal' ? property(n) : undefined;
    if (typeof name === 'string' && names.has(name)) guarded.add(n);
    let inner = names;
    if (n.typename === 'If' || n.typename === 'InlineIf') inner = new Set([...names, ...mark(n.cond)]);
    if (n.typename === 'Or' || n.typename === 'Is') mark(n.left);
    if (n.typename === 'Not') mark(n.target);
    const filter = n.typename === 'Filter' ? (n.name as { value?: string })?.value : undefined;
    if (filter === 'default' || filter === 'd') mark(((n.args as Node | undefined)?.children as unknown[] | undefined)?.[0]);
    for (const field of n.fields ?? []) {
      const value = n[field];
      if (Array.isArray(value)) value.forEach(child => visit(child, inner, seen, depth + 1));
      else visit(value, inner, seen, depth + 1);
    }
    if (Array.isArray(n.children)) n.children.forEach(child => visit(child, inner, seen, depth + 1));
  };
  visit(ast, new Set(), new Set());
  return guarded;
}

/**
 * Visits every node; with `prune`, skips the branch of an if that the step's literal values rule out
 * (`{% if not values.editMode %}` where the step passes `editMode: true`): the render never reaches it.
 */
function walk(node: unknown, values: Readonly<Record<string, unknown>>, contextName: string, visit: (node: Node) => void, prune = true, seen = new Set<unknown>(), depth = 0): void {
  if (!node || typeof node !== 'object' || seen.has(node) || depth > MAX_TREE_DEPTH) return;
  seen.add(node);
  const n = node as Node;
  if (typeof n.typename === 'string') visit(n);
  const condition = prune && (n.typename === 'If' || n.typename === 'InlineIf') ? evaluate(n.cond, values, contextName) : UNKNOWN;
  const settled = condition === UNKNOWN ? undefined : Boolean(condition);
  for (const field of n.fields ?? []) {
    if ((settled === true && field === 'else_') || (settled === false && field === 'body')) continue;
    const value = n[field];
    if (Array.isArray(value)) value.forEach(child => walk(child, values, contextName, visit, prune, seen, depth + 1));
    else walk(value, values, contextName, visit, prune, seen, depth + 1);
  }
  if (Array.isArray(n.children)) n.children.forEach(child => walk(child, values, contextName, visit, prune, seen, depth + 1));
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

// Past a limit (its size, its tags) the syntax may be fine: the way out is not to render the file.
const OVER_LIMIT_HINT = 'List the file under copyWithoutTemplating (it is then copied as it is, never rendered), or split it into smaller files.';

// How deep the walks below follow nunjucks' tree: Nunjitsu refuses templates nested past 512 levels (the
// skeleton-syntax finding says so), and a chain of thousands of filters must not overflow the stack.
const MAX_TREE_DEPTH = 1500;

/**
 * Whether nunjucks' tree holds what the analysis reports as a refusal of its own, with a message of its
 * own: a construct Nunjitsu refuses (UNSUPPORTED, super() included) or a reserved name.
 */
// How templateSyntaxError words a refusal for one of Nunjitsu's limits rather than the text's syntax.
const LIMIT_REASON = /limit of \d|template tags in \d/;

function explainsRefusal(ast: Node): boolean {
  let found = false;
  walk(ast, {}, '', node => {
    const isSuper = node.typename === 'FunCall' && (node.name as Node)?.typename === 'Symbol' && (node.name as Node).value === 'super';
    if (UNSUPPORTED.has(isSuper ? 'Super' : node.typename)) found = true;
    const name = node.typename === 'LookupVal' ? (node.val as { value?: unknown })?.value : node.typename === 'Symbol' ? node.value : undefined;
    if (typeof name === 'string' && RESERVED.has(name)) found = true;
  }, false);
  return found;
}

/** Names a `{% set %}`, a for loop or a macro's parameters bind anywhere in the template. */
function definesName(ast: Node, name: string): boolean {
  const bound = (n: unknown): string[] => {
    const node = n as Node | undefined;
    if (!node || typeof node !== 'object') return [];
    if (node.typename === 'Symbol') return [String(node.value)];
    if (node.typename === 'Pair') return bound(node.key);
    return Array.isArray(node.children) ? node.children.flatMap(bound) : [];
  };
  let found = false;
  walk(ast, {}, '', node => {
    if (node.typename === 'Set' && Array.isArray(node.targets)) found ||= node.targets.flatMap(bound).includes(name);
    if (['For', 'AsyncEach', 'AsyncAll'].includes(node.typename)) found ||= bound(node.name).includes(name);
    if (node.typename === 'Macro' || node.typename === 'Caller') found ||= bound(node.args).includes(name);
  }, false);
  return found;
}

/**
 * The `{{ values.… }}` of a skeleton text, and the `{{ x }}` of a name the file's own `{% for %}` or
 * `{% set %}` binds there (not `${{ … }}`, nor inside a `{% raw %}`/`{% verbatim %}` block, where the braces
 * are meant): the 0-based line and column of each, the expression as written (bounded) and its inside.
 * Takes the file's text; returns them in order.
 */
function literalBraces(text: string): { lineno: number; colno: number; text: string; inside: string }[] {
  const raw: [number, number][] = [];
  for (const m of text.matchAll(/\{%-?\s*(raw|verbatim)\s*-?%\}[\s\S]*?(\{%-?\s*end\1\s*-?%\}|$)/g)) raw.push([m.index, m.index + m[0].length]);
  const inRaw = (at: number) => raw.some(([from, to]) => at >= from && at < to);
  // Names the file's own tags bind, over the text they hold: a `{% for env in values.envs %}` loop's up to
  // its `{% endfor %}`, a `{% set x = … %}`'s to the end. The scaffolder runs those tags, so `{{ env }}` in
  // the loop is its output, written as is, never a value. Only over what the scaffolder has (values, a
  // literal): a loop over another tool's name (an Ansible `packages`) runs no time, and writes nothing.
  const bound: { names: Set<string>; from: number; to: number }[] = [];
  const open: { names: Set<string>; from: number }[] = [];
  for (const m of text.matchAll(/\{%-?\s*(for|endfor|set)\b([^%]{0,300}?)-?%\}/g)) {
    if (inRaw(m.index)) continue;
    const end = m.index + m[0].length;
    if (m[1] === 'endfor') {
      const loop = open.pop();
      if (loop) bound.push({ ...loop, to: m.index });
    } else if (m[1] === 'for') {
      const names = /^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+in\b(.*)$/s.exec(m[2]);
      open.push({ names: new Set(names && RENDERED_HERE.test(names[2]) ? names[1].split(',').map(n => n.trim()) : []), from: end });
    } else {
      const names = /^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=(.*)$/s.exec(m[2]);
      if (names && RENDERED_HERE.test(names[2])) bound.push({ names: new Set(names[1].split(',').map(n => n.trim())), from: end, to: text.length });
    }
  }
  for (const loop of open) bound.push({ ...loop, to: text.length });
  const boundAt = (name: string, at: number) => bound.some(b => at >= b.from && at < b.to && b.names.has(name));
  const found: { lineno: number; colno: number; text: string; inside: string }[] = [];
  for (const m of text.matchAll(/(?<![$\{])\{\{-?\s*(([A-Za-z_]\w*)\b[^}\n]{0,200}?)\s*-?\}\}/g)) {
    if ((m[2] !== 'values' && !boundAt(m[2], m.index)) || inRaw(m.index)) continue;
    const before = text.slice(0, m.index);
    found.push({ lineno: before.split('\n').length - 1, colno: m.index - (before.lastIndexOf('\n') + 1), text: boundedText(m[0], 120), inside: boundedText(m[1], 100) });
  }
  return found;
}

// Files whose `#` starts a line comment (YAML, shell, Python, TOML, Terraform, Dockerfile, Makefile, dotfiles…);
// not Markdown, where `# …` is a heading that the generated repository shows.
const HASH_COMMENT_FILE = /(\.(ya?ml|sh|bash|zsh|py|toml|tf|tfvars|hcl|rb|r|pl|conf|cfg|properties|env|ps1|nix|cmake)|(^|\/)(Dockerfile[^/]*|Makefile|\.gitignore|\.dockerignore|\.editorconfig|\.gitattributes))$/i;

/**
 * Whether the node sits in a comment of its line: after a `#` that starts the (trimmed) line or follows
 * whitespace outside quotes, as YAML and shell comments start. The scaffolder renders it all the same,
 * but what it writes there is never run.
 */
function inLineComment(source: string, node: { lineno: number; colno: number }): boolean {
  const line = source.split('\n')[node.lineno] ?? '';
  const start = line.lastIndexOf('${{', node.colno);
  const end = start >= 0 ? start : node.colno;
  let quote = '';
  for (let i = 0; i < end; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return true;
  }
  return false;
}

const outcomes = new Map<string, string>();

/** renderedOutcome's words for the text a `$` is left before (cookiecutterCompat renders only the `{{ … }}`). */
function afterDollar(outcome: string): string {
  const empty = /^comes out empty(.*)$/s.exec(outcome);
  if (empty) return `comes out as "$"${empty[1]}`;
  const text = /^comes out as "(.*?)"((?: \(.*)?)$/s.exec(outcome);
  return text ? `comes out as "$${text[1]}"${text[2]}` : outcome;
}

/**
 * What a `${{ … }}` GitHub expression becomes when the scaffolder's renderer renders it in
 * fetch:template's context, where no GitHub context exists: asked of the renderer itself. Empty, a text
 * such as NaN (`matrix.go-version` is read as `matrix.go - version`), or a failure of the render.
 */
function renderedOutcome(expression: string): string {
  let outcome = outcomes.get(expression);
  if (outcome === undefined) {
    try {
      const text = renderText(expression, {});
      outcome = text === '' ? 'comes out empty' : `comes out as "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
    } catch (error) {
      outcome = `fails the render: ${String((error as Error).message).replace(/^Template error at line \d+, column \d+: /, '')}`;
    }
    outcomes.set(expression, outcome);
  }
  // The first name-with-hyphens (github.event-name): tried only where a run of name characters starts,
  // each run scanned once, so a 300 KB name without a hyphen costs one pass, not one pass per character.
  const hyphenated = HYPHENATED_NAME.exec(expression.slice(3, -2))?.[1];
  if (hyphenated && subtracts(expression)) outcome += ` (the renderer reads ${boundedText(hyphenated, 80)} as ${boundedText(hyphenated.replace(/-/g, ' - '), 100)}, a subtraction of undefined values)`;
  return outcome;
}

// What /[A-Za-z_][\w.]*(?:-[A-Za-z_]\w*)+/ finds first, in linear time: [\w.]* cannot cross a hyphen, so a
// match's name part always runs to the end of its run of [\w.] characters; the run's leading digits and
// dots (disjoint from its first letter) are skipped outside the group.
const HYPHENATED_NAME = /(?<![\w.])[\d.]*([A-Za-z_][\w.]*(?:-[A-Za-z_]\w*)+)/;

/** Whether a `${{ … }}` expression, parsed alone, holds a subtraction. */
function subtracts(expression: string): boolean {
  let found = false;
  try {
    walk(require('nunjucks').parser.parse(expression, [], { tags: { variableStart: '${{', variableEnd: '}}' } }), {}, '', n => {
      found ||= n.typename === 'Sub';
    }, false);
  } catch {
    return false;
  }
  return found;
}

/**
 * Whether a folder or file name in skeleton path `path` is the lookup of `context`.`property` alone
 * (`${{ values.pkg }}`, `{{ cookiecutter.get('pkg') }}`, whitespace control allowed), opened by `open`: when that
 * value is undefined the name renders empty. One with anything more (`values.a ~ "-svc"`, a filter, a default)
 * may render a name all the same.
 */
function wholeSegment(path: string, open: string, context: string, property: string): boolean {
  const name = property.replace(/[^\w]/g, '\\$&');
  const lookup = new RegExp(`^${open.replace(/[$]/g, '\\$&').replace(/[{]/g, '\\{')}-?\\s*${context}\\s*(?:\\.\\s*${name}|\\.get\\(\\s*['"]${name}['"]\\s*\\))\\s*-?\\}\\}$`);
  return path.split('/').some(segment => lookup.test(segment));
}

/**
 * The first folder of skeleton path `relative` (`a/`, `a/b/`, as fetch:template's globby marks folders) that
 * Nunjitsu refuses on its own, and why; folders in `judged` are skipped (and each one judged is added).
 */
function unparsedFolder(relative: string, compat: boolean, judged: Set<string>): { path: string; reason: string } | undefined {
  for (let end = relative.indexOf('/'); end !== -1; end = relative.indexOf('/', end + 1)) {
    const path = relative.slice(0, end + 1);
    if (judged.has(path)) continue;
    judged.add(path);
    const refused = templateSyntaxError(path, { cookiecutterCompat: compat });
    if (refused) return { path, reason: refused.reason };
  }
  return undefined;
}
