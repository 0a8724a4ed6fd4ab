import { codeownersFor, codeownersGate } from '../codeowners/codeownersGate.ts';
import { generatedFileCommand } from './generatedFileCommand.ts';
import type { CliIo } from './io.ts';

export const CODEOWNERS_HELP = `Usage: backstage-gitops codeowners (--check | --write) [--root DIR]

Generates CODEOWNERS from the catalog's ownership (gitops.config.yaml: codeowners).
  --check   exit 1 when the committed file is stale (the default)
  --write   regenerate the file
`;

export function codeownersCommand(argv: string[], io: CliIo): Promise<number> {
  return generatedFileCommand({ help: CODEOWNERS_HELP, section: { name: 'codeowners', generates: 'CODEOWNERS', example: "codeowners: { platformTeam: '@acme/platform-team' } (the GitHub team that reviews what no entity claims)" }, expected: codeownersFor, gate: codeownersGate }, argv, io);
}
