import { posix } from 'node:path';
import jsyaml from 'js-yaml';
import type { Diagnostic, Range } from '../diagnostic.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { jsYamlReadsAsYaml } from '../load/parserAgreement.ts';
import { YAML_12_CORE } from '../load/yamlSchema.ts';
import { remembered } from '../load/remembered.ts';
import { sdlBuildError, type SdlBuildError } from '../pr/graphqlBreaking.ts';
import { protoImports } from '../pr/protoImports.ts';
import type { RevisionFiles } from '../pr/resolveRepoRefs.ts';
import { logText } from '../report/safeText.ts';
import { definitionOverLimit, type DefinitionLimits } from './apiRefs.ts';
import type { CatalogEntity } from './catalogEntity.ts';
import { placeholderTarget } from './placeholders.ts';
import { rememberedProtoCompileErrors, type ProtoCompileError, type ProtoSource } from './protoCompile.ts';

/** The spec.types whose definition the gate reads, and how Backstage's API docs plugin shows each. */
type JudgedType = 'openapi' | 'asyncapi' | 'graphql' | 'grpc';
const JUDGED: ReadonlySet<string> = new Set<JudgedType>(['openapi', 'asyncapi', 'graphql', 'grpc']);

/** One API's definition text as Backstage holds it, and where a finding about it lands. */
interface Definition {
  entity: CatalogEntity;
  type: JudgedType;
  text: string;
  /** The `$text` target, or the entity file for an inline definition. */
  file: string;
  /** Whether the definition is inline (spec.definition a string), so that findings land on it in the entity file. */
  inline: boolean;
}

/** The range of an inline definition's spec.definition, located only for a finding (most APIs have none). */
function inlineRange(definition: Definition): Range | undefined {
  return definition.inline ? definition.entity.locate(definition.entity.document, ['spec', 'definition']) : undefined;
}

/** Where in the definition text, and why it does not parse. */
interface Failure {
  why: string;
  line?: number;
  column?: number;
  /** Only the toolkit's bounds stopped it: not known broken, so not an error. */
  overLimit?: boolean;
}

const TITLE: Record<JudgedType, string> = { openapi: 'OpenAPI', asyncapi: 'AsyncAPI', graphql: 'GraphQL', grpc: 'gRPC' };

// What Backstage's API docs plugin (defaultDefinitionWidgets) does with each type's text.
const BACKSTAGE: Record<JudgedType, string> = {
  openapi: "Backstage's API docs plugin hands the text to Swagger UI, which cannot parse it: the API's Definition tab shows an error instead of the API",
  asyncapi: "Backstage's API docs plugin hands the text to the AsyncAPI React component, which cannot parse it: the API's Definition tab shows an error instead of the API",
  graphql: "Backstage's API docs plugin builds the schema with graphql-js's buildSchema to show it in GraphiQL, which throws: the API's Definition tab fails to render",
  grpc: "Backstage's API docs plugin shows a gRPC definition as plain text, so the page renders, but no client or server can be generated from it",
};

const HINT: Record<JudgedType, string> = {
  openapi: 'Fix the YAML or JSON at this place (an unclosed bracket or quote, a tab or wrong indentation) so that the definition is one mapping (openapi:, info:, paths:); an editor with the YAML extension shows the error as you type.',
  asyncapi: 'Fix the YAML or JSON at this place (an unclosed bracket or quote, a tab or wrong indentation) so that the definition is one mapping (asyncapi:, info:, channels:); an editor with the YAML extension shows the error as you type.',
  graphql: 'Fix the SDL at this place: it must parse and build into a schema on its own (every type it names defined in the text; federation directives such as @key may stay undefined). `npx graphql-inspector validate` or your GraphQL server\'s start-up shows the same error.',
  grpc: 'Fix the .proto at this place so that it compiles (`buf build` or protoc over the file and the files it imports from this repository).',
};

/**
 * The `api-definition-invalid` findings of the API entities among `entities`: a definition (inline, or a
 * `$text` target) that does not parse as its spec.type says, read with the parsers the report's diff uses
 * (yaml for openapi/asyncapi, graphql-js for graphql, buf for grpc), each loaded only when an API of its type
 * is there. A `$text` target's finding lands on the line and column of the error in that file; an inline
 * definition's on spec.definition. Over the definition limits, YAML definitions get the limit's own finding
 * (as scanApiRefs words it; the caller drops a copy it already has) and SDL or .proto text a warning that it
 * is not judged: no parser is handed a text past them. Other types, `$json`/`$yaml` (parsed by their
 * placeholder check) and `$openapi`/`$asyncapi` (bundled by their own check) are left alone.
 */
export async function checkApiDefinitions(entities: readonly CatalogEntity[], options: { repoUrl?: string; limits: DefinitionLimits; files: RevisionFiles }): Promise<Diagnostic[]> {
  const definitions = entities.flatMap(entity => definitionOf(entity, options.repoUrl) ?? []);
  if (definitions.length === 0) return [];
  const diagnostics: Diagnostic[] = [];
  const protos: Definition[] = [];
  for (const definition of definitions) {
    if (definition.type !== 'grpc') continue;
    const bytes = Buffer.byteLength(definition.text);
    if (bytes > options.limits.maxBytes) diagnostics.push(finding(definition, { why: `it is ${bytes} bytes, over the ${options.limits.maxBytes}-byte cap`, overLimit: true }));
    else protos.push(definition);
  }
  // buf starts first and compiles in its own process while the other definitions are parsed here.
  const compiled = protos.length > 0 ? rememberedProtoCompileErrors(protos.map(p => protoSource(p, options.files))).catch(() => new Map<number, ProtoCompileError>()) : undefined;
  const sdlErrors = await sdlBuildErrors(definitions.flatMap(d => (d.type === 'graphql' ? [d.text] : [])), options.limits);
  // Many APIs can hold one text (a shared $text target, a copied inline definition): each text is judged once.
  const withinLimits = new Set<string>();
  const failures = new Map<string, Failure | undefined>();
  let sdl = 0;
  for (const definition of definitions) {
    if (definition.type === 'grpc') continue;
    if (definition.type === 'graphql') {
      const error = sdlErrors[sdl++];
      if (error) diagnostics.push(finding(definition, { why: error.error.replace(/,? at line \d+$/, ''), line: error.line, column: error.column, overLimit: error.overLimit }));
      continue;
    }
    if (!withinLimits.has(definition.text)) {
      const over = definitionOverLimit(definition.text, definition.file, options.limits);
      if (over) {
        const range = inlineRange(definition);
        diagnostics.push(range ? { ...over, range, entityRef: definition.entity.ref } : { ...over, entityRef: definition.entity.ref });
        continue;
      }
      withinLimits.add(definition.text);
    }
    let failure = failures.get(definition.text);
    if (failure === undefined && !failures.has(definition.text)) failures.set(definition.text, (failure = documentFailure(definition.text)));
    if (failure) diagnostics.push(finding(definition, failure));
  }
  if (compiled) {
    for (const [i, error] of await compiled) {
      const why = error.elsewhere ? `${error.message.replace(/\.$/, '')} (in the imported ${error.elsewhere})` : error.message;
      diagnostics.push(finding(protos[i], { why, ...(error.elsewhere ? {} : { line: error.line, column: error.column }) }));
    }
  }
  return diagnostics;
}

/**
 * sdlBuildError of each SDL text, in order, remembered (remembered.ts: keyed by the toolkit, the installed
 * tree, which holds graphql-js's version, the limits and the texts), so a run whose SDLs did not change
 * loads no graphql-js. A set with a verdict that ran out of stack (which depends on the stack, not the
 * text alone) is judged every time.
 */
async function sdlBuildErrors(texts: readonly string[], limits: DefinitionLimits): Promise<(SdlBuildError | undefined)[]> {
  if (texts.length === 0) return [];
  let unremembered: (SdlBuildError | undefined)[] | undefined;
  try {
    const stored = await remembered('sdl-build', JSON.stringify([limits.maxBytes, limits.maxDepth, texts]), (value): value is (SdlBuildError | null)[] => Array.isArray(value) && value.length === texts.length && value.every(isSdlBuildError), async () => {
      const errors = texts.map(text => sdlBuildError(text, limits) ?? null);
      if (errors.some(e => e?.overLimit && /Maximum call stack/.test(e.error))) {
        unremembered = errors.map(e => e ?? undefined);
        throw new Error('not remembered');
      }
      return errors;
    });
    return stored.map(e => e ?? undefined);
  } catch (error) {
    if (unremembered) return unremembered;
    throw error;
  }
}

const isCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

function isSdlBuildError(value: unknown): value is SdlBuildError | null {
  if (value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  if (Object.keys(e).some(k => !['error', 'line', 'column', 'overLimit'].includes(k))) return false;
  return typeof e.error === 'string' && e.error.length <= 400 && (e.line === undefined || isCount(e.line)) && (e.column === undefined || isCount(e.column)) && (e.overLimit === undefined || typeof e.overLimit === 'boolean');
}

/** A gRPC definition as buf compiles it: a plain file name, and the files it imports that the repository holds. */
function protoSource(definition: Definition, files: RevisionFiles): ProtoSource {
  const imports = protoImports(definition.text, definition.inline ? undefined : definition.file, files);
  const base = posix.basename(definition.file).replace(/[^A-Za-z0-9_.-]/g, '_');
  return { name: base.endsWith('.proto') ? base : `${base}.proto`, text: definition.text, imports: imports.files, missing: imports.missing };
}

/** The definition Backstage holds for an API entity of a judged type: inline text, or the text of its `$text` target. */
function definitionOf(entity: CatalogEntity, repoUrl?: string): Definition | undefined {
  const spec = entity.entity.spec;
  if (entity.entity.kind !== 'API' || !isRecord(spec) || typeof spec.type !== 'string' || !isRecord(entity.raw.spec)) return undefined;
  const type = spec.type.toLowerCase();
  if (!JUDGED.has(type)) return undefined;
  const raw = entity.raw.spec.definition;
  const text = spec.definition;
  // Empty and non-string definitions are the kind schema's (entity-kind-schema); an unread one is '(unavailable)'.
  if (typeof text !== 'string' || text === '' || text === '(unavailable)') return undefined;
  if (typeof raw === 'string') return { entity, type: type as JudgedType, text, file: entity.file, inline: true };
  if (!isRecord(raw) || Object.keys(raw).length !== 1 || !('$text' in raw)) return undefined;
  const target = placeholderTarget(entity.file, raw.$text, repoUrl);
  return typeof target === 'string' ? { entity, type: type as JudgedType, text, file: target, inline: false } : undefined;
}

/**
 * Why an OpenAPI or AsyncAPI text is not one YAML or JSON mapping, as `yaml` reads it (YAML 1.2, which
 * takes JSON; duplicate keys left to Spectral's lint), or undefined. Run only within the definition limits.
 */
function documentFailure(text: string): Failure | undefined {
  // The loader's fast path (parseYaml): js-yaml, only for a text it reads as `yaml` does (parserAgreement).
  // One mapping there is one mapping for `yaml`; anything else (a refusal, duplicate keys, more than one
  // document, not a mapping) takes `yaml`, which decides and says where.
  if (jsYamlReadsAsYaml(text)) {
    try {
      const value: unknown = jsyaml.load(text, { schema: YAML_12_CORE });
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
    } catch {
      // `yaml` below gives the message and position.
    }
  }
  const { parseDocument, isMap } = yamlPackage();
  const doc = parseDocument(text, { uniqueKeys: false, merge: false, logLevel: 'silent', prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    // yaml's pretty message quotes the line it fails on, which is pull-request text: only its first line is kept.
    const why = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const at = error.linePos?.[0];
    return { why: logText(why).slice(0, 300), ...(at ? { line: at.line, column: at.col } : {}) };
  }
  if (isMap(doc.contents)) return undefined;
  const what = doc.contents === null || (doc.contents as { value?: unknown }).value === null ? 'empty' : Array.isArray((doc.contents as { items?: unknown }).items) ? 'a list' : 'a single value';
  return { why: `it is ${what}, not a mapping` };
}

function finding(definition: Definition, failure: Failure): Diagnostic {
  const { entity, type, inline, file } = definition;
  const inlineAt = inlineRange(definition);
  const title = `The ${TITLE[type]} definition${entity.ref ? ` of ${entity.ref}` : ''}`;
  const place = failure.line === undefined ? '' : inline ? ` (line ${failure.line} of the definition)` : '';
  if (failure.overLimit) {
    return {
      ruleId: 'api-definition-invalid',
      severity: 'warning',
      message: `${title} is not checked: ${failure.why}${place}, past what the toolkit reads. Backstage reads it as it is; whether its API docs can show it is not known here, and the report's breaking-change diff cannot compare it.`,
      hint: 'Split the definition into smaller ones, or raise catalog.maxFileBytes in gitops.config.yaml (the platform team reviews the change).',
      file,
      range: inlineAt ?? pointAt(failure),
      ...(entity.ref ? { entityRef: entity.ref } : {}),
    };
  }
  const parses = type === 'graphql' ? 'does not build into a schema' : type === 'grpc' ? 'does not compile' : 'does not parse';
  return {
    ruleId: 'api-definition-invalid',
    severity: 'error',
    message: `${title} ${parses}: ${failure.why}${place}. ${BACKSTAGE[type]}. The report's breaking-change diff cannot compare it either, so changes to it go unjudged.`,
    hint: HINT[type],
    file,
    range: inlineAt ?? pointAt(failure),
    ...(entity.ref ? { entityRef: entity.ref } : {}),
  };
}

function pointAt(failure: Failure): Range {
  const line = failure.line ?? 1;
  const column = failure.column ?? 1;
  return { start: { line, column }, end: { line, column: column + 1 } };
}
