import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// A misspelt subcommand (`templates tset`, `techdocs biuld`) printed the whole help to stdout with exit 2
// and not one word of what was wrong; a misspelt command said "Unknown command 'chek'" without the
// command meant. Each is now one line on stderr: what was given, what is known, the nearest, where the
// help is; the help itself stays on --help (stdout, exit 0).
describe('a misspelt command or subcommand: one line saying what was meant', () => {
  it.each([
    [['chek'], "backstage-gitops: unknown command 'chek'. Did you mean check? Run 'backstage-gitops --help' for the commands."],
    [['scorecard'], "backstage-gitops: unknown command 'scorecard'. Did you mean scorecards? Run 'backstage-gitops --help' for the commands."],
    [['templates', 'tset'], "backstage-gitops templates: 'tset' is not a templates subcommand (test or render). Did you mean test? Run 'backstage-gitops templates --help' for the options."],
    [['templates'], "backstage-gitops templates: a subcommand is missing: test or render. Run 'backstage-gitops templates --help' for the options."],
    [['techdocs', 'biuld'], "backstage-gitops techdocs: 'biuld' is not a techdocs subcommand (publish or build). Did you mean build? Run 'backstage-gitops techdocs --help' for the options."],
    [['techdocs', '--dry-run'], "backstage-gitops techdocs: a subcommand is missing: publish or build. Run 'backstage-gitops techdocs --help' for the options."],
  ])('%j', async (args, line) => {
    const run = await runBin(args, REPO_ROOT);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.status).toBe(2);
  }, 30_000);

  it.each([[['templates', '--help']], [['techdocs', '--help']]])('%j still prints the help, exit 0', async args => {
    const run = await runBin(args, REPO_ROOT);
    expect(run.stdout).toMatch(/^Usage: backstage-gitops /);
    expect(run.status).toBe(0);
  }, 30_000);
});
