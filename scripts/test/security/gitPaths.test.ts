import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// Names git quotes and escapes in its default path output (core.quotePath): a newline, a tab, a double
// quote, a backslash, non-ASCII. Read without -z they match no CODEOWNERS rule, or the wrong one.
const ODD = ['docs/new\nline.md', 'docs/tab\there.md', 'docs/"quoted".md', 'docs/back\\slash.md', 'docs/ünïcödé.md'];

describe('file names git lists reach the report exactly as committed (shipped bin)', () => {
  it('report: every changed file with an unusual name is given to the team whose CODEOWNERS rule matches it', async () => {
    const repo = await dataRepoCopy();
    mkdirSync(join(repo, '.github'), { recursive: true });
    writeFileSync(join(repo, '.github/CODEOWNERS'), '* @acme/platform\n/docs/ @acme/docs-team\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'owners');
    const base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'odd');
    const [committed, ...untracked] = ODD;
    writeFileSync(join(repo, committed), '# committed\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'odd names');
    for (const name of untracked) writeFileSync(join(repo, name), '# untracked\n');

    const run = await runBin(['report', '--base', base, '--format', 'json'], repo);
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout) as { changedFiles: string[]; report: { reviewers: { owners: string[]; files: string[] }[] } };
    expect(json.changedFiles).toEqual([...ODD].sort());
    const ownersOf = (file: string) => json.report.reviewers.find(r => r.files.includes(file))?.owners;
    for (const name of ODD) expect(ownersOf(name), JSON.stringify(name)).toEqual(['@acme/docs-team']);
  }, 120_000);
});
