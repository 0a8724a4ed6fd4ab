import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const silent = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {}, child: () => silent };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether the managed Backstage's UrlReader would read an absolute URL at all, judged by Backstage's own
 * readers: UrlReaders.default of backend-defaults (one reader per SCM integration, the integrations' default
 * hosts included, and FetchUrlReader for `backend.reading.allow`), built from the `integrations` and
 * `backend.reading` sections of the app-config files (`configs`, later files win, as config-loader merges
 * them). Only the readers' predicates are asked: no request is made. A URL no predicate takes is refused with
 * NotAllowedError ("Reading from '…' is not allowed"), which fails a `$text`/`$json`/`$yaml` placeholder and so
 * the entity's processing. Returns undefined when no app-config is given; the function returns undefined for
 * a URL it cannot judge: the sections use `$include`/`$env`/`$file` or `${VAR}` where a host belongs, or the
 * readers cannot be built from them. Built on first call: loading backend-defaults' readers takes ≈0.4 s, paid only by a run with such a URL.
 */
export function managedUrlReadable(configs: readonly { file: string; config: unknown }[]): ((url: string) => boolean | undefined) | undefined {
  if (configs.length === 0) return undefined;
  let predicates: ((url: URL) => boolean)[] | null | undefined;
  return url => {
    if (predicates === undefined) predicates = readerPredicates(configs);
    if (predicates === null) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    return predicates.some(predicate => predicate(parsed));
  };
}

/** The predicates of UrlReaders.default's readers for the hosts the configs name; null when they cannot be known. */
function readerPredicates(configs: readonly { file: string; config: unknown }[]): ((url: URL) => boolean)[] | null {
  const data: { context: string; data: Record<string, unknown> }[] = [];
  for (const { file, config } of configs) {
    if (!isRecord(config)) continue;
    const integrations = config.integrations === undefined ? undefined : hostsOnly(config.integrations);
    const backend = isRecord(config.backend) && config.backend.reading !== undefined ? hostsOnly(config.backend.reading) : undefined;
    if (integrations === null || backend === null) return null;
    data.push({ context: file, data: { ...(integrations && { integrations }), ...(backend && { backend: { reading: backend } }) } });
  }
  try {
    const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
    const { UrlReaders } = require('@backstage/backend-defaults/urlReader') as { UrlReaders: { default(options: { logger: unknown; config: unknown }): unknown } };
    // UrlReaderPredicateMux keeps the readers' { predicate, reader } tuples in registration order.
    const mux = UrlReaders.default({ logger: silent, config: ConfigReader.fromConfigs(data as never) }) as { readers?: unknown };
    if (!Array.isArray(mux.readers) || !mux.readers.every(t => isRecord(t) && typeof t.predicate === 'function')) return null;
    return mux.readers.map(t => t.predicate as (url: URL) => boolean);
  } catch {
    return null;
  }
}

/**
 * A config section with what decides which hosts are read and nothing else: strings and booleans kept, lists
 * and maps walked, credentials' `${VAR}` values (unknown offline: a GitHub App's id would not read as a
 * number) left out. Null when a host or a reading rule is not literal (a `$include`, `$env` or `$file` key, a
 * `${VAR}` in a host or path): which hosts are read is then not known.
 */
function hostsOnly(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return key === 'host' || key === 'paths' || key === 'baseUrl' || key === 'apiBaseUrl' || key === 'gitilesBaseUrl' || key === 'accountName' ? null : undefined;
  }
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  if (Array.isArray(value)) {
    const items = value.map(item => hostsOnly(item, key));
    return items.includes(null) ? null : items.filter(item => item !== undefined);
  }
  if (!isRecord(value)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (name.startsWith('$')) return null;
    // Credentials (a GitHub App, a token) decide whether a read succeeds, never which reader takes the URL.
    if (name === 'apps' || name === 'credentials' || name === 'token' || name === 'password' || name === 'privateKey' || name === 'clientSecret') continue;
    const read = hostsOnly(item, name);
    if (read === null) return null;
    if (read !== undefined) kept[name] = read;
  }
  return kept;
}
