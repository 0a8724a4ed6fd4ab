import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { formatters } from '../../src/report/formatters.ts';

const diagnostics: Diagnostic[] = [
  { ruleId: 'ref-unresolved', severity: 'error', message: 'spec.owner refers to group:default/team-aa, which is not defined.', hint: 'Did you mean group:default/team-a?', file: 'catalog/a.yaml', range: { start: { line: 13, column: 10 }, end: { line: 13, column: 17 } }, entityRef: 'component:default/a' },
  { ruleId: 'annotation-managed', severity: 'warning', message: 'value with , : % and\nnewline ##vso[task.setvariable]x', file: 'catalog/b.yaml', range: { start: { line: 2, column: 3 }, end: { line: 4, column: 1 } } },
];
const options = { color: false, checkedFiles: 2, entityCount: 5, rules: [], toolName: 'backstage-gitops', toolVersion: '0.1.0' };

describe('formatters', () => {
  it('stylish keeps every value on its line', () => {
    expect(formatters.stylish(diagnostics, options)).toBe(
      'catalog/a.yaml\n' +
        '  13:10   error   spec.owner refers to group:default/team-aa, which is not defined.  ref-unresolved\n' +
        '                  hint: Did you mean group:default/team-a?\n\n' +
        'catalog/b.yaml\n' +
        '  2:3     warning value with , : % and\\nnewline ##vso\u200b[task.setvariable]x  annotation-managed\n\n' +
        '✖ 1 error, 1 warning, 0 info in 2 files (5 entities)\n',
    );
  });

  it('github escapes data and properties and never lets a value open a command', () => {
    expect(formatters.github(diagnostics, options)).toBe(
      '::error file=catalog/a.yaml,line=13,endLine=13,col=10,endColumn=17,title=ref-unresolved::spec.owner refers to group:default/team-aa, which is not defined.%0ADid you mean group:default/team-a?\n' +
        '::warning file=catalog/b.yaml,line=2,endLine=4,title=annotation-managed::value with , : %25 and%0Anewline ##vso\u200b[task.setvariable]x\n' +
        '✖ 1 error, 1 warning, 0 info in 2 files (5 entities)\n',
    );
  });

  it('azure uses logging commands with Azure escaping and sets the task result', () => {
    expect(formatters.azure(diagnostics, { ...options, sourceRoot: '/agent/s' })).toBe(
      '##vso[task.logissue type=error;sourcepath=/agent/s/catalog/a.yaml;linenumber=13;columnnumber=10;code=ref-unresolved;]spec.owner refers to group:default/team-aa, which is not defined. (hint: Did you mean group:default/team-a?)\n' +
        '##vso[task.logissue type=warning;sourcepath=/agent/s/catalog/b.yaml;linenumber=2;columnnumber=3;code=annotation-managed;]value with , : %AZP25 and%0Anewline ##vso\u200b[task.setvariable]x\n' +
        '##vso[task.complete result=Failed;]1 error, 1 warning in 2 files (5 entities)\n',
    );
  });

  it('junit fails errors and keeps warnings as output', () => {
    const xml = formatters.junit(diagnostics, options);
    expect(xml).toContain('<testsuites name="backstage-gitops" tests="2" failures="1" errors="0">');
    expect(xml).toContain('<failure type="ref-unresolved" message="spec.owner refers to group:default/team-aa, which is not defined.">');
    expect(xml).toContain('<system-out>warning: value with , : % and\nnewline ##vso[task.setvariable]x\nat catalog/b.yaml:2:3</system-out>');
  });

  it('sarif carries rule, level and region', () => {
    const sarif = JSON.parse(formatters.sarif(diagnostics, options));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'ref-unresolved', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'catalog/a.yaml' }, region: { startLine: 13, startColumn: 10 } } }] });
    expect(sarif.runs[0].results[1].level).toBe('warning');
  });

  it('markdown escapes table cells', () => {
    expect(formatters.markdown(diagnostics, options)).toBe(
      '### Catalog gate: ❌ failed\n\n1 error · 1 warning · 0 info · 2 files · 5 entities\n\n' +
        '| | Where | Rule | Finding |\n|---|---|---|---|\n' +
        '| ❌ | <code>catalog/a.yaml:13:10</code> | <code>ref-unresolved</code> | spec.owner refers to group\\:default/team\\-aa, which is not defined.<br>_Did you mean group\\:default/team\\-a?_ |\n' +
        '| ⚠️ | <code>catalog/b.yaml:2:3</code> | <code>annotation-managed</code> | value with , \\: % and newline \\#\\#vso\\[task.setvariable\\]x |\n',
    );
  });

  it('json lists totals and sorted diagnostics', () => {
    const json = JSON.parse(formatters.json(diagnostics, options));
    expect(json.summary).toEqual({ error: 1, warning: 1, info: 0, files: 2, checkedFiles: 2, entities: 5 });
    expect(json.diagnostics[0].entityRef).toBe('component:default/a');
  });
});
