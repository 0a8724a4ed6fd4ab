import { format } from 'node:util';
import { replaceFile } from './replaceFile.ts';
import { describeError } from './describeError.ts';
import { colorFlag, guardIo, type CliIo } from './io.ts';
import { logText } from '../report/safeText.ts';
import { gitRefusals } from '../load/gitHostView.ts';
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

Every command also takes --debug (or DEBUG=backstage-gitops in the environment): a tool error then
shows its stack trace, and library warnings reach stderr. Every command takes --color or --no-color (and
follows NO_COLOR); those that print no colours accept them, so one CI script can pass them to all.

Run 'backstage-gitops <command> --help' for the options of a command.

`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

// Each command loads its own dependencies when it runs, so `--version` or `codeowners` does not pay for
// the scaffolder, TechDocs or Tech Insights code (the bundle is split per command).
const commands: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./checkCommand.ts')).checkCommand,
  init: async () => (await import('./initCommand.ts')).initCommand,
  import: async () => (await import('./importCommand.ts')).importCommand,
  scorecards: async () => (await import('./scorecardsCommand.ts')).scorecardsCommand,
  codeowners: async () => (await import('./codeownersCommand.ts')).codeownersCommand,
  schema: async () => (await import('./schemaCommand.ts')).schemaCommand,
  'azure-reviewers': async () => (await import('./azureReviewersCommand.ts')).azureReviewersCommand,
  sync: async () => (await import('./syncCommand.ts')).syncCommand,
  report: async () => (await import('./reportCommand.ts')).reportCommand,
  techdocs: async () => (await import('./techdocsCommand.ts')).techdocsCommand,
  templates: async () => (await import('./templatesCommand.ts')).templatesCommand,
};

/** True when `--debug` is among the arguments or DEBUG lists `backstage-gitops` (or `*`), as the debug package reads it. */
export function wantsDebug(argv: readonly string[], env: Record<string, string | undefined>): boolean {
  return argv.includes('--debug') || (env.DEBUG ?? '').split(/[\s,]+/).some(name => name === 'backstage-gitops' || name === '*');
}

/**
 * Runs one CLI invocation and returns its exit code (0 clean, 1 findings, 2 usage or tool error); only the
 * bin script exits. A thrown error becomes one or two lines on stderr (see describeError); the stack
 * trace only with --debug or DEBUG=backstage-gitops.
 */
export async function run(argv: string[], rawIo: CliIo): Promise<number> {
  // Everything printed passes the guard: values from a PR or a server cannot become CI commands or leak secrets.
  const io = guardIo(rawIo);
  const debug = wantsDebug(argv, io.env);
  // A colour flag before the command (`--no-color check`) is the command's, as git takes it.
  const given = argv.filter(arg => arg !== '--debug');
  const lead = given.findIndex(arg => !COLOUR_FLAGS.has(arg));
  const [name, ...rest] = lead > 0 ? [given[lead], ...given.slice(0, lead), ...given.slice(lead + 1)] : given;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    if (rest[0] && commands[rest[0]]) return (await commands[rest[0]]())(['--help'], io);
    // Without a command it is a usage error: the list goes to stderr, so a pipe reading stdout gets nothing.
    (name ? io.stdout : io.stderr).write(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version') return io.stdout.write(`${version}\n`), 0;
  const load = commands[name];
  if (!load) {
    const { nearestWord } = await import('./subcommand.ts');
    io.stderr.write(`backstage-gitops: unknown command '${logText(name.slice(0, 80))}'. ${nearestWord(name, Object.keys(commands))}Run 'backstage-gitops --help' for the commands.\n`);
    return 2;
  }
  try {
    return await (await load())(withoutColourFlags(name, rest), io);
  } catch (error) {
    io.stderr.write(`backstage-gitops ${name}: ${describeError(error, debug)}\n`);
    return 2;
  } finally {
    for (const line of gitRefusals()) io.stderr.write(`backstage-gitops ${name}: note: ${line}\n`);
  }
}

/**
 * The bin's entry: runs `argv` against the real process. A reader that closes the pipe early (`| head`)
 * gets no more output, without an EPIPE trace, and the run goes on to its verdict: the exit code is what a
 * gate says (CI shells run with pipefail), and ending with 0 there passed a run whose findings no one read.
 * Library warnings (Node's process warnings) are shown only with --debug, since they name no file of the
 * user's and say nothing they can act on.
 */
export async function main(argv: string[]): Promise<number> {
  const debug = wantsDebug(argv, process.env);
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // EPIPE, then ERR_STREAM_DESTROYED for each later write to the stream it destroyed.
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
  if (debug) Error.stackTraceLimit = 50;
  // An error a library throws outside the awaited chain (a socket, a timer) still ends as one message.
  const fatal = (error: unknown) => {
    process.stderr.write(`backstage-gitops: ${describeError(error, debug)}\n`);
    process.exit(2);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  return run(argv, processIo(debug));
}

/**
 * The real process as a CliIo (its cwd, environment, stdout, stderr, the file system and global fetch),
 * guarded (see guardIo). It also takes over what dependencies print on their own: Node's process
 * warnings (the `yaml` library's among them) and the global `console` (Ajv's default logger writes
 * "unknown format "<the schema's format>" ignored" with console.warn, a policy's text raw, newlines
 * included). Both quote input, and both would reach stdout or stderr past guardIo, where a quoted
 * `::add-mask::` or `##vso[` line would be a CI command. They are dropped, or with `debug` (--debug,
 * DEBUG=backstage-gitops) printed as one escaped line each through the guarded stderr.
 */
export function processIo(debug = false): CliIo {
  const io = guardIo(rawProcessIo());
  const note = (what: string, text: string) => {
    if (debug) io.stderr.write(`debug: ${logText(`${what}: ${text}`)}\n`);
  };
  process.removeAllListeners('warning');
  process.on('warning', warning => note(warning.name, warning.message));
  for (const method of CONSOLE_METHODS) console[method] = (...args: unknown[]) => note(`console.${method}`, format(...args));
  return io;
}

// Every console method that prints (console.table and console.dir included), none kept for the toolkit's own output.
const CONSOLE_METHODS = ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir', 'dirxml', 'table', 'group', 'groupCollapsed'] as const;

function rawProcessIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: { isTTY: process.stdout.isTTY, write: text => void process.stdout.write(text) },
    stderr: process.stderr,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    writeFile: replaceFile,
    fetch: globalThis.fetch,
  };
}

// Commands (and techdocs' subcommands) that print colours parse --color/--no-color themselves (colorFlag).
const COLOURED = new Set(['check', 'scorecards', 'templates', 'techdocs build']);
const COLOUR_FLAGS = new Set(['--color', '--no-color']);

/**
 * A command's arguments without --color and --no-color when it prints no colours, so a CI script that
 * passes one to every command (as NO_COLOR users do) is not told "Unknown option". Takes the command's name
 * and its arguments; returns them. Throws UsageError (exit 2) when both are given, as a coloured command does.
 */
function withoutColourFlags(name: string, args: readonly string[]): string[] {
  if (COLOURED.has(name)) return [...args];
  const sub = args.findIndex(arg => !arg.startsWith('-'));
  // `techdocs --no-color build`: the subcommand parses the flag, so it goes after the subcommand's name.
  if (sub >= 0 && COLOURED.has(`${name} ${args[sub]}`)) return [args[sub], ...args.slice(0, sub), ...args.slice(sub + 1)];
  colorFlag({ color: args.includes('--color'), 'no-color': args.includes('--no-color') });
  return args.filter(arg => !COLOUR_FLAGS.has(arg));
}
