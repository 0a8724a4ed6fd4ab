import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { parseYaml, positionsIn } from '../../src/load/parseYaml.ts';
import { DEFAULT_YAML_LIMITS } from '../../src/load/parseYaml.ts';
import type { PathSegment } from '../../src/load/yamlPath.ts';

/**
 * Every place a finding could point at in `text`: each node's path, a missing child of each mapping,
 * and a path that does not exist, each as value and as key, in each document and in one past the last.
 * Returns the ones where the positions parseYaml gives by default, or positionsIn gives (the `--cache`
 * path, whatever parsed the file), differ from those of a full `yaml` parse, as readable lines.
 */
export function positionMismatches(text: string, file: string): string[] {
  const fast = parseYaml(text, file);
  const cached = positionsIn(text);
  const exact = parseYaml(text, file, DEFAULT_YAML_LIMITS, { exactPositions: true });
  const documents = parseAllDocuments(text, { merge: false });
  if (!Array.isArray(documents)) return [];
  const mismatches: string[] = [];
  [...documents, documents[documents.length - 1]].forEach((doc, index) => {
    if (!doc) return;
    const paths: PathSegment[][] = [['no-such-field'], ['metadata', 'no-such-field']];
    const walk = (node: unknown, path: PathSegment[]) => {
      paths.push(path);
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          walk(pair.value as Node, [...path, key]);
          paths.push([...path, key, 'no-such-field']);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => walk(item, [...path, i]));
        paths.push([...path, node.items.length]);
      }
    };
    walk(doc.contents, []);
    for (const path of paths) {
      for (const key of [false, true]) {
        const b = JSON.stringify(exact.locate(index, path, { key }));
        for (const [how, locate] of [['parseYaml', fast.locate], ['positionsIn', cached]] as const) {
          const a = JSON.stringify(locate(index, path, { key }));
          if (a !== b) mismatches.push(`${file} document ${index} ${JSON.stringify(path)}${key ? ' (key)' : ''} (${how}): ${a} instead of ${b}`);
        }
      }
    }
  });
  return mismatches;
}
