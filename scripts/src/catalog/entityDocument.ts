/** The kinds Backstage's own processors know (catalog-model and the scaffolder's entity-model module). */
export const BACKSTAGE_KINDS: ReadonlySet<string> = new Set(['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template']);

/**
 * Whether one parsed YAML document is meant for the catalog. Backstage's kinds live in the `backstage.io`
 * API group and its subgroups (`scaffolder.backstage.io/v1beta3`); custom kinds in the groups the config
 * names (`catalog.apiGroups`). Anything else with a `kind:` (a Dapr `Component` of `dapr.io/v1alpha1`, a
 * Crossplane or kro manifest, a Kubernetes object) is someone else's document. A document without an
 * apiVersion that names one of Backstage's kinds is a broken entity, not a foreign one, so it counts.
 *
 * Takes the document and the extra API groups (lower-case, without version); returns true for entities.
 */
export function isEntityDocument(value: unknown, apiGroups: ReadonlySet<string> = new Set()): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const doc = value as Record<string, unknown>;
  if (typeof doc.apiVersion !== 'string') return doc.apiVersion === undefined && typeof doc.kind === 'string' && BACKSTAGE_KINDS.has(doc.kind);
  const slash = doc.apiVersion.indexOf('/');
  if (slash < 0) return false;
  return isEntityApiGroup(doc.apiVersion.slice(0, slash).toLowerCase(), apiGroups);
}

function isEntityApiGroup(group: string, apiGroups: ReadonlySet<string>): boolean {
  return group === 'backstage.io' || group.endsWith('.backstage.io') || apiGroups.has(group);
}

/**
 * For a file that does not parse: whether its text declares an entity on an `apiVersion:` line. A mention
 * of backstage.io in a comment, a URL or prose does not count.
 */
export function textDeclaresEntity(text: string, apiGroups: ReadonlySet<string> = new Set()): boolean {
  for (const match of text.matchAll(/^[ \t-]*apiVersion:[ \t]*["']?([A-Za-z0-9.-]+)\//gm)) {
    if (isEntityApiGroup(match[1].toLowerCase(), apiGroups)) return true;
  }
  return false;
}

/**
 * Helm charts keep Go templates under `<chart>/templates/`: the scaffolder never reads them and they are
 * no YAML until Helm renders them. Takes every repo file; returns a test for files inside such a folder.
 */
export function helmTemplateMatcher(repoFiles: readonly string[]): (file: string) => boolean {
  const charts = repoFiles.filter(f => f === 'Chart.yaml' || f.endsWith('/Chart.yaml')).map(f => f.slice(0, -'Chart.yaml'.length));
  return file => charts.some(chart => file.startsWith(`${chart}templates/`));
}
