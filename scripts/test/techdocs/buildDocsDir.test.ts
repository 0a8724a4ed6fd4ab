import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `techdocs build` refused a site whose docs_dir is mkdocs.yml's own folder with "docs_dir is ".", which leads
// outside this site's folder" (it is the folder itself), and one without its docs folder with the copy's raw
// "ENOENT: no such file or directory, lstat '/abs/path/docs'" (techdocs-build-failed), while `check` gives both
// its own findings: mkdocs-invalid in MkDocs' words (mkdocs 1.6: "The 'docs_dir' should not be the parent
// directory of the config file") and mkdocs-docs-dir-missing. The build now reports what check reports.
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations: {backstage.io/techdocs-ref: "dir:${name}"}\nspec: {type: service, lifecycle: production, owner: team-a}\n---\n`;
const FILES = {
  'catalog-info.yaml': `${component('own')}${component('none')}${component('page')}${component('flat')}apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n`,
  'own/mkdocs.yml': 'site_name: Own\ndocs_dir: ./\n',
  'own/index.md': '# Own\n',
  'none/mkdocs.yml': 'site_name: None\n',
  // docs_dir naming a page, and a default docs/ that is a file: the copy's raw "ENOTDIR: not a directory, scandir '/abs/…'" before.
  'page/mkdocs.yml': 'site_name: Page\ndocs_dir: docs/index.md\n',
  'page/docs/index.md': '# Page\n',
  'flat/mkdocs.yml': 'site_name: Flat\n',
  'flat/docs': '# Flat\n',
};

type Found = { ruleId: string; file: string; message: string; range: { start: { line: number } } };

async function run(args: string[]) {
  const root = await tempRepo(FILES);
  execFileSync('git', ['-C', root, 'init', '-q']);
  execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '--allow-empty', '-m', 'x']);
  execFileSync('git', ['-C', root, 'add', '-A']);
  execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'docs']);
  const out = await runBin([...args, '--format', 'json'], root);
  expect(out.stderr).not.toMatch(/internal error/);
  return { status: out.status, found: (JSON.parse(out.stdout).diagnostics as Found[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`), messages: (JSON.parse(out.stdout).diagnostics as Found[]).map(d => d.message) };
}

describe('techdocs build reports a docs_dir problem as check does (through the bin)', () => {
  it('docs_dir ./, a missing docs/ and a docs_dir that is a file: the same rule, place and words as check', async () => {
    const built = await run(['techdocs', 'build']);
    const checked = await run(['check']);
    expect(built.found).toEqual(['mkdocs-docs-dir-missing@flat/mkdocs.yml:1', 'mkdocs-docs-dir-missing@none/mkdocs.yml:1', 'mkdocs-invalid@own/mkdocs.yml:2', 'mkdocs-docs-dir-missing@page/mkdocs.yml:2']);
    expect(built.messages.filter(m => /not a folder/.test(m))).toEqual([
      'The docs folder is "flat/docs", which is a file, not a folder; MkDocs stops: "Config value \'docs_dir\': The path … isn\'t an existing directory."',
      'docs_dir names "page/docs/index.md", which is a file, not a folder; MkDocs stops: "Config value \'docs_dir\': The path … isn\'t an existing directory."',
    ]);
    expect(built.found).toEqual(checked.found.filter(f => f.startsWith('mkdocs-')));
    expect(built.messages).toEqual(checked.messages.filter((_, i) => checked.found[i].startsWith('mkdocs-')));
    expect(built.messages.join('\n')).not.toMatch(/ENOENT|ENOTDIR|leads outside|\/tmp\//);
    expect(built.status).toBe(1);
  }, 120_000);
});
