import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// Fresh user (giantswarm/backstage-catalogs' crds.yaml): an API defined twice in one file the pull request does
// not touch was compared document by document with the one Backstage keeps, so the report said its definition
// changed ("breaking: GET /b removed") and listed Spectral's findings on the dropped document as introduced.
const ANALYTICS = 'catalog/systems/analytics/entities.yaml';
const ORDERS = 'catalog/systems/orders/entities.yaml';
const api = (version: string, path: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: widgets\nspec:\n  type: openapi\n  lifecycle: production\n  owner: data-team\n  system: analytics\n  definition: |\n    openapi: 3.0.0\n    info: {title: widgets, version: '${version}'}\n    paths:\n      ${path}:\n        get:\n          responses: {'200': {description: ok}}\n`;

describe('report: an API defined twice in one untouched file', () => {
  it('is no definition change and brings no finding in: either side is the document Backstage keeps', async () => {
    const root = await dataRepoCopy();
    edit(root, ANALYTICS, t => `${t.replace(/\n?$/, '\n')}${api('1', '/a')}${api('2', '/b')}`);
    commit(root, 'main defines widgets twice');
    const base = startPullRequest(root);
    edit(root, 'catalog/org/groups.yaml', t => t.replace(/description: [^\n]*/, m => `${m} (edited)`));
    commit(root, 'an unrelated edit');
    const run = await runReport(root, base);
    expect(run.json.report.apiChanges).toEqual([]);
    expect(run.json.diagnostics.filter(d => !(d as { alreadyOnBase?: boolean }).alreadyOnBase).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual([]);
    expect(run.json.markdown).not.toMatch(/breaking/i);
  }, 180_000);

  // Review: collapsed across files (the last copy of the ref), a breaking change to the copy in one file hid
  // behind an untouched copy in another; which of them Backstage keeps is whichever it processes first.
  it('a copy in another file does not hide a breaking change to this one', async () => {
    const root = await dataRepoCopy();
    edit(root, ANALYTICS, t => `${t.replace(/\n?$/, '\n')}${api('1', '/a')}`);
    edit(root, ORDERS, t => `${t.replace(/\n?$/, '\n')}${api('1', '/a')}`);
    commit(root, 'main defines widgets in two files');
    const base = startPullRequest(root);
    // The orders file is read before analytics: its copy is the first of the two, the one a collapse drops.
    edit(root, ORDERS, t => t.replace('      /a:\n', '      /c:\n'));
    commit(root, 'widgets: /a becomes /c');
    const run = await runReport(root, base);
    const changes = run.json.report.apiChanges as { api: string; file: string; diff?: { type: string; description: string }[] }[];
    expect(changes.map(a => `${a.api}@${a.file}`)).toEqual([`api:default/widgets@${ORDERS}`]);
    expect(changes[0].diff?.filter(d => d.type === 'breaking').map(d => d.description)).toEqual(['[Removed] operation GET /a']);
  }, 180_000);
});
