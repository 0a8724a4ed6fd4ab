import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const CONFIG = "catalog:\n  roots: [catalog/all.yaml]\n  appConfig: backstage-config/app-config.yaml\n";
const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml]\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

const repo = (appConfig: string, extra: Record<string, string> = {}) =>
  tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': LOCATION, 'catalog/groups.yaml': GROUP, 'backstage-config/app-config.yaml': appConfig, ...extra });

type Finding = { ruleId: string; file: string; message: string };
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

// Red team, round 16: the gate read the app-config's catalog.rules as written, while Backstage's config-loader
// resolves `$include`/`$file` first. `catalog.rules: { $include: rules.yaml }` (a valid Backstage config)
// stopped every run with "internal error: Invalid type in config for key 'catalog.rules'" (exit 2: the gate
// could not run), and rules kept in an included file were never the ones judged.
describe('catalog.rules as Backstage reads them: through $include', () => {
  it('rules kept in an included file are the rules judged (allowed: clean; denied: catalog-rule-denied), never an internal error', async () => {
    const appConfig = 'app:\n  title: Acme\ncatalog:\n  rules:\n    $include: rules.yaml\n';
    const allowed = await runBin(['check', '--format', 'json'], await repo(appConfig, { 'backstage-config/rules.yaml': '- allow: [Group, Location]\n' }));
    expect(allowed.stderr).not.toMatch(/internal error/);
    expect(allowed.status).toBe(0);
    const denied = await runBin(['check', '--format', 'json'], await repo(appConfig, { 'backstage-config/rules.yaml': '- allow: [Location]\n' }));
    expect(denied.status).toBe(1);
    expect(findings(denied.stdout).map(d => [d.ruleId, d.file])).toEqual([['catalog-rule-denied', 'catalog/groups.yaml']]);
  });

  it('rules the gate cannot know (an include outside the repo, an environment variable) are one finding on the app-config, and the entities are judged by the default rules', async () => {
    for (const rules of ['\n    $include: /etc/backstage/rules.yaml', ' ${CATALOG_RULES}']) {
      const run = await runBin(['check', '--format', 'json'], await repo(`app:\n  title: Acme\ncatalog:\n  rules:${rules}\n`));
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.status).toBe(1);
      const found = findings(run.stdout);
      expect(found.map(d => [d.ruleId, d.file])).toEqual([['catalog-rule-denied', 'backstage-config/app-config.yaml'], ['catalog-rule-denied', 'catalog/groups.yaml']]);
      expect(found[0].message).toMatch(/^catalog\.rules cannot be read as Backstage's catalog reads them \(.*\), so which kinds each location may hold is not known/);
    }
  });
});
