import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

describe('check on this repo, through the bin', () => {
  it("passes without evaluating catalog-model's index or kinds, or any scaffolder code (only its Template schema, as data)", async () => {
    const record = join(await mkdtemp(join(tmpdir(), 'gitops-loaded-')), 'loaded.json');
    const run = () => gitops(REPO_ROOT, ['check', '--format', 'json'], { NODE_OPTIONS: `--require ${join(REPO_ROOT, 'scripts/test/templates/recordLoadedModules.cjs')}`, LOADED_MODULES: record });
    // The first run after a build computes what later runs read back (remembered filter names, config findings).
    const first = await run();
    const result = await run();
    expectCleanStderr(result);
    const findings = (stdout: string) => JSON.parse(stdout).diagnostics;
    expect(findings(result.stdout)).toEqual([]);
    expect(findings(result.stdout)).toEqual(findings(first.stdout));
    expect([result.status, first.status]).toEqual([0, 0]);
    const loaded = (JSON.parse(await readFile(record, 'utf8')) as string[]).map(file => file.replace(/^.*node_modules\//, ''));
    // It did judge entities with catalog-model's own policies.
    expect(loaded).toContain('@backstage/catalog-model/dist/entity/policies/FieldFormatEntityPolicy.cjs.js');
    expect(loaded.filter(file => /^@backstage\/(catalog-model\/dist\/(index|alpha|kinds\/)|plugin-scaffolder-(backend|node|common)\/dist\/(?!.*\.schema\.json\.cjs\.js$)|plugin-techdocs-node\/)|^@azure\/identity\//.test(file))).toEqual([]);
  }, 90_000);
});
