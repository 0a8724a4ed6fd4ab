import { createRequire } from 'node:module';
import type { Diagnostic } from '../diagnostic.ts';
import type { SourceFile } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import type { ConfigSchemaLike } from './configSchema.ts';
import { ENV_STRING, UNKNOWN_VALUE, holdsUnknown } from './resolveAppConfig.ts';

const require = createRequire(import.meta.url);

// Keys that hold secrets even where no plugin schema marks them `@visibility secret`.
const SECRET_KEY = /(password|secret|token|apikey|api-key|accountkey|privatekey|connectionstring)$/i;
// Headers that carry a credential whatever their name ends in: `Authorization: Basic dXNlcjpwYXNz` or
// `Bearer <token>` as written in a proxy endpoint. The proxy plugin's schema marks every header value
// `@visibility secret`, but a gate without that plugin installed never sees the schema; Backstage's proxy
// docs write the value from the environment (`Authorization: Bearer ${TOKEN}`), which is not flagged.
// Beyond Authorization and the `*-Api-Key` family: JFrog's X-JFrog-Art-Api, Datadog's DD-Application-Key, New
// Relic's X-Query-Key and License-Key. Not a Cookie (a consent or language cookie is as common as a session),
// a `*-Auth` header (X-Skip-Auth: skip, X-Remote-Auth: kerberos; Sentry's key is public), nor a client or app key.
const CREDENTIAL_HEADER = /^(proxy-)?authorization$|^x-jfrog-art-api$|(^|[-_])(api|auth|access|subscription|functions|application|query|private|secret|master|license)[-_]?key$/i;
// Words a protocol fixes as a header's value, the same in every deployment, so no secret whatever marks
// the key one (its name ending in Token, or a schema): SAP's CSRF handshake sends `X-CSRF-Token: Fetch`
// (and answers `Required`), Atlassian's XSRF check is turned off with `X-Atlassian-Token: no-check`, and
// flags such as `true` or `1` switch a behaviour on. No credential is one of these words.
const PROTOCOL_WORD = /^(fetch|required|no-?check|true|false|yes|no|on|off|[01])$/i;
// ajv's messages for a failed combinator: which branch fails depends on every value below it.
const COMBINATOR = /^must (match (a schema in anyOf|exactly one schema in oneOf|"then" schema|"else" schema)|NOT be valid)/;
// backend-defaults' DatabaseManager serves these clients with its Sqlite3Connector, which reads a string
// `connection` as the database's file name (connectors/sqlite3.cjs.js, buildSqliteDatabaseConfig).
const SQLITE_CLIENTS = new Set(['sqlite3', 'better-sqlite3']);

export interface ConfigFile {
  /** The file as parsed, for positions. */
  source: SourceFile;
  /** Its data as written (before config-loader's transforms): where a finding is located. */
  data: Record<string, unknown>;
  /** Its data as config-loader hands it on (resolveAppConfig): what is judged. */
  resolved: Record<string, unknown>;
}

/**
 * The managed Backstage's app-config, after config-loader's substitutions and includes (resolveAppConfig),
 * against the real plugins' merged schema with config-loader's own ajv (coerceTypes: "true" is a boolean),
 * and no secret written out in the repo. A value from the environment is some string, unknown offline:
 * only what holds for every string is judged (present for `required`; never an object or a list); an
 * unread `$include` may be anything. Findings are worded as what happens: the backend's root config
 * service loads the config without the schema (backend-defaults rootConfigServiceFactory; its secret
 * enumerator passes ignoreSchemaErrors), so a plugin meets the invalid value when it reads it. Takes the
 * files in load order (later ones override earlier ones) and whether to judge the schema (not when
 * another file fails to load: the merge would lack its values); returns diagnostics, never throws.
 */
export function checkBackstageConfig(files: readonly ConfigFile[], schema: ConfigSchemaLike, options: { judgeSchema?: boolean } = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const configs = files.map(f => ({ data: f.resolved, context: f.source.file }));
  let merged: unknown;
  try {
    // What config-loader's validator judges (schema/compile.cjs.js): the configs merged by ConfigReader.
    merged = require('@backstage/config').ConfigReader.fromConfigs(configs).getOptional();
  } catch (error) {
    return [at$(files, [], { ruleId: 'config-load', severity: 'error', message: `Backstage cannot read this config: ${messageOf(error)}`, hint: 'The backend does not start with it; fix the key or value the message names.' })];
  }
  const errors = options.judgeSchema === false ? [] : schemaErrors(schema, configs, merged);
  for (const { text, path } of errors) {
    diagnostics.push(at$(files, path, {
      ruleId: 'config-schema',
      severity: 'error',
      message: `${path.join('.') || 'The config'}: ${text}`,
      hint: "Compare with the plugin's config schema (its config.d.ts or config.schema.json). The backend starts anyway (it does not validate its config), and the plugin fails or misbehaves when it reads this value; `backstage-cli config:check --strict` reports it too.",
    }));
  }
  let secrets: { data: unknown; context: string }[] = [];
  try {
    // As backend-defaults' createConfigSecretEnumerator asks for the secrets: schema errors do not hide them.
    secrets = schema.process(configs, { visibility: ['secret'], ignoreSchemaErrors: true });
  } catch (error) {
    diagnostics.push(at$(files, [], { ruleId: 'config-load', severity: 'error', message: `Backstage cannot read this config: ${messageOf(error)}`, hint: 'The backend does not start with it; fix the key or value the message names.' }));
  }
  const flagged = new Set<string>();
  for (const { data, context } of secrets) walk(data, [], (path, value) => flag(context, path, value));
  for (const file of files) walk(file.resolved, [], (path, value) => guessedSecret(path) && flag(file.source.file, path, value));
  return diagnostics;

  function flag(context: string, path: PathSegment[], value: unknown) {
    const key = `${context}|${path.join('.')}`;
    // A value holding an environment reference (whatever the spacing, fallback or surrounding text
    // config-loader's substitution accepts) or an unread include is not written out in the repo.
    if (typeof value !== 'string' || holdsUnknown(value) || flagged.has(key)) return;
    // An empty value (`password: ''`, `Authorization: ''`, a placeholder to fill in) writes out no secret.
    if (value.trim() === '') return;
    // Also where a schema marks the value secret: the proxy plugin's marks every header value.
    if (PROTOCOL_WORD.test(value.trim())) return;
    const file = files.find(f => f.source.file === context) ?? files[0];
    if (sqliteFileName(file.resolved, merged, path)) return;
    flagged.add(key);
    diagnostics.push({
      ruleId: 'config-plain-secret',
      severity: 'error',
      message: `${path.join('.')} holds a secret written out in the repo.`,
      hint: 'Replace it with an environment reference such as ${MY_SECRET}, set from the pipeline\'s secret store; rotate the leaked value.',
      file: file.source.file,
      range: locate(file, path),
    });
  }
}

/**
 * The schema's errors (ajv's message and the path it names) that hold whatever the environment holds:
 * an error on a value that comes from the environment is dropped unless no string could pass (a string
 * is never coerced into an object or a list), one on an unread include is dropped, and a failed
 * anyOf/oneOf/if/not over any unknown value is dropped with every error at or below it (its branches).
 */
function schemaErrors(schema: ConfigSchemaLike, configs: { data: unknown; context: string }[], merged: unknown): { text: string; path: PathSegment[] }[] {
  let messages: string[] = [];
  try {
    schema.process(configs);
  } catch (error) {
    messages = (error as { messages?: string[] }).messages ?? [messageOf(error)];
  }
  const errors = messages.map(message => {
    const [, text, at] = /^(.*) at (\/.*)?$/s.exec(message) ?? [undefined, message, ''];
    const path = (at ?? '').split('/').slice(1).map(p => (/^\d+$/.test(p) ? Number(p) : p));
    return { text: text.replace(/^Config /, ''), path };
  });
  const undecided = errors.filter(e => COMBINATOR.test(e.text) && holdsUnknown(valueAt(merged, e.path))).map(e => e.path);
  return errors.filter(({ text, path }) => {
    if (undecided.some(prefix => prefix.every((segment, i) => path[i] === segment))) return false;
    const value = valueAt(merged, path);
    if (typeof value !== 'string') return true;
    if (value.includes(UNKNOWN_VALUE)) return false;
    if (!value.includes(ENV_STRING)) return true;
    // Only a type error that no string can pass holds for every value of the variable.
    const types = /^must be ([a-z,]+) \{ type=/.exec(text)?.[1].split(',');
    return types !== undefined && types.every(t => t === 'object' || t === 'array');
  });
}

/**
 * Whether the key's name says it holds a secret (SECRET_KEY), or it is a header that carries a credential
 * (CREDENTIAL_HEADER, in any `headers` map).
 */
function guessedSecret(path: PathSegment[]): boolean {
  const key = String(path[path.length - 1]);
  const header = path.length > 1 && String(path[path.length - 2]).toLowerCase() === 'headers';
  return SECRET_KEY.test(key) || (header && CREDENTIAL_HEADER.test(key));
}

/** Whether `path` is a database `connection` that a sqlite client reads as a file name: the client the value's own file sets (it is what that file runs with), else the merged one. */
function sqliteFileName(own: unknown, merged: unknown, path: PathSegment[]): boolean {
  const isConnection = (path.length === 3 && path[0] === 'backend' && path[1] === 'database' && path[2] === 'connection')
    || (path.length === 5 && path[0] === 'backend' && path[1] === 'database' && path[2] === 'plugin' && path[4] === 'connection');
  if (!isConnection) return false;
  const clientOf = (data: unknown) => valueAt(data, [...path.slice(0, -1), 'client']) ?? valueAt(data, ['backend', 'database', 'client']);
  const client = clientOf(own) ?? clientOf(merged);
  return typeof client === 'string' && SQLITE_CLIENTS.has(client);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function at$(files: readonly ConfigFile[], path: PathSegment[], finding: Omit<Diagnostic, 'file' | 'range'>): Diagnostic {
  // The value comes from the last file that sets it (later files override earlier ones).
  const owner = [...files].reverse().find(f => valueAt(f.resolved, path) !== undefined) ?? files[files.length - 1];
  return { ...finding, file: owner.source.file, range: locate(owner, path) };
}

/** Where `path` of the resolved config is written: its own line, or the `$include`/`$file` it came through. */
function locate(file: ConfigFile, path: PathSegment[]) {
  let written = 0;
  while (written < path.length && valueAt(file.data, path.slice(0, written + 1)) !== undefined) written++;
  return file.source.locate(0, path.slice(0, written));
}

function walk(value: unknown, path: PathSegment[], visit: (path: PathSegment[], value: unknown) => void) {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
  else visit(path, value);
}
