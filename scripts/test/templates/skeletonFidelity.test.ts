import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Cases from real template repositories, checked through the bin: where a skeleton finding points, what
// the scaffolder's renderer (Nunjitsu) really makes of an expression, and what it refuses that nunjucks'
// parser (the one the analysis reads skeletons with) accepts.
const TEMPLATE = (name: string, url: string, extra = '') => `${templateHead(name)}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ${url}
${extra}        values:
          app_name: \${{ parameters.name }}
          appName: \${{ parameters.name }}
`;

const lines = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join('');

const WORKFLOW = `name: deploy
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        go-version: ['1.22']
    steps:
      # - run: echo \${{ github.sha }}
      - uses: actions/setup-go@v5
        with:
          go-version: \${{ matrix.go-version }}
      - run: |
          #     echo "\${{ secrets.KUBECONFIG }}" | base64 -d
          echo "\${{ secrets.TOKEN }}" # not \${{ secrets.OTHER }}
          echo "# \${{ github.ref }}"
`;

type Found = { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } };

describe('skeleton findings as the scaffolder would meet them (check, through the bin)', () => {
  let found: Found[];
  const at = (file: string) => found.filter(d => d.file === file).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`);

  beforeAll(async () => {
    const root = await templateRepo(['../templates/web/template.yaml', '../templates/cc/template.yaml'], {
      'templates/web/template.yaml': TEMPLATE('web', './skeleton'),
      // An unknown block tag on line 638 (its name at column 4); `${{{` on line 65, the dict it opens at column 81.
      'templates/web/skeleton/docs/index.md': `${lines(637)}{% docs %}\nmore\n`,
      'templates/web/skeleton/README.md': `${lines(64)}${'x'.repeat(77)}\${{{values.app_name}}\n`,
      'templates/web/skeleton/CHANGELOG.md': '# ${{ values.app_name }}\n\n{% if values.app_name %}\nnever closed\n',
      // Fidelity sweep, 2026-12-01: GitHub expressions kept raw, the end tag forgotten.
      'templates/web/skeleton/raw.yaml': 'name: ci\n{% raw %}\nrun: echo ${{ github.sha }}\n',
      'templates/web/skeleton/verbatim.md': '{% verbatim %}${{ values.app_name }}\n',
      'templates/web/skeleton/.github/workflows/deploy.yml': WORKFLOW,
      'templates/web/skeleton/tags.md': '{% block intro %}${{ values.app_name }}{% endblock %}\n{% asyncEach x in [1] %}${{ x }}{% endeach %}\n{% asyncAll x in [1] %}{% endall %}\n{% ifAsync values.app_name %}y{% endif %}\n',
      'templates/cc/template.yaml': TEMPLATE('cc', './skeleton', '        cookiecutterCompat: true\n'),
      'templates/cc/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {{ values.appName }}\n  title: {{ cookiecutter.appName }}\n',
      'templates/cc/skeleton/defined.md': '{% set values = cookiecutter %}{{ values.appName }}\n{% for item in [1] %}{{ item }}{% endfor %}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    found = (JSON.parse(run.stdout).diagnostics as Found[]).filter(d => d.ruleId.startsWith('skeleton-'));
  }, 60_000);

  // Where and why Nunjitsu, the renderer fetch:template runs, stops: its own line, column and words.
  it('a syntax error points at the line and column the renderer stopped at, an if left open at its tag', () => {
    expect(at('templates/web/skeleton/docs/index.md')).toEqual(['skeleton-syntax@638:1']);
    // A tripled brace is said where the expression opens (below).
    expect(at('templates/web/skeleton/README.md')).toEqual(['skeleton-syntax@65:78']);
    expect(at('templates/web/skeleton/CHANGELOG.md')).toEqual(['skeleton-syntax@3:1']);
    expect(found.find(d => d.file === 'templates/web/skeleton/docs/index.md')?.message).toContain('Unknown template tag "docs"');
    expect(found.find(d => d.file === 'templates/web/skeleton/CHANGELOG.md')?.message).toContain('Missing endif tag');
  });

  // Template sweep 14 (Portfolio-jaime/backstage-software-templates, cli-go's README): the renderer's own words
  // for \${{{values.app_name}} are only 'Expected :', columns after the brace that causes it.
  it('a tripled brace is explained: where the expression opens, and why the renderer wants a colon', () => {
    const readme = found.find(d => d.file === 'templates/web/skeleton/README.md') as Found & { message: string; hint: string };
    expect(readme.message).toBe('This file does not parse as a template: this ${{{ opens an expression that starts with {, which the renderer reads as an object literal ({key: value}), so it stops at column 88 (Expected :).');
    expect(readme.hint).toBe('Write the expression with two braces (${{ values.x }}); a literal { before the value goes before the $ ({${{ values.x }}).');
  });

  it('a raw, verbatim or comment left open, which nunjucks lets through and the renderer refuses, is a syntax error', () => {
    expect(at('templates/web/skeleton/raw.yaml')).toEqual(['skeleton-syntax@2:1']);
    expect(at('templates/web/skeleton/verbatim.md')).toEqual(['skeleton-syntax@1:1']);
    expect(found.find(d => d.file === 'templates/web/skeleton/raw.yaml')?.message).toContain('Missing "endraw" tag');
  });

  it('GitHub expressions on code lines are findings, those in a YAML or shell comment are not; matrix.go-version is named for the NaN it renders', () => {
    // One cause, one fix (copyWithoutTemplating): the first expression is the finding, the others its lines.
    expect(at('templates/web/skeleton/.github/workflows/deploy.yml')).toEqual(['skeleton-github-expression@13:27']);
    const byLine = (line: number) => found.find(d => d.file.endsWith('deploy.yml') && d.range.start.line === line)!;
    expect(byLine(13).message).toContain('comes out as "NaN"');
    expect(byLine(13).message).toContain('matrix.go - version');
    expect(byLine(13).message).not.toContain('comes out empty');
    expect(byLine(13).hint).toContain("${{ '${{ matrix.go-version }}' }}");
    expect(byLine(13).message).toContain('Backstage renders the 2 other GitHub Actions expressions of this file too (lines 16, 17).');
  });

  it('tags Nunjitsu does not know are findings naming the tag; a block alone renders as its body', () => {
    expect(at('templates/web/skeleton/tags.md')).toEqual(['skeleton-unsupported@2:4', 'skeleton-unsupported@3:4', 'skeleton-unsupported@4:4']);
    expect(found.filter(d => d.file.endsWith('tags.md')).map(d => /Unknown template tag "(\w+)"/.exec(d.message)?.[1])).toEqual(['asyncEach', 'asyncAll', 'ifAsync']);
  });

  it('with cookiecutterCompat, values.x renders as nothing unless the skeleton defines values itself', () => {
    expect(at('templates/cc/skeleton/catalog-info.yaml')).toEqual(['skeleton-unknown-value@4:12']);
    const finding = found.find(d => d.file === 'templates/cc/skeleton/catalog-info.yaml')!;
    expect(finding.message).toContain('values.appName renders as nothing: with cookiecutterCompat');
    expect(finding.hint).toBe('Write {{ cookiecutter.appName }}.');
    expect(at('templates/cc/skeleton/defined.md')).toEqual([]);
  });
});
