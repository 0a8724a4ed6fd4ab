import { createRequire } from 'node:module';
import type { SyncInput } from './syncInput.ts';

const require = createRequire(import.meta.url);
/**
 * Backstage's name for the Location entity of a registered location (plugin-catalog-node), required on
 * first use: plugin-catalog-node loads much of Backstage, a start-up cost `check` need not pay.
 */
export const locationSpecToMetadataName = (location: { type: string; target: string }): string =>
  (require('@backstage/plugin-catalog-node') as { locationSpecToMetadataName(l: { type: string; target: string }): string }).locationSpecToMetadataName(location);

/**
 * What to refresh so Backstage re-reads `file`. A registered location (a root) is read by its
 * `generated-…` Location entity; a file listed by a `kind: Location` entity is read by that entity
 * itself. Refreshing a parent whose own output did not change does not cascade (Backstage skips
 * unchanged results), so the refresh must land on the nearest reader Backstage already knows.
 * Returns that reader's entity ref, or undefined when none is known (refresh the entity itself then).
 */
export function locationToRefresh(file: string, input: SyncInput, present: ReadonlySet<string>, seen = new Set<string>()): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const registered = `location:default/${locationSpecToMetadataName({ type: 'url', target: `${input.repoUrl}${file}` })}`;
  if (present.has(registered)) return registered;
  const root = input.roots.find(r => r.target === `${input.repoUrl}${file}`);
  if (root) return `location:default/${locationSpecToMetadataName(root)}`;
  const edge = input.edges.find(e => e.resolution.kind === 'files' && e.resolution.files.includes(file));
  if (!edge) return undefined;
  const reader = input.desired.find(e => e.file === edge.file && e.document === edge.document)?.ref;
  return reader && present.has(reader) ? reader : locationToRefresh(edge.file, input, present, seen);
}
