import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { codeownersFor, codeownersGate } from '../codeowners/codeownersGate.ts';
import { loadConfig, UsageError, repoRoot } from '../config/gitopsConfig.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import type { CliIo } from './io.ts';
import { logText } from '../report/safeText.ts';

export const CODEOWNERS_HELP = `Usage: backstage-gitops codeowners (--check | --write) [--root DIR]

Generates CODEOWNERS from the catalog's ownership (gitops.config.yaml: codeowners).
  --check   exit 1 when the committed file is stale (the default)
  --write   regenerate the file
`;

export async function codeownersCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { root: { type: 'string' }, check: { type: 'boolean' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.stdout.write(CODEOWNERS_HELP), 0;
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const expected = codeownersFor(config, entities);
  if (!expected) throw new UsageError('gitops.config.yaml has no codeowners section (codeowners.platformTeam)');
  const path = resolve(root, expected.file);
  if (values.write) {
    await mkdir(dirname(path), { recursive: true });
    await io.writeFile(path, expected.text);
    io.stdout.write(`wrote ${logText(expected.file)}\n`);
    return 0;
  }
  const problems = codeownersGate(expected, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  io.stdout.write(problems.length ? `${logText(problems[0].message)} ${logText(problems[0].hint ?? '')}\n` : `${logText(expected.file)} is up to date.\n`);
  return problems.length ? 1 : 0;
}
