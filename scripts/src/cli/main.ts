import { writeFile } from 'node:fs/promises';
import { UsageError } from '../config/gitopsConfig.ts';
import { CHECK_HELP, checkCommand } from './checkCommand.ts';
import { azureReviewersCommand } from './azureReviewersCommand.ts';
import { codeownersCommand } from './codeownersCommand.ts';
import { importCommand } from './importCommand.ts';
import { initCommand } from './initCommand.ts';
import { schemaCommand } from './schemaCommand.ts';
import { scorecardsCommand } from './scorecardsCommand.ts';
import { reportCommand } from './reportCommand.ts';
import { syncCommand } from './syncCommand.ts';
import { techdocsCommand } from './techdocsCommand.ts';
import { templatesCommand } from './templatesCommand.ts';
import { guardIo, type CliIo } from './io.ts';
import { logText } from '../report/safeText.ts';
import { version } from './version.ts';

const HELP = `Usage: backstage-gitops <command> [options]

Commands:
  init              write a new control repo for your organisation (flags, or prompts in a terminal)
  import --url URL  bring the entities a running Backstage already has into catalog/
  check [paths…]    the catalog gate: Backstage's model, org policy, references, locations, scorecards
  scorecards        Tech Insights scorecards per team, before/after a change (--base), config generation
  codeowners        generate (--write) or verify (--check) CODEOWNERS from the catalog's ownership
  schema            generate (--write) or verify (--check) the editor's JSON Schema for catalog files
  report --base REF the pull-request report: findings, entity changes, impact, reviewers, scorecards
  sync --url URL    make the managed Backstage's catalog match this repo (plan with --dry-run)
  techdocs publish  build and publish changed TechDocs sites to Azure Blob Storage or S3, verified
  techdocs build    build sites exactly as publish does, without publishing (preview, PR check)
  azure-reviewers   CODEOWNERS as Azure Repos required-reviewer branch policies (plan, or --apply)
  templates test    test every template case (values, render, output, snapshots); 'templates render' previews one
  help [command]    show help for a command

Run 'backstage-gitops <command> --help' for the options of a command.
${'\n'}${CHECK_HELP}`;

const commands: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  check: checkCommand,
  init: initCommand,
  import: importCommand,
  scorecards: scorecardsCommand,
  codeowners: codeownersCommand,
  schema: schemaCommand,
  'azure-reviewers': azureReviewersCommand,
  sync: syncCommand,
  report: reportCommand,
  techdocs: techdocsCommand,
  templates: templatesCommand,
};

/** Runs one CLI invocation and returns its exit code; only the bin script exits. */
export async function run(argv: string[], rawIo: CliIo): Promise<number> {
  // Everything printed passes the guard: values from a PR or a server cannot become CI commands or leak secrets.
  const io = guardIo(rawIo);
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    if (rest[0] && commands[rest[0]]) return commands[rest[0]](['--help'], io);
    io.stdout.write(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version') return io.stdout.write(`${version}\n`), 0;
  const command = commands[name];
  if (!command) {
    io.stderr.write(`Unknown command '${logText(name)}'. Run 'backstage-gitops --help'.\n`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr.write(usage ? `backstage-gitops ${name}: ${logText((error as Error).message)}\n` : `backstage-gitops ${name}: internal error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

/**
 * The io of the real process, guarded (see guardIo). It also takes over Node's process warnings:
 * dependencies (the `yaml` library among them) emit warnings that quote input raw, and Node's default
 * listener prints them straight to stderr, where a quoted `::add-mask::` or `##vso[` line would be a CI
 * command. They are dropped, or with BACKSTAGE_GITOPS_DEBUG set printed through the guarded stderr.
 */
export function processIo(): CliIo {
  const io = guardIo(rawProcessIo());
  process.removeAllListeners('warning');
  process.on('warning', warning => {
    if (io.env.BACKSTAGE_GITOPS_DEBUG) io.stderr.write(`debug: ${logText(`${warning.name}: ${warning.message}`)}\n`);
  });
  return io;
}

function rawProcessIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: { isTTY: process.stdout.isTTY, write: text => void process.stdout.write(text) },
    stderr: process.stderr,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    writeFile: (path, text) => writeFile(path, text, 'utf8'),
    fetch: globalThis.fetch,
  };
}
