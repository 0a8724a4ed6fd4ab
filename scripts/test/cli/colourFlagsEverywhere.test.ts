import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// Fresh user: a CI script passing --no-color to every command (as NO_COLOR users do) got "Unknown option
// '--no-color'" and exit 2 from codeowners, schema, report, sync and the others that print no colours.

describe('--color and --no-color on every command', () => {
  it('commands that print no colours accept either and run as without it; both together is one usage error', async () => {
    for (const command of [['codeowners'], ['schema'], ['report'], ['sync'], ['init'], ['import'], ['azure-reviewers'], ['techdocs', 'publish']]) {
      const run = await runBin([...command, '--no-color', '--help'], REPO_ROOT);
      expect({ command, status: run.status, stderr: run.stderr }).toEqual({ command, status: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: backstage-gitops /);
    }
    const checked = await runBin(['codeowners', '--check', '--no-color'], REPO_ROOT);
    expect(checked.stdout).toContain('is up to date');
    expect(checked.status).toBe(0);
    const both = await runBin(['schema', '--color', '--no-color'], REPO_ROOT);
    expect(both.stderr).toBe('backstage-gitops schema: --color and --no-color exclude each other: --color forces colours on, --no-color off (without either, colours follow the terminal and NO_COLOR). Give one of them.\n');
    expect(both.status).toBe(2);
    // Before the command, or before techdocs' subcommand, the flag is still the command's (review, session 48).
    for (const args of [['--no-color', 'codeowners', '--help'], ['techdocs', '--no-color', 'build', '--help'], ['--no-color', 'check', '--help']]) {
      const run = await runBin(args, REPO_ROOT);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
    // Commands with colours still read the flag themselves.
    const coloured = await runBin(['check', '--color', '--no-color'], REPO_ROOT);
    expect(coloured.stderr).toContain('--color and --no-color exclude each other');
    expect(coloured.status).toBe(2);
  }, 120_000);
});
