import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../src/codeowners/codeowners.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// The templates a template's team owns in CODEOWNERS: the names the templates command finds (template.yml
// too) and the one file a fetch:plain:file or fetch:template:file step names.

const TEMPLATE = 'templates/python-datascience/template.yaml';
const ONE_FILE = '    - id: notebook\n      name: One notebook\n      action: fetch:plain:file\n      input:\n        url: ../../skeletons/ds-extras/notebook.md\n        targetPath: notebooks/README.md\n';

async function ownersAfterWrite(root: string) {
  const run = await runBin(['codeowners', '--write'], root);
  expect(run.status, run.stderr).toBe(0);
  const text = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8');
  return { text, owners: (file: string) => ownersOf(parseCodeowners(text), file)?.owners };
}

describe('codeowners: template files the template\'s team owns', () => {
  it('a fetch:plain:file url is a file line (no trailing slash, which matches only a folder)', async () => {
    const root = await dataRepoCopy();
    mkdirSync(join(root, 'skeletons/ds-extras'), { recursive: true });
    writeFileSync(join(root, 'skeletons/ds-extras/notebook.md'), '# Notebooks\n');
    const template = readFileSync(join(root, TEMPLATE), 'utf8');
    writeFileSync(join(root, TEMPLATE), template.replace('    - id: publish\n', `${ONE_FILE}    - id: publish\n`));
    const { text, owners } = await ownersAfterWrite(root);
    expect(text).not.toContain('notebook.md/');
    expect(owners('skeletons/ds-extras/notebook.md')).toEqual(['@acme/data-team', '@acme/platform-team']);
  }, 60_000);

  // A pull request's `templates/<name>` can be a link to a folder outside the repository (in CI, the toolkit's own
  // checkout beside it): its template.yaml is no template of this repository, and no owner is read from it.
  it('a template folder that is a link out of the repository gives no owner and no lines', async () => {
    const root = await dataRepoCopy();
    const outside = mkdtempSync(join(tmpdir(), 'gitops-outside-'));
    cpSync(join(root, 'templates/python-datascience'), join(outside, 'linked'), { recursive: true });
    writeFileSync(join(outside, 'linked/template.yaml'), readFileSync(join(outside, 'linked/template.yaml'), 'utf8').replace(/\n {2}owner: [^\n]+/, '\n  owner: outside-team'));
    symlinkSync(join(outside, 'linked'), join(root, 'templates/linked'));
    const { text } = await ownersAfterWrite(root);
    expect(text).not.toContain('templates/linked');
    expect(text).not.toContain('outside-team');
  }, 60_000);

  it('a template read from template.yml owns its folder as one read from template.yaml does', async () => {
    const root = await dataRepoCopy();
    renameSync(join(root, TEMPLATE), join(root, 'templates/python-datascience/template.yml'));
    const all = readFileSync(join(root, 'templates/all.yaml'), 'utf8');
    writeFileSync(join(root, 'templates/all.yaml'), all.replace('./python-datascience/template.yaml', './python-datascience/template.yml'));
    const { owners } = await ownersAfterWrite(root);
    expect(owners('templates/python-datascience/tests/default.yaml')).toEqual(['@acme/data-team', '@acme/platform-team']);
    expect(owners('skeletons/python-datascience/pyproject.toml')).toEqual(['@acme/data-team', '@acme/platform-team']);
  }, 60_000);
});
