import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseYaml, sharedStringCount } from '../../src/load/parseYaml.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes in use after a full collection. */
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// One entity file of a big catalog: the same tags, types and annotations as thousands of others.
const entityText = (n: number) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: service-${n}
  description: Service number ${n} of the catalog, one of many alike.
  tags: [${Array.from({ length: 60 }, (_, i) => `tag-word-${i}`).join(', ')}]
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: production
  owner: group:default/platform
`;

describe('short values parseYaml reads are shared', () => {
  it('keeps one copy of a value thousands of files repeat', () => {
    const files = 3000;
    const before = heapAfterGc();
    const kept = Array.from({ length: files }, (_, n) => parseYaml(entityText(n), `e${n}.yaml`));
    const perFile = (heapAfterGc() - before) / files;
    // The values are equal either way; what sharing changes is the memory each file keeps.
    expect((kept[7].documents[0] as { metadata: { tags: string[] } }).metadata.tags[59]).toBe('tag-word-59');
    // Kept per file: the text, its objects and the tag list (≈2.3 KB here). Without sharing, also 63
    // copies of its short strings (≈4.4 KB here).
    expect(perFile).toBeLessThan(3200);
  });

  it('does not keep the text a shared value was read from', () => {
    // V8 keeps a string of 13 or more characters cut from a longer one as a view into it: a table entry
    // made from js-yaml's value would keep each whole file (here 40 × 256 KB) for the rest of the process.
    const padding = Array.from({ length: 2048 }, (_, i) => `k${i}: ${'x'.repeat(120)}\n`).join('');
    const before = heapAfterGc();
    for (let file = 0; file < 40; file++) parseYaml(`${padding}owner: group:default/team-${String(file).padStart(5, '0')}\n`, `big${file}.yaml`);
    expect(heapAfterGc() - before).toBeLessThan(2 * 1024 * 1024);
  });

  it('holds at most 65,536 strings however many different values a catalog has', () => {
    const values = Array.from({ length: 2000 }, (_, i) => `name-${i}`);
    for (let file = 0; file < 40; file++) {
      parseYaml(`names:\n${values.map(v => `  - ${v}-${file}\n`).join('')}`, `n${file}.yaml`);
    }
    expect(sharedStringCount()).toBe(65536);
  });
});
