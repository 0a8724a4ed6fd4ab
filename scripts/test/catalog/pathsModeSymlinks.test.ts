import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string }

const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ${name}}\nspec: {type: team, children: []}\n`;
const API = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: orders}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:default/ga\n  definition:\n    $text: ./openapi.yaml\n';
const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: more}\nspec:\n  targets: [../d/catalog-info.yaml]\n';

/** A config-less repo whose folders b/, c/ and d/ each hold a link; a/ reads one through its API's placeholder. */
async function linkedRepo(): Promise<string> {
  const root = await tempRepo({
    'a/catalog-info.yaml': `${group('ga')}---\n${API}`,
    'a/openapi.real': 'openapi: 3.0.0\ninfo: {title: x, version: "1"}\npaths: {}\n',
    'b/real.yaml': group('gb'),
    'c/real.yaml': group('gc'),
    'd/real.yaml': group('gd'),
    'e/catalog-info.yaml': LOCATION,
  });
  await symlink('openapi.real', join(root, 'a/openapi.yaml'));
  await symlink('real.yaml', join(root, 'b/catalog-info.yaml'));
  await symlink('real.yaml', join(root, 'c/catalog-info.yaml'));
  await symlink('real.yaml', join(root, 'd/catalog-info.yaml'));
  return root;
}

const links = async (root: string, paths: string[]) => {
  const run = await runBin(['check', '--root', root, '--format', 'json', ...paths], root);
  expect(run.stderr).not.toContain('internal error');
  return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'repo-symlink').map(d => d.file);
};

describe('repo-symlink in paths mode (check <files>, through the bin)', () => {
  it('names only the links the given paths read, not every link of the repo', async () => {
    const root = await linkedRepo();
    expect(await links(root, [])).toEqual(['a/openapi.yaml', 'b/catalog-info.yaml', 'c/catalog-info.yaml', 'd/catalog-info.yaml']);
    // The API's placeholder reads a/openapi.yaml; the others are the full run's findings.
    expect(await links(root, ['a/catalog-info.yaml'])).toEqual(['a/openapi.yaml']);
    // A link given (or in a given folder) that the whole catalog reads.
    expect(await links(root, ['b'])).toEqual(['b/catalog-info.yaml']);
    expect(await links(root, ['c/catalog-info.yaml'])).toEqual(['c/catalog-info.yaml']);
    // A Location among the given files reads its target through the link.
    expect(await links(root, ['e/catalog-info.yaml'])).toEqual(['d/catalog-info.yaml']);
  });
});
