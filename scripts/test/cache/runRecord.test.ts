import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileText, readCacheParts, type RunRecord } from '../../src/cache/runRecord.ts';

const record: RunRecord = {
  key: 'k',
  diagnostics: [{ ruleId: 'entity-field-format', severity: 'error', message: 'm', file: 'a.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } }],
  checkedFiles: 1,
  entityCount: 1,
  rules: [{ id: 'entity-field-format', severity: 'error', description: 'd', example: 'e' }],
  failOn: 'error',
};

function parts(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'run-record-')), 'cache.json');
  writeFileSync(file, text);
  return readCacheParts(file);
}

describe('the --cache file: the last run on the first line, per-file results after it', () => {
  it('gives back the record and the per-file text it was written with', () => {
    const read = parts(cacheFileText(record, '{"files":{}}'));
    expect(read.run).toEqual(record);
    expect(read.notice).toBeUndefined();
    expect(read.filesBytes()?.toString('utf8')).toBe('{"files":{}}');
    expect(parts(cacheFileText(undefined, '{}'))).toMatchObject({ run: undefined, notice: undefined });
  });

  it('reads a record line and a per-file part longer than one read, and a file that is one long line', () => {
    // Past the 64 KiB of the first read: the record's line is read on to its end, the rest when asked for.
    const long = { ...record, diagnostics: Array.from({ length: 900 }, (_, i) => ({ ...record.diagnostics[0], message: `m${i} ${'x'.repeat(100)}` })) };
    const files = `{"files":{"a":"${'y'.repeat(200_000)}"}}`;
    const read = parts(cacheFileText(long, files));
    expect(JSON.stringify(long).length).toBeGreaterThan(1 << 16);
    expect(read.run).toEqual(long);
    expect(read.filesBytes()?.toString('utf8')).toBe(files);
    // Asked twice: the same bytes, not a second read of a closed file.
    expect(read.filesBytes()?.toString('utf8')).toBe(files);
    const line = 'z'.repeat(150_000);
    expect(parts(line).filesBytes()?.toString('utf8')).toBe(line);
    expect(parts('').filesBytes()?.toString('utf8')).toBe('');
  });

  it('hands a file without a run record to the per-file cache whole, which then says what is wrong', () => {
    for (const text of ['{"format":"backstage-gitops-cache/1","key":', '{"format":"backstage-gitops-cache/1"}', 'not json\n{}']) {
      const read = parts(text);
      expect(read.run).toBeUndefined();
      expect(read.filesBytes()?.toString('utf8')).toBe(text);
    }
    expect(readCacheParts(join(tmpdir(), 'no-such-folder-for-run-record', 'cache.json')).filesBytes()).toBeUndefined();
  });

  it.each([
    ['a finding without a position', { diagnostics: [{ ruleId: 'x', severity: 'error', message: 'm', file: 'a.yaml' }] }],
    ['a severity that does not exist', { failOn: 'fatal' }],
    ['a count that is not a number', { entityCount: '1' }],
    ['a rule without a description', { rules: [{ id: 'x', severity: 'error', example: 'e' }] }],
  ])('never trusts a record with %s, and says so', (_name, change) => {
    const read = parts(cacheFileText({ ...record, ...change } as RunRecord, '{}'));
    expect(read.run).toBeUndefined();
    expect(read.notice).toBe('its record of the last run is malformed');
    expect(read.filesBytes()?.toString('utf8')).toBe('{}');
  });
});
