import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mkdocsConfigAsUsed, TECHDOCS_KEPT_KEYS, TECHDOCS_KEPT_THEME_KEYS } from '../../src/techdocs/mkdocsSafety.ts';

// The gate's model of what TechDocs keeps must be the installed techdocs-node's (the one @techdocs/cli runs).
const require = createRequire(join(process.cwd(), 'package.json'));
const cliRequire = createRequire(require.resolve('@techdocs/cli/package.json'));
const helpers = cliRequire('@backstage/plugin-techdocs-node/dist/stages/generate/helpers.cjs.js') as { ALLOWED_MKDOCS_KEYS: Set<string>; ALLOWED_THEME_KEYS: Set<string> };
const { sanitizeMkdocsYml } = cliRequire('@backstage/plugin-techdocs-node/dist/stages/generate/mkdocsPatchers.cjs.js') as { sanitizeMkdocsYml: (path: string, logger: unknown) => Promise<void> };

const silent = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {}, child: () => silent };

describe("the gate's copy of techdocs-node's sanitizer", () => {
  it('keeps exactly the keys and theme keys the installed techdocs-node keeps', () => {
    expect([...TECHDOCS_KEPT_KEYS].sort()).toEqual([...helpers.ALLOWED_MKDOCS_KEYS].sort());
    expect([...TECHDOCS_KEPT_THEME_KEYS].sort()).toEqual([...helpers.ALLOWED_THEME_KEYS].sort());
  });

  it('leaves of a config exactly what sanitizeMkdocsYml leaves (keys, theme keys, plugins, nested group plugins)', async () => {
    const config = {
      site_name: 'Docs',
      INHERIT: '../base.yml',
      hooks: ['hook.py'],
      extra_javascript: ['x.js'],
      theme: { name: 'material', custom_dir: 'overrides', palette: { primary: 'red' } },
      plugins: ['techdocs-core', 'monorepo', 'macros', 'search', 'material/search', { redirects: { redirect_maps: { 'a.md': 'b.md' } } }, { 'material/group': { enabled: true, plugins: ['mermaid2', 'redirects'] } }, { group: { plugins: ['search', 'awesome-pages'] } }, 'section-index', 'git-revision-date-localized', 'mermaid2'],
    };
    const dir = await mkdtemp(join(tmpdir(), 'gitops-sanitize-'));
    const file = join(dir, 'mkdocs.yml');
    await writeFile(file, JSON.stringify(config));
    await sanitizeMkdocsYml(file, silent);
    const sanitized = load(await readFile(file, 'utf8'));
    expect(mkdocsConfigAsUsed(config, false)).toEqual(sanitized);
    // monorepo among them: TechDocs removes it (techdocs-core loads it itself).
    expect(JSON.stringify(sanitized)).not.toContain('monorepo');
    await rm(dir, { recursive: true, force: true });
  });
});
