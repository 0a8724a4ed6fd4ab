import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { TOOLKIT_SCHEMAS, toolkitValidator } from '../../src/config/toolkitSchemas.ts';

// toolkitValidator skips Ajv's run-time meta-schema check; this is that check, for every schema it serves.
describe("the toolkit's own schemas", () => {
  it.each(Object.entries(TOOLKIT_SCHEMAS))('%s is a valid draft-07 JSON Schema, as Ajv reads it with its options and plugins', (name, entry) => {
    const { schema, options } = entry;
    const ajv = new Ajv({ ...options, validateSchema: true });
    if ('plugins' in entry && entry.plugins.includes('ajv-formats')) addFormats(ajv);
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
    expect(toolkitValidator(name as keyof typeof TOOLKIT_SCHEMAS)).toBe(toolkitValidator(name as keyof typeof TOOLKIT_SCHEMAS));
  });
});
