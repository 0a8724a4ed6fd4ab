import jsyaml from 'js-yaml';
import { YAML_12_CORE } from './yamlSchema.ts';
import { mappingKeysExceeded, mayExceedNodes } from './yamlNodeBudget.ts';

/**
 * The documents parseYaml reads from `text` with js-yaml (before it shares their strings), for a text
 * jsYamlReadsAsYaml accepts (the caller's to judge), when parseYaml would do nothing else with it: no
 * mapping over the keys limit, no chance of passing `maxNodes` (parseYaml counts such a text's nodes as it
 * reads), and js-yaml reads it without an error. Otherwise undefined: parseYaml decides. Pure, so the
 * reader thread can read a file's documents for the main thread (fileReader.ts) and the main thread takes
 * them as its own parse's; the values are plain (YAML_12_CORE: objects, arrays, strings, numbers, booleans,
 * null), which a structured clone copies exactly.
 */
export function plainDocuments(text: string, file: string, maxNodes: number): unknown[] | undefined {
  if (mappingKeysExceeded(text) || mayExceedNodes(text, maxNodes)) return undefined;
  try {
    return jsyaml.loadAll(text, undefined, { schema: YAML_12_CORE, filename: file });
  } catch {
    return undefined;
  }
}
