import { describe, expect, it } from 'vitest';
import { templateSyntaxError } from '../../src/templates/templateSyntax.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// The scaffolder renders each string of a step's input, if and each, and of the output, with Nunjitsu; a
// string it cannot parse is passed on raw (the render error is swallowed): an `if` is then always true.
const TEMPLATE = (steps: string, output = '') => `${templateHead('expr', '        flags: {type: object}\n')}${steps}${output}`;

async function findings(template: string): Promise<string[]> {
  const root = await templateRepo(['../templates/expr/template.yaml'], { 'templates/expr/template.yaml': template });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).not.toContain('internal error');
  const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; message: string; hint: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }[];
  return diagnostics
    .filter(d => d.file === 'templates/expr/template.yaml' && d.severity !== 'info')
    .map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}-${d.range.end.column} ${d.message} | ${d.hint}`);
}

describe('expressions the scaffolder cannot parse (check, through the bin)', () => {
  it('an if with `||`, an input with `||`, an output with `? :`, an output link if with `&&`: each named where it stands, with what Backstage does', async () => {
    const found = await findings(
      TEMPLATE(
        `    - id: clean
      name: Clean
      action: fs:delete
      if: \${{ parameters.name === 'zzz' || parameters.name === 'yyy' }}
      input:
        files: [README.md]
    - id: log
      name: Log
      action: debug:log
      input:
        message: Hello \${{ parameters.name }} and \${{ parameters.name || 'dflt' }}!
`,
        `  output:
    text:
      - title: Name
        content: "\${{ parameters.name ? parameters.name : 'none' }}"
    links:
      - title: Docs
        url: https://example.com/docs
        if: \${{ parameters.name && true }}
`,
      ),
    );
    expect(found).toEqual([
      `template-expression-syntax@18:11-72 The scaffolder cannot parse \${{ parameters.name === 'zzz' || parameters.name === 'yyy' }} (Expected name, received "|"): it passes the raw text on, so the condition is a non-empty string, which is true: this step always runs. | Write the expression in the scaffolder's template language (Nunjucks): \`or\`, \`and\`, \`not\` instead of \`||\`, \`&&\`, \`!\`; \`a if cond else b\` instead of \`cond ? a : b\`; \`==\`, \`!=\` compare and \`~\` joins strings.`,
      expect.stringMatching(/^template-expression-syntax@25:51-83 The scaffolder cannot parse \$\{\{ parameters\.name \|\| 'dflt' \}\} \(Expected name, received "\|"\): it passes the raw text on, so the action receives the literal text\. \| /),
      expect.stringMatching(/^template-expression-syntax@29:19-68 The scaffolder cannot parse \$\{\{ parameters\.name \? parameters\.name : 'none' \}\} \(Unexpected character "\?"\): it passes the raw text on, so the output shows the literal text\. \| /),
      expect.stringMatching(/^template-expression-syntax@33:13-43 The scaffolder cannot parse \$\{\{ parameters\.name && true \}\} \(Unexpected character "&"\): it passes the raw text on, so the condition is a non-empty string, which is true: this entry is always shown\. \| /),
    ]);
  }, 60_000);

  it('an unclosed {% if %} names the whole value; a string each fails the step', async () => {
    const found = await findings(
      TEMPLATE(`    - id: log
      name: Log
      action: debug:log
      each: \${{ parameters.flags | dump }
      if: "{% if parameters.name %}true"
      input:
        message: \${{ each.value }}
`),
    );
    expect(found).toEqual([
      expect.stringMatching(/^template-expression-syntax@18:13-42 The scaffolder cannot parse this value \(Unterminated variable tag\): it passes the raw text on, so each is a string, not an array or object: the step fails\. \| Close every/),
      expect.stringMatching(/^template-expression-syntax@19:12-40 The scaffolder cannot parse this value \(Missing endif tag\): it passes the raw text on, so the condition is a non-empty string, which is true: this step always runs\./),
    ]);
  }, 60_000);

  it('expressions that parse give no finding: filters, ==, and, not, nested access, ~, if-else, ===', async () => {
    const found = await findings(
      TEMPLATE(`    - id: clean
      name: Clean
      action: fs:delete
      if: \${{ parameters.name == 'zzz' and not parameters.flags.dry or parameters.name === 'yyy' }}
      input:
        files: ["\${{ parameters.name | lower | replace('-', '_') ~ '/' ~ parameters.flags['dir'].sub }}"]
    - id: log
      name: Log
      action: debug:log
      input:
        message: "{% if parameters.name != 'x' %}\${{ 'a' if parameters.flags.on else 'b' }}{% endif %} \${{ (parameters.name | length) >= 3 }}"
`),
    );
    expect(found).toEqual([]);
  }, 60_000);

  it('is listed by check --list-rules', async () => {
    const run = await runBin(['check', '--list-rules'], await tempRepo({}));
    expect(run.stdout).toContain('template-expression-syntax  (error)');
  }, 60_000);
});

describe('templateSyntaxError: the scaffolder renderer parse, nothing evaluated', () => {
  it.each([
    ["${{ parameters.name === 'zzz' || parameters.name === 'yyy' }}", { reason: 'Expected name, received "|"', line: 1, column: 32 }],
    ['${{ parameters.a && parameters.b }}', { reason: 'Unexpected character "&"', line: 1, column: 18 }],
    ['${{ !parameters.a }}', { reason: 'Unexpected character "!"', line: 1, column: 5 }],
    ['x\n${{ a\n || b }}', { reason: 'Expected name, received "|"', line: 3, column: 3 }],
    ['${{ parameters.x.constructor }}', { reason: 'Template name "constructor" is reserved', line: 1, column: 18 }],
    ['${{ a }}{% endif %}', { reason: 'Unexpected "endif" tag without a matching opening tag', line: 1, column: 9 }],
  ])('%j does not parse', (source, expected) => {
    expect(templateSyntaxError(source)).toEqual(expected);
  });

  it.each([
    "${{ parameters.name === 'zzz' }}",
    "${{ parameters.name == 'a' or not parameters.b and parameters.c['d'].e }}",
    "${{ parameters.name | lower ~ '-' ~ parameters.n }}",
    // Unknown filters and functions fail only when evaluated (template-unknown-filter judges those).
    '${{ parameters.name | shout }} ${{ nothing(1) }}',
    // Parsed, never run: a loop this long would exceed any budget if it were evaluated.
    '{% for i in range(0, 100000000) %}x{% endfor %}',
    '{% raw %}${{ a || b }}{% endraw %}',
  ])('%j parses', source => {
    expect(templateSyntaxError(source)).toBeUndefined();
  });
});
