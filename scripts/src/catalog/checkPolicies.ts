import type { Rule } from '../rules.ts';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { ajvErrorsPlugin, ajvFormatsPlugin, ajvPackage } from '../load/lazyPackages.ts';
import type { Diagnostic, Severity } from '../diagnostic.ts';
import { errorPath, leafErrors } from './ajvPaths.ts';
import { draft07MetaSpec, usePrebuiltMetaSchema } from '../prebuilt/prebuiltMetaSchema.ts';
import type { ValidatorSpec } from '../prebuilt/validatorSpecs.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { checkPolicyValueCase, policyLiterals, type PolicyLiterals } from './policyValueCase.ts';

export interface PolicySchema {
  file: string;
  schema: Record<string, unknown>;
}

export interface CompiledPolicy {
  ruleId: string;
  severity: Severity;
  hint: string;
  /** The schema's `title`. */
  title: string;
  description: string;
  validate: ValidateFunction;
  /** The schema as written (policyLiterals reads the values it names). */
  schema?: Record<string, unknown>;
}

const POLICY_OPTIONS = { allErrors: true, allowUnionTypes: true, strict: false };

/** draft-07's meta-schema as the policies' Ajv (its options, ajv-formats, ajv-errors) checks each policy against it. */
export function policyMetaSpec(): ValidatorSpec {
  return draft07MetaSpec('policy-meta-schema', POLICY_OPTIONS, ['ajv-formats', 'ajv-errors']);
}

/**
 * Org policy lives in JSON Schema files: `x-rule-id`, `x-severity` and `x-hint` say how a violation
 * is reported, `errorMessage` (ajv-errors) says it in words a newcomer understands. The policies are
 * data of each PR, so they are compiled here, by one Ajv, which checks them against the prebuilt
 * meta-schema validator instead of compiling draft-07's meta-schema first (`ajv`: policyAjv() unless the
 * caller already made it). Throws Ajv's error for a policy that does not compile.
 */
export function compilePolicies(schemas: readonly PolicySchema[], ajv: Ajv = policyAjv()): CompiledPolicy[] {
  if (schemas.length === 0) return [];
  return schemas.map(({ file, schema }) => {
    const name = file.replace(/^.*\//, '').replace(/\.schema\.json$|\.json$/, '');
    return {
      ruleId: String(schema['x-rule-id'] ?? `policy/${name}`),
      severity: (schema['x-severity'] as Severity | undefined) ?? 'error',
      hint: String(schema['x-hint'] ?? `See ${file} for the org's policy.`),
      title: String(schema.title ?? name),
      description: String(schema.description ?? schema.title ?? name),
      validate: ajv.compile(schema),
      schema,
    };
  });
}

/**
 * The Ajv every org policy is compiled with: draft-07 (its meta-schema prebuilt), ajv-formats' formats and
 * ajv-errors' `errorMessage`, not strict (a policy's own `x-` annotations are no keywords). Its RULES and
 * formats are what a policy's keywords and formats are judged against (unknownPolicyKeywords).
 */
export function policyAjv(): Ajv {
  const ajv = new (ajvPackage().Ajv)(POLICY_OPTIONS);
  usePrebuiltMetaSchema(ajv, policyMetaSpec());
  ajvFormatsPlugin()(ajv);
  ajvErrorsPlugin()(ajv);
  return ajv;
}

const literalsOf = new WeakMap<readonly CompiledPolicy[], PolicyLiterals>();

/**
 * Each org policy's violations by `entity`, at the YAML path each is about, with the policy's rule id,
 * severity and hint; and `policy-value-case` for a value a policy names only in another letter case
 * (see checkPolicyValueCase).
 */
export function checkPolicies(entity: CatalogEntity, policies: readonly CompiledPolicy[]): Diagnostic[] {
  let literals = literalsOf.get(policies);
  if (!literals) literalsOf.set(policies, literals = policyLiterals(policies.map(p => ({ ruleId: p.ruleId, schema: p.schema }))));
  const diagnostics: Diagnostic[] = literals.size > 0 ? checkPolicyValueCase(entity, literals) : [];
  for (const policy of policies) {
    if (policy.validate(entity.entity)) continue;
    const seen = new Set<string>();
    for (const error of leafErrors(policy.validate.errors ?? [])) {
      const { path, key } = errorPath(error);
      const message = policyMessage(error);
      const id = `${path.join('.')}|${message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      diagnostics.push(diagnosticAt(entity, path, { ruleId: policy.ruleId, severity: policy.severity, message, hint: policy.hint }, { key }));
    }
  }
  return diagnostics;
}

/** A policy violation in words: its ajv-errors `errorMessage`, else what the keyword asks at which path. */
export function policyMessage(error: ErrorObject): string {
  if (error.keyword === 'errorMessage') return error.message ?? 'violates the policy';
  const where = error.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'the entity';
  if (error.keyword === 'required') return `${where} must have ${error.params.missingProperty}`;
  if (error.keyword === 'enum') return `${where} must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${where} ${error.message}`;
}

/**
 * The org policies as registered rules, so reports describe them like Backstage's own: the schema's
 * `title` as the short description, `description` (else the title) as the full one, `x-hint` as help.
 */
export function policyRules(policies: readonly CompiledPolicy[]): Rule[] {
  return policies.map(p => ({ id: p.ruleId, severity: p.severity, title: p.title, description: p.description, hint: p.hint, example: `# an entity that breaks "${p.title}"` }));
}
