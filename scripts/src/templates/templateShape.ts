import { isRecord } from '../load/loadCatalog.ts';

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
