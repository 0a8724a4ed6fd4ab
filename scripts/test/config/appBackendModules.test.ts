import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh12: a Backstage app's own repository (backstage/demo, janus-idp/backstage-showcase) keeps example
// entities its backend reads: an AiResource (catalog-backend-module-ai-model) and an API whose definition
// is `$openapi` (catalog-backend-module-openapi). Checked without gitops.config.yaml, each was an error
// (entity-kind-unknown, entity-kind-schema) although the backend next to them runs both modules.
const ENTITIES = `apiVersion: backstage.io/v1alpha1
kind: AiResource
metadata:
  name: a-skill
spec:
  type: skill
  lifecycle: production
  owner: user:guest
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: an-api
spec:
  type: openapi
  lifecycle: production
  owner: user:guest
  definition:
    $openapi: ./openapi.yaml
`;
const OPENAPI = 'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n';
const PACKAGE = JSON.stringify({
  name: 'backend',
  dependencies: { '@backstage/plugin-catalog-backend-module-ai-model': '^0.1.0', '@backstage/plugin-catalog-backend-module-openapi': '^0.2.0' },
});
const INDEX = `const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend-module-ai-model'));
backend.add(import('@backstage/plugin-catalog-backend-module-openapi'));
backend.start();
`;

async function ruleIds(files: Record<string, string>): Promise<string[]> {
  const root = await tempRepo({ 'examples/entities.yaml': ENTITIES, 'examples/openapi.yaml': OPENAPI, 'examples/user.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: guest}\nspec: {memberOf: []}\n', ...files });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).not.toMatch(/at .*\.(js|mjs|ts):\d+/);
  return (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string }[] }).diagnostics.filter(d => d.severity === 'error').map(d => d.ruleId);
}

describe('a Backstage app repository without gitops.config.yaml (through the bin)', () => {
  it("judges its entities with the catalog modules its own backend adds", async () => {
    expect(await ruleIds({ 'packages/backend/package.json': PACKAGE, 'packages/backend/src/index.ts': INDEX })).toEqual([]);
  });

  it('keeps them errors when the backend only lists the modules but never adds them', async () => {
    const ids = await ruleIds({ 'packages/backend/package.json': PACKAGE, 'packages/backend/src/index.ts': 'createBackend().start();\n' });
    expect(ids.sort()).toEqual(['entity-kind-schema', 'entity-kind-unknown']);
  });

  // Fresh user 13: the showcase's $openapi names a file of another repository. The module reads it (Backstage
  // accepts the entity); only a config's policy makes that an error, so without one it is a warning.
  it('a $openapi naming another repository\'s file is a warning there, not an error', async () => {
    const root = await tempRepo({
      'examples/entities.yaml': ENTITIES.replace('$openapi: ./openapi.yaml', '$openapi: https://github.com/other-org/apis/blob/main/openapi.yaml'),
      'examples/user.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: guest}\nspec: {memberOf: []}\n',
      'packages/backend/package.json': PACKAGE,
      'packages/backend/src/index.ts': INDEX,
    });
    // The checkout's origin says which repository is this one (no gitops.config.yaml sets repoUrl).
    execFileSync('git', ['-C', root, 'init', '-q', '-b', 'main']);
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'https://github.com/acme/app.git']);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string }[] }).diagnostics.filter(d => d.ruleId === 'placeholder-outside-repo');
    expect(found.map(d => d.severity)).toEqual(['warning']);
    expect(run.status).toBe(0);
  });
});
