import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string }

const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: service, lifecycle: production, owner: user:guest}\n';
const USER = 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: guest}\nspec: {memberOf: []}\n';
// A Backstage app's repository that names its app-config, without catalog roots (discovery).
const CONFIG = "backstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-techdocs-backend']\n";

const APP = 'app:\n  baseUrl: http://localhost:3000\n';
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

describe('the app-config in a check without roots (through the bin)', () => {
  it('is judged when gitops.config.yaml names it under backstageConfig, as in a repo with roots', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'app-config.yaml': `${APP}techdocs:\n  builder: 42\n`,
      'catalog-info.yaml': `${COMPONENT}---\n${USER}`,
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).map(d => `${d.severity} ${d.ruleId}@${d.file}`)).toEqual(['error config-schema@app-config.yaml']);
    expect(run.status).toBe(1);
  });

  it('is judged in a repo whose only files are the config and its app-config', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': `${APP}techdocs:\n  builder: 42\n` });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).map(d => `${d.severity} ${d.ruleId}@${d.file}`)).toEqual(['error config-schema@app-config.yaml']);
    expect(run.status).toBe(1);
    const fixed = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': `${APP}techdocs:\n  builder: local\n` });
    const clean = await runBin(['check', '--format', 'json'], fixed);
    expect(findings(clean.stdout)).toEqual([]);
    expect(clean.status).toBe(0);
  });
});
