import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, startPullRequest } from './prChange.ts';
import type { CatalogEntity } from '../../src/catalog/catalogEntity.ts';
import { touchedEntities } from '../../src/scorecards/prepareScorecards.ts';

// Red team: a blocking scorecard check judges what a pull request touches, and "touched" compared each
// entity's own document. A change that reaches an entity only through a file its `$text` names (here a
// definition emptied to whitespace: hasApiDefinition turns false) failed the blocking check on it, yet the
// run passed ("ready to merge"). The entity as the catalog stores it is what the facts read.
const DEFINITION = 'catalog/systems/analytics/definitions/reporting-openapi.yaml';

describe('a blocking scorecard check holds for an entity changed only through its placeholder file', () => {
  it('check --base and report --base fail on it', async () => {
    const root = await dataRepoCopy();
    startPullRequest(root);
    writeFileSync(join(root, DEFINITION), ' \n');
    commit(root, 'empty the definition');
    for (const command of ['check', 'report']) {
      const run = await runBin([command, '--base', 'main', '--today', '2026-11-23', '--format', 'json'], root);
      const json = JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string; message: string }[] };
      const blocking = json.diagnostics.filter(d => d.ruleId === 'scorecard/apiHasDefinition' && d.severity === 'error');
      expect(blocking.map(d => d.message).join('\n'), command).toContain('api:default/reporting-openapi');
      expect(run.status, command).toBe(1);
    }
    // The report's list of entity changes names it too: it compared the documents as written.
    const markdown = await runBin(['report', '--base', 'main', '--today', '2026-11-23', '--format', 'markdown'], root);
    const changes = markdown.stdout.slice(markdown.stdout.indexOf('### Entity changes'));
    expect(changes).toMatch(/\*\*Changed\*\* \(1\)\n\n- <code>api:default\/reporting-openapi<\/code>/);
  }, 240_000);

  it('touchedEntities counts every input of the facts: the stored entity, its file, its docs site', () => {
    const raw = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }, spec: {} };
    const entity = (file: string, stored: unknown = raw) => ({ ref: 'component:default/a', file, raw, entity: stored }) as unknown as CatalogEntity;
    const files = (...extra: string[]) => ['svc/catalog-info.yaml', ...extra];
    const base = [entity('svc/catalog-info.yaml')];
    expect([...touchedEntities(base, [entity('svc/catalog-info.yaml')], { base: files('svc/mkdocs.yml'), head: files('svc/mkdocs.yml') })]).toEqual([]);
    // Only a placeholder's target changed: the stored entity differs, the document does not.
    expect([...touchedEntities(base, [entity('svc/catalog-info.yaml', { ...raw, spec: { definition: ' ' } })])]).toEqual(['component:default/a']);
    // Moved to another folder (CODEOWNERS coverage, the docs folder its dir: ref names).
    expect([...touchedEntities(base, [entity('other/catalog-info.yaml')])]).toEqual(['component:default/a']);
    // Its docs site deleted: hasDocsSite turns false.
    expect([...touchedEntities(base, [entity('svc/catalog-info.yaml')], { base: files('svc/mkdocs.yml'), head: files() })]).toEqual(['component:default/a']);
  });
});
