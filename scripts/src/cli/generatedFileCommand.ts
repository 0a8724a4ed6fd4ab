import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { loadConfig, repoRoot, UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import { logText } from '../report/safeText.ts';
import type { CliIo } from './io.ts';
import { repoWriteTarget } from './writeTarget.ts';

/** A file the toolkit generates from the catalog and the gate keeps current (CODEOWNERS, the editor schema). */
export interface GeneratedFile {
  help: string;
  /** The config section the file is generated from, as a newcomer writes it (e.g. `codeowners: { platformTeam: … }`). */
  section: { name: string; example: string; generates: string };
  expected(config: GitopsConfig, entities: readonly CatalogEntity[]): Promise<{ file: string; text: string } | undefined> | { file: string; text: string } | undefined;
  gate(expected: { file: string; text: string }, actual: string | undefined): Diagnostic[];
}

/**
 * `<command> (--check | --write) [--root DIR]` for a generated file: --write regenerates it, --check (the
 * default) exits 1 with the gate's finding when the committed file is stale. Returns the exit code;
 * throws UsageError when both flags are given or the config has no section for the file.
 */
export async function generatedFileCommand(generated: GeneratedFile, argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { root: { type: 'string' }, check: { type: 'boolean' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.stdout.write(generated.help), 0;
  // Both given used to write without a word: which one was meant is not known, so nothing runs.
  if (values.check && values.write) throw new UsageError('--check and --write exclude each other: --check (the default) only says whether the file is stale, --write regenerates it. Give one of them.');
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const expected = await generated.expected(config, entities);
  if (!expected) {
    const { name, example, generates } = generated.section;
    // Without the file at all, "the config has no section" would send a newcomer looking for a file that is not there.
    throw new UsageError(config.found
      ? `gitops.config.yaml has no ${name} section, which says how ${generates} is generated. Add one, e.g. ${example}.`
      : `This repo has no gitops.config.yaml, whose ${name} section says how ${generates} is generated. Create gitops.config.yaml at the repository root with, e.g., ${example}.`);
  }
  const path = resolve(root, expected.file);
  if (values.write) {
    repoWriteTarget(root, expected.file, 'the generated file');
    await mkdir(dirname(path), { recursive: true });
    await io.writeFile(path, expected.text);
    io.stdout.write(`wrote ${logText(expected.file)}\n`);
    return 0;
  }
  const problems = generated.gate(expected, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  io.stdout.write(problems.length ? `${logText(problems[0].message)} ${logText(problems[0].hint ?? '')}\n` : `${logText(expected.file)} is up to date.\n`);
  return problems.length ? 1 : 0;
}
