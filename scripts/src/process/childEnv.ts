/**
 * The only environment any process the toolkit starts gets. A pull request controls what those
 * processes run (mkdocs.yml can read variables with `!ENV`, a template case's `run:` commands are
 * shell), while the jobs that build and publish hold secrets in their environment: so a child sees
 * what lets a program find itself, its home, its locale and its temporary folder, and nothing else.
 */
const ALLOWED = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TEMP', 'TMP', 'TZ', 'LANG', 'LANGUAGE', 'TERM',
  // Windows needs these to start any process at all.
  'SYSTEMROOT', 'SystemRoot', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  // Where Python finds mkdocs' plugins when they are installed outside the system site-packages.
  'PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV',
]);

export type Environment = Record<string, string | undefined>;

/**
 * Picks the allow-listed variables (PATH, HOME, locale `LC_*`, TMPDIR, PYTHONPATH…) out of `from`
 * and adds `extra` on top. Takes the parent's environment (the CLI's `io.env`, else the process
 * environment, read here and nowhere else in core code) and returns a fresh object to pass as
 * `env` to spawn/execFile; never throws.
 */
export function childEnv(extra: Environment = {}, from: Environment = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value !== undefined && (ALLOWED.has(name) || name.startsWith('LC_'))) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Whether a variable of this name reaches child processes; for tests and the docs. */
export function isPassedToChildren(name: string): boolean {
  return ALLOWED.has(name) || name.startsWith('LC_');
}

// Names CI platforms and teams give credentials: GitHub's runtime and OIDC tokens, Azure's
// System.AccessToken, and the usual *_TOKEN, *_SECRET, *_PASSWORD, *_KEY, connection strings.
const CREDENTIAL_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|CONNECTION_?STRING|ACCESS_?KEY|PRIVATE_?KEY|API_?KEY|ACCOUNT_?KEY|(^|_)SAS($|_)|(^|_)KEY($|_)|(^|_)PAT($|_)/i;

/**
 * The names (never the values) of variables in `env` that look like credentials, sorted. A child's
 * environment is allow-listed, but a child can still read its parent's through /proc/<ppid>/environ:
 * running a pull request's own commands (`templates test --run`) is safe only in a job that holds no
 * secrets, and the CLI refuses to run them where these names are set.
 */
export function credentialVariables(env: Environment): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && value !== '' && CREDENTIAL_NAME.test(name))
    .map(([name]) => name)
    .sort();
}
