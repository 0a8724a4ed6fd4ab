import { createRequire } from 'node:module';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { readPolicySchemas } from '../catalog/prepareCatalogCheck.ts';
import { backstageSchemas, entityModelCore } from '../backstage.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { catalogSchema } from './catalogSchema.ts';
import { withLf } from '../load/eolConverted.ts';

const require = createRequire(import.meta.url);

export const DEFAULT_EDITOR_SCHEMA = 'schemas/catalog-info.schema.json';

/**
 * The editor schema this repo should commit (config `editorSchema.file`), generated from the pinned
 * Backstage packages, the org's policies and the catalog's own groups, systems and domains; undefined
 * when the config asks for none. Throws UsageError when a policy file is not JSON.
 */
export async function editorSchemaFor(config: GitopsConfig, entities: readonly CatalogEntity[]): Promise<{ file: string; text: string } | undefined> {
  if (!config.editorSchema) return undefined;
  const policies = await readPolicySchemas(config);
  const schema = catalogSchema({
    backstage: backstageSchemas(),
    rootFields: (new (entityModelCore().NoForeignRootFieldsEntityPolicy)() as unknown as { knownFields: string[] }).knownFields,
    policies,
    placeholderResolvers: config.catalog.placeholderResolvers,
    known: {
      owners: refsOfKind(entities, 'group'),
      systems: refsOfKind(entities, 'system'),
      domains: refsOfKind(entities, 'domain'),
    },
    sources: ['@backstage/catalog-model', '@backstage/plugin-scaffolder-common'].map(name => `${name} ${(require(`${name}/package.json`) as { version: string }).version}`).concat(config.catalog.policies ? [`${config.catalog.policies}/`] : []),
  });
  return { file: config.editorSchema.file, text: `${JSON.stringify(schema, null, 2)}\n` };
}

/** Refs as authors write them for a field whose default kind is `kind`: the bare name in the default namespace. */
function refsOfKind(entities: readonly CatalogEntity[], kind: string): string[] {
  const refs = entities
    .filter(e => e.kind?.toLowerCase() === kind && e.name)
    .map(e => (e.namespace === 'default' ? e.name! : `${e.namespace}/${e.name}`));
  return [...new Set(refs)].sort();
}

/** A stale editor schema lets editors disagree with the gate: the committed file must be the generated one. */
export function editorSchemaGate(expected: { file: string; text: string } | undefined, committed: string | undefined): Diagnostic[] {
  // A CRLF checkout (core.autocrlf) writes the committed file with CRLF: git stores it as generated.
  if (!expected || (committed !== undefined && withLf(committed) === expected.text)) return [];
  return [{
    ruleId: 'schema-stale',
    severity: 'error',
    message: committed === undefined ? `${expected.file} is missing (or is not a file).` : `${expected.file} does not match the policies, the pinned Backstage packages or the catalog's groups, systems and domains.`,
    hint: 'Fix the catalog\'s other errors first (a misspelt owner, system, kind or Location target changes the groups, systems and domains it lists), then run `npx backstage-gitops schema --write` and commit the result.',
    file: expected.file,
    range: FILE_START,
  }];
}
