import { catalogModelVersion, computeModelKinds } from '../backstage.ts';
import { writePrebuilt } from './prebuilt.ts';

/** Computes what start-up would otherwise compute on every run, keyed so a stale value is never used. */
export function buildPrebuilt(): string {
  return writePrebuilt({
    modelKinds: { key: catalogModelVersion(), value: computeModelKinds() },
  });
}
