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
});
