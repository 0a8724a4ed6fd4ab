// Fresh user on Roadie's Argo CD plugin: argocd/proxy-url holds a path the plugin joins to the backend's proxy
// ('/argocd/api'), as its README says, and the gate called every *-url annotation that is not an absolute
// http(s) URL an error, with a hint that breaks the plugin. Backstage's own view-url and edit-url stay strict.
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

type Finding = { ruleId: string; message: string; hint?: string; range: { start: { line: number } } };

const component = (annotations: Record<string, string>) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: '${v}'\n`).join('')}spec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;

describe('annotation-url', () => {
  it("a plugin's path or other scheme passes; Backstage's own URLs and a plugin's address without its scheme do not", async () => {
    const root = await tempRepo({
      'catalog-info.yaml': component({
        'argocd/proxy-url': '/argocd/api2',
        'acme.com/chat-url': 'slack://channel?team=T1&id=C2',
        'acme.com/base-url': 'argocd-prod',
        'backstage.io/view-url': 'github.com/acme/svc',
        'backstage.io/edit-url': '/edit',
        'acme.com/dashboard-url': 'grafana.acme.io/d/abc?orgId=1',
        'acme.com/docs-url': 'https://docs.acme.io/svc',
      }),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'annotation-url');
    expect(found.map(d => d.range.start.line)).toEqual([9, 10, 11]);
    expect(found[0].message).toContain("backstage.io/view-url must be an absolute http(s) URL, found \"github.com/acme/svc\"");
    expect(found[2].message).toContain('acme.com/dashboard-url holds the address "grafana.acme.io/d/abc?orgId=1" without its scheme');
    expect(found[2].hint).toBe('Write https://grafana.acme.io/d/abc?orgId=1.');
    expect(run.status).toBe(1);
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});
