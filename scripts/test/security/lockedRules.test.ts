import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const component = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: docs-site\n  annotations:\n    backstage.io/techdocs-ref: dir:./handbook\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

// A pull request that changes gitops.config.yaml to silence the rules that guard against it.
describe('the config a pull request changes cannot lower the security rules', () => {
  it.each(['off', 'warning', 'info'])("rules.mkdocs-unsafe-tag: %s is ignored and said", async setting => {
    const root = await tempRepo({
      'gitops.config.yaml': `rules:\n  mkdocs-unsafe-tag: ${setting}\n  entity-field-format: ${setting}\n`,
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': 'site_name: Docs\ncopyright: !ENV AZURE_STORAGE_CONNECTION_STRING\n',
      'handbook/docs/index.md': '# Docs\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string }[] }).diagnostics.map(d => `${d.ruleId}:${d.severity}@${d.file}`);
    expect(found).toContain('mkdocs-unsafe-tag:error@handbook/mkdocs.yml');
    expect(found).toContain('config-rule-locked:warning@gitops.config.yaml');
    expect(found.filter(f => f.startsWith('config-rule-locked'))).toHaveLength(1);
    expect(result.status).toBe(1);
  });
});
