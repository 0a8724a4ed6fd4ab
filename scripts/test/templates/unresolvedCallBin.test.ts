import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } }

const fetchStep = (extra = '') => fetchSkeletonStep('          files: [a, b]\n', extra);

// Calls the renderer cannot make, next to calls it can: only the first kind is reported, each at the call.
const SKELETON = [
  '# ${{ values.name.toUpperCase() }} ${{ values.name.split("-") | join(" ") }}',
  "{% for f in values.files %}${{ loop.cycle('odd', 'even') }} ${{ loop.index }}{% endfor %}",
  'max: ${{ Math.max(1, 2) }}',
  'json: ${{ JSON.stringify(values) }}',
  'body: ${{ caller() }}',
  'sep: ${{ joiner() }}',
  "{% set sep = joiner(', ') %}{% for f in values.files %}${{ sep() }}${{ f }}{% endfor %} ${{ range(3) | join }} ${{ cycler('a').next() }}",
  'pad: ${{ values.name.padStart(8) }}',
  "{% set x = values.name | lower %}${{ x.replace('a', 'b') }}",
  '',
].join('\n');

const TEMPLATE = `${templateHead('svc')}${fetchStep()}    - id: log
      name: Log
      action: debug:log
      if: \${{ always() }}
      input:
        message: \${{ parameters.name.toUpperCase() }} \${{ Math.round(1.5) }} \${{ parameters.name.replaceAll('-', '_') }}
`;

describe('calls the renderer cannot make (check, through the bin)', () => {
  it('reports each at its call, in skeletons and template.yaml, and nothing for calls that work', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'templates/svc/template.yaml': TEMPLATE, 'skeletons/svc/README.md': SKELETON });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`);
    expect(found).toEqual([
      'skeleton-unknown-function@skeletons/svc/README.md:2:37',
      'skeleton-unknown-function@skeletons/svc/README.md:3:15',
      'skeleton-unknown-function@skeletons/svc/README.md:4:16',
      'skeleton-unknown-function@skeletons/svc/README.md:5:11',
      'skeleton-unknown-function@skeletons/svc/README.md:6:10',
      'skeleton-unknown-function@skeletons/svc/README.md:8:22',
      'template-unknown-function@templates/svc/template.yaml:27:64',
      'template-unknown-function@templates/svc/template.yaml:27:98',
    ]);
    const byLine = new Map((JSON.parse(run.stdout).diagnostics as Finding[]).map(d => [`${d.file}:${d.range.start.line}`, d]));
    expect(byLine.get('skeletons/svc/README.md:2')?.message).toContain('loop.cycle() does not exist');
    expect(byLine.get('skeletons/svc/README.md:5')?.message).toContain('caller() works only inside a macro that a {% call %} block invokes');
    expect(byLine.get('skeletons/svc/README.md:6')?.message).toContain('joiner() returns a function');
    expect(run.status).toBe(1);
  }, 60_000);
});

describe('calls the renderer cannot make (templates test, through the bin)', () => {
  it('the static finding and the real render agree: the render fails at the reported call', async () => {
    const skeleton = "# ${{ values.name.toUpperCase() }}\n{% for f in values.files %}${{ loop.cycle('odd', 'even') }}{% endfor %}\n";
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchStep()}`,
      'templates/svc/tests/default.yaml': 'name: default\nsnapshot: false\nvalues:\n  name: orders\n',
      'skeletons/svc/README.md': skeleton,
    });
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = JSON.parse(run.stdout).diagnostics as Finding[];
    const stat = found.find(d => d.ruleId === 'skeleton-unknown-function');
    expect(stat && `${stat.file}:${stat.range.start.line}:${stat.range.start.column}`).toBe('skeletons/svc/README.md:2:37');
    const rendered = found.find(d => d.ruleId === 'template-render-failed');
    expect(rendered?.message).toContain('line 2, column 37');
    expect(rendered?.message).toContain('loop.cycle');
    expect(run.status).toBe(1);
  }, 60_000);

  it('a skeleton whose calls all work renders, and the gate says nothing', async () => {
    const skeleton = "# ${{ values.name.toUpperCase() }} ${{ values.name.split('-') | join(' ') }}\n{% set sep = joiner(', ') %}{% for f in values.files %}${{ sep() }}${{ f }}${{ loop.index }}{% endfor %}\n";
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchStep()}`,
      'templates/svc/tests/default.yaml': "name: default\nsnapshot: false\nvalues:\n  name: orders-api\nexpect:\n  contains:\n    README.md: [ORDERS-API orders api, 'a1, b2']\n",
      'skeletons/svc/README.md': skeleton,
    });
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(JSON.parse(run.stdout).diagnostics).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);
});

describe("a method the renderer refuses on the parameter's declared type (check, through the bin)", () => {
  // The dry-run leaves `${{ parameters.name.at(0) }}` and `.toString()` of a string parameter as raw text:
  // Nunjitsu allows at() on lists and toString() on numbers only. The backend validates values against the
  // pages first, so a parameter's declared type is the kind its value has.
  it('is reported for the declared kind, and not where the type allows it or is not declared', async () => {
    const properties = '        count: {type: integer}\n        tags: {type: array, items: {type: string}}\n        free: {title: Anything}\n';
    const template = `${templateHead('svc', properties)}${fetchStep()}  output:
    text:
      - title: a
        content: \${{ parameters.name.at(0) }} \${{ parameters.name.toString() }} \${{ parameters.name.toUpperCase() }}
      - title: b
        content: \${{ parameters.count.toString() }} \${{ parameters.tags.at(0) }} \${{ parameters.free.at(0) }}
`;
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'templates/svc/template.yaml': template, 'skeletons/svc/README.md': '# ${{ values.name }}\n' });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-unknown-function');
    expect(found.map(d => d.message.split(' That is the limit of')[0])).toEqual([
      'parameters.name.at() cannot be called: parameters.name is declared as a string, and the renderer allows no at() on that.',
      'parameters.name.toString() cannot be called: parameters.name is declared as a string, and the renderer allows no toString() on that.',
    ]);
    expect(found.every(d => / That is the limit of @backstage\/plugin-scaffolder-backend \d+\.\d+\.\d+, the version this toolkit judges against/.test(d.message))).toBe(true);
    expect(run.status).toBe(1);
  }, 60_000);
});
