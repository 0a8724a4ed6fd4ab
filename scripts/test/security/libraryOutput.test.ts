import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAzureTask, runCheckAction } from '../helpers/ciRuns.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { harms, OWN_AZURE_LINE, OWN_GITHUB_LINE } from './hostilePullRequest.ts';

// Ajv's default logger is the global console: a policy's unknown `format` is compiled with strict: false
// and Ajv prints `unknown format "<format>" ignored …` with console.warn, the format's text raw. Any
// team's pull request can add a policy: the gate runs before anyone reviews it.
const FORMAT = 'x\n::error file=catalog/x.yaml,line=1::FORGED by a policy\n::stop-commands::hide\n##vso[task.prependpath]/tmp/pwn';
const POLICY = { $schema: 'http://json-schema.org/draft-07/schema#', 'x-rule-id': 'policy/name-format', properties: { metadata: { properties: { name: { type: 'string', format: FORMAT } } } } };

describe('what a library prints on its own reaches no CI log raw (shipped bin, check action, Azure task)', () => {
  let repo: string;
  let base: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'policy');
    writeFileSync(join(repo, 'schemas/policy/name-format.schema.json'), JSON.stringify(POLICY, null, 2));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'a policy with a format Ajv does not know');
  }, 60_000);

  it('check: Ajv\'s console.warn about the policy\'s format is no command on either stream', async () => {
    for (const format of ['github', 'azure']) {
      const run = await runBin(['check', '--format', format], repo);
      expect(run.status).not.toBe(2);
      expect(harms(run.stdout + run.stderr, format === 'github' ? OWN_GITHUB_LINE : OWN_AZURE_LINE)).toEqual([]);
      // Ajv's own words are not printed; the format is quoted only in the gate's finding on the policy
      // (policy-keyword-unknown), escaped like any value.
      expect(run.stdout + run.stderr).not.toContain('ignored in schema at path');
      expect((run.stdout + run.stderr).split('\n').filter(l => l.includes('FORGED')).every(l => l.includes('policy-keyword-unknown'))).toBe(true);
    }
  }, 120_000);

  it('with --debug the library\'s words are shown, escaped on one line', async () => {
    const run = await runBin(['check', '--debug', '--format', 'github'], repo);
    expect(run.stderr).toMatch(/^debug: console\.warn: unknown format "x\\n::error[^\n]*FORGED/m);
    expect(harms(run.stdout + run.stderr, OWN_GITHUB_LINE)).toEqual([]);
  }, 120_000);

  it('the check action (committed bundle) writes the gate\'s streams to the log with no command in them', async () => {
    const run = await runCheckAction(repo, base);
    expect(run.status).not.toBe(2);
    expect(harms(run.stdout + run.stderr, OWN_GITHUB_LINE)).toEqual([]);
    expect(run.stdout + run.stderr).not.toMatch(/^::stop-commands/m);
  }, 180_000);

  it('the Azure task writes the gate\'s streams to the log with no logging command in them', async () => {
    const run = await runAzureTask(repo, 'main');
    expect(run.status).not.toBe(2);
    expect(harms(run.stdout + run.stderr, OWN_AZURE_LINE)).toEqual([]);
  }, 180_000);
});
