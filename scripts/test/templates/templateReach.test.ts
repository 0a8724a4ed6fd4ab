import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { templateHead } from '../helpers/templateRepo.ts';

// `report` follows a fetch url into this repository (https://github.com/acme/x/tree/main/skeletons/…) or one
// built from `${{ }}` (../../skeletons/${{ parameters.flavor }}) to know which templates a change touches.
// Discovery, `check <skeleton file>` and CODEOWNERS read only plain relative urls: the skeleton's
// catalog-info.yaml (`name: ${{ values.name }}`) was judged as a broken entity of the repo, and the
// skeleton folder stayed with the platform team. They now use the same reach (templateReach.ts).

const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team\n  annotations: {github.com/team-slug: acme/team}\nspec: {type: team, children: []}\n';
const fetchStep = (url: string) => `    - id: fetch\n      name: Fetch\n      action: fetch:template\n      input:\n        url: ${url}\n        values:\n          name: \${{ parameters.name }}\n`;
const template = (name: string, url: string) => templateHead(name).replace('group:default/platform', 'group:default/team') + fetchStep(url);
const SKELETON_ENTITY = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: production, owner: group:default/team}\n';

const summary = (stdout: string) => (JSON.parse(stdout).diagnostics as { ruleId: string; file: string }[]).filter(d => !d.ruleId.startsWith('editor-schema') && !d.ruleId.startsWith('codeowners')).map(d => `${d.ruleId}@${d.file}`).sort();

async function repo(): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: "@acme/platform"\n',
    'catalog/team.yaml': GROUP,
    // Into this repository by its url (GitHub's tree form), and built from an expression.
    'templates/by-url/template.yaml': template('by-url', 'https://github.com/acme/x/tree/main/skeletons/svc'),
    'templates/by-flavor/template.yaml': template('by-flavor', '../../skeletons/${{ parameters.flavor }}-job').replace('        name: {type: string}\n', '        name: {type: string}\n        flavor: {type: string, enum: [go, node]}\n'),
    'skeletons/svc/catalog-info.yaml': SKELETON_ENTITY,
    'skeletons/go-job/catalog-info.yaml': SKELETON_ENTITY,
  });
}

describe('a fetch url into the repository, or built from ${{ }}', () => {
  it("makes its files a skeleton's for discovery and for check <file>, as for report", async () => {
    const root = await repo();
    const full = await runBin(['check', '--format', 'json'], root);
    expect(summary(full.stdout)).toEqual([]);
    for (const [file, template] of [['skeletons/svc/catalog-info.yaml', 'templates/by-url/template.yaml'], ['skeletons/go-job/catalog-info.yaml', 'templates/by-flavor/template.yaml']]) {
      const run = await runBin(['check', '--format', 'json', file], root);
      expect({ file, found: summary(run.stdout), status: run.status }).toEqual({ file, found: [], status: 0 });
      // Judged through the template that fetches it: the template's own mistake shows.
      const root2 = await repo();
      const broken = join(root2, template);
      writeFileSync(broken, readFileSync(broken, 'utf8').replace('owner: group:default/team', 'owner: group:default/nobody'));
      const through = await runBin(['check', '--format', 'json', file], root2);
      expect({ file, found: summary(through.stdout) }).toEqual({ file, found: [`ref-unresolved@${template}`] });
    }
  }, 120_000);

  it("gives the skeleton a url into the repository fetches to the template's team in CODEOWNERS", async () => {
    const root = await repo();
    const run = await runBin(['codeowners', '--write'], root);
    expect(run.status).toBe(0);
    const lines = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8').split('\n');
    expect(lines.filter(l => l.startsWith('/skeletons/'))).toEqual([expect.stringMatching(/^\/skeletons\/svc\/ +@acme\/platform @acme\/team$/)]);
    // The url built from an expression may read any folder under skeletons/: no team line, and the gate says why.
    const check = await runBin(['codeowners', '--check'], root);
    expect({ status: check.status, said: check.stdout.trim() }).toEqual({ status: 1, said: expect.stringMatching(/^Step "fetch" fetches "\/skeletons\/", which is not given to @acme\/team: a template's team owns only its own folder/) });
  }, 60_000);
});
