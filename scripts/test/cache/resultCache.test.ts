import { describe, expect, it } from 'vitest';
import { ResultCache } from '../../src/cache/resultCache.ts';
import type { Diagnostic } from '../../src/diagnostic.ts';

const finding = (file: string): Diagnostic => ({ ruleId: 'entity-field-format', severity: 'error', message: 'm', file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } });

function written(): string {
  const cache = ResultCache.read(undefined, 'k');
  cache.putParsed('a.yaml', 'h', [{ kind: 'Component' }, undefined], []);
  cache.putFindings('a.yaml', 'h', 0, [finding('a.yaml')], []);
  return cache.serialize();
}

describe('ResultCache', () => {
  it('gives back documents, unread documents and findings for the same text only', () => {
    const cache = ResultCache.read(written(), 'k');
    expect(cache.notice).toBeUndefined();
    expect(cache.parsed('a.yaml', 'h')).toEqual({ documents: [{ kind: 'Component' }, undefined], problems: [] });
    expect(cache.parsed('a.yaml', 'other')).toBeUndefined();
    expect(cache.findings('a.yaml', 'h', 0)?.model).toEqual([finding('a.yaml')]);
    expect(cache.findings('a.yaml', 'h', 0, 'substituted-entity')).toBeUndefined();
    expect(cache.findings('a.yaml', 'h', 1)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', 'it is not valid JSON'],
    ['another format', JSON.stringify({ format: 'x', key: 'k', files: {} }), 'it is not a cache this toolkit wrote'],
    ['the object format of /1', JSON.stringify({ format: 'backstage-gitops-cache/1', key: 'k', files: {} }), 'it is not a cache this toolkit wrote'],
    ['a file line that is not JSON', `${written()}\n["b.yaml",`, 'it is not valid JSON'],
    ['a file line of another shape', `${written()}\n{"b.yaml":{}}`, 'it is not a cache this toolkit wrote'],
    ['a file listed twice', `${written()}\n${written().split('\n')[1]}`, 'it is not a cache this toolkit wrote'],
    ['another key', written(), 'the toolkit, Backstage packages, policies or config changed since it was written'],
    ['a finding filed under another file', written().replace('"file":"a.yaml"', '"file":"b.yaml"'), 'its entry for a.yaml is malformed'],
    ['a severity that does not exist', written().replace('"severity":"error"', '"severity":"fatal"'), 'its entry for a.yaml is malformed'],
    ['an unread index out of range', written().replace('"unread":[1]', '"unread":[7]'), 'its entry for a.yaml is malformed'],
  ])('ignores a cache with %s, and says why', (_name, text, notice) => {
    const cache = ResultCache.read(text, _name === 'another key' ? 'other' : 'k');
    expect(cache.notice).toBe(notice);
    expect(cache.parsed('a.yaml', 'h')).toBeUndefined();
  });

  it('needs no rewrite when every file and finding came back unchanged, and one when anything differs', () => {
    const unchanged = ResultCache.read(written(), 'k');
    const parsed = unchanged.parsed('a.yaml', 'h')!;
    unchanged.putParsed('a.yaml', 'h', parsed.documents, parsed.problems);
    const found = unchanged.findings('a.yaml', 'h', 0)!;
    unchanged.putFindings('a.yaml', 'h', 0, found.model, found.policies);
    expect(unchanged.needsWrite()).toBe(false);

    const edited = ResultCache.read(written(), 'k');
    edited.putParsed('a.yaml', 'h2', [{ kind: 'Component' }], []);
    expect(edited.needsWrite()).toBe(true);

    const fewer = ResultCache.read(written(), 'k');
    const again = fewer.parsed('a.yaml', 'h')!;
    fewer.putParsed('a.yaml', 'h', again.documents, again.problems);
    expect(fewer.needsWrite()).toBe(true);
  });

  it('treats a __proto__ entry as a file like any other', () => {
    const text = written().replace('\n', '\n["__proto__",{"hash":"h","documents":[],"unread":[],"problems":[],"findings":[]}]\n');
    const cache = ResultCache.read(text, 'k');
    expect(cache.notice).toBeUndefined();
    expect(cache.parsed('hash', 'h')).toBeUndefined();
    expect(cache.parsed('a.yaml', 'h')?.documents).toEqual([{ kind: 'Component' }, undefined]);
  });

  it('leaves out files whose values JSON cannot carry exactly', () => {
    const cache = ResultCache.read(undefined, 'k');
    cache.putParsed('nan.yaml', 'h', [{ a: Number.NaN }], []);
    cache.putParsed('inf.yaml', 'h', [{ a: [Number.POSITIVE_INFINITY] }], []);
    cache.putParsed('ok.yaml', 'h', [{ a: 1.5 }], []);
    expect(cache.serialize().split('\n').slice(1).map(line => JSON.parse(line)[0])).toEqual(['ok.yaml']);
  });

  it('writes back the lines of files that came back unchanged as read, and serializes the rest', () => {
    const previous = ResultCache.read(undefined, 'k');
    for (const file of ['a.yaml', 'b.yaml']) {
      previous.putParsed(file, 'h', [{ kind: 'Component' }], []);
      previous.putFindings(file, 'h', 0, [finding(file)], []);
    }
    // A line as another writer could have spaced it: only a line kept as read keeps its spacing.
    const text = previous.serialize().replace(/^\["a\.yaml",/m, '["a.yaml", ').replace(/^\["b\.yaml",/m, '["b.yaml", ');
    const lineB = JSON.stringify(['b.yaml', { hash: 'h', documents: [{ kind: 'Component' }], unread: [], problems: [], findings: [{ model: [], policies: [] }] }]);
    // From the text alone, and from the text with the bytes it was decoded from (what a run reads; a name
    // outside ASCII shows that bytes, not characters, are counted).
    for (const bytes of [undefined, Buffer.from(text)]) expect(rewritten(text, bytes)).toEqual([text.split('\n')[0], text.split('\n')[1], lineB]);
    const accented = text.replaceAll('a.yaml', 'ä.yaml');
    expect(rewritten(accented, Buffer.from(accented), 'ä.yaml')[1]).toBe(accented.split('\n')[1]);
  });

  it('writes runs of unchanged lines as views of the bytes read, and changed lines between them in order', () => {
    const previous = ResultCache.read(undefined, 'k');
    const files = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml'];
    for (const file of files) {
      previous.putParsed(file, 'h', [{ kind: 'Component' }], []);
      previous.putFindings(file, 'h', 0, [finding(file)], []);
    }
    const text = previous.serialize();
    const bytes = Buffer.from(text);
    const cache = ResultCache.read(bytes ?? text, 'k');
    for (const file of files) {
      const found = cache.parsed(file, 'h')!;
      cache.putParsed(file, 'h', found.documents, found.problems);
      const findings = cache.findings(file, 'h', 0)!;
      // c.yaml gets new findings: its line is written anew, a-b and d-e are two views.
      cache.putFindings(file, 'h', 0, file === 'c.yaml' ? [] : findings.model, findings.policies);
    }
    const chunks = cache.serializeChunks();
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    expect(lines.filter((_, i) => i !== 3)).toEqual(text.split('\n').filter((_, i) => i !== 3));
    expect(JSON.parse(lines[3])[1].findings).toEqual([{ model: [], policies: [] }]);
    // Small buffers share Node's pool: a view is one that lies within the bytes read.
    const views = chunks.filter(chunk => chunk.buffer === bytes.buffer && chunk.byteOffset >= bytes.byteOffset && chunk.byteOffset + chunk.length <= bytes.byteOffset + bytes.length);
    expect(views.map(view => view.toString('utf8'))).toEqual([`\n${lines[1]}\n${lines[2]}`, `\n${lines[4]}\n${lines[5]}`]);
  });
});

/** Reads `text` (with `bytes`), gives file `a` back unchanged and b.yaml with new findings: the lines it writes. */
function rewritten(text: string, bytes?: Buffer, a = 'a.yaml'): string[] {
  const cache = ResultCache.read(bytes ?? text, 'k');
  const found = cache.parsed(a, 'h')!;
  cache.putParsed(a, 'h', found.documents, found.problems);
  const findings = cache.findings(a, 'h', 0)!;
  cache.putFindings(a, 'h', 0, findings.model, findings.policies);
  const b = cache.parsed('b.yaml', 'h')!;
  cache.putParsed('b.yaml', 'h', b.documents, b.problems);
  cache.putFindings('b.yaml', 'h', 0, [], []);
  expect(cache.needsWrite()).toBe(true);
  const written = cache.serializeBytes();
  expect(written.toString('utf8')).toBe(cache.serialize());
  return written.toString('utf8').split('\n');
}
