import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { templateHead } from '../helpers/templateRepo.ts';

// Seen in 04kash/rhdh-software-templates: catalog/catalog-register.yaml, copied from a deeper folder, kept
// `url: ../../../skeletons/catalog-info/`. From catalog/ that climbs above the repository's root, so Backstage
// (defaultScmResolveUrl against the template's URL; resolveSafeChildPath for a file location) fetches no
// folder of this repository and the task fails. The gate said so as "The skeleton folder .. does not exist
// or is empty", naming a folder `..` the author never wrote, with a hint about template.yaml.

const step = (action: string, url: string) => `    - id: fetch\n      name: Fetch\n      action: ${action}\n      input:\n        url: ${url}\n        targetPath: ./out.txt\n        values:\n          name: \${{ parameters.name }}\n`;

describe('a fetch url that leads outside the repository', () => {
  it('names the url, says it leaves the repository, and points at the folder its tail names', async () => {
    const root = await tempRepo({
      'catalog/catalog-register.yaml': templateHead('catalog-register') + step('fetch:template', '../../../skeletons/catalog-info/'),
      'catalog/copy-file.yaml': templateHead('copy-file') + step('fetch:template:file', '../../skeletons/catalog-info/catalog-info.yaml'),
      'catalog/elsewhere.yaml': templateHead('elsewhere') + step('fetch:plain', '../../other/thing'),
      // Inside the repository but missing: the hint names the template file the url is relative to.
      'catalog/missing.yaml': templateHead('missing') + step('fetch:template', './skeleton'),
      'skeletons/catalog-info/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; hint: string }[])
      .filter(d => d.ruleId === 'template-skeleton-missing')
      .map(d => ({ file: d.file, message: d.message, hint: d.hint }))
      .sort((a, b) => a.file.localeCompare(b.file));
    expect(found).toEqual([
      {
        file: 'catalog/catalog-register.yaml',
        message: `The url "../../../skeletons/catalog-info/" leads outside this repository: resolved from catalog/ (where catalog-register.yaml is), its ../ climb above the repository's root, so Backstage fetches no folder of this repository and the task fails here.`,
        hint: 'The url is relative to catalog/catalog-register.yaml: this repository\'s skeletons/catalog-info/ is ../skeletons/catalog-info/ from there.',
      },
      {
        file: 'catalog/copy-file.yaml',
        message: `The url "../../skeletons/catalog-info/catalog-info.yaml" leads outside this repository: resolved from catalog/ (where copy-file.yaml is), its ../ climb above the repository's root, so Backstage fetches no file of this repository and the task fails here.`,
        hint: "The url is relative to catalog/copy-file.yaml: this repository's skeletons/catalog-info/catalog-info.yaml is ../skeletons/catalog-info/catalog-info.yaml from there.",
      },
      {
        file: 'catalog/elsewhere.yaml',
        message: `The url "../../other/thing" leads outside this repository: resolved from catalog/ (where elsewhere.yaml is), its ../ climb above the repository's root, so Backstage fetches no folder of this repository and the task fails here.`,
        hint: "The url is relative to catalog/elsewhere.yaml: count its ../ from that file's folder, and keep the skeleton inside this repository.",
      },
      {
        file: 'catalog/missing.yaml',
        message: 'The skeleton folder catalog/skeleton does not exist or is empty.',
        hint: 'The url is relative to catalog/missing.yaml; keep skeletons in skeletons/<name>/.',
      },
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});
