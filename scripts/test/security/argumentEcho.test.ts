import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { harms, logLines } from './hostilePullRequest.ts';

// Every command's help, read from the shipped bin: an option added later is probed without editing this test.
const COMMANDS = ['init', 'import', 'check', 'scorecards', 'codeowners', 'schema', 'report', 'sync', 'techdocs publish', 'techdocs build', 'azure-reviewers', 'templates test', 'templates render'];

// A value that would be a GitHub command after its LF or CR, an Azure command anywhere, a colour and a
// right-to-left override: what a person (or a script fed by a PR's branch name) can pass to any option.
const HOSTILE = 'x\n::warning::INJA \u001b[31m ##vso[task.setvariable variable=INJB]1\r::error::INJC \u202e';

/** The options of `command` that take a value (`--name VALUE` in its --help), by name. */
function valueOptions(command: string): string[] {
  const help = spawnSync(process.execPath, [`${REPO_ROOT}scripts/bin/backstage-gitops.js`, ...command.split(' '), '--help'], { encoding: 'utf8' }).stdout;
  return [...new Set([...help.matchAll(/--([a-z][a-z-]+) (?:[A-Z][A-Za-z/._-]*|i\/n)\b/g)].map(m => m[1]))];
}

describe('a hostile option value is echoed as one inert line (shipped bin, every command and option)', () => {
  it('no option value or argument of any command starts a log line, runs a CI command, colours or reverses the output', async () => {
    const repo = await dataRepoCopy();
    const runs = COMMANDS.flatMap(command => [...valueOptions(command).map(option => [...command.split(' '), `--${option}`, HOSTILE]), [...command.split(' '), HOSTILE]]);
    // The probe would pass trivially if help listed nothing: the table is the whole CLI.
    expect(runs.length).toBeGreaterThan(60);
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < runs.length) {
        const args = runs[next++];
        const run = await runBin(args, repo);
        const output = run.stdout + run.stderr;
        const problems = [
          ...harms(output),
          ...logLines(output).filter(line => /[\u001b\u202e]/.test(line) || /^\s+at /.test(line)),
          // The value's own line breaks: the text after one must stay on the line it came from, escaped.
          ...logLines(output).filter(line => /INJ[ABC]/.test(line) && !line.includes('\\n') && !line.includes('\\r')),
        ];
        if (![0, 1, 2].includes(run.status ?? -1) || problems.length) failures.push(`${args.slice(0, -1).join(' ')} → exit ${run.status}: ${JSON.stringify(problems.slice(0, 2))}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
  }, 400_000);
});
