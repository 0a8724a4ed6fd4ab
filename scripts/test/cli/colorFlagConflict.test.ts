import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `--color --no-color` let --no-color win without a word, wherever it stood. Like --check with --write,
// the pair is a usage error: one line, exit 2, nothing run.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const LINE = '--color and --no-color exclude each other: --color forces colours on, --no-color off (without either, colours follow the terminal and NO_COLOR). Give one of them.\n';

describe('--color with --no-color (through the bin)', () => {
  it.each([
    [['check'], ['--color', '--no-color']],
    [['check'], ['--no-color', '--color']],
    [['scorecards'], ['--color', '--no-color']],
    [['techdocs', 'build'], ['--no-color', '--color']],
    [['templates', 'test'], ['--color', '--no-color']],
  ])('%s %s: one line, exit 2', async (command, flags) => {
    const root = await tempRepo({ 'catalog-info.yaml': GROUP });
    const run = await runBin([...command, '--root', root, ...flags], root);
    expect(run).toMatchObject({ status: 2, stdout: '', stderr: `backstage-gitops ${command[0]}: ${LINE}` });
  });

  it('each flag alone still decides the colours', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: Team_A!}\n' });
    const colored = await runBin(['check', '--root', root, '--color'], root);
    expect(colored.status).toBe(1);
    expect(colored.stdout).toContain('\u001b[');
    const plain = await runBin(['check', '--root', root, '--no-color'], root, { FORCE_COLOR: '1' });
    expect(plain.status).toBe(1);
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
