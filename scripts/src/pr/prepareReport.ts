import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownersOf, parseCodeowners } from '../codeowners/codeowners.ts';
import { CODEOWNERS_PATHS, checkoutBase, hasScorecards, loadEntities, runScorecards } from '../scorecards/prepareScorecards.ts';
import { renderScorecardReport } from '../scorecards/renderScorecardReport.ts';
import { diffTeams } from '../scorecards/teamScores.ts';
import { UsageError } from '../config/gitopsConfig.ts';
import { entityChanges, impact, lostConsumers } from './entityChanges.ts';
import { mermaidGraph } from './mermaidGraph.ts';
import type { PrReportInput } from './renderPrReport.ts';
import { childEnv } from '../process/childEnv.ts';

/** Everything the PR report shows besides the gate's findings, computed against a base revision. */
export async function prepareReport(root: string, baseRef: string, today: string): Promise<Omit<PrReportInput, 'diagnostics' | 'failing' | 'formatOptions'> & { changedFiles: string[] }> {
  const changedFiles = gitChangedFiles(root, baseRef);
  const dir = await checkoutBase(root, baseRef);
  try {
    const base = await loadEntities(dir);
    const head = await loadEntities(root);
    const changes = entityChanges(base.entities, head.entities);
    // GitHub asks the code owners named in the base branch's CODEOWNERS.
    const codeownersFile = CODEOWNERS_PATHS.find(p => existsSync(join(dir, p)));
    const rules = codeownersFile ? parseCodeowners(readFileSync(join(dir, codeownersFile), 'utf8')) : [];
    const byOwners = new Map<string, string[]>();
    for (const file of changedFiles) {
      const owners = ownersOf(rules, file)?.owners ?? [];
      const key = owners.join(' ');
      (byOwners.get(key) ?? byOwners.set(key, []).get(key)!).push(file);
    }
    let scorecards: string | undefined;
    if (hasScorecards(root)) {
      const after = await runScorecards(root, head.entities, head.repoFiles, { today });
      const before = hasScorecards(dir) ? (await runScorecards(dir, base.entities, base.repoFiles, { today })).teams : new Map();
      scorecards = renderScorecardReport({
        teams: after.teams, changes: diffTeams(before, after.teams), adoption: after.adoption, levels: after.data.config?.value.levels ?? [],
        baseLevelName: after.data.config?.value.baseLevel?.name ?? 'Stone', checks: new Map(after.data.checks.map(c => [c.value.id, c.value])), testsPassed: after.testsPassed,
      });
      // Only what moves belongs in a PR comment; the full table is in `scorecards`' own report.
      const moves = scorecards.slice(scorecards.indexOf('### What this change'), scorecards.indexOf('### Teams')).replace(/^### What this change does to each team\n/, '').trim();
      scorecards = `### Scorecards: what this change does to each team\n\n${moves}\n`;
    }
    const touched = new Set([...changes.added, ...changes.changed, ...changes.removed].map(e => e.ref!));
    return {
      changedFiles,
      changes,
      impacts: impact(changes, base.entities, head.entities),
      lostConsumers: lostConsumers(base.entities, head.entities),
      reviewers: [...byOwners].map(([owners, files]) => ({ owners: owners ? owners.split(' ') : [], files })),
      scorecards,
      graph: mermaidGraph(touched, head.entities),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function gitChangedFiles(root: string, baseRef: string): string[] {
  const diff = spawnSync('git', ['-C', root, 'diff', '--name-only', baseRef], { encoding: 'utf8', env: childEnv() });
  if (diff.status !== 0) throw new UsageError(`git diff against ${baseRef} failed: ${diff.stderr.trim()}`);
  const untracked = spawnSync('git', ['-C', root, 'ls-files', '--others', '--exclude-standard'], { encoding: 'utf8', env: childEnv() });
  return [...new Set([...diff.stdout.split('\n'), ...untracked.stdout.split('\n')].filter(Boolean))].sort();
}
