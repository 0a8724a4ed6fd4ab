import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../security/runBin.ts';

// Real TechDocs sites the gate refused though Backstage builds them (fidelity sweep: mkdocs-monorepo-plugin's
// own fixtures and sample-docs, techdocs-core's, backstage/demo), and what it let through though MkDocs fails.
const entity = (docs: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: docs-site\n  annotations:\n    backstage.io/techdocs-ref: dir:${docs}\nspec:\n  type: documentation\n  owner: group:team-a\n  lifecycle: production\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n`;

type Finding = { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } };

async function check(files: Record<string, string>): Promise<{ status: number | null; findings: Finding[] }> {
  const root = await tempRepo({ 'catalog-info.yaml': entity('.'), ...files });
  const result = await runBin(['check', '--format', 'json'], root);
  const findings = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => /^(mkdocs|techdocs)-/.test(d.ruleId));
  await rm(root, { recursive: true, force: true });
  return { status: result.status, findings };
}

const shown = (findings: Finding[]) => findings.map(f => `${f.severity} ${f.ruleId}@${f.file}:${f.range.start.line}`);

describe('TechDocs sites judged as Backstage builds them', () => {
  it('plugins: [techdocs-core, monorepo] passes with a warning: TechDocs removes monorepo, techdocs-core loads it itself', async () => {
    const { status, findings } = await check({ 'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\n  - monorepo\nnav:\n  - Home: index.md\n', 'docs/index.md': '# Hi\n' });
    expect(shown(findings)).toEqual(['warning mkdocs-dropped-key@mkdocs.yml:4']);
    expect(findings[0].message).toContain("TechDocs removes the mkdocs plugin 'monorepo' before building; it has no effect: techdocs-core loads mkdocs-monorepo-plugin itself");
    expect(status).toBe(0);
  });

  it('a plugin TechDocs removes (outside its list) is a warning, also nested under group; one it keeps but the policy does not allow is an error', async () => {
    const { findings } = await check({ 'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\n  - macros\n  - group:\n      plugins: [mermaid2]\n', 'docs/index.md': '# Hi\n' });
    expect(shown(findings)).toEqual(['warning mkdocs-dropped-key@mkdocs.yml:4', 'warning mkdocs-dropped-key@mkdocs.yml:6']);
    expect(findings[0].message).toMatch(/TechDocs removes the mkdocs plugin 'macros' before building, so it never runs \(in Backstage or in techdocs build\)/);
    const root = await tempRepo({
      'catalog-info.yaml': entity('.'),
      'schemas/techdocs-policy.json': JSON.stringify({ plugins: ['techdocs-core', 'search'], yamlTags: [] }),
      'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\n  - redirects:\n      redirect_maps:\n        old.md: index.md\n',
      'docs/index.md': '# Hi\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const refused = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.severity === 'error');
    expect(shown(refused)).toEqual(['error mkdocs-plugin-not-allowed@mkdocs.yml:4']);
    expect(refused[0].message).toContain('and TechDocs keeps it: the build would run its Python');
    expect(result.status).toBe(1);
    // techdocs build refuses it too, before MkDocs runs.
    execFileSync('git', ['-C', root, 'init', '-q']);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout + build.stderr).toMatch(/mkdocs\.yml is refused: The mkdocs plugin 'redirects' is not in schemas\/techdocs-policy\.json/);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }, 120_000);

  it.each([
    ["'test site' (slugified to test-site)", "'test site'"],
    ['a name with spaces and dots', "'Team A. Docs'"],
    ['nested names (a/b, as the plugin fixture ok-nested-site-name-contains-slash)', 'team/api'],
    ['a name the plugin slugifies though it holds ..', "'../ up'"],
  ])('an !include\'d sub-site named %s passes, as mkdocs-monorepo-plugin names it', async (_, name) => {
    const { status, findings } = await check({
      'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - Hello: "!include project-a/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'project-a/mkdocs.yml': `site_name: ${name}\nnav:\n  - Home: index.md\n`,
      'project-a/docs/index.md': '# A\n',
    });
    expect(shown(findings)).toEqual([]);
    expect(status).toBe(0);
  });

  it.each([
    ['../../../../tmp/planted'],
    ['a/../../b'],
    ['"..\\n"'],
  ])('an !include\'d sub-site named %s, kept as written with a .. segment, is refused', async name => {
    const { status, findings } = await check({
      'mkdocs.yml': 'site_name: Example\nnav:\n  - Home: index.md\n  - Sub: "!include project-a/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'project-a/mkdocs.yml': `site_name: ${name}\nnav:\n  - Home: index.md\n`,
      'project-a/docs/index.md': '# A\n',
    });
    expect(shown(findings)).toEqual(['error mkdocs-path-outside@project-a/mkdocs.yml:1']);
    expect(findings[0].message).toContain('has a ".." segment: mkdocs-monorepo-plugin copies the included docs to a folder of that name as written');
    expect(status).toBe(1);
  });

  // mkdocs-monorepo-plugin's parser.py raises SystemExit(1) for each of these (its integration tests: "fails
  // if !include path does not exist", "fails if !include path contains !include"); the gate passed them all.
  it('an !include that stops mkdocs-monorepo-plugin is an error: no such config, no .yml file, a nested include', async () => {
    const { status, findings } = await check({
      'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - API:\n    - V1: "!include ./v1/mkdocs.yml"\n    - V3: "!include ./v3/mkdocs.yml"\n    - Page: "!include ./v1/docs/reference.md"\n    - Bare: "!include bare/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'v1/mkdocs.yml': 'site_name: v1\nnav:\n  - Reference: reference.md\n  - Deeper: "!include ./deeper/mkdocs.yml"\n',
      'v1/docs/reference.md': '# Reference\n',
      'v1/deeper/mkdocs.yml': 'site_name: deeper\nnav:\n  - Home: index.md\n',
      'v1/deeper/docs/index.md': '# Deeper\n',
      'bare/mkdocs.yml': 'site_name: bare\nnav:\n  - A: a.md\n',
      'bare/docs/a.md': '# A\n',
    });
    expect(shown(findings)).toEqual(['error mkdocs-nav-missing@mkdocs.yml:8', 'error mkdocs-nav-missing@mkdocs.yml:9', 'error mkdocs-nav-missing@v1/mkdocs.yml:4']);
    expect(findings[0].message).toContain('nav includes "./v3/mkdocs.yml", but "v3/mkdocs.yml" does not exist: mkdocs-monorepo-plugin (which techdocs-core enables) stops the build');
    expect(status).toBe(1);
  });

  it('two included configs whose site_names give one section name stop the build ("You cannot have duplicated site names")', async () => {
    const sub = (name: string) => `site_name: ${name}\nnav:\n  - Home: index.md\n`;
    const { status, findings } = await check({
      'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - A: "!include a/mkdocs.yml"\n  - B: "!include b/mkdocs.yml"\n  - C: "!include c/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'a/mkdocs.yml': sub('docs'), 'a/docs/index.md': '# A\n',
      'b/mkdocs.yml': sub('Docs'), 'b/docs/index.md': '# B\n',
      'c/mkdocs.yml': sub("'docs'"), 'c/docs/index.md': '# C\n',
    });
    expect(shown(findings)).toEqual(['error mkdocs-nav-missing@mkdocs.yml:8']);
    expect(findings[0].message).toContain('nav includes "c/mkdocs.yml", whose site_name gives the same section name ("docs") as "a/mkdocs.yml"');
    expect(status).toBe(1);
  });

  it('site_name: !ENV [NAME, default] is refused for the tag only: MkDocs would have a name, so "no site_name" is not said', async () => {
    const { status, findings } = await check({ 'mkdocs.yml': "site_name: !ENV [SITE_NAME, 'Docs']\nnav:\n  - Home: index.md\n", 'docs/index.md': '# Hi\n' });
    expect(shown(findings)).toEqual(['error mkdocs-unsafe-tag@mkdocs.yml:1']);
    expect(status).toBe(1);
  });

  it('an !include\'d sub-site without index.md passes (the parent has the index); a site of its own still needs one', async () => {
    const files = {
      'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - V1: "!include ./v1/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'v1/mkdocs.yml': 'site_name: v1\nnav:\n  - Reference: reference.md\n',
      'v1/docs/reference.md': '# Reference\n',
    };
    const included = await check(files);
    expect(shown(included.findings)).toEqual([]);
    expect(included.status).toBe(0);
    const { 'docs/index.md': _, ...withoutIndex } = files;
    const top = await check({ ...withoutIndex, 'docs/other.md': '# Other\n' });
    expect(shown(top.findings)).toContain('error mkdocs-index-missing@mkdocs.yml:1');
  });

  // mkdocs-monorepo-plugin reads an included config and its docs_dir from the site's folder, which Backstage's
  // preparer hands over whole: techdocs build copies both (only docs/ and mkdocs.yml before, so the plugin
  // stopped with "The file path ./v1/mkdocs.yml does not exist"), each judged as the site's own docs are.
  it('techdocs build copies an !include\'d sub-site and its docs, judged like the site\'s: a clean one builds, a host snippet in its pages is refused', async () => {
    const files = {
      'catalog-info.yaml': entity('.'),
      'mkdocs.yml': 'site_name: Example\nplugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - V1: "!include ./v1/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'v1/mkdocs.yml': 'site_name: v1\nnav:\n  - Reference: reference.md\n',
      'v1/docs/reference.md': '# Reference\n',
    };
    const build = async (extra: Record<string, string>) => {
      const root = await tempRepo({ ...files, ...extra });
      execFileSync('git', ['-C', root, 'init', '-q']);
      const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
      const result = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
      const built = existsSync(join(out, 'default/component/docs-site/index.html'));
      await rm(out, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
      return { ...result, built };
    };
    const clean = await build({});
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.built).toBe(true);
    const snippet = await build({ 'v1/docs/reference.md': '# Reference\n\n--8<-- "/proc/self/environ"\n' });
    expect(snippet.status, snippet.stderr).toBe(1);
    expect(snippet.stdout + snippet.stderr).toMatch(/v1\/docs\/reference\.md:3 reads \\?"\/proc\/self\/environ\\?", outside the docs site/);
    expect(snippet.built).toBe(false);
    // Red team round 9: an included config that INHERITs a file inside the site, whose Python tag MkDocs'
    // loader would construct when the plugin reads the included config. Nothing of it is copied or built.
    const inherit = await build({ 'v1/mkdocs.yml': 'site_name: v1\nINHERIT: docs/base.cfg\n', 'v1/docs/base.cfg': 'repo_name: !!python/object/apply:os.system ["id"]\n' });
    expect(inherit.status, inherit.stderr).toBe(1);
    expect(inherit.stdout + inherit.stderr).toMatch(/includes v1\/mkdocs\.yml \(mkdocs-monorepo-plugin\), which is refused: INHERIT in a config another site's nav includes is refused/);
    expect(inherit.built).toBe(false);
    const outside = await build({ 'v1/mkdocs.yml': 'site_name: v1\ndocs_dir: ../../../../etc\n' });
    expect(outside.status, outside.stderr).toBe(1);
    expect(outside.stdout + outside.stderr).toMatch(/includes v1\/mkdocs\.yml \(mkdocs-monorepo-plugin\), which is refused: docs_dir is/);
    expect(outside.built).toBe(false);
  }, 120_000);

  it('strict: true turns a missing nav page into an error (MkDocs aborts); without strict, or with validation lowering it, a warning', async () => {
    const site = (extra: string) => ({ 'mkdocs.yml': `site_name: Strict\n${extra}plugins:\n  - techdocs-core\nnav:\n  - Home: index.md\n  - Setup: setup.md\n`, 'docs/index.md': '# Hi\n' });
    const strict = await check(site('strict: true\n'));
    expect(shown(strict.findings)).toEqual(['error mkdocs-nav-missing@mkdocs.yml:7']);
    expect(strict.findings[0].message).toContain('with strict: true (which TechDocs keeps) MkDocs aborts on this warning');
    expect(strict.status).toBe(1);
    const lenient = await check(site(''));
    expect(shown(lenient.findings)).toEqual(['warning mkdocs-nav-missing@mkdocs.yml:6']);
    expect(lenient.findings[0].message).toContain('MkDocs builds the site with a warning');
    const lowered = await check(site('strict: true\nvalidation:\n  nav:\n    not_found: info\n'));
    expect(shown(lowered.findings)).toEqual(['warning mkdocs-nav-missing@mkdocs.yml:10']);
  });

  it('an !include\'d sub-site\'s missing nav page is an error when the including site is strict (its nav joins that build), a warning otherwise', async () => {
    const site = (extra: string) => ({
      'mkdocs.yml': `site_name: Example\n${extra}nav:\n  - Home: index.md\n  - V1: "!include v1/mkdocs.yml"\n`,
      'docs/index.md': '# Hi\n',
      'v1/mkdocs.yml': 'site_name: v1\nnav:\n  - Gone: gone.md\n',
      'v1/docs/reference.md': '# Reference\n',
    });
    const strict = await check(site('strict: true\n'));
    expect(shown(strict.findings)).toEqual(['error mkdocs-nav-missing@v1/mkdocs.yml:3']);
    expect(strict.status).toBe(1);
    expect(shown((await check(site(''))).findings)).toEqual(['warning mkdocs-nav-missing@v1/mkdocs.yml:3']);
  });

  it('strict: true with README.md beside index.md is an error (MkDocs warns and aborts); without strict, or excluded, nothing', async () => {
    const site = (extra: string) => ({ 'mkdocs.yml': `site_name: Strict\n${extra}plugins:\n  - techdocs-core\n`, 'docs/index.md': '# Hi\n', 'docs/README.md': '# Readme\n', 'docs/guide/index.md': '# Guide\n' });
    const strict = await check(site('strict: true\n'));
    expect(shown(strict.findings)).toEqual(['error mkdocs-strict-abort@mkdocs.yml:2']);
    expect(strict.findings[0].message).toContain('"docs/README.md" sits beside index.md');
    expect(strict.status).toBe(1);
    expect(shown((await check(site(''))).findings)).toEqual([]);
    expect(shown((await check(site('strict: true\nexclude_docs: |\n  README.md\n'))).findings)).toEqual([]);
  });

  it('docs_dir: . says what MkDocs says: the docs folder must not be the folder of mkdocs.yml', async () => {
    const { status, findings } = await check({ 'mkdocs.yml': 'site_name: DD\ndocs_dir: .\nplugins:\n  - techdocs-core\n', 'src/index.md': '# Hi\n', 'README.md': '# Readme\n' });
    expect(shown(findings)).toEqual(['error mkdocs-invalid@mkdocs.yml:2']);
    expect(findings[0].message).toContain("is the folder that holds mkdocs.yml itself; MkDocs refuses to build the site: \"The 'docs_dir' should not be the parent directory of the config file.\"");
    expect(findings[0].message).not.toContain('does not exist');
    expect(status).toBe(1);
  });

  it('INHERIT, hooks and macros in a site\'s own mkdocs.yml are warnings: techdocs build removes them before MkDocs runs, so the hook never runs and the inherited file is never read', async () => {
    const marker = join(await mkdtemp(join(tmpdir(), 'gitops-hook-')), 'HOOK-RAN');
    const root = await tempRepo({
      'services/orders/catalog-info.yaml': entity('.'),
      'mkdocs-base.yml': 'theme:\n  name: material\nmarkdown_extensions:\n  - admonition\n',
      'services/orders/mkdocs.yml': 'INHERIT: ../../mkdocs-base.yml\nsite_name: Orders\nhooks:\n  - docs/hook.py\nplugins:\n  - techdocs-core\n  - macros\n',
      'services/orders/docs/index.md': '# Orders\n',
      'services/orders/docs/hook.py': `open(${JSON.stringify(marker)}, "w").write("ran")\n`,
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const findings = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('mkdocs-'));
    expect(shown(findings)).toEqual(['warning mkdocs-dropped-key@services/orders/mkdocs.yml:1', 'warning mkdocs-dropped-key@services/orders/mkdocs.yml:3', 'warning mkdocs-dropped-key@services/orders/mkdocs.yml:7']);
    expect(findings[0].message).toContain("TechDocs removes 'INHERIT' from mkdocs.yml before building, so it has no effect in Backstage (nothing of the inherited file is built");
    expect(findings[1].message).toContain('the listed Python files never run');
    expect(result.status).toBe(0);
    execFileSync('git', ['-C', root, 'init', '-q']);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(0);
    const site = join(out, 'default/component/docs-site');
    expect(existsSync(join(site, 'index.html'))).toBe(true);
    // MkDocs runs a hook it is given (it would write the marker), and fails on an INHERIT it cannot read (the
    // build copy holds no ../../mkdocs-base.yml): TechDocs' sanitizer removed both before MkDocs started.
    expect(existsSync(marker)).toBe(false);
    expect(build.stderr).not.toMatch(/Inherited config file/);
    await rm(out, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }, 120_000);

  it('INHERIT in a config a nav includes is still refused when it leaves the site: MkDocs\' loader follows it there', async () => {
    const { status, findings } = await check({
      'secrets.yml': 'docs_dir: /etc\n',
      'mkdocs.yml': 'site_name: Example\nnav:\n  - Home: index.md\n  - Sub: "!include sub/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'sub/mkdocs.yml': 'INHERIT: ../secrets.yml\nsite_name: sub\nnav:\n  - Home: index.md\n',
      'sub/docs/index.md': '# Sub\n',
    });
    expect(shown(findings)).toEqual(['error mkdocs-inherit-outside@sub/mkdocs.yml:1']);
    expect(status).toBe(1);
  });

  it('INHERIT in a config a nav includes is refused even when it names a file inside the site: nobody judges that file, and MkDocs\' loader constructs its Python tags (red team round 9)', async () => {
    const { status, findings } = await check({
      'mkdocs.yml': 'site_name: Example\nnav:\n  - Home: index.md\n  - Sub: "!include sub/mkdocs.yml"\n',
      'docs/index.md': '# Hi\n',
      'sub/mkdocs.yml': 'site_name: sub\nINHERIT: docs/base.cfg\n',
      'sub/docs/base.cfg': 'repo_name: !!python/object/apply:os.system ["id"]\n',
      'sub/docs/index.md': '# Sub\n',
    });
    expect(shown(findings)).toEqual(['error mkdocs-inherit-outside@sub/mkdocs.yml:2']);
    expect(findings[0].message).toContain("MkDocs' own loader, which follows INHERIT");
    expect(status).toBe(1);
  });
});
