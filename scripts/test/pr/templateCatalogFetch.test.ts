import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// A template's catalog:fetch step reads an entity of this repository's catalog (fetchFromRepoCatalog), and
// its render writes what it read. `report` ran every case only when a change removed or renamed an entity:
// a pull request that edited the fetched entity (its description) broke the case's rendered catalog-info.yaml
// and passed (exit 0, no Templates section), while `templates test` failed on main from then on.

type Case = { template: string; caseFile: string; passed: boolean; because?: string };

describe('report: template cases whose catalog:fetch reads an entity the pull request edits', () => {
  it('runs the case and fails on what the edited entity now renders', async () => {
    const root = await dataRepoCopy();
    // The platform allows catalog:fetch (the org's template policy).
    edit(root, 'schemas/template-policy/actions.json', t => t.replace('"catalog:register"', '"catalog:register",\n    "catalog:fetch"'));
    edit(root, 'templates/go-service/template.yaml', t => t.replace('  steps:\n', `  steps:
    - id: system
      name: Read the system
      action: catalog:fetch
      input:
        entityRef: \${{ parameters.system }}
`).replace('          replicas: ${{ parameters.replicas }}\n', '          replicas: ${{ parameters.replicas }}\n          summary: ${{ steps.system.output.entity.metadata.description }}\n'));
    edit(root, 'skeletons/go-service/catalog-info.yaml', t => t.replace('  annotations:\n', '  annotations:\n    acme.com/system-summary: ${{ values.summary }}\n'));
    const updated = await runBin(['templates', 'test', 'go-service', '--update-snapshots'], root);
    expect(updated.status, updated.stdout).toBe(0);
    commit(root, 'go-service: the system summary');
    expect((await runBin(['templates', 'test', 'go-service'], root)).status).toBe(0);
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/fraud-detection/entities.yaml', t => t.replace('  description: Scores payments for fraud risk in real time.', '  description: "Fraud: scores payments in real time."'));
    commit(root, 'the fraud-detection system, described');
    // What main's templates test says from then on.
    expect((await runBin(['templates', 'test', 'go-service'], root)).status).toBe(1);
    const { json } = await runReport(root, base);
    const cases = (json.report.templates ?? []) as Case[];
    expect(cases.filter(c => !c.passed).map(c => c.caseFile)).toContain('templates/go-service/tests/default.yaml');
    expect(json.exitCode).toBe(1);
    const failing = json.diagnostics.filter(d => d.ruleId === 'template-output-invalid');
    expect(new Set(failing.map(d => d.file))).toEqual(new Set(['templates/go-service/tests/default.yaml']));
    expect(failing.some(d => 'alreadyOnBase' in d)).toBe(false);
    // Only the templates that fetch from the catalog: the other templates' cases are not run for an entity edit.
    expect(new Set(cases.map(c => c.template))).toEqual(new Set(['go-service']));
    expect(cases[0].because).toBe('this change adds or edits system:default/fraud-detection, and a catalog:fetch step renders what the catalog holds');
    expect(json.markdown).toContain('and of every template with a catalog:fetch step');
  }, 300_000);
});
