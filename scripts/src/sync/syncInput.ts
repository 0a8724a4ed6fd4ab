import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { LocationEdge } from '../load/loadCatalog.ts';
import type { CatalogApi } from './catalogApi.ts';
import type { SyncPlan } from './planSync.ts';

export interface SyncInput {
  api: CatalogApi;
  desired: readonly CatalogEntity[];
  /** Root locations as Backstage registers them, e.g. { type: 'url', target: '<repoUrl>catalog/all.yaml' }. */
  roots: { type: string; target: string }[];
  /** Location edges of the repo, to find which Location lists a file. */
  edges: readonly LocationEdge[];
  repoUrl: string;
  /** Whether the repo holds this repo-relative path in any form (a file, a symlink): which of its registered locations are former roots (formerRoots). */
  isRepoFile(path: string): boolean;
  /** Whether the repo's catalog loads this repo-relative file: a refusal of a location registering one says how to adopt it (heldElsewhere). */
  isCatalogFile(path: string): boolean;
  /**
   * Registered locations (`<type>:<target>`) whose entities this sync may take over (catalog.adoptFrom
   * and --adopt-from). An entity held by any other location not of this repo is refused, never taken.
   */
  adoptFrom: readonly string[];
  dryRun: boolean;
  /** Refuse to remove more than this share of the entities this repo owns in Backstage, unless allowed. */
  maxRemoveFraction: number;
  allowMassRemove: boolean;
  waitMs: number;
  pollMs: number;
  log(line: string): void;
}

export interface SyncResult {
  plan: SyncPlan;
  applied: boolean;
  verified: boolean;
  diagnostics: Diagnostic[];
  seconds: number;
}
