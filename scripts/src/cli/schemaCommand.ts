import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, repoRoot, UsageError } from '../config/gitopsConfig.ts';
import { editorSchemaFor, editorSchemaGate } from '../schema/editorSchema.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import type { CliIo } from './io.ts';
import { logText } from '../report/safeText.ts';

export const SCHEMA_HELP = `Usage: backstage-gitops schema (--check | --write) [--root DIR]

Generates the JSON Schema editors validate catalog files with (gitops.config.yaml: editorSchema.file,
default schemas/catalog-info.schema.json): Backstage's entity schemas from the pinned packages, the
org's policies from schemas/policy/, and the catalog's groups, systems and domains as suggestions.
  --check   exit 1 when the committed file is stale (the default)
  --write   regenerate the file
`;

export async function schemaCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { root: { type: 'string' }, check: { type: 'boolean' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.stdout.write(SCHEMA_HELP), 0;
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const expected = await editorSchemaFor(config, entities);
  if (!expected) throw new UsageError('gitops.config.yaml has no editorSchema section (editorSchema: { file: schemas/catalog-info.schema.json })');
  const path = resolve(root, expected.file);
  if (values.write) {
    await mkdir(dirname(path), { recursive: true });
    await io.writeFile(path, expected.text);
    io.stdout.write(`wrote ${logText(expected.file)}\n`);
    return 0;
  }
  const problems = editorSchemaGate(expected, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  io.stdout.write(problems.length ? `${logText(problems[0].message)} ${logText(problems[0].hint ?? '')}\n` : `${logText(expected.file)} is up to date.\n`);
  return problems.length ? 1 : 0;
}
