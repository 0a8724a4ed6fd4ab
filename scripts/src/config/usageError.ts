/**
 * An error the user can act on (a wrong flag, a config file that does not parse, a URL that cannot
 * work): the CLI prints its message, one or two lines naming the file and what to do, and exits 2.
 */
export class UsageError extends Error {}
