import type { ExternalEntities } from '../config/gitopsConfig.ts';

/** Whether a ref is declared to live outside this repo (config by kind/namespace or list, or a live catalog). */
export function externalMatcher(declared: readonly ExternalEntities[], live: ReadonlySet<string> = new Set()) {
  const refs = new Set(declared.flatMap(d => d.refs ?? []).map(r => r.toLowerCase()));
  const scopes = declared.filter(d => !d.refs && (d.kind || d.namespace));
  return (ref: string): boolean => {
    if (refs.has(ref) || live.has(ref)) return true;
    const [kind, rest] = ref.split(':');
    const namespace = rest.split('/')[0];
    return scopes.some(
      s => (!s.kind || s.kind.toLowerCase() === kind) && (!s.namespace || s.namespace.toLowerCase() === namespace),
    );
  };
}
