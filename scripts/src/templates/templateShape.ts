import { isRecord } from '../load/loadCatalog.ts';
import { builtinKindValidator } from '../prebuilt/backstageValidators.ts';

/**
 * Why a Template document is not shaped as the scaffolder runs it, or undefined when it is: `spec` a
 * mapping, `spec.steps` a list of mappings, `spec.parameters` a mapping or a list of mappings (absent is
 * fine, empty is not). Backstage's Template kind schema refuses anything else, so the catalog never ingests such an
 * entity and the scaffolder never runs it (the `entity-kind-schema` finding says where); checks that read
 * steps and pages wait until it is a template. Typical: a lone `-` left in a list after deleting an item.
 */
export function templateShapeProblem(template: unknown): string | undefined {
  if (!isRecord(template) || !isRecord(template.spec)) return 'spec is not a mapping';
  const { steps, parameters } = template.spec;
  if (!Array.isArray(steps)) return 'spec.steps is not a list';
  const step = steps.findIndex(s => !isRecord(s));
  if (step >= 0) return `spec.steps[${step}] is not a mapping`;
  if (parameters === undefined || isRecord(parameters)) return undefined;
  if (!Array.isArray(parameters)) return 'spec.parameters is neither a mapping nor a list';
  const page = parameters.findIndex(p => !isRecord(p));
  return page >= 0 ? `spec.parameters[${page}] is not a mapping` : undefined;
}

/**
 * What Backstage's Template kind validator (scaffolder-common's templateEntityV1beta3Validator, through
 * builtinKindValidator) says of `template`, or undefined when it passes. The dry-run endpoint runs that check
 * before anything else ("Input template is not a template", or the TypeError it throws, such as "/spec must have
 * required property 'type'"), and the catalog's ScaffolderEntitiesProcessor refuses to ingest such an entity,
 * so no task ever runs it. The message is cut to 300 characters. Never throws.
 */
export async function templateSchemaProblem(template: unknown): Promise<string | undefined> {
  try {
    return (await builtinKindValidator('Template').check(template as never)) ? undefined : 'it is not a scaffolder.backstage.io/v1beta3 Template ("Input template is not a template")';
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).slice(0, 300);
  }
}
