import type { Options, ValidateFunction } from 'ajv';
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { toolkitRoot } from '../init/toolkitFiles.ts';
import { logText } from '../report/safeText.ts';
import configSchema from '../../../schemas/gitops-config.schema.json' with { type: 'json' };
import scorecardsSchema from '../../../schemas/scorecards.schema.json' with { type: 'json' };
import templateTestSchema from '../../../schemas/template-test.schema.json' with { type: 'json' };
import { fixedValidators } from '../prebuilt/prebuiltValidators.ts';
import { toolkitSchemaSpec, type ValidatorSpec } from '../prebuilt/validatorSpecs.ts';
import { leavesRoot } from '../load/leavesRoot.ts';

/** The toolkit's own JSON Schemas (bundled at build time, never from the repository under review) and the Ajv options each is read with. */
export const TOOLKIT_SCHEMAS = {
  'gitops-config': { schema: configSchema, options: { allErrors: true, useDefaults: true } },
  // ajv-formats (full mode) for `format: date`: a calendar date, so 2026-02-30 or 2026-13-01 is refused.
  scorecards: { schema: scorecardsSchema, options: { allErrors: true, useDefaults: true, allowUnionTypes: true, strict: false }, plugins: ['ajv-formats'] },
  'template-test': { schema: templateTestSchema, options: { allErrors: true, useDefaults: false, strict: false } },
} satisfies Record<string, { schema: object; options: Options; plugins?: ValidatorSpec['plugins'] }>;

export type ToolkitSchema = keyof typeof TOOLKIT_SCHEMAS;

/**
 * How `npm run build` prebuilds one of the toolkit's schemas, and how it is compiled when no prebuilt
 * fits: without Ajv's run-time meta-schema check, which costs more than the schema itself (about
 * 15–60 ms per Ajv) for schemas fixed when the toolkit is built; scripts/test/config/toolkitSchemas.test.ts
 * checks them against it once instead.
 */
export function toolkitSpec(name: ToolkitSchema): ValidatorSpec {
  const entry: { schema: object; options: Options; plugins?: ValidatorSpec['plugins'] } = TOOLKIT_SCHEMAS[name];
  return toolkitSchemaSpec(name, entry.schema, { ...entry.options, validateSchema: false }, entry.plugins);
}

const compiled = new Map<string, ValidateFunction>();

/**
 * The validator for one of the toolkit's own schemas (gitops.config.yaml, scorecards/, template test
 * cases), once per process: the build's standalone module when made for this schema and ajv, else
 * compiled now.
 */
export function toolkitValidator(name: ToolkitSchema): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) compiled.set(name, (validate = fixedValidators(toolkitSpec(name))('validate')));
  return validate;
}

/**
 * Where the user can open one of the toolkit's own schemas, for a message about the repository at `root`.
 * The schema that judged the file is the toolkit's (bundled at build time), which is not in `root` when the
 * toolkit checks another repository (`--root ../other`, an action from another checkout): then its absolute
 * path. Inside `root` (this control repo, or one `init` copied the toolkit into) the repo path, as before.
 * Takes the schema's name and the checked root; returns a path for display (escaped for a log line), or
 * "the toolkit's schemas/<name>.schema.json" when the toolkit's folder cannot be found. Never throws.
 */
export function toolkitSchemaShown(name: ToolkitSchema, root: string): string {
  const file = `schemas/${name}.schema.json`;
  let path: string;
  try {
    path = join(toolkitRoot(), file);
  } catch {
    return `the toolkit's ${file}`;
  }
  if (!existsSync(path)) return `the toolkit's ${file}`;
  const inRoot = relative(resolve(root), path);
  return logText(leavesRoot(inRoot) ? path : inRoot.split(sep).join('/'));
}
