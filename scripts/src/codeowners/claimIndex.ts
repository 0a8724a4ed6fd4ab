/** Where another team already has a CODEOWNERS line, as claimIndex answers it. */
export interface OtherClaim {
  /** The path of that line (`/a/b/…` when it lies inside the asked folder). */
  path: string;
  team: string;
}

/**
 * Every path a CODEOWNERS line names, with the teams naming it, and every folder above such a path with
 * the teams beneath it, so whether a claim meets another team's line is a few look-ups per path segment
 * rather than a scan of all lines. Paths are CODEOWNERS patterns: `/a/b.yaml`, or `/a/` for a folder.
 * `add(path, team)` records a line; `otherTeamAt(path, team)` returns another team's line for the same
 * path, a folder holding it or (for a folder) a path inside it, or undefined when there is none.
 */
export function claimIndex(): { add: (path: string, team: string) => void; otherTeamAt: (path: string, team: string) => OtherClaim | undefined } {
  const claimedBy = new Map<string, Set<string>>();
  const beneath = new Map<string, Set<string>>();
  const folders = (path: string) => {
    const found: string[] = [];
    for (let at = path.indexOf('/', 1); at > 0 && at < path.length - 1; at = path.indexOf('/', at + 1)) found.push(path.slice(0, at + 1));
    return found;
  };
  const other = (teams: Set<string> | undefined, team: string) => [...(teams ?? [])].find(t => t !== team);
  return {
    add(path, team) {
      (claimedBy.get(path) ?? claimedBy.set(path, new Set()).get(path)!).add(team);
      for (const folder of folders(path)) (beneath.get(folder) ?? beneath.set(folder, new Set()).get(folder)!).add(team);
    },
    otherTeamAt(path, team) {
      const same = other(claimedBy.get(path), team);
      if (same) return { path, team: same };
      const inside = path.endsWith('/') ? other(beneath.get(path), team) : undefined;
      if (inside) return { path: `${path}…`, team: inside };
      for (const folder of folders(path)) {
        const around = other(claimedBy.get(folder), team);
        if (around) return { path: folder, team: around };
      }
      return undefined;
    },
  };
}
