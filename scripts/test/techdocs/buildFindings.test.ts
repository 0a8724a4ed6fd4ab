import { describe, expect, it } from 'vitest';
import { buildFindings, pagesNamed } from '../../src/techdocs/buildFindings.ts';

const MKDOCS = 'site_name: A\nstrict: true\nnav:\n  - Home: index.md\n  - Guide:\n      - Setup: guide/setup.md\nplugins:\n  - techdocs-core\n  - nope\n';
const TMP = '/tmp/gitops-techdocs-Ab12Cd';
// @techdocs/cli -v output as it reaches us: winston levels, MkDocs' coloured level column, temporary paths.
const log = (...lines: string[]) => [`info: Using source dir ${TMP}/src`, 'info: Generating documentation...', ...lines, `Failed to generate docs from ${TMP}/src into ${TMP}/site; caused by Error: Command mkdocs failed, exit code: 1`].join('\n');
const at = (d: { ruleId: string; file: string; range: { start: { line: number; column: number } } }) => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`;
const base = { mkdocsFile: 'docs-site/mkdocs.yml', generated: false, mkdocsText: MKDOCS, pages: new Map<string, string>(), reason: 'TechDocs build of docs-site/mkdocs.yml failed (exit 1)' };

describe('buildFindings: MkDocs failures on the file and line they concern', () => {
  it.each([
    ['a nav entry to a missing page', log("verbose: \u001b[33mWARNING  -  \u001b[0mA relative path to 'guide/setup.md' is included in the 'nav' configuration, which is not found in the documentation files", 'verbose: Aborted with 1 warnings in strict mode!'), 'techdocs-build-failed@docs-site/mkdocs.yml:6:16', "MkDocs: A relative path to 'guide/setup.md' is included in the 'nav' configuration, which is not found in the documentation files"],
    ['a plugin that is not installed', log('verbose: ERROR    -  Config value \'plugins\': The "nope" plugin is not installed', 'verbose: Aborted with a configuration error!'), 'techdocs-build-failed@docs-site/mkdocs.yml:7:1', 'MkDocs: Config value \'plugins\': The "nope" plugin is not installed'],
    ['a YAML error in mkdocs.yml', log('unexpected end of the stream within a flow collection (5:1)', '', ' 4 | theme: {name: material'), 'techdocs-build-failed@docs-site/mkdocs.yml:5:1', 'TechDocs cannot read mkdocs.yml: unexpected end of the stream within a flow collection'],
    ['no MkDocs message at all', log(), 'techdocs-build-failed@docs-site/mkdocs.yml:1:1', `The TechDocs build failed: TechDocs build of docs-site/mkdocs.yml failed (exit 1) (last output: Using source dir docs-site | Generating documentation... | Failed to generate docs from docs-site into <site>; caused by Error: Command mkdocs failed, exit code: 1)`],
  ])('%s', (_name, text, where, message) => {
    const found = buildFindings({ ...base, log: text });
    expect(found.map(at)).toEqual([where]);
    expect(found[0].message).toBe(message);
    expect(found[0].severity).toBe('error');
  });

  it('puts a broken link on the page MkDocs names, at the line of the link', () => {
    const text = log("verbose: WARNING  -  Documentation file 'guide/setup.md' contains a link to 'runbook.md' which is not found in the documentation files.");
    expect(pagesNamed(text, base.mkdocsFile, MKDOCS)).toEqual(['docs-site/docs/guide/setup.md']);
    const pages = new Map([['docs-site/docs/guide/setup.md', '# Setup\n\nFirst read the [runbook](runbook.md).\n']]);
    expect(buildFindings({ ...base, pages, log: text }).map(at)).toEqual(['techdocs-build-failed@docs-site/docs/guide/setup.md:3:26']);
  });

  it('bounds what a hostile site can make it say: 20 findings and 600 characters each', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `WARNING  -  Doc file 'p${i}.md': ${'x'.repeat(2000)}`);
    const found = buildFindings({ ...base, log: log(...lines) });
    expect(found).toHaveLength(21);
    expect(found[20].message).toBe('…and 30 more problems in this site\'s build.');
    expect(Math.max(...found.map(f => f.message.length))).toBe(600);
  });
});
