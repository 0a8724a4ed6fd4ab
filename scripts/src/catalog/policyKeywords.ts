import type { Ajv } from 'ajv';
import { createRequire } from 'node:module';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import type { PolicySchema } from './checkPolicies.ts';

const require = createRequire(import.meta.url);
type Traverse = (schema: unknown, options: { cb: (schema: Record<string, unknown>, pointer: string) => void }) => void;

/**
 * One `policy-keyword-unknown` error for each key of an org policy's schemas (and subschemas, as Ajv walks
 * them: json-schema-traverse, Ajv's own) that the policies' Ajv (`ajv`: policyAjv) has no rule for, and for
 * each `format` it has no format for. The policies are compiled with strict: false (their `x-` annotations
 * are no keywords), so Ajv ignores both without a word: `"requried": ["owner"]` or `"format": "emial"`
 * checks nothing, and a policy the platform team believes enforced lets every entity through. Keys that
 * start with `x-` are the toolkit's annotations and pass. Takes the repo root (to find the line), the
 * policies as read and the Ajv; returns the findings, positioned at the key or the format's value. Never throws.
 */
export function unknownPolicyKeywords(root: string, policies: readonly PolicySchema[], ajv: Ajv): Diagnostic[] {
  const keywords = ajv.RULES.keywords;
  const formats = ajv.formats;
  const traverse = require('json-schema-traverse') as Traverse;
  const found: Diagnostic[] = [];
  for (const { file, schema } of policies) {
    let locate: ((path: (string | number)[], key: boolean) => Diagnostic['range']) | undefined;
    const at = (path: (string | number)[], key: boolean) => {
      if (!locate) {
        try {
          const parsed = parseYaml(readRepoFile(root, file, 'utf8'), file);
          locate = (p, k) => parsed.locate(0, p, { key: k });
        } catch {
          locate = () => ({ start: { line: 1, column: 1 }, end: { line: 1, column: 1 } });
        }
      }
      return locate(path, key);
    };
    traverse(schema, {
      cb: (node, pointer) => {
        if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
        const path = pathOf(schema, pointer);
        for (const key of Object.keys(node)) {
          if (key.startsWith('x-') || Object.hasOwn(keywords, key)) continue;
          found.push({
            ruleId: 'policy-keyword-unknown',
            severity: 'error',
            message: `${quoted(key)}${where(path)} is no JSON Schema keyword the gate knows (draft-07, ajv-formats, ajv-errors' errorMessage): Ajv ignores it, so this policy does not check what it says there.`,
            hint: 'Fix the spelling (required, maxLength, additionalProperties…); a note of your own goes under a key that starts with x- or in $comment.',
            file,
            range: at([...path, key], true),
          });
        }
        const format = node.format;
        if (typeof format === 'string' && !Object.hasOwn(formats, format)) {
          found.push({
            ruleId: 'policy-keyword-unknown',
            severity: 'error',
            message: `The format ${quoted(format)}${where(path)} is not one the gate knows (ajv-formats: ${Object.keys(formats).slice(0, 12).join(', ')}…): Ajv ignores it, so every value passes.`,
            hint: 'Name a format ajv-formats defines, or write a pattern.',
            file,
            range: at([...path, 'format'], false),
          });
        }
      },
    });
  }
  return found;
}

/** The YAML path of a JSON pointer into `schema` (array indices as numbers, for parseYaml's locate). */
function pathOf(schema: unknown, pointer: string): (string | number)[] {
  const path: (string | number)[] = [];
  let node = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step = Array.isArray(node) ? Number(segment) : segment;
    path.push(step);
    node = (node as Record<string | number, unknown> | undefined)?.[step];
  }
  return path;
}

const where = (path: readonly (string | number)[]) => (path.length ? ` at ${clip(path.join('.'))}` : '');
const quoted = (text: string) => JSON.stringify(clip(text));
const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);
