import type { PathSegment } from '../load/yamlPath.ts';

/**
 * One step of a walk down an entity, linked to the step above it: a walk keeps one small node per value
 * instead of copying the whole path for each, and builds the path only for a value it reports.
 */
export interface PathNode {
  key: PathSegment;
  up?: PathNode;
}

/** The path from the entity's root to `node` (`[]` for the root itself). Pure. */
export const pathOf = (node: PathNode | undefined): PathSegment[] => {
  const path: PathSegment[] = [];
  for (let at = node; at; at = at.up) path.unshift(at.key);
  return path;
};
