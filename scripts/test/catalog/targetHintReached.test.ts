import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh39 on janus-idp/backstage-plugins: a missing ./plugins/audit-log-node/catalog-info.yaml was told
// "Did you mean ./plugins/web-terminal/catalog-info.yaml?", a file the same Location already lists.
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: plugins\nspec:\n  targets: [${targets.join(', ')}]\n`;

type Finding = { ruleId: string; hint: string };

async function hint(tree: Record<string, string>): Promise<string> {
  const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n', ...tree });
  const run = await runBin(['check', '--format', 'json'], root);
  await rm(root, { recursive: true, force: true });
  return (JSON.parse(run.stdout).diagnostics as Finding[]).find(d => d.ruleId === 'location-target-missing')!.hint;
}

describe('the "did you mean" of a Location target that matches nothing', () => {
  it('never names a file a Location already reaches; an unreached file near the name still is', async () => {
    const listed = { 'catalog-info.yaml': location(['./plugins/web-terminal/catalog-info.yaml', './plugins/audit-log-node/catalog-info.yaml']), 'plugins/web-terminal/catalog-info.yaml': component('web-terminal') };
    expect(await hint(listed)).toBe("Targets are relative to the Location's file.");
    expect(await hint({ ...listed, 'plugins/audit-log/catalog-info.yaml': component('audit-log') })).toBe("Did you mean ./plugins/audit-log/catalog-info.yaml? Targets are relative to the Location's file.");
  }, 60_000);
});
