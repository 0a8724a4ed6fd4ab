import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// nineleaps-training/scaffolder-templates nx-monorepo-template: a Yarn zero-install skeleton (.yarn/cache,
// 59 MB in 1,369 files, mostly zips). Backstage's fetch:template copies a skeleton whole, binaries as they
// stand. `templates render` stopped at 20 MB with "A template that creates a repository never needs that
// much; look for an each: loop or a skeleton loop that multiplies output" — a template with neither. The
// render budget guards against output a template multiplies, not against what the repository holds.

const template = (url: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: big
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ${url}
        values:
          name: \${{ parameters.name }}
`;

describe('templates render: a skeleton larger than the render budget is written whole, as Backstage writes it', () => {
  it('21 MB of binaries: every byte as it stands', async () => {
    const zip = randomBytes(21 * 1024 * 1024);
    const root = await tempRepo({ 't/template.yaml': template('./skeleton'), 't/skeleton/.yarn/cache/a.zip': zip, 't/skeleton/README.md': '# ${{ values.name }}\n', 'v.yaml': 'name: mono\n' });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('The render was stopped');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect((await readFile(join(root, 'out/.yarn/cache/a.zip'))).equals(zip)).toBe(true);
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('# mono\n');
  }, 120_000);

  it('2,100 files: all of them', async () => {
    const files = Object.fromEntries(Array.from({ length: 2100 }, (_, i) => [`skeletons/big/f${i}.txt`, `${i}`]));
    const root = await tempRepo({ 't/template.yaml': template('../skeletons/big'), 'v.yaml': 'name: mono\n', ...files });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('2100 file(s) rendered');
    expect((await readdir(join(root, 'out'))).length).toBe(2100);
  }, 120_000);

  // Differential against the dry-run, 2026-12-05: a 250-file skeleton fetched by an each: over twelve
  // environments writes 3,000 files, and Backstage's dry-run answered 200 with all of them; the render stopped
  // at 2,750 ("it wrote more than 2750 files"), since a folder read again did not raise the budget.
  it('an each: over twelve environments of a 250-file skeleton: all 3,000 files', async () => {
    const files = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`skeletons/env/d${i % 10}/f${i}.txt`, `file ${i} env=\${{ values.env }}\n`]));
    const each = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: envs
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        envs: {type: array, items: {type: string}}
  steps:
    - id: env
      each: \${{ parameters.envs }}
      action: fetch:template
      input:
        url: ../skeletons/env
        targetPath: envs/\${{ each.value }}
        values:
          env: \${{ each.value }}
`;
    const envs = ['dev', 'test', 'qa', 'uat', 'stage', 'prod', 'dr', 'perf', 'demo', 'sandbox', 'eu', 'us'];
    const root = await tempRepo({ 't/template.yaml': each, 'v.yaml': `envs: [${envs.join(', ')}]\n`, ...files });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('The render was stopped');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('3000 file(s) rendered');
    expect(await readFile(join(root, 'out/envs/eu/d7/f247.txt'), 'utf8')).toBe('file 247 env=eu\n');
  }, 120_000);
});
