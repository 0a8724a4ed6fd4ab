import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// red23: `codeowners --check --write` and `schema --check --write` wrote the file without a word about the
// flag that asked only for a check. Like the CLI's other conflicting options, the pair is a usage error.
const CONFIG = "catalog:\n  roots: [catalog-info.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\neditorSchema:\n  file: schemas/catalog-info.schema.json\n";
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const STALE = 'stale, as committed\n';

describe('--check with --write (through the bin)', () => {
  it.each([
    ['codeowners', '.github/CODEOWNERS', ['--check', '--write']],
    ['codeowners', '.github/CODEOWNERS', ['--write', '--check']],
    ['schema', 'schemas/catalog-info.schema.json', ['--check', '--write']],
  ])('%s %s: one line, exit 2, nothing written', async (command, file, flags) => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': GROUP, [file]: STALE });
    const run = await runBin([command, ...flags], root);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`backstage-gitops ${command}: --check and --write exclude each other: --check (the default) only says whether the file is stale, --write regenerates it. Give one of them.\n`);
    expect(readFileSync(join(root, file), 'utf8')).toBe(STALE);
  });

  it('each flag alone still does its work', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': GROUP, '.github/CODEOWNERS': STALE });
    expect((await runBin(['codeowners', '--check'], root)).status).toBe(1);
    expect(await runBin(['codeowners', '--write'], root)).toMatchObject({ status: 0, stdout: 'wrote .github/CODEOWNERS\n' });
    expect((await runBin(['codeowners', '--check'], root)).status).toBe(0);
  });
});
