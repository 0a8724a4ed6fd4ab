import { logJson, logLines, logXml, redactUrl } from '../report/safeText.ts';
import { secretScrubber, urlCredentials } from '../report/secretScrubber.ts';
import { UsageError } from '../config/usageError.ts';

/**
 * What a block of stdout holds, so the last line of defence can make it inert without breaking it:
 * `text` (messages, stylish, Markdown), `json` and `xml` (documents whose values are escaped by their own
 * syntax), `commands` (the github and azure formats, whose formatters escape every value themselves).
 */
export type OutputKind = 'text' | 'json' | 'xml' | 'commands';

/** Everything a command may touch outside pure code, passed in so tests can run commands in-process. */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(text: string, kind?: OutputKind): void; isTTY?: boolean };
  stderr: { write(text: string): void };
  /** True when a person can answer prompts (stdin is a terminal); commands never prompt otherwise. */
  interactive?: boolean;
  writeFile(path: string, text: string): Promise<void>;
  fetch: typeof fetch;
  /** Credentials the command holds: a guarded io (see {@link guardIo}) scrubs them from both streams. */
  secrets?: Set<string>;
}

/**
 * The colour flag a command was given: true for --color, false for --no-color, undefined for neither.
 * Both together used to let one win without a word (--no-color, wherever it stood): which was meant is
 * not known, so that is a UsageError, as --check with --write is.
 */
export function colorFlag(values: { color?: boolean; 'no-color'?: boolean }): boolean | undefined {
  if (values.color && values['no-color']) throw new UsageError('--color and --no-color exclude each other: --color forces colours on, --no-color off (without either, colours follow the terminal and NO_COLOR). Give one of them.');
  return values['no-color'] ? false : values.color;
}

/** The output kind of each `--format`. */
export const OUTPUT_KINDS: Record<string, OutputKind> = { stylish: 'text', markdown: 'text', json: 'json', sarif: 'json', junit: 'xml', github: 'commands', azure: 'commands' };

export function wantsColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

/** Registers credentials (and their parts and encodings) to be scrubbed from everything the command prints. */
export function hideSecrets(io: CliIo, ...values: (string | undefined)[]): void {
  for (const value of values) if (value) io.secrets?.add(value);
}

/**
 * Registers the user info of a URL given on the command line (`https://user:token@host`) as a secret,
 * then refuses the URL with a UsageError naming `flag`: fetch cannot send user info, and the token
 * belongs in an environment variable (`tokenFlag`), never on a command line a log may echo.
 */
export function refuseUrlCredentials(io: CliIo, url: string | undefined, flag: string, tokenFlag: string): void {
  const credentials = url ? urlCredentials(url) : [];
  if (credentials.length === 0) return;
  hideSecrets(io, ...credentials);
  throw new UsageError(`${flag} ${redactUrl(url!)} holds credentials: give the URL without them and the token through ${tokenFlag}`);
}

const GUARDED = Symbol('guarded');

/**
 * The last line of defence for everything a command prints, behind the escaping each value gets
 * where it is written (logText, mdText, the formatters' own escapers). Every write is scrubbed of the
 * registered secrets in all their encodings; stderr and `text` stdout lose URL user info (redactUrl)
 * and go through logLines (no line can start a GitHub command or hold `##vso[`, colour codes kept); `json` and `xml` get the escapes
 * that keep their value (logJson, logXml); `commands` pass as the github/azure formatters wrote them.
 * Stderr never carries a deliberate CI command. Returns a new io; guarding twice is a no-op.
 */
export function guardIo(io: CliIo): CliIo {
  if ((io as { [GUARDED]?: true })[GUARDED]) return io;
  const secrets = io.secrets ?? new Set<string>();
  let scrubber = secretScrubber([]);
  let scrubbed = 0;
  const scrub = (text: string) => {
    if (secrets.size !== scrubbed) [scrubber, scrubbed] = [secretScrubber(secrets), secrets.size];
    return scrubber(text);
  };
  const inert: Record<OutputKind, (text: string) => string> = {
    text: text => logLines(redactUrl(text), { color: true }),
    json: logJson,
    xml: logXml,
    commands: text => text,
  };
  const stdout = io.stdout;
  const stderr = io.stderr;
  return Object.assign({
    ...io,
    secrets,
    stdout: { isTTY: stdout.isTTY, write: (text: string, kind: OutputKind = 'text') => void stdout.write(inert[kind](scrub(text))) },
    stderr: { write: (text: string) => void stderr.write(inert.text(scrub(text))) },
  }, { [GUARDED]: true as const });
}
