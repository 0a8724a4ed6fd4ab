import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 33: gitops.config.yaml and the app-config catalog.appConfig names are pull-request files. Their values
// were built with doc.toJS() directly: aliases expanding past yaml's maxAliasCount made it throw, and check
// stopped with "internal error: Excessive alias count indicates a resource exhaustion attack".
const laughs = (indent: string) => `${indent}a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `${indent}a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`).join('')}`;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

describe('config files whose aliases explode (shipped bin)', () => {
  it.each([
    ['the app-config catalog.appConfig names', { 'gitops.config.yaml': 'catalog:\n  appConfig: app-config.yaml\n', 'app-config.yaml': `app:\n  title: x\nlaughs:\n${laughs('  ')}` }, /^backstage-gitops check: app-config\.yaml:1:1: its anchors and aliases expand past 100 copies, which Backstage's config reader refuses/],
    ['gitops.config.yaml', { 'gitops.config.yaml': `failOn: error\n${laughs('')}` }, /^backstage-gitops check: gitops\.config\.yaml:1:1: its anchors and aliases expand past 100 copies/],
  ])('%s: one message naming the file, exit 2, no internal error', async (_, files, message) => {
    const result = await runBin(['check'], await tempRepo({ 'catalog-info.yaml': group, ...files }));
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('internal error');
    expect(result.status).toBe(2);
  });
});
