import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

// A new user's catalog (backstage/demo style) without the config keys its kinds need: the hint must
// name the catalog module and the gitops.config.yaml key, not only what Backstage's schema says.
const ROWS: [string, string, string, string[]][] = [
  ['AiResource without catalog.modules', 'apiVersion: backstage.io/v1alpha1\nkind: AiResource\nmetadata:\n  name: r\nspec:\n  type: model\n  owner: team-a\n', 'entity-kind-unknown', ['@backstage/plugin-catalog-backend-module-ai-model', 'catalog.modules']],
  ['an mcp-server API without catalog.modules', 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: m\nspec:\n  type: mcp-server\n  lifecycle: production\n  owner: team-a\n', 'entity-kind-schema', ['@backstage/plugin-catalog-backend-module-ai-model', 'catalog.modules']],
  ['$openapi without catalog.placeholderResolvers', 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: o\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $openapi: ./o.yaml\n', 'entity-kind-schema', ['$openapi', 'catalog.placeholderResolvers', '@backstage/plugin-catalog-backend-module-openapi']],
];

describe('findings on kinds that need a catalog module name the module and the config key', () => {
  it.each(ROWS)('%s', async (_, entity, ruleId, named) => {
    const root = await tempRepo({ 'catalog-info.yaml': `${entity}---\n${group}`, 'o.yaml': 'openapi: 3.0.0\n' });
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'check', '--format', 'json'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint?: string }[] }).diagnostics.filter(d => d.ruleId === ruleId);
    expect(found).toHaveLength(1);
    for (const text of named) expect(found[0].hint).toContain(text);
    expect(run.status).toBe(1);
  });
});

// The ai-model module's model repeats the core kinds: a schema error on Group, User or Component is
// Backstage's own (catalog-model's defaultCatalogEntityModel has the same schema), no module's.
const CORE: [string, string, string][] = [
  ['a Group without children', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\nspec:\n  type: team\n', '#kind-group'],
  ['a User whose memberOf is no list', 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: u\nspec:\n  memberOf: team-a\n', '#kind-user'],
  ['a Component without lifecycle', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\nspec:\n  type: service\n  owner: team-a\n', '#kind-component'],
];

describe('schema errors on core kinds name no catalog module', () => {
  it.each(CORE)('%s', async (_, entity, anchor) => {
    const root = await tempRepo({ 'catalog-info.yaml': `${entity}---\n${group}` });
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'check', '--format', 'json'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint?: string }[] }).diagnostics.filter(d => d.ruleId === 'entity-kind-schema');
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      expect(d.hint).not.toContain('catalog module');
      expect(d.hint).toContain(anchor);
    }
    expect(run.status).toBe(1);
  });
});
