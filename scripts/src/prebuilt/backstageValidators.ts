import type * as CatalogModel from '@backstage/catalog-model';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { catalogModel, entityModelCore, scaffolderCommon, type BuiltinKind } from '../backstage.ts';
import { prebuiltValidators, type PrebuiltSource } from './prebuiltValidators.ts';
import { backstageKindSpec, entityPolicySpec } from './validatorSpecs.ts';

/** catalog-model's throwAjvError (validation/ajv): the first error, as the TypeError Backstage raises. */
function ajvTypeError(errors: ErrorObject[] | null | undefined): TypeError {
  if (!errors?.length) return new TypeError('Unknown error');
  const [error] = errors;
  const params = error.params ? ` - ${Object.entries(error.params).map(([key, value]) => `${key}: ${value}`).join(', ')}` : '';
  return new TypeError(`${error.instancePath || '<root>'} ${error.message}${params}`);
}

/**
 * A KindValidator over an already compiled kind schema, with the verdicts of catalog-model's
 * ajvCompiledJsonSchemaValidator over entityKindSchemaValidator: true when valid; false when the only
 * complaints about /kind and /apiVersion are `enum` ones (another kind's entity); otherwise throws the
 * TypeError throwAjvError builds from the first error.
 */
export function kindValidatorOf(validate: ValidateFunction): CatalogModel.KindValidator {
  return {
    async check(data) {
      if (validate(data) === true) return true;
      const soft = validate.errors?.filter(e => ['/kind', '/apiVersion'].includes(e.instancePath));
      if (soft?.length && soft.every(e => e.keyword === 'enum')) return false;
      throw ajvTypeError(validate.errors);
    },
  };
}

/** The package's own validator object per kind: catalog-model's, and the scaffolder's for Template. */
export function packageKindValidator(kind: BuiltinKind): CatalogModel.KindValidator {
  if (kind === 'Template') return scaffolderCommon().templateEntityV1beta3Validator;
  const m = catalogModel();
  const byKind: Record<Exclude<BuiltinKind, 'Template'>, CatalogModel.KindValidator> = {
    API: m.apiEntityV1alpha1Validator,
    Component: m.componentEntityV1alpha1Validator,
    Domain: m.domainEntityV1alpha1Validator,
    Group: m.groupEntityV1alpha1Validator,
    Location: m.locationEntityV1alpha1Validator,
    Resource: m.resourceEntityV1alpha1Validator,
    System: m.systemEntityV1alpha1Validator,
    User: m.userEntityV1alpha1Validator,
  };
  return byKind[kind];
}

/**
 * Backstage's validator for a built-in kind: the build's standalone code behind kindValidatorOf when it
 * was made for the installed packages, else the package's own validator (which compiles with Ajv).
 */
export function builtinKindValidator(kind: BuiltinKind, source?: PrebuiltSource): CatalogModel.KindValidator {
  const prebuilt = prebuiltValidators(backstageKindSpec(kind), source);
  return prebuilt ? kindValidatorOf(prebuilt('validate')) : packageKindValidator(kind);
}

/**
 * catalog-model's own SchemaValidEntityPolicy. Its enforce compiles Entity on first use unless its
 * `validate` is set: given the build's standalone code for the same set-up, it runs that instead.
 */
export function schemaValidEntityPolicy(source?: PrebuiltSource): CatalogModel.EntityPolicy {
  const policy = new (entityModelCore().SchemaValidEntityPolicy)();
  const prebuilt = prebuiltValidators(entityPolicySpec(), source);
  if (prebuilt) (policy as unknown as { validate: ValidateFunction }).validate = prebuilt('validate');
  return policy;
}
