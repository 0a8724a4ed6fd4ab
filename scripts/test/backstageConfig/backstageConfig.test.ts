import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backstageConfigGate } from '../../src/backstageConfig/backstageConfigGate.ts';
import { loadConfig } from '../../src/config/gitopsConfig.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

async function withAppConfig(edit: (text: string) => string) {
  const root = await mkdtemp(join(tmpdir(), 'gitops-config-'));
  await cp(join(REPO_ROOT, 'backstage-config'), join(root, 'backstage-config'), { recursive: true });
  await cp(join(REPO_ROOT, 'gitops.config.yaml'), join(root, 'gitops.config.yaml'));
  const file = join(root, 'backstage-config/app-config.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
  const found = await backstageConfigGate(await loadConfig(root));
  return found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message}`);
}

describe("the managed Backstage's config against the real plugins' schemas", () => {
  it("validates this repo's config", async () => {
    expect(await backstageConfigGate(await loadConfig(REPO_ROOT))).toEqual([]);
  }, 60_000);

  it('reports a schema error on the line that holds the value', async () => {
    expect(await withAppConfig(t => t.replace('  builder: external', '  builder: remote'))).toEqual([
      'config-schema@backstage-config/app-config.yaml:120:12 techdocs.builder: must be equal to one of the allowed values { allowedValues=local,external }',
    ]);
  }, 60_000);

  it('gives the same findings when they are remembered from an earlier run with the same text', async () => {
    // A unique comment keeps the first call from being remembered by an earlier test run.
    const edit = (t: string) => `# run ${Date.now()} ${Math.random()}\n${t.replace('  builder: external', '  builder: remote')}`;
    const first = await withAppConfig(edit);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^config-schema@backstage-config\/app-config.yaml:121:12 /);
    const text = edit('');
    const again = async () => {
      const root = await mkdtemp(join(tmpdir(), 'gitops-config-'));
      await cp(join(REPO_ROOT, 'backstage-config'), join(root, 'backstage-config'), { recursive: true });
      await cp(join(REPO_ROOT, 'gitops.config.yaml'), join(root, 'gitops.config.yaml'));
      return root;
    };
    const root = await again();
    const file = join(root, 'backstage-config/app-config.yaml');
    const same = `${text.split('\n')[0]}\n${(await readFile(file, 'utf8')).replace('  builder: external', '  builder: remote')}`;
    await writeFile(file, same);
    const remembered = await backstageConfigGate(await loadConfig(root));
    expect(remembered.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message}`)).toEqual(first);
  }, 60_000);

  it('fails on a secret written out, whether a plugin schema marks it secret or its name says so', async () => {
    const found = await withAppConfig(t => t.replace('clientSecret: ${AUTH_MICROSOFT_CLIENT_SECRET}', 'clientSecret: s3cr3t-value').replace('accountKey: ${TECHDOCS_AZURE_ACCOUNT_KEY}', 'accountKey: abc=='));
    expect(found).toEqual([
      'config-plain-secret@backstage-config/app-config.yaml:73:23 auth.providers.microsoft.production.clientSecret holds a secret written out in the repo.',
      'config-plain-secret@backstage-config/app-config.yaml:129:21 techdocs.publisher.azureBlobStorage.credentials.accountKey holds a secret written out in the repo.',
    ]);
  }, 60_000);

  // YAML problems are remembered with the schema's findings (an unchanged config is not even parsed again):
  // the second run must give the same diagnostics, in the order of backstageConfig.files, a missing file included.
  it('gives the same YAML problems, missing files and findings, in order, when remembered', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gitops-config-'));
    await cp(join(REPO_ROOT, 'backstage-config'), join(root, 'backstage-config'), { recursive: true });
    const config = (await readFile(join(REPO_ROOT, 'gitops.config.yaml'), 'utf8')).replace('files: [backstage-config/app-config.yaml, backstage-config/app-config.tech-insights.yaml]', 'files: [backstage-config/app-config.yaml, backstage-config/gone.yaml, backstage-config/app-config.tech-insights.yaml]');
    expect(config).toContain('backstage-config/gone.yaml');
    await writeFile(join(root, 'gitops.config.yaml'), config);
    const file = join(root, 'backstage-config/app-config.yaml');
    await writeFile(file, `# run ${Date.now()} ${Math.random()}\n${(await readFile(file, 'utf8')).replace('  builder: external', '  builder: remote\n  builder: local')}`);
    const run = async () => (await backstageConfigGate(await loadConfig(root))).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message}`);
    const first = await run();
    expect(first).toEqual([
      'yaml-duplicate-key@backstage-config/app-config.yaml:122:3 Map keys must be unique',
      'config-load@gitops.config.yaml:1:1 backstage-config/gone.yaml is missing.',
    ]);
    // config-loader stops on the file that does not parse: the schema is not judged on the others alone
    // (their merge lacks its `app`, which would be a false "required" error).
    expect(await run()).toEqual(first);
  }, 60_000);
});
