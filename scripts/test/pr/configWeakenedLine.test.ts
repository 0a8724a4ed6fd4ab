import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// left5: `config-weakened` for a scorecard check the pull request changes sat at 1:1 of the check's file, so
// its annotation (GitHub shows them on changed lines only) and the report's link pointed away from the change.
// Now at the first place the head differs from the base: the changed condition of a rule, the enforcement's mode.

const TODAY = '2026-12-01';
const CHECK = 'scorecards/checks/has-description.yaml';

async function pullRequest(change: (text: string) => string): Promise<string> {
  const root = await dataRepoCopy();
  git(root, 'checkout', '-q', '-b', 'pr');
  writeFileSync(join(root, CHECK), change(readFileSync(join(root, CHECK), 'utf8')));
  await runBin(['scorecards', '--write-config', '--today', TODAY], root);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'pull request');
  return root;
}

const weakened = async (root: string) => {
  const check = await runBin(['check', '--base', 'main', '--today', TODAY, '--format', 'json'], root);
  const found = (JSON.parse(check.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'config-weakened');
  return found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`);
};

describe('config-weakened points at the changed line of a scorecard check', () => {
  it('a condition changed deep in the rule: the line of that condition', async () => {
    const root = await pullRequest(t => t.replace('operator: equal, value: true }', 'operator: equal, value: false }'));
    const lines = readFileSync(join(root, CHECK), 'utf8').split('\n');
    const line = lines.findIndex(l => l.includes('value: false')) + 1;
    expect(line).toBeGreaterThan(1);
    expect(await weakened(root)).toEqual([`${CHECK}:${line}:${lines[line - 1].indexOf('value') + 1}`]);
  }, 120_000);

  it('enforcement set to warn: the line of its mode', async () => {
    const root = await pullRequest(t => t.replace('enforcement: { mode: blocking }', 'enforcement: { mode: warn }'));
    const lines = readFileSync(join(root, CHECK), 'utf8').split('\n');
    const line = lines.findIndex(l => l.startsWith('enforcement:')) + 1;
    expect(await weakened(root)).toEqual([`${CHECK}:${line}:${lines[line - 1].indexOf('mode') + 1}`]);
  }, 120_000);
});
