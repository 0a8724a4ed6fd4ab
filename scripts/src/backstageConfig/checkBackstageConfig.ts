import type { Diagnostic } from '../diagnostic.ts';
import type { SourceFile } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import type { ConfigSchemaLike } from './configSchema.ts';

const ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
// Keys that hold secrets even where no plugin schema marks them `@visibility secret`.
const SECRET_KEY = /(password|secret|token|apikey|api-key|accountkey|privatekey|connectionstring)$/i;

export interface ConfigFile {
  source: SourceFile;
  data: Record<string, unknown>;
}

/**
 * The managed Backstage's app-config against the real plugins' schemas (errors as config-loader
 * words them, on the line that holds the value), and no secret written out in the repo.
 */
export function checkBackstageConfig(files: readonly ConfigFile[], schema: ConfigSchemaLike): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const configs = files.map(f => ({ data: f.data, context: f.source.file }));
  try {
    schema.process(configs);
  } catch (error) {
    const messages: string[] = (error as { messages?: string[] }).messages ?? [(error as Error).message];
    for (const message of messages) {
      const [, text, at] = /^(.*) at (\/.*)?$/.exec(message) ?? [undefined, message, ''];
      const path = (at ?? '').split('/').slice(1).map(p => (/^\d+$/.test(p) ? Number(p) : p));
      diagnostics.push(at$(files, path, {
        ruleId: 'config-schema',
        severity: 'error',
        message: `${(at ?? '').replace(/^\//, '').replace(/\//g, '.') || 'The config'}: ${text.replace(/^Config /, '')}`,
        hint: "Compare with the plugin's config schema (its config.d.ts); Backstage refuses to start with this config.",
      }));
    }
  }
  const secrets = schema.process(configs, { visibility: ['secret'] });
  const flagged = new Set<string>();
  for (const { data, context } of secrets) walk(data, [], (path, value) => flag(context, path, value));
  for (const file of files) walk(file.data, [], (path, value) => SECRET_KEY.test(String(path[path.length - 1])) && flag(file.source.file, path, value));
  return diagnostics;

  function flag(context: string, path: PathSegment[], value: unknown) {
    const key = `${context}|${path.join('.')}`;
    if (typeof value !== 'string' || ENV_REFERENCE.test(value) || flagged.has(key)) return;
    flagged.add(key);
    const file = files.find(f => f.source.file === context) ?? files[0];
    diagnostics.push({
      ruleId: 'config-plain-secret',
      severity: 'error',
      message: `${path.join('.')} holds a secret written out in the repo.`,
      hint: 'Replace it with an environment reference such as ${MY_SECRET}, set from the pipeline\'s secret store; rotate the leaked value.',
      file: file.source.file,
      range: file.source.locate(0, path),
    });
  }
}

function at$(files: readonly ConfigFile[], path: PathSegment[], finding: Omit<Diagnostic, 'file' | 'range'>): Diagnostic {
  // The value comes from the last file that sets it (later files override earlier ones).
  const owner = [...files].reverse().find(f => has(f.data, path)) ?? files[0];
  return { ...finding, file: owner.source.file, range: owner.source.locate(0, path) };
}

function has(data: unknown, path: PathSegment[]): boolean {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !(segment in (node as object))) return false;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return true;
}

function walk(value: unknown, path: PathSegment[], visit: (path: PathSegment[], value: unknown) => void) {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
  else visit(path, value);
}
