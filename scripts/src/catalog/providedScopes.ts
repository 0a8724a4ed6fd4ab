import { isRecord } from '../load/loadCatalog.ts';

/** Entities a catalog provider of the managed Backstage emits: these kinds, in this namespace (any when absent). */
export interface ProvidedScope {
  /** `catalog.providers.<provider>.<id>` as written in the app-config. */
  provider: string;
  /** The app-config file that configures it. */
  file: string;
  kinds: string[];
  namespace?: string;
}

interface OrgProvider {
  kinds: string[];
  namespace?: string;
  /** Whether one configured instance emits users and groups at all. */
  emits?: (instance: Record<string, unknown>) => boolean;
}

// What each org-data provider module writes into the catalog, from the modules' documentation and code:
// msgraph, ldap, gitlab (only with `orgEnabled`), keycloak put users and groups in the default namespace;
// the GitHub org module names group namespaces after the organisation when it reads several, so any.
const ORG_PROVIDERS: Record<string, OrgProvider> = {
  microsoftGraphOrg: { kinds: ['User', 'Group'], namespace: 'default' },
  ldapOrg: { kinds: ['User', 'Group'], namespace: 'default' },
  keycloakOrg: { kinds: ['User', 'Group'], namespace: 'default' },
  githubOrg: { kinds: ['User', 'Group'] },
  gitlab: { kinds: ['User', 'Group'], namespace: 'default', emits: instance => instance.orgEnabled === true },
};

/**
 * The entities the managed Backstage's org providers bring from elsewhere, read from its app-config files'
 * `catalog.providers`. Takes each file's parsed config; returns one scope per configured instance.
 * A provider config is a single instance, an id-keyed map of them, or (githubOrg) a list.
 */
export function providedScopes(configs: readonly { file: string; config: unknown }[]): ProvidedScope[] {
  const scopes: ProvidedScope[] = [];
  for (const { file, config } of configs) {
    const providers = isRecord(config) && isRecord(config.catalog) && isRecord(config.catalog.providers) ? config.catalog.providers : {};
    for (const [name, value] of Object.entries(providers)) {
      const known = ORG_PROVIDERS[name];
      if (!known) continue;
      for (const [id, instance] of instancesOf(value)) {
        if (known.emits && !known.emits(instance)) continue;
        scopes.push({ provider: id ? `${name}.${id}` : name, file, kinds: known.kinds, namespace: known.namespace });
      }
    }
  }
  return scopes;
}

function instancesOf(value: unknown): [string, Record<string, unknown>][] {
  if (Array.isArray(value)) return value.filter(isRecord).map((v, i) => [typeof v.id === 'string' ? v.id : String(i), v]);
  if (!isRecord(value)) return [];
  const entries = Object.entries(value);
  if (entries.length > 0 && entries.every(([, v]) => isRecord(v) && !('frequency' in v))) {
    // An id-keyed map, unless the keys are the instance's own options (schedule, user, group are objects too).
    const ownOptions = ['schedule', 'user', 'group', 'users', 'groups', 'userGroupMember', 'tls', 'bind'];
    if (!entries.some(([k]) => ownOptions.includes(k))) return entries.map(([k, v]) => [k, v as Record<string, unknown>]);
  }
  return [['', value]];
}

/** The provider scope a lower-cased `kind:namespace/name` ref falls in, if any. */
export function providedMatcher(scopes: readonly ProvidedScope[]): (ref: string) => ProvidedScope | undefined {
  return ref => {
    const kind = ref.slice(0, ref.indexOf(':'));
    const namespace = ref.slice(ref.indexOf(':') + 1, ref.indexOf('/'));
    return scopes.find(s => s.kinds.some(k => k.toLowerCase() === kind) && (!s.namespace || s.namespace === namespace));
  };
}
