import { beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runBin } from '../helpers/runBin.ts';
import { HOSTILE, HOSTILE_FILE, logLines, makeHostilePullRequest } from './hostilePullRequest.ts';

// The harms: a line the runner reads as a GitHub workflow command (`::` first on a line, after CR or LF
// splitting), or an Azure logging command (`##vso[` anywhere in a line). Lines the github and azure
// formats write on purpose are allowed, and only those.
const OWN_GITHUB_LINE = /^::(error|warning|notice) [^\r\n]*::/;
const OWN_AZURE_LINE = /^##vso\[task\.(logissue|complete) [^\]]*\]/;

function harms(output: string, own?: RegExp): string[] {
  return logLines(output).filter(line => {
    const ours = own?.test(line);
    const rest = ours ? line.replace(own!, '') : line;
    return (!ours && /^\s*::/.test(line)) || /##vso\[/i.test(rest) || /^\s*::add-mask::/.test(rest);
  });
}

describe('no value from a pull request becomes a CI command (shipped bin, every format, both streams)', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    makeHostilePullRequest(repo);
  }, 60_000);

  it('stylish, json, junit, sarif and markdown on stdout carry no command at all', async () => {
    const run = await runBin(['check', '--no-color', ...['stylish', 'json', 'junit', 'sarif', 'markdown'].flatMap(f => ['--format', f])], repo);
    expect(run.status).toBe(1);
    // The hostile values are really in the output (escaped), so the test can fail.
    expect(run.stdout).toContain('add-mask::leak');
    expect(run.stdout).toContain('task.setvariable variable=PWNED');
    expect(harms(run.stdout + run.stderr)).toEqual([]);
    // JSON stays the same value: the escape is JSON's own.
    const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n  "summary"'), run.stdout.indexOf('\n}\n') + 2));
    expect(json.diagnostics.map((d: { file: string }) => d.file)).toContain(HOSTILE_FILE);
  }, 60_000);

  it('the github format writes only its own annotations', async () => {
    const run = await runBin(['check', '--format', 'github'], repo);
    expect(run.stdout).toMatch(/::error [^\n]*title=ref-kind-not-allowed::[^\n]*add-mask/);
    expect(harms(run.stdout + run.stderr, OWN_GITHUB_LINE)).toEqual([]);
  }, 60_000);

  it('the azure format writes only its own logging commands', async () => {
    const run = await runBin(['check', '--format', 'azure'], repo);
    expect(run.stdout).toMatch(/##vso\[task\.logissue type=error;[^\n]*code=ref-kind-not-allowed;\][^\n]*task\.setvariable/);
    expect(harms(run.stdout + run.stderr, OWN_AZURE_LINE)).toEqual([]);
  }, 60_000);

  it('an error message quoting a hostile argument is one inert line', async () => {
    const run = await runBin(['check', '--format', `x${HOSTILE.githubCommand}${HOSTILE.carriageReturnCommand} ${HOSTILE.azureCommand}`], repo);
    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('Unknown format');
    expect(harms(run.stderr)).toEqual([]);
  }, 60_000);

  it('sync progress and errors echo what a server answers without a command in it', async () => {
    const clean = await dataRepoCopy();
    const server = await startRecordingServer(() => ({ status: 400, body: { error: { message: `bad${HOSTILE.githubCommand}${HOSTILE.carriageReturnCommand} ${HOSTILE.azureCommand}` } } }));
    try {
      const run = await runBin(['sync', '--url', server.url, '--wait', '1', '--poll-ms', '10'], clean, { BACKSTAGE_TOKEN: 'tok-123456789' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('answered 400');
      expect(run.stderr).toContain('add-mask::leak');
      expect(harms(run.stdout + run.stderr)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
