import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 34: `yaml` compares each key of a mapping with every earlier one, so one mapping of n keys costs
// n² (red team 25 bounded it at 5,000 keys in parseYaml, the gate's reader). Other reads of files a pull
// request writes went to `yaml` unguarded: a template case's snapshot (read to say what differs: 40,000 keys,
// 400 KB, held templates test and the gate's report 72 s, 200,000 keys past the job's 30 minutes), an
// app-config (reported as yaml-node-limit, then parsed four more times: 20,000 keys took check 76 s) and
// gitops.config.yaml (14 s for 20,000 keys before its schema error). Every such read now passes
// affordableYaml first.
const junk = (keys: number, indent = '') => Array.from({ length: keys }, (_, i) => `${indent}k${i}: v\n`).join('');
const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ok\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n';
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

describe('one wide mapping in a file the gate reads beside the catalog (shipped bin)', () => {
  it('templates test: a snapshot of 40,000 keys is a template-snapshot finding in seconds', async () => {
    const root = await tempRepo({
      'catalog/group.yaml': group,
      'templates/ok/template.yaml': template,
      'templates/ok/tests/a.yaml': 'name: a\nvalues: {}\n',
      'templates/ok/tests/a.snapshot.yaml': junk(40_000),
    });
    const result = await runBin(['templates', 'test'], root);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout + result.stderr).toContain('template-snapshot');
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(20_000);
  }, 120_000);

  it('check: an app-config with a mapping of 30,000 keys is yaml-node-limit in seconds', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n  appConfig: app-config.yaml\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: []\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./group.yaml]\n',
      'catalog/group.yaml': group,
      'app-config.yaml': `app:\n  title: x\nx-junk:\n${junk(30_000, '  ')}`,
    });
    const result = await runBin(['check'], root);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout).toContain('yaml-node-limit');
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(20_000);
  }, 120_000);

  it('check: gitops.config.yaml with a mapping of 20,000 keys is one line naming the place, exit 2, at once', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': `catalog:\n  roots: [catalog/all.yaml]\nx-junk:\n${junk(20_000, '  ')}`, 'catalog/group.yaml': group });
    const result = await runBin(['check'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^backstage-gitops check: gitops\.config\.yaml:3:\d+: not read: it holds a mapping of more than 5000 keys/);
    expect(result.milliseconds).toBeLessThan(8_000);
  }, 120_000);
});
