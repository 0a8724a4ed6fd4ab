import { UsageError } from '../config/usageError.ts';
import { logLines, logText, redactUrl } from '../report/safeText.ts';

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (operation not permitted)',
  EISDIR: 'is a folder where a file was expected',
  ENOTDIR: 'is not a folder',
  ELOOP: 'is a symbolic link loop',
  ENOTREG: 'is not a regular file (a FIFO or a device); the toolkit reads only regular files',
  EFBIG: 'is too large to be a file of this repository (over 1 GB)',
};

/** How a file-system error code reads after a path ("does not exist"), or undefined for a code not listed. */
export function fileProblem(code: string): string | undefined {
  return Object.hasOwn(SYSTEM_ERRORS, code) ? SYSTEM_ERRORS[code] : undefined;
}

const NETWORK_ERRORS: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was dropped',
  ETIMEDOUT: 'no answer in time',
};

/**
 * The text shown for an error that ended a command: one or two lines without a stack trace, or the
 * stack trace too when `debug` is set. Usage errors (UsageError, node:util parseArgs errors) show their
 * message; file-system errors name the path, network errors the host; anything else is an internal error, i.e. a bug, and says
 * how to get the trace. Messages may echo user input, so they go through logText/logLines, bounded, with
 * any user:password in a URL removed.
 */
export function describeError(error: unknown, debug: boolean): string {
  const e = error as NodeJS.ErrnoException & { path?: string };
  const trace = debug && e?.stack ? `\n${logLines(redactUrl(e.stack))}` : '';
  if (error instanceof UsageError) return `${logLines(redactUrl(error.message.slice(0, 2000)))}${trace}`;
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
    // Node words some of these as one sentence without a full stop (an unknown option where positionals are not taken).
    const first = oneLine(e.message.split(/(?<=\.) /)[0]);
    return `${/[.!?]$/.test(first) ? first : `${first}.`} Run with --help for the options.${trace}`;
  }
  const host = (e as { hostname?: string; address?: string })?.hostname ?? (e as { address?: string })?.address;
  if (typeof e?.code === 'string' && NETWORK_ERRORS[e.code] && host) return `cannot reach ${oneLine(host)}: ${NETWORK_ERRORS[e.code]} (${e.code}). Check the URL and your network.${trace}`;
  if (typeof e?.code === 'string' && SYSTEM_ERRORS[e.code] && e.path) return `${oneLine(e.path)} ${SYSTEM_ERRORS[e.code]}.${trace}`;
  // Node gives no path when a folder opened and its read failed: still a repository's folder, not a bug.
  if (e?.code === 'EISDIR') return `a folder stands where a file was expected (a path this repository holds as a folder, named like a file the toolkit reads: a CODEOWNERS, a config or snapshot file). Rename or remove it.${trace}`;
  const message = oneLine(String(e?.message ?? error).split('\n')[0]);
  return `internal error: ${message}${trace || '\nThis is a bug in backstage-gitops: run again with --debug for the stack trace and report it.'}`;
}

function oneLine(text: string): string {
  return logText(redactUrl(text.slice(0, 500)));
}
