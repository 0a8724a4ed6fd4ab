import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { fetchSkeletonStep, templateHead } from '../helpers/templateRepo.ts';

// `report` runs the cases of every template when the change edits a shared input (gitops.config.yaml, the
// policies), and reruns a failing one on the base against the base's org catalog. When that catalog could
// not be loaded (a policy that does not compile on main), `baseOrg ??= …` kept undefined and loaded the
// whole base catalog and policies again for each later case.

// Counts, in the shipped bin's own process, how often the base checkout's policy folder is listed.
const COUNTER = `
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
let count = 0;
const listed = path => { if (/gitops-base-[^/]*\\/policy$/.test(String(path))) count++; };
const readdir = fs.promises.readdir;
fs.promises.readdir = function (path, ...rest) { listed(path); return readdir.call(this, path, ...rest); };
const readdirSync = fs.readdirSync;
fs.readdirSync = function (path, ...rest) { listed(path); return readdirSync.call(this, path, ...rest); };
syncBuiltinESMExports();
process.on('exit', () => fs.writeFileSync(process.env.COUNT_FILE, String(count)));
`;

const CASE = 'name: default\nvalues:\n  name: svc-a\nexpect:\n  files: [missing.txt]\n';

async function repo(templates: number): Promise<{ root: string; base: string }> {
  const files: Record<string, string> = {
    'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  policies: policy\n',
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
    // Does not compile: the base's org catalog cannot be loaded.
    'policy/broken.schema.json': '{ "type": "object", "properties": { "kind": { "type": "no-such-type" } } }\n',
    'skeletons/svc/README.md': '# ${{ values.name }}\n',
  };
  for (let i = 0; i < templates; i++) {
    files[`templates/t${i}/template.yaml`] = templateHead(`t${i}`) + fetchSkeletonStep();
    files[`templates/t${i}/tests/default.yaml`] = CASE;
  }
  const root = await tempRepo(files);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  const base = git(root, 'rev-parse', 'HEAD').trim();
  git(root, 'checkout', '-q', '-b', 'change');
  // The change fixes the policy (a shared input: every template's cases run, and rerun on the base).
  writeFileSync(join(root, 'policy/broken.schema.json'), '{ "type": "object" }\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'fix the policy');
  return { root, base };
}

async function baseListings(templates: number): Promise<{ listings: number; cases: number }> {
  const { root, base } = await repo(templates);
  writeFileSync(join(root, '.counter.cjs'), COUNTER);
  const countFile = join(root, '.count');
  const run = await runBin(['report', '--base', base, '--today', '2026-11-23', '--format', 'json'], root, { NODE_OPTIONS: `--require ${join(root, '.counter.cjs')}`, COUNT_FILE: countFile });
  const json = JSON.parse(run.stdout);
  return { listings: Number(readFileSync(countFile, 'utf8')), cases: (json.report.templates as { passed: boolean }[]).filter(c => !c.passed).length };
}

describe("report: the base's org catalog that cannot be loaded", () => {
  it('is tried once, however many failing cases are rerun on the base', async () => {
    const one = await baseListings(1);
    const three = await baseListings(3);
    expect([one.cases, three.cases]).toEqual([1, 3]);
    expect(one.listings).toBeGreaterThan(0);
    expect(three.listings).toBe(one.listings);
  }, 240_000);
});
