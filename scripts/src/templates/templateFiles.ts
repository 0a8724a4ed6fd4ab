import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { jsonOfShape, readJsonFile } from '../config/configFile.ts';
import type { TemplatePolicy } from './checkTemplate.ts';

// Apart from templateGate.ts so that `check` decides whether there is a template to judge without loading
// the template checks (the scaffolder's actions, Ajv, the skeleton analysis) for a catalog that has none.

/** The org's template policy (schemas/template-policy/), or none when the repo keeps no templates policy. */
export function loadTemplatePolicy(root: string): TemplatePolicy | undefined {
  const dir = join(root, 'schemas', 'template-policy');
  if (!existsSync(join(dir, 'actions.json'))) return undefined;
  // Lists of strings: a string would pass `includes` for any action it holds a part of.
  const read = <T>(name: string, member: string): T => jsonOfShape<T>(readJsonFile(join(dir, name), `schemas/template-policy/${name}`), `schemas/template-policy/${name}`, { [member]: 'strings' }, [member]);
  const actions = read<{ allowed: TemplatePolicy['actions'] }>('actions.json', 'allowed').allowed;
  const regions = existsSync(join(dir, 'regions.json')) ? read<{ regions: TemplatePolicy['regions'] }>('regions.json', 'regions').regions : [];
  return { actions, regions };
}

/** templates/<name>/template.yaml (and template.yml) for every (or every named) template folder that has one. */
export function discoverTemplateFiles(root: string, repoFiles: ReadonlySet<string>, names: readonly string[] = []): string[] {
  const dir = join(root, 'templates');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().filter(name => !names.length || names.includes(name)).flatMap(name => [`templates/${name}/template.yaml`, `templates/${name}/template.yml`]).filter(f => repoFiles.has(f));
}

/** The files holding a Template the scaffolder runs (in any of their documents): what the template checks read. */
export function templateFiles(entities: readonly CatalogEntity[]): string[] {
  return [...new Set(entities.filter(e => isTemplateDocument(e.entity)).map(e => e.file))];
}

/** Whether a document is a template the scaffolder runs: kind Template, apiVersion scaffolder.backstage.io/v1beta3. */
export function isTemplateDocument(doc: unknown): boolean {
  const record = doc as { kind?: unknown; apiVersion?: unknown } | null;
  return typeof doc === 'object' && record !== null && record.kind === 'Template' && record.apiVersion === 'scaffolder.backstage.io/v1beta3';
}

const TOP_KIND = /^kind[ \t]*:[ \t]*(["']?)Template\1[ \t]*(?:#.*)?$/m;
const TOP_API_VERSION = /^apiVersion[ \t]*:[ \t]*(["']?)scaffolder\.backstage\.io\/v1beta3\1[ \t]*(?:#.*)?$/m;

/** Whether a YAML text says, in block style at a line's start, kind Template and apiVersion scaffolder.backstage.io/v1beta3: one pass, no parse. */
export function declaresTemplate(text: string): boolean {
  return text.includes('scaffolder.backstage.io') && TOP_KIND.test(text) && TOP_API_VERSION.test(text);
}
