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

/** How a reader treats a Location target's pattern (managedUrlSearch says which reader and why). */
export type UrlSearch = 'is-glob' | 'star' | 'none';
const SEARCH_BY_READER: Record<string, UrlSearch> = {
  GithubUrlReader: 'is-glob',
  GitlabUrlReader: 'star',
  AzureUrlReader: 'star',
  BitbucketCloudUrlReader: 'star',
  BitbucketServerUrlReader: 'star',
  GerritUrlReader: 'star',
  GoogleGcsUrlReader: 'star',
  FetchUrlReader: 'none',
  GiteaUrlReader: 'none',
  HarnessUrlReader: 'none',
  AwsS3UrlReader: 'none',
  AwsCodeCommitUrlReader: 'none',
  AzureBlobStorageUrlReader: 'none',
};

/**
 * How the reader that would read `url` treats a Location target's pattern (UrlReader.search), judged by the
 * reader UrlReaders.default builds for the app-config files (`configs`), the first whose predicate takes the
 * URL, as UrlReaderPredicateMux picks it: 'is-glob' (GithubUrlReader searches when is-glob says the path is
 * one, braces and classes counted), 'star' (the GitLab, Azure, Bitbucket, Gerrit and GCS readers search only a
 * path holding `*` or `?` and read any other as that very name), 'none' (FetchUrlReader, which reads the hosts
 * backend.reading.allow lists, and the Gitea, Harness, S3, CodeCommit and Azure Blob readers throw
 * "Unsupported search pattern URL" for a path holding `*` or `?`). Undefined when no app-config is given, no
 * reader takes the URL, or the readers cannot be known (managedUrlReadable's reasons).
 * Takes the app-config files as parsed; returns a function of the target's URL (it builds the readers once,
 * on first use); never throws.
 */
export function managedUrlSearch(configs: readonly { file: string; config: unknown }[]): ((url: string) => UrlSearch | undefined) | undefined {
  if (configs.length === 0) return undefined;
  let readers: { predicate: (url: URL) => boolean; reader: unknown }[] | null | undefined;
  return url => {
    if (readers === undefined) readers = readerTuples(configs);
    if (readers === null) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    const reader = readers.find(t => t.predicate(parsed))?.reader;
    const name = typeof reader === 'object' && reader !== null ? reader.constructor.name : undefined;
    return name ? SEARCH_BY_READER[name] : undefined;
  };
}

/** The predicates of UrlReaders.default's readers for the hosts the configs name; null when they cannot be known. */
function readerPredicates(configs: readonly { file: string; config: unknown }[]): ((url: URL) => boolean)[] | null {
  return readerTuples(configs)?.map(t => t.predicate) ?? null;
}

/** UrlReaders.default's { predicate, reader } tuples for the hosts the configs name, in order; null when they cannot be known. */
function readerTuples(configs: readonly { file: string; config: unknown }[]): { predicate: (url: URL) => boolean; reader: unknown }[] | null {
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
    return mux.readers as { predicate: (url: URL) => boolean; reader: unknown }[];
  } catch {
    return null;
  }
}

// Credentials: they decide whether a read succeeds, never which reader takes a URL, and are mostly `${VAR}`.
const CREDENTIALS = new Set(['apps', 'credentials', 'token', 'password', 'username', 'appPassword', 'privateKey', 'clientId', 'clientSecret', 'webhookSecret', 'appId', 'accessKeyId', 'secretAccessKey', 'roleArn', 'externalId', 'sasToken', 'accountKey', 'connectionString', 'aadCredential', 'tenantId', 'personalAccessToken', 'clientEmail', 'apiKey', 'commitSigningKey']);

/**
 * A config section with what decides which hosts are read: credentials (CREDENTIALS) left out, every other
 * value kept. Null when any other value is not literal (a `$include`, `$env` or `$file` key, a `${VAR}` in a
 * host, an endpoint, a path or any setting not known to be a credential): which hosts are read is then not
 * known, and nothing is concluded.
 */
function hostsOnly(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('${') ? null : value;
  if (Array.isArray(value)) {
    const items = value.map(item => hostsOnly(item));
    return items.includes(null) ? null : items;
  }
  if (!isRecord(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (name.startsWith('$')) return null;
    if (CREDENTIALS.has(name)) continue;
    const read = hostsOnly(item);
    if (read === null) return null;
    kept[name] = read;
  }
  return kept;
}
