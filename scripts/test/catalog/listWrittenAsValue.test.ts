import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user wrote `members: x` (one value where Group wants a list): the gate gave the schema error and a
// ref-unresolved on the same value, whose hint (add the entity, or catalog.external) led away from the fix.
// Backstage refuses the entity before its relation emitter runs, so the value makes no relation: the schema
// error is the one finding there, and its hint writes the list.
const CONFIG = 'repoUrl: https://github.com/acme/svc/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n  members: "x"\n';
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c1\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  dependsOn: component:c2, component:c3\n  consumesApis: [api:missing]\n';

type Found = { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } };

const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./group.yaml, ./component.yaml, ./system.yaml]\n';
const SYSTEM = (description: string) => `apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: s1\n  description: ${description}\nspec:\n  owner: team-a\n`;

describe('a relation field written as one value where the kind wants a list (check, through the bin)', () => {
  for (const cache of [false, true]) {
    it(`one schema finding whose hint writes the list, no reference finding on it; other references still judged${cache ? ' (--cache, the files with the findings from the cache)' : ''}`, async () => {
      const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': LOCATION, 'group.yaml': GROUP, 'component.yaml': COMPONENT, 'system.yaml': SYSTEM('first') });
      const cacheArgs = cache ? ['--cache', `${root}/../list-cache-${process.pid}.json`] : [];
      const args = ['check', '--root', root, '--format', 'json', ...cacheArgs];
      if (cache) {
        await runBin(args, root);
        // Another file changes: group.yaml and component.yaml are answered from the cache, not a replay.
        await writeFile(join(root, 'system.yaml'), SYSTEM('second'));
      }
      const run = await runBin(args, root);
      expect(run.status, run.stderr).toBe(1);
      const found = (JSON.parse(run.stdout).diagnostics as Found[]).map(d => [d.ruleId, `${d.file}:${d.range.start.line}:${d.range.start.column}`, d.hint ?? '']);
      // The references to team-a, which Backstage refuses for its members value, are infos that name that refusal.
      expect(found).toEqual([
        ['ref-unresolved', 'component.yaml:8:10', 'Fix the entity-kind-schema finding at group.yaml:8:12; this reference resolves once Backstage accepts the entity.'],
        ['entity-kind-schema', 'component.yaml:9:14', 'Write it as a list: dependsOn: [component:c2, component:c3]. Compare with the Component format: https://backstage.io/docs/features/software-catalog/descriptor-format#kind-component'],
        ['ref-unresolved', 'component.yaml:10:18', expect.any(String)],
        ['entity-kind-schema', 'group.yaml:8:12', 'Write it as a list (of one item is fine): members: ["x"]. Compare with the Group format: https://backstage.io/docs/features/software-catalog/descriptor-format#kind-group'],
        ['ref-unresolved', 'system.yaml:7:10', 'Fix the entity-kind-schema finding at group.yaml:8:12; this reference resolves once Backstage accepts the entity.'],
      ]);
    }, 60_000);
  }
});
