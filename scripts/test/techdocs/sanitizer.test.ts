import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { mkdocsConfigAsUsed } from '../../src/techdocs/mkdocsSafety.ts';
import { ENV_STRING, UNKNOWN_VALUE } from '../../src/backstageConfig/resolveAppConfig.ts';
import { DEFAULT_GENERATOR_SETTINGS, generatorSettingsOf, sanitizeAsTechdocs, type TechdocsGeneratorSettings } from '../../src/techdocs/techdocsSanitizer.ts';

// The gate's model of what TechDocs keeps must be the installed techdocs-node's (the one @techdocs/cli runs).
const require = createRequire(join(process.cwd(), 'package.json'));
const cliRequire = createRequire(require.resolve('@techdocs/cli/package.json'));
const { sanitizeMkdocsYml } = cliRequire('@backstage/plugin-techdocs-node/dist/stages/generate/mkdocsPatchers.cjs.js') as { sanitizeMkdocsYml: (path: string, logger: unknown, keys?: string[], plugins?: string[]) => Promise<void> };

const silent = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {}, child: () => silent };

/** What the installed sanitizer itself leaves of `config`, run on a file as TechdocsGenerator runs it. */
async function sanitizedByTechdocs(config: unknown, keys: string[] = [], plugins: string[] = []): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'gitops-sanitize-'));
  const file = join(dir, 'mkdocs.yml');
  await writeFile(file, stringify(config));
  await sanitizeMkdocsYml(file, silent, keys, plugins);
  const sanitized = load(await readFile(file, 'utf8'));
  await rm(dir, { recursive: true, force: true });
  return sanitized;
}

const everything = {
  site_name: 'Docs',
  INHERIT: '../base.yml',
  hooks: ['hook.py'],
  extra_javascript: ['x.js'],
  theme: { name: 'material', custom_dir: 'overrides', palette: { primary: 'red' } },
  plugins: ['techdocs-core', 'monorepo', 'macros', 'search', 'material/search', { redirects: { redirect_maps: { 'a.md': 'b.md' } } }, { 'material/group': { enabled: true, plugins: ['mermaid2', 'redirects'] } }, { group: { plugins: ['search', 'awesome-pages'] } }, 'section-index', 'git-revision-date-localized', 'mermaid2', { search: 5 }, { a: {}, b: {} }],
  markdown_extensions: ['admonition', 'mycompany.md_ext:CalloutExtension', { 'pymdownx.snippets': { base_path: '/' } }, { 'pymdownx.snippets:SnippetExtension': { check_paths: true } }, { plantuml_markdown: { server: 'https://plantuml.example.com', plantuml_cmd: 'plantuml' } }, { 'a.b:C': {}, toc: {} }, 'pymdownx.snippets:SnippetExtension'],
};

describe("the gate's reading of techdocs-node's sanitizer", () => {
  it('leaves of a config exactly what the installed sanitizeMkdocsYml leaves: keys, theme keys, plugins (nested group plugins, malformed ones), module:Class extensions, plantuml_cmd, snippets options', async () => {
    const sanitized = await sanitizeAsTechdocs(stringify(everything));
    expect(sanitized).toBeDefined();
    expect(mkdocsConfigAsUsed(everything, false, sanitized)).toEqual(await sanitizedByTechdocs(everything));
    expect(sanitized!.removed).toContainEqual(['markdown_extensions', 1]);
    expect(sanitized!.removed).toContainEqual(['markdown_extensions', 4, 'plantuml_markdown', 'plantuml_cmd']);
    expect(sanitized!.warnings.join('\n')).toContain('Removed the following dangerous entries from markdown_extensions in mkdocs.yml: mycompany.md_ext:CalloutExtension');
  });

  it('follows the mapping form of plugins, which the sanitizer turns into a list', async () => {
    const config = { site_name: 'Docs', plugins: { 'techdocs-core': {}, mermaid2: {}, group: { plugins: ['search', 'foo'] } } };
    const sanitized = await sanitizeAsTechdocs(stringify(config));
    expect(sanitized!.removed).toEqual([['plugins', 'mermaid2'], ['plugins', 'group', 'plugins', 1]]);
  });

  it("applies the managed Backstage's additional keys and plugins as TechdocsGenerator passes them", async () => {
    const settings: TechdocsGeneratorSettings = { ...DEFAULT_GENERATOR_SETTINGS, additionalKeys: ['hooks'], additionalPlugins: ['mermaid2'], defaultPlugins: ['macros'] };
    const sanitized = await sanitizeAsTechdocs(stringify(everything), settings);
    expect(mkdocsConfigAsUsed(everything, false, sanitized)).toEqual(await sanitizedByTechdocs(everything, ['hooks'], ['mermaid2', 'macros']));
    expect(sanitized!.removed).not.toContainEqual(['hooks']);
    expect(sanitized!.removed).not.toContainEqual(['plugins', 10]);
  });

  it('judges a file the sanitizer refuses (a Python tag it does not allow, duplicate keys) as written', async () => {
    expect(await sanitizeAsTechdocs('site_name: x\nhooks: [a.py]\nextra: !!python/object/apply:os.system [id]\n')).toBeUndefined();
    expect(await sanitizeAsTechdocs('site_name: x\nsite_name: y\n')).toBeUndefined();
    expect(mkdocsConfigAsUsed({ site_name: 'x', hooks: ['a.py'] }, false, undefined)).toEqual({ site_name: 'x', hooks: ['a.py'] });
  });

  it("reads techdocs.generator.mkdocs with techdocs-node's readGeneratorConfig, later files winning, and refuses a wrongly typed setting", () => {
    const settings = generatorSettingsOf([
      { context: 'app-config.yaml', data: { techdocs: { generator: { mkdocs: { legacyCopyReadmeMdToIndexMd: true, dangerouslyAllowAdditionalPlugins: ['mermaid2'] } } } } as never },
      { context: 'app-config.production.yaml', data: { techdocs: { generator: { mkdocs: { defaultPlugins: ['section-index'], omitTechdocsCorePlugin: true, disableExternalFonts: true, dangerouslyAllowAdditionalKeys: ['hooks'] } } } } as never },
    ]);
    expect(settings).toEqual({ legacyCopyReadmeMdToIndexMd: true, omitTechdocsCorePlugin: true, defaultPlugins: ['section-index'], additionalKeys: ['hooks'], additionalPlugins: ['mermaid2'], disableExternalFonts: true });
    expect(generatorSettingsOf([])).toEqual(DEFAULT_GENERATOR_SETTINGS);
    // Substituted when the backend starts (resolveAppConfig marks it): unknown here, not a type error; a list keeps its literal entries.
    expect(generatorSettingsOf([{ context: 'app-config.yaml', data: { techdocs: { generator: { mkdocs: { legacyCopyReadmeMdToIndexMd: ENV_STRING, omitTechdocsCoreMkdocsPlugin: ENV_STRING, defaultPlugins: ['section-index'], dangerouslyAllowAdditionalKeys: ['hooks', `x${ENV_STRING}`] } } } } as never }])).toEqual({ ...DEFAULT_GENERATOR_SETTINGS, defaultPlugins: ['section-index'], additionalKeys: ['hooks'], unknown: ['legacyCopyReadmeMdToIndexMd', 'omitTechdocsCorePlugin', 'additionalKeys'] });
    // An unknown mkdocs (an include the repo does not hold) may set anything; a later file's literal setting is known again.
    expect(generatorSettingsOf([
      { context: 'app-config.yaml', data: { techdocs: { generator: { mkdocs: { dangerouslyAllowAdditionalKeys: ['hooks'] } } } } as never },
      { context: 'app-config.production.yaml', data: { techdocs: { generator: { mkdocs: UNKNOWN_VALUE } } } as never },
      { context: 'app-config.local.yaml', data: { techdocs: { generator: { mkdocs: { defaultPlugins: [] } } } } as never },
    ]).unknown).toEqual(['legacyCopyReadmeMdToIndexMd', 'omitTechdocsCorePlugin', 'additionalKeys', 'additionalPlugins', 'disableExternalFonts']);
    expect(() => generatorSettingsOf([{ context: 'app-config.yaml', data: { techdocs: { generator: { mkdocs: { defaultPlugins: 'mermaid2' } } } } as never }])).toThrow(/TechDocs settings cannot be read/);
  });
});
