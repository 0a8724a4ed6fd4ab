import { BUILTIN_KINDS, catalogModelVersion, computeModelKinds } from '../backstage.ts';
import { managedModelMetaSpec } from '../catalog/checkBackstageModel.ts';
import { policyMetaSpec } from '../catalog/checkPolicies.ts';
import { TOOLKIT_SCHEMAS, toolkitSpec, type ToolkitSchema } from '../config/toolkitSchemas.ts';
import { templatePageMetaSpec } from '../templates/checkTemplate.ts';
import { buildValidators } from './prebuiltValidators.ts';
import { writePrebuilt } from './prebuilt.ts';
import { backstageKindSpec, entityPolicySpec, modelSpec, type ValidatorSpec } from './validatorSpecs.ts';

/**
 * Every fixed schema set-up the check path would compile with Ajv at start: Backstage's kind validators
 * and SchemaValidEntityPolicy as the packages build them, the gate's every-error variants, and the
 * toolkit's own config, scorecard and template-test schemas, and the meta-schema that the org's policies, templates'
 * parameter pages (data of each PR) and the managed model's kind schemas, compiled at run time, are checked against.
 */
export function fixedValidatorSpecs(): ValidatorSpec[] {
  return [...BUILTIN_KINDS.map(backstageKindSpec), entityPolicySpec(), modelSpec(), ...(Object.keys(TOOLKIT_SCHEMAS) as ToolkitSchema[]).map(toolkitSpec), policyMetaSpec(), templatePageMetaSpec(), managedModelMetaSpec()];
}

/** Computes what start-up would otherwise compute on every run, keyed so a stale value is never used. */
export function buildPrebuilt(): string {
  return writePrebuilt({
    modelKinds: { key: catalogModelVersion(), value: computeModelKinds() },
    ...buildValidators(fixedValidatorSpecs()),
  });
}
