import type { Ajv, Options } from 'ajv';
import { prebuiltValidators } from './prebuiltValidators.ts';
import type { ValidatorSpec } from './validatorSpecs.ts';

// Ajv's default meta-schema, under the key Ajv 8's Ajv class registers it.
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

/**
 * draft-07's meta-schema as an Ajv with `options` and `plugins` validates schemas against it; fixed,
 * so `npm run build` prebuilds it for the Ajv instances that compile schemas which are data of a PR.
 */
export function draft07MetaSpec(name: string, options: Options, plugins: ValidatorSpec['plugins']): ValidatorSpec {
  return { name, ajv: 'toolkit', options, plugins, add: [], exports: { validate: { id: DRAFT_07 } } };
}

/**
 * Hands a freshly made `ajv` (set up as `spec` says, nothing compiled yet) the build's standalone
 * validator of draft-07's meta-schema. Ajv still checks every schema (and each plugin keyword's own
 * schema) against the meta-schema before compiling it, in the same order and with the same message,
 * but runs that validator instead of compiling the meta-schema first (tens of milliseconds per Ajv).
 * Without a prebuilt made for `spec`, or once the meta-schema is compiled, it changes nothing.
 */
export function usePrebuiltMetaSchema(ajv: Ajv, spec: ValidatorSpec): void {
  const env = ajv.schemas[DRAFT_07];
  if (!env || env.validate) return;
  const prebuilt = prebuiltValidators(spec);
  if (prebuilt) env.validate = prebuilt('validate');
}
