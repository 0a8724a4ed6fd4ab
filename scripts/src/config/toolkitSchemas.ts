import { Ajv, type Options, type ValidateFunction } from 'ajv';
import configSchema from '../../../schemas/gitops-config.schema.json' with { type: 'json' };
import scorecardsSchema from '../../../schemas/scorecards.schema.json' with { type: 'json' };
import templateTestSchema from '../../../schemas/template-test.schema.json' with { type: 'json' };

/** The toolkit's own JSON Schemas (bundled at build time, never from the repository under review) and the Ajv options each is read with. */
export const TOOLKIT_SCHEMAS = {
  'gitops-config': { schema: configSchema, options: { allErrors: true, useDefaults: true } },
  scorecards: { schema: scorecardsSchema, options: { allErrors: true, useDefaults: true, allowUnionTypes: true, strict: false } },
  'template-test': { schema: templateTestSchema, options: { allErrors: true, useDefaults: false, strict: false } },
} satisfies Record<string, { schema: object; options: Options }>;

const compiled = new Map<string, ValidateFunction>();

/**
 * The validator for one of the toolkit's own schemas (gitops.config.yaml, scorecards/, template test
 * cases), compiled once per process. The schema is not checked against JSON Schema's meta-schema at run
 * time: compiling that costs more than the schema itself (about 15–60 ms per Ajv), and the schemas are
 * fixed when the toolkit is built, so scripts/test/config/toolkitSchemas.test.ts checks them once instead.
 */
export function toolkitValidator(name: keyof typeof TOOLKIT_SCHEMAS): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const { schema, options } = TOOLKIT_SCHEMAS[name];
    compiled.set(name, (validate = new Ajv({ ...options, validateSchema: false }).compile(schema)));
  }
  return validate;
}
