import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import type { PathSegment } from '../load/yamlPath.ts';

/** The string values a policy schema names with `const` or `enum`, keyed by instance path (`*`: any array item). */
export type PolicyLiterals = ReadonlyMap<string, { path: readonly string[]; values: ReadonlyMap<string, ReadonlySet<string>> }>;

const SAME_PATH = ['allOf', 'anyOf', 'oneOf', 'if', 'then', 'else', 'not'];

/**
 * Every string a set of policy schemas compares a value with (`const`, `enum`), by the instance path it
 * sits at: walks `properties`, `items` and the combinators (`allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`/
 * `not`), which keep the path. `kind` and `apiVersion` are left out: Backstage matches those exactly too.
 * Takes each policy's rule id and schema; returns a map from the dot-joined path to its values, each with the rule ids naming it.
 */
export function policyLiterals(policies: readonly { ruleId: string; schema: unknown }[]): PolicyLiterals {
  const found = new Map<string, { path: string[]; values: Map<string, Set<string>> }>();
  const visit = (schema: unknown, path: string[], ruleId: string, depth: number) => {
    if (!schema || typeof schema !== 'object' || depth > 64) return;
    const node = schema as Record<string, unknown>;
    const strings = [node.const, ...(Array.isArray(node.enum) ? node.enum : [])].filter((v): v is string => typeof v === 'string');
    if (strings.length > 0 && path.length > 0 && !(path.length === 1 && (path[0] === 'kind' || path[0] === 'apiVersion'))) {
      const key = path.join('.');
      const entry = found.get(key) ?? found.set(key, { path, values: new Map() }).get(key)!;
      for (const value of strings) (entry.values.get(value) ?? entry.values.set(value, new Set()).get(value)!).add(ruleId);
    }
    if (node.properties && typeof node.properties === 'object') {
      for (const [name, sub] of Object.entries(node.properties as Record<string, unknown>)) visit(sub, [...path, name], ruleId, depth + 1);
    }
    if (node.items) for (const sub of Array.isArray(node.items) ? node.items : [node.items]) visit(sub, [...path, '*'], ruleId, depth + 1);
    for (const key of SAME_PATH) {
      const sub = node[key];
      for (const branch of Array.isArray(sub) ? sub : [sub]) visit(branch, path, ruleId, depth + 1);
    }
  };
  for (const { ruleId, schema } of policies) visit(schema, [], ruleId, 0);
  return found;
}

/**
 * `policy-value-case`: a string value that a policy names only in another letter case (`type: Service`
 * where a policy names `service`). JSON Schema's const/enum compare exactly, so such an entity slips past
 * the rule written for it, while Backstage's catalog stores the values it filters on lower-cased
 * (catalog-backend's buildEntitySearch) and so lists it as a `service`. Returns one finding per value.
 */
export function checkPolicyValueCase(entity: CatalogEntity, literals: PolicyLiterals): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { path, values } of literals.values()) {
    for (const [at, value] of valuesAt(entity.entity, path)) {
      if (typeof value !== 'string' || values.has(value)) continue;
      const lower = value.toLowerCase();
      const canonical = [...values.keys()].filter(v => v.toLowerCase() === lower);
      const rules = new Set(canonical.flatMap(v => [...values.get(v)!]));
      if (canonical.length === 0) continue;
      const where = at.join('.');
      diagnostics.push(diagnosticAt(entity, at, {
        ruleId: 'policy-value-case',
        severity: 'error',
        message: `${where} is ${JSON.stringify(value).slice(0, 80)}, which differs only in letter case from ${canonical.map(v => JSON.stringify(v)).join(' or ')} named by ${[...rules].sort().join(', ')}: the policy compares exactly and skips this entity, while Backstage's catalog filters read it as ${JSON.stringify(canonical[0])}.`,
        hint: `Write ${where}: ${canonical[0]}`,
      }));
    }
  }
  return diagnostics;
}

function valuesAt(root: unknown, path: readonly string[]): [PathSegment[], unknown][] {
  let current: [PathSegment[], unknown][] = [[[], root]];
  for (const segment of path) {
    const next: [PathSegment[], unknown][] = [];
    for (const [at, value] of current) {
      if (segment === '*') {
        if (Array.isArray(value)) value.forEach((item, i) => next.push([[...at, i], item]));
      } else if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, segment)) {
        next.push([[...at, segment], (value as Record<string, unknown>)[segment]]);
      }
    }
    current = next;
  }
  return current;
}
