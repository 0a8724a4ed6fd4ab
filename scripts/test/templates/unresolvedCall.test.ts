import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { analyzeSkeleton, RENDERED } from '../../src/templates/analyzeSkeleton.ts';
import { workflowGlobalNames } from '../../src/templates/templateFilters.ts';

const require = createRequire(import.meta.url);
const dist = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));

/** fetch:template's renderer as the scaffolder builds it, with the real default filters. */
function realRenderer(cookiecutterCompat: boolean) {
  const { createDefaultFilters } = dist('./lib/templating/filters/createDefaultFilters.cjs.js');
  const { convertFiltersToRecord } = dist('./util/templating.cjs.js');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const filters = convertFiltersToRecord(createDefaultFilters({ integrations: ScmIntegrations.fromConfig(new ConfigReader({})) }));
  return dist('nunjitsu').createTemplateRenderer({ filters, allowRegexExecution: true, cookiecutterCompat });
}

const calls = (text: string, compat = false) =>
  analyzeSkeleton([{ file: 'skeletons/x/a.txt', relative: 'a.txt', text }], { values: { name: RENDERED, list: RENDERED, obj: RENDERED }, cookiecutterCompat: compat })
    .filter(d => d.ruleId === 'skeleton-unknown-function')
    .map(d => `${d.range.start.line}:${d.range.start.column}`);

// What the step passes when the task runs: a string, a list and a dict (their kinds are unknown to the check).
const VALUES = { name: 'Ab', list: ['a', 'b'], obj: { a: 1 } };

describe('calls the renderer cannot make, judged by asking the renderer (skeletons)', () => {
  // [case, skeleton text, where the finding is ([] for none)]. Each is then rendered with the scaffolder's
  // own renderer and the values above: a finding exactly where the render fails to call (or print) something.
  // A fourth element `false`: the check stays quiet by design (it cannot know the kind), whatever this render does.
  const cases: [string, string, string[], boolean?][] = [
    ['Jinja loop.cycle(): Nunjucks loop has no methods', "{% for i in values.list %}${{ loop.cycle('a', 'b') }}{% endfor %}\n", ['1:36']],
    ['loop values are fine', '{% for i in values.list %}${{ loop.index }}${{ loop.first }}{% endfor %}\n', []],
    ['loop outside any for loop', "${{ loop.cycle('a') }}\n", ['1:10']],
    ['Math.max: no JavaScript globals', '${{ Math.max(1, 2) }}\n', ['1:10']],
    ['JSON.stringify: no JavaScript globals', 'x: ${{ JSON.stringify(values) }}\n', ['1:13']],
    ['caller() outside any macro', '${{ caller() }}\n', ['1:5']],
    ['caller() in a macro no {% call %} invokes', '{% macro m() %}[${{ caller() }}]{% endmacro %}${{ m() }}\n', ['1:21']],
    ['caller() in a macro a {% call %} block invokes', '{% macro m() %}[${{ caller() }}]{% endmacro %}{% call m() %}x{% endcall %}\n', []],
    ['caller() in the body of a {% call %} block outside any macro', '{% macro m() %}[${{ caller() }}]{% endmacro %}{% call m() %}in:${{ caller() }}{% endcall %}\n', ['1:68']],
    ['a macro invoked by {% call %} and also directly: which call reaches caller() is not judged', '{% macro m() %}[${{ caller() }}]{% endmacro %}{% call m() %}x{% endcall %}${{ m() }}\n', [], false],
    ['printing joiner(): a function cannot be printed', '${{ joiner() }}\n', ['1:5']],
    ['printing cycler(): an object of functions', "${{ cycler('a', 'b') }}\n", ['1:5']],
    ['joiner() kept and called, cycler().next()', "{% set j = joiner(', ') %}{% for i in values.list %}${{ j() }}${{ i }}{% endfor %}${{ cycler('a').next() }}\n", []],
    ['a method a global result does not have', '${{ joiner().next() }}\n', ['1:14']],
    ['range() and range(3) | join', '${{ range(3) | join(",") }}${{ range(2) }}\n', []],
    ['a string method: works in Nunjitsu', '${{ values.name.toUpperCase() }}\n', []],
    ['split and replace on values whose kind is unknown', "${{ values.name.split(',') }}${{ (values.name | lower).replace('a', 'b') }}${{ values.list.join('-') }}\n", []],
    ['a method no kind of value has', '${{ values.name.padStart(3) }}\n', ['1:17']],
    ['replaceAll and map: not allowed on any value', "${{ values.name.replaceAll('a', 'b') }}\n${{ values.list.map(1) }}\n", ['1:17', '2:17']],
    ['keys() on a dict: Python, not Nunjucks (without cookiecutterCompat)', '${{ values.obj.items() }}\n', ['1:16']],
    ['a literal string method', "${{ 'abc'.toUpperCase() }}${{ 'a,b'.split(',') | join }}\n", []],
    ['a literal list has no map', '${{ [1, 2].map(1) }}\n', ['1:12']],
    ['a name the file sets: its kind is not known, so no finding (this render fails)', '{% set x = values.name %}${{ x.padStart(3) }}\n', [], false],
    ['an item of a loop over the values: a value of unknown kind', '{% for f in values.list %}${{ f.padStart(3) }}{% endfor %}\n', ['1:33']],
    ['an item of a loop over the values, a method that works', '{% for f in values.list %}${{ f.toUpperCase() }}{% endfor %}\n', []],
    ['an item of a loop over a list the file builds', '{% for c in [cycler(1, 2)] %}${{ c.next() }}{% endfor %}\n', []],
    ['a loop name the file also sets: its kind is not known', "{% set f = joiner() %}{% for f in values.list %}${{ f.padStart(3) }}{% endfor %}\n", [], false],
    ['a computed method name', "${{ values.name['toUpper' ~ 'Case']() }}\n", []],
    ['an unknown global function (as before)', '${{ uuid() }}\n', ['1:5']],
    ['the number and record methods the renderer allows', '${{ (3).toFixed(1) }}${{ values.list.indexOf("a") }}\n', []],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(calls(text)).toEqual(expected);
  });

  it.each(cases.filter(c => c[3] !== false))('agrees with the scaffolder renderer: %s', (_name, text, expected) => {
    let failure = '';
    try {
      realRenderer(false).render(text, { values: VALUES });
    } catch (error) {
      failure = (error as Error).message;
    }
    expect(/cannot be called|cannot be coerced/.test(failure)).toBe(expected.length > 0);
    // The finding is where the renderer stops; printing a callable it reports at the output's start, the finding at the call.
    if (expected.length && !/coerced/.test(failure)) expect(failure).toMatch(new RegExp(`^Template error at line ${expected[0].replace(':', ', column ')}:`));
  });

  it('cookiecutterCompat: Python dict and list methods exist there, padStart still does not', () => {
    expect(calls('{{ cookiecutter.obj.items() }}{{ cookiecutter.list.append(1) }}\n', true)).toEqual([]);
    expect(calls('{{ cookiecutter.name.padStart(3) }}\n', true)).toEqual(['1:22']);
    // values.x is undefined there too; skeleton-unknown-value says so, once.
    expect(calls('{{ values.name.split(",") }}\n', true)).toEqual([]);
  });

  it('says what fails and how to fix it', () => {
    const [loop] = analyzeSkeleton([{ file: 'skeletons/x/a.txt', relative: 'a.txt', text: "{% for i in [1] %}${{ loop.cycle('a', 'b') }}{% endfor %}\n" }], { values: {} });
    expect(loop.message).toBe("loop.cycle() does not exist: the for loop's loop has values (index, first, last, length…) but no cycle() method, so the renderer cannot call it. The render of this file fails here.");
    expect(loop.hint).toContain('cycler');
    const [math] = analyzeSkeleton([{ file: 'skeletons/x/a.txt', relative: 'a.txt', text: '${{ Math.max(1, 2) }}\n' }], { values: {} });
    expect(math.message).toBe('Math.max() cannot be called: Math is not defined when the scaffolder renders (a template sees no JavaScript globals such as Math or JSON), so Math.max is undefined. The render of this file fails here.');
  });
});

describe("a deployment's own globals (additionalTemplateGlobals)", () => {
  it('are functions or values of a kind the check cannot know: calls on them stay quiet', () => {
    const step = { values: { name: RENDERED }, extensions: { filters: [], globals: ['org', 'now'] } };
    const found = analyzeSkeleton([{ file: 'skeletons/x/a.txt', relative: 'a.txt', text: "${{ org.name.toUpperCase() }}${{ org.lookup('x') }}${{ now() }}${{ now().format('x') }}\n" }], step);
    expect(found).toEqual([]);
    // Without them, the same calls are the renderer's to refuse.
    expect(analyzeSkeleton([{ file: 'skeletons/x/a.txt', relative: 'a.txt', text: "${{ org.lookup('x') }}${{ now() }}\n" }], { values: {} }).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`)).toEqual(['skeleton-unknown-function@1:9', 'skeleton-unknown-function@1:27']);
  });
});

describe("the workflow runner's globals", () => {
  it('are read from the installed NunjucksWorkflowRunner: always and failure', () => {
    expect(workflowGlobalNames()).toEqual(['always', 'failure']);
  });
});
