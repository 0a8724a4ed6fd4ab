import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../security/runBin.ts';

// Fidelity sweep 9: what techdocs-node's sanitizer removes beyond keys and plugins (repro-2), and the managed
// Backstage's techdocs.generator.mkdocs settings, which the gate never read (repro-6).
type Finding = { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } };
const shown = (findings: Finding[]) => findings.map(f => `${f.severity} ${f.ruleId}@${f.file}:${f.range.start.line}`);

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n`;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

async function check(files: Record<string, string>): Promise<{ status: number | null; findings: Finding[]; stderr: string }> {
  const root = await tempRepo(files);
  const result = await runBin(['check', '--format', 'json'], root);
  await rm(root, { recursive: true, force: true });
  const findings = result.stdout ? (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => /^(mkdocs|techdocs)-/.test(d.ruleId)) : [];
  return { status: result.status, findings, stderr: result.stderr };
}

// /tmp/sweep9/repro-2
const repro2 = {
  'catalog-info.yaml': `${component('svc')}---\n${group}`,
  'mkdocs.yml': 'site_name: svc\nplugins:\n  - techdocs-core\nmarkdown_extensions:\n  - admonition\n  - mycompany.md_ext:CalloutExtension\n  - plantuml_markdown:\n      server: https://kroki.io\n      plantuml_cmd: plantuml\n',
  'docs/index.md': '# Home\n',
};

// /tmp/sweep9/repro-6
const appConfig = 'catalog:\n  rules:\n    - allow: [Component, Group, Location]\ntechdocs:\n  builder: local\n  generator:\n    runIn: local\n    mkdocs:\n      legacyCopyReadmeMdToIndexMd: true\n      dangerouslyAllowAdditionalPlugins: [mermaid2]\n  publisher:\n    type: local\n';
const repro6 = {
  'gitops.config.yaml': "repoUrl: https://github.com/acme/catalog/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n  include: ['catalog/**/catalog-info.yaml', 'catalog/all.yaml']\n  appConfig: app-config.yaml\n",
  'app-config.yaml': appConfig,
  'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./svc-a/catalog-info.yaml, ./svc-b/catalog-info.yaml]\n---\n${group}`,
  'catalog/svc-a/catalog-info.yaml': component('svc-a'),
  'catalog/svc-a/README.md': '# Service A\n',
  'catalog/svc-b/catalog-info.yaml': component('svc-b'),
  'catalog/svc-b/mkdocs.yml': 'site_name: svc-b\nplugins:\n  - techdocs-core\n  - mermaid2\n',
  'catalog/svc-b/docs/index.md': '# B\n',
};

describe("what techdocs-node's sanitizer removes is judged as removed (fidelity sweep 9, repro-2)", () => {
  it('a module:Class markdown extension and plantuml_cmd are mkdocs-dropped-key warnings on their lines', async () => {
    const { status, findings } = await check(repro2);
    expect(shown(findings)).toEqual(['warning mkdocs-dropped-key@mkdocs.yml:6', 'warning mkdocs-dropped-key@mkdocs.yml:9']);
    expect(findings[0].message).toContain("TechDocs removes the markdown extension 'mycompany.md_ext:CalloutExtension' before building");
    expect(findings[1].message).toContain("TechDocs removes the option plantuml_cmd of the markdown extension 'plantuml_markdown'");
    expect(status).toBe(0);
  });

  it('a denied extension written as module:Class is not refused by policy (TechDocs drops it): a warning; as a module it is still refused', async () => {
    const base = { 'catalog-info.yaml': `${component('svc')}---\n${group}`, 'docs/index.md': '# Home\n' };
    const dropped = await check({ ...base, 'mkdocs.yml': 'site_name: svc\nmarkdown_extensions:\n  - markdown_include.include:MarkdownInclude\n' });
    expect(shown(dropped.findings)).toEqual(['warning mkdocs-dropped-key@mkdocs.yml:3']);
    expect(dropped.status).toBe(0);
    const kept = await check({ ...base, 'mkdocs.yml': 'site_name: svc\nmarkdown_extensions:\n  - markdown_include.include\n' });
    expect(shown(kept.findings)).toEqual(['error mkdocs-unsafe-extension@mkdocs.yml:3']);
    expect(kept.status).toBe(1);
  });
});

describe("the managed Backstage's techdocs.generator.mkdocs settings (fidelity sweep 9, repro-6)", () => {
  it('legacyCopyReadmeMdToIndexMd makes a README-only folder a site, dangerouslyAllowAdditionalPlugins keeps mermaid2: no finding; without them, the error and the warning', async () => {
    const followed = await check(repro6);
    expect(shown(followed.findings)).toEqual([]);
    expect(followed.status).toBe(0);
    const plain = await check({ ...repro6, 'app-config.yaml': 'catalog:\n  rules:\n    - allow: [Component, Group, Location]\n' });
    expect(shown(plain.findings)).toEqual(['error techdocs-ref-missing@catalog/svc-a/catalog-info.yaml:6', 'warning mkdocs-dropped-key@catalog/svc-b/mkdocs.yml:4']);
    expect(plain.status).toBe(1);
  });

  it('a kept plugin outside schemas/techdocs-policy.json is refused; a defaultPlugins entry outside it too; a wrongly typed setting is a tool error', async () => {
    const kept = await check({ ...repro6, 'app-config.yaml': appConfig.replace('[mermaid2]', '[macros]'), 'catalog/svc-b/mkdocs.yml': 'site_name: svc-b\nplugins:\n  - techdocs-core\n  - macros\n' });
    expect(shown(kept.findings)).toEqual(['error mkdocs-plugin-not-allowed@catalog/svc-b/mkdocs.yml:4']);
    const added = await check({ ...repro6, 'app-config.yaml': `${appConfig.replace('      dangerouslyAllowAdditionalPlugins: [mermaid2]\n', '      dangerouslyAllowAdditionalPlugins: [mermaid2]\n      defaultPlugins: [macros]\n')}` });
    expect(shown(added.findings)).toEqual(['error mkdocs-plugin-not-allowed@catalog/svc-b/mkdocs.yml:2']);
    expect(added.findings[0].message).toContain("adds the mkdocs plugin 'macros' to every site (techdocs.generator.mkdocs.defaultPlugins)");
    const wrong = await check({ ...repro6, 'app-config.yaml': appConfig.replace('[mermaid2]', 'mermaid2') });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("The managed Backstage's TechDocs settings cannot be read");
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });

  it('techdocs build follows them: the README-only site builds from README.md, and mermaid2 reaches MkDocs (not installed here, as Backstage would find)', async () => {
    const root = await tempRepo(repro6);
    execFileSync('git', ['-C', root, 'init', '-q']);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    const findings = (JSON.parse(build.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(readFileSync(join(out, 'default/component/svc-a/index.html'), 'utf8')).toContain('Service A');
    expect(shown(findings)).toEqual(['error techdocs-build-failed@catalog/svc-b/mkdocs.yml:2']);
    expect(findings[0].message).toContain('The "mermaid2" plugin is not installed');
    // Without the settings: svc-a is no site, and TechDocs' sanitizer removes mermaid2, so svc-b builds.
    const plainOut = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const plainRoot = await tempRepo({ ...repro6, 'app-config.yaml': 'catalog:\n  rules:\n    - allow: [Component, Group, Location]\n' });
    execFileSync('git', ['-C', plainRoot, 'init', '-q']);
    const plain = await runBin(['techdocs', 'build', '--out', plainOut, '--format', 'json'], plainRoot);
    expect(shown((JSON.parse(plain.stdout) as { diagnostics: Finding[] }).diagnostics)).toEqual([]);
    expect(existsSync(join(plainOut, 'default/component/svc-b/index.html'))).toBe(true);
    expect(existsSync(join(plainOut, 'default/component/svc-a'))).toBe(false);
    for (const dir of [root, out, plainOut, plainRoot]) await rm(dir, { recursive: true, force: true });
  }, 180_000);

  it('techdocs build refuses what @techdocs/cli cannot build as Backstage would: an allowed plugin only under group, an allowed extra key', async () => {
    const cases: [string, string, RegExp][] = [
      ['site_name: svc-b\nplugins:\n  - techdocs-core\n  - group:\n      plugins: [mermaid2]\n', appConfig, /uses the mkdocs plugin 'mermaid2' under group only/],
      ['site_name: svc-b\ncopyright_notice: x\nplugins:\n  - techdocs-core\n', appConfig.replace('[mermaid2]', '[mermaid2]\n      dangerouslyAllowAdditionalKeys: [copyright_notice]'), /uses 'copyright_notice', which the managed Backstage keeps/],
    ];
    for (const [mkdocs, config, message] of cases) {
      const root = await tempRepo({ ...repro6, 'app-config.yaml': config, 'catalog/svc-b/mkdocs.yml': mkdocs });
      execFileSync('git', ['-C', root, 'init', '-q']);
      const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
      const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
      expect(build.status, build.stderr).toBe(1);
      expect(build.stdout + build.stderr).toMatch(message);
      expect(existsSync(join(out, 'default/component/svc-b'))).toBe(false);
      for (const dir of [root, out]) await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

// /tmp/red11/repro-4: one `${VAR}` item made the gate drop the whole setting, and `$include` hid the settings
// from it; config-loader (the managed Backstage) keeps `hooks` and `macros` in both cases.
const repro4 = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/catalog/blob/main/\ncatalog:\n  appConfig: app-config.yaml\n',
  'catalog-info.yaml': `${component('svc')}---\n${group}`,
  'mkdocs.yml': 'site_name: svc\nhooks:\n  - evil.py\nplugins:\n  - techdocs-core\n',
  'evil.py': 'print("pwned")\n',
  'docs/index.md': '# Home\n',
};
const rules = 'catalog:\n  rules:\n    - allow: [Component, Group, Location]\n';
const withMkdocs = (settings: string) => `${rules}techdocs:\n  generator:\n    mkdocs:\n${settings}`;

describe("settings the check cannot know are judged so that nothing dangerous passes (red team 11, repro-4)", () => {
  it('one ${VAR} entry of dangerouslyAllowAdditionalKeys keeps the literal hooks: mkdocs-hooks error, no "dropped" warning', async () => {
    const { status, findings } = await check({ ...repro4, 'app-config.yaml': withMkdocs('      dangerouslyAllowAdditionalKeys: [hooks, "${TECHDOCS_EXTRA_KEY}"]\n') });
    expect(shown(findings)).toEqual(['error mkdocs-hooks@mkdocs.yml:2']);
    expect(status).toBe(1);
  });

  it('an unknown entry alone may name any key or plugin: nothing is judged dropped because of it', async () => {
    const keys = await check({ ...repro4, 'app-config.yaml': withMkdocs('      dangerouslyAllowAdditionalKeys: ["${EXTRA}"]\n') });
    expect(shown(keys.findings)).toEqual(['error mkdocs-hooks@mkdocs.yml:2']);
    expect(keys.status).toBe(1);
    const plugins = await check({ ...repro4, 'mkdocs.yml': 'site_name: svc\nplugins:\n  - techdocs-core\n  - macros\n', 'app-config.yaml': withMkdocs('      dangerouslyAllowAdditionalPlugins: ["${EXTRA}"]\n') });
    expect(shown(plugins.findings)).toEqual(['error mkdocs-plugin-not-allowed@mkdocs.yml:4']);
    expect(plugins.status).toBe(1);
    // $env, and an $include the repo does not hold (the deployment mounts it), are unknown as a whole: above
    // generator.mkdocs every setting is, defaultPlugins too.
    const env = await check({ ...repro4, 'app-config.yaml': withMkdocs('      dangerouslyAllowAdditionalKeys:\n        $env: EXTRA_KEYS\n') });
    expect(shown(env.findings)).toEqual(['error mkdocs-hooks@mkdocs.yml:2']);
    const file = await check({ ...repro4, 'app-config.yaml': `${rules}techdocs:\n  generator:\n    $include: /etc/backstage/generator.yaml\n` });
    expect(shown(file.findings)).toEqual(['error mkdocs-hooks@mkdocs.yml:2', 'error mkdocs-plugin-not-allowed@mkdocs.yml:4']);
    expect(file.status).toBe(1);
  });

  it('defaultPlugins [macros, ${X}]: macros is refused, and so is the plugin the check cannot name', async () => {
    const { status, findings } = await check({ ...repro4, 'mkdocs.yml': 'site_name: svc\nplugins:\n  - techdocs-core\n', 'app-config.yaml': withMkdocs('      defaultPlugins: [macros, "${X}"]\n') });
    expect(shown(findings)).toEqual(['error mkdocs-plugin-not-allowed@mkdocs.yml:2', 'error mkdocs-plugin-not-allowed@mkdocs.yml:2']);
    expect(findings.map(f => f.message).join('\n')).toContain("adds the mkdocs plugin 'macros' to every site");
    expect(findings.map(f => f.message).join('\n')).toContain('whose name comes from the environment or a file the check cannot read');
    expect(status).toBe(1);
  });

  it('techdocs build refuses a site when a defaultPlugins entry is unknown: it can neither check nor add the plugin', async () => {
    const root = await tempRepo({ ...repro4, 'mkdocs.yml': 'site_name: svc\nplugins:\n  - techdocs-core\n', 'app-config.yaml': withMkdocs('      defaultPlugins: ["${X}"]\n') });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const out = await mkdtemp(join(tmpdir(), 'gitops-out-'));
    const build = await runBin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(build.status, build.stderr).toBe(1);
    expect(build.stdout).toContain('whose name the build cannot know');
    expect(existsSync(join(out, 'default/component/svc'))).toBe(false);
    for (const dir of [root, out]) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('$include at techdocs (variant-include) and at generator.mkdocs is read as config-loader reads it: mkdocs-hooks error', async () => {
    const top = await check({ ...repro4, 'app-config.yaml': `${rules}techdocs:\n  $include: ./techdocs.yaml\n`, 'techdocs.yaml': 'generator:\n  mkdocs:\n    dangerouslyAllowAdditionalKeys: [hooks]\n' });
    expect(shown(top.findings)).toEqual(['error mkdocs-hooks@mkdocs.yml:2']);
    expect(top.status).toBe(1);
    const low = await check({ ...repro4, 'app-config.yaml': `${rules}techdocs:\n  generator:\n    mkdocs:\n      $include: ./mkdocs-settings.yaml\n`, 'mkdocs-settings.yaml': 'defaultPlugins: [macros]\n', 'mkdocs.yml': 'site_name: svc\nplugins:\n  - techdocs-core\n' });
    expect(shown(low.findings)).toEqual(['error mkdocs-plugin-not-allowed@mkdocs.yml:2']);
    expect(low.status).toBe(1);
  });

  it('control: with no setting, TechDocs drops hooks (a warning, exit 0); a literal $${X} entry is the text ${X}, not unknown', async () => {
    const plain = await check({ ...repro4, 'app-config.yaml': rules });
    expect(shown(plain.findings)).toEqual(['warning mkdocs-dropped-key@mkdocs.yml:2']);
    expect(plain.status).toBe(0);
    const escaped = await check({ ...repro4, 'app-config.yaml': withMkdocs('      dangerouslyAllowAdditionalKeys: ["$${X}"]\n') });
    expect(shown(escaped.findings)).toEqual(['warning mkdocs-dropped-key@mkdocs.yml:2']);
    expect(escaped.status).toBe(0);
  });

  it('an app-config that holds itself (the backend never finishes loading it) stops the run with one message at the alias, not walked until memory runs out', async () => {
    // Red team 33: the config is read as Backstage's config reader reads it (its alias limit, and an alias inside
    // its own anchor refused), so the gate fails closed with the place to fix instead of judging TechDocs by
    // settings Backstage could never load.
    const { status, findings, stderr } = await check({ ...repro4, 'app-config.yaml': `${withMkdocs('      dangerouslyAllowAdditionalKeys: [hooks]\n')}loop: &x\n  again: *x\n` });
    expect(findings).toEqual([]);
    expect(stderr).toMatch(/^backstage-gitops check: app-config\.yaml:9:10: the alias \*x stands inside the value its anchor names/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(status).toBe(2);
  }, 60_000);
});
