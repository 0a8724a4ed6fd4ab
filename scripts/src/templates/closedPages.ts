import { isRecord } from '../load/loadCatalog.ts';

/** A page that refuses what the form asks for: the names it does not allow, and whether one of them is required there. */
export interface ClosedPage {
  page: number;
  /** Names another page declares in its own properties. */
  names: string[];
  /** Names declared only inside a branch (of another page or of this one), which its own properties leave out. */
  branchNames: string[];
  /** Whether a branch of this page itself declares one of branchNames. */
  ownBranch: boolean;
  required: boolean;
}

const BRANCH_KEYS = ['allOf', 'anyOf', 'oneOf'];

/** The schemas inside `schema` that the form shows fields of when they apply: allOf/anyOf/oneOf, if/then/else, dependencies' schema forms. */
function branches(schema: Record<string, unknown>): unknown[] {
  return [
    ...BRANCH_KEYS.flatMap(key => (Array.isArray(schema[key]) ? (schema[key] as unknown[]) : [])),
    schema.if, schema.then, schema.else,
    ...(isRecord(schema.dependencies) ? Object.values(schema.dependencies) : []),
  ];
}

/** Every property name the branches of `schema` declare (not its own properties), however deep. */
function branchProperties(schema: Record<string, unknown>, into: Set<string>, depth = 0): Set<string> {
  if (depth > 20) return into;
  for (const branch of branches(schema)) {
    if (!isRecord(branch)) continue;
    if (isRecord(branch.properties)) for (const name of Object.keys(branch.properties)) into.add(name);
    branchProperties(branch, into, depth + 1);
  }
  return into;
}

/** The names a page requires on every run: its own required and those of its allOf branches (which always apply). */
function alwaysRequired(schema: Record<string, unknown>, into = new Set<string>(), depth = 0): Set<string> {
  if (depth > 20) return into;
  if (Array.isArray(schema.required)) for (const r of schema.required) if (typeof r === 'string') into.add(r);
  if (Array.isArray(schema.allOf)) for (const branch of schema.allOf) if (isRecord(branch)) alwaysRequired(branch, into, depth + 1);
  return into;
}

/**
 * Pages with `additionalProperties: false` whose own `properties` and `patternProperties` leave out a property the
 * form asks for. The backend validates the whole form's values against every page (jsonschema 1.5, in
 * scaffolder-backend's router) and the form submits the values of all its pages together, so such a page refuses
 * the task whenever that field is given; always when it is required. jsonschema's additionalProperties sees only the
 * `properties` and `patternProperties` beside it (testAdditionalProperty), never those of a branch: a property
 * declared only in a dependencies, oneOf, anyOf, allOf or if/then/else branch, of another page or of the closed
 * page itself, is refused too when its field is given.
 * `unread` tells a placeholder's stand-in (unreadPlaceholder): a page whose own properties are one is not judged.
 */
export function closedPages(pages: readonly unknown[], unread: (value: unknown) => boolean = () => false): ClosedPage[] {
  const found: ClosedPage[] = [];
  pages.forEach((page, i) => {
    if (!isRecord(page) || page.additionalProperties !== false) return;
    // properties (or patternProperties) Backstage reads from a URL at ingestion: what the page allows is unknown.
    if (unread(page.properties) || unread(page.patternProperties)) return;
    const own = isRecord(page.properties) ? new Set(Object.keys(page.properties)) : new Set<string>();
    const patterns: RegExp[] = [];
    if (isRecord(page.patternProperties)) {
      for (const pattern of Object.keys(page.patternProperties)) {
        try {
          patterns.push(new RegExp(pattern, 'u'));
        } catch {
          // An invalid pattern is template-parameters-invalid's finding; with it, nothing is judged here.
          return;
        }
      }
    }
    const allowed = (name: string) => own.has(name) || patterns.some(p => p.test(name));
    const names: string[] = [];
    const branchNames: string[] = [];
    let ownBranch = false;
    let required = false;
    pages.forEach((other, j) => {
      if (j === i || !isRecord(other) || !isRecord(other.properties)) return;
      const requiredThere = alwaysRequired(other);
      for (const name of Object.keys(other.properties)) {
        if (allowed(name) || names.includes(name)) continue;
        names.push(name);
        if (requiredThere.has(name)) required = true;
      }
    });
    pages.forEach((other, j) => {
      if (!isRecord(other)) return;
      const requiredThere = alwaysRequired(other);
      for (const name of branchProperties(other, new Set())) {
        if (allowed(name) || names.includes(name)) continue;
        if (j === i) ownBranch = true;
        if (!branchNames.includes(name)) branchNames.push(name);
        if (requiredThere.has(name)) required = true;
      }
    });
    if (names.length || branchNames.length) found.push({ page: i, names, branchNames, ownBranch, required });
  });
  return found;
}
