import { createRequire } from 'node:module';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { boundedText } from '../report/safeText.ts';
import type { ApiDiffEntry } from './apiChanges.ts';

const require = createRequire(import.meta.url);

export interface GraphqlFinding {
  entry: ApiDiffEntry;
  /** 1-based line in the head SDL of what changed, or of the nearest type or field around it that is still there. */
  line?: number;
}

/** What an SDL may hold before it is read: the definition limits' bytes and nesting (DefinitionLimits). */
export interface SdlLimits {
  maxBytes: number;
  maxDepth: number;
}

/** A side whose SDL does not build into a schema on its own (the head only when the base builds), with why, clipped to one line. */
export interface GraphqlUnbuildable {
  doesNotBuild: 'base' | 'head';
  error: string;
}

/**
 * The tokens graphql's parser reads before it stops (`maxTokens`): about what the byte cap of 1 MiB holds
 * at 2 bytes a token. An 820 KB SDL of 2,000 types of 12 fields with arguments holds about 250,000, and
 * parse, build and diff of two such texts take about 1.2 s on this project's 2-core machine; the bound
 * keeps a denser hostile text from spending more, as parse, build and diff all walk every token.
 */
export const MAX_SDL_TOKENS = 500_000;

// Inspector messages quote descriptions, deprecation reasons and default values: pull-request text.
const oneLine = (text: string) => boundedText(text.replace(/\s+/g, ' ').trim(), 300);

// An `extend type X` whose X the text never defines is how Apollo Federation 1 subgraphs write their
// root types; Apollo's buildSubgraphSchema reads it as the definition. graphql-js drops such an extension
// with all its fields, so a field removed from it would go unseen: it is read as a definition here too.
const DEFINITION_OF: Record<string, string> = {
  ObjectTypeExtension: 'ObjectTypeDefinition',
  InterfaceTypeExtension: 'InterfaceTypeDefinition',
  UnionTypeExtension: 'UnionTypeDefinition',
  EnumTypeExtension: 'EnumTypeDefinition',
  InputObjectTypeExtension: 'InputObjectTypeDefinition',
  ScalarTypeExtension: 'ScalarTypeDefinition',
};

function withOrphanExtensionsDefined(document: DocumentNode): DocumentNode {
  const defined = new Set(document.definitions.flatMap(d => ('name' in d && d.name && !d.kind.endsWith('Extension') ? [d.name.value] : [])));
  const definitions = document.definitions.map(d => {
    const kind = DEFINITION_OF[d.kind];
    if (!kind || !('name' in d) || !d.name || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind } as unknown as typeof d;
  });
  return { ...document, definitions };
}

/**
 * The line where `text` opens more than `maxDepth` brackets (`[`, `{`, `(`) inside each other, read with
 * graphql-js's own lexer (iterative, strings and comments skipped), or undefined. Its parser, the schema
 * builder and the diff recurse once per level: a text of nothing but `[` overflows the stack well within
 * MAX_SDL_TOKENS, so the depth is bounded before any of them runs. Throws the lexer's GraphQLError.
 */
function tooDeepAt(graphql: typeof import('graphql'), text: string, maxDepth: number): number | undefined {
  const lexer = new graphql.Lexer(new graphql.Source(text));
  let depth = 0;
  for (let token = lexer.advance(), n = 0; token.kind !== graphql.TokenKind.EOF && n < MAX_SDL_TOKENS; token = lexer.advance(), n++) {
    if (token.kind === graphql.TokenKind.BRACKET_L || token.kind === graphql.TokenKind.BRACE_L || token.kind === graphql.TokenKind.PAREN_L) {
      if (++depth > maxDepth) return token.line;
    } else if (token.kind === graphql.TokenKind.BRACKET_R || token.kind === graphql.TokenKind.BRACE_R || token.kind === graphql.TokenKind.PAREN_R) depth--;
  }
  return undefined;
}

/**
 * One side's SDL as a schema: at most `maxBytes` bytes, `maxDepth` nested brackets and MAX_SDL_TOKENS
 * tokens, parsed with graphql-js and built with `assumeValidSDL`, so directives and types of a supergraph
 * the text only uses (a federation `@key`, `@link`) do not stop it; a type it names but never defines does.
 */
function build(graphql: typeof import('graphql'), text: string, limits: SdlLimits): { document: DocumentNode; schema: GraphQLSchema } | SdlBuildError {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) return { error: `it is ${bytes} bytes, over the ${limits.maxBytes}-byte cap`, overLimit: true };
  try {
    const deep = tooDeepAt(graphql, text, limits.maxDepth);
    if (deep !== undefined) return { error: `it nests brackets more than ${limits.maxDepth} deep, at line ${deep}`, overLimit: true, line: deep };
    const document = graphql.parse(text, { maxTokens: MAX_SDL_TOKENS });
    return { document, schema: graphql.buildASTSchema(withOrphanExtensionsDefined(document), { assumeValid: true, assumeValidSDL: true }) };
  } catch (error) {
    // A nesting deep enough to exhaust the stack is a RangeError: no more buildable than a syntax error.
    const location = error instanceof graphql.GraphQLError ? error.locations?.[0] : undefined;
    const message = oneLine(error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    // graphql's parser stops at MAX_SDL_TOKENS with a syntax error of its own: a bound of the toolkit, not the SDL's fault.
    const overLimit = /Document contains more th[ae]n \d+ tokens/.test(message) || error instanceof RangeError;
    return { error: `${message}${location ? ` at line ${location.line}` : ''}`, ...(overLimit ? { overLimit } : {}), ...(location ? { line: location.line, column: location.column } : {}) };
  }
}

/** Why an SDL does not build on its own, where (1-based, when graphql-js says), and whether only the toolkit's bounds stopped it. */
export interface SdlBuildError {
  error: string;
  line?: number;
  column?: number;
  /** Over the bytes, nesting or tokens the toolkit reads (or deep enough to exhaust the stack): not judged, not known broken. */
  overLimit?: boolean;
}

/**
 * Why one SDL text does not build into a schema on its own, as the breaking-change diff builds it (graphql-js's
 * parse and buildASTSchema with assumeValidSDL, orphan `extend type`s read as definitions, within `limits`
 * and MAX_SDL_TOKENS), or undefined when it builds. Loads graphql-js on the first call; never throws.
 */
export function sdlBuildError(text: string, limits: SdlLimits): SdlBuildError | undefined {
  const built = build(require('graphql') as typeof import('graphql'), text, limits);
  return 'error' in built ? built : undefined;
}

/**
 * The 1-based line of each type, field, argument, enum value and directive of a parsed SDL, keyed as
 * GraphQL Inspector writes a change's `path` (`Query.user`, `Query.user.id`, `Color.RED`, `@key`, `@key.fields`).
 */
function linesOf(document: DocumentNode): Map<string, number> {
  const lines = new Map<string, number>();
  const put = (key: string, node: { loc?: { startToken: { line: number } } }) => {
    if (node.loc && !lines.has(key)) lines.set(key, node.loc.startToken.line);
  };
  for (const d of document.definitions) {
    if (!('name' in d) || !d.name) continue;
    const name = d.kind === 'DirectiveDefinition' ? `@${d.name.value}` : d.name.value;
    put(name, d.name);
    const members = [...('fields' in d && d.fields ? d.fields : []), ...('values' in d && d.values ? d.values : []), ...('arguments' in d && d.arguments ? d.arguments : [])];
    for (const member of members) {
      put(`${name}.${member.name.value}`, member.name);
      for (const arg of 'arguments' in member && member.arguments ? member.arguments : []) put(`${name}.${member.name.value}.${arg.name.value}`, arg.name);
    }
  }
  return lines;
}

/** The line of `path` in the head, else of the nearest enclosing part of it that the head still has. */
function lineOf(lines: Map<string, number>, path: string | undefined): number | undefined {
  const parts = path ? path.split('.') : [];
  for (let n = parts.length; n > 0; n--) {
    const line = lines.get(parts.slice(0, n).join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}

type Change = Awaited<ReturnType<typeof import('@graphql-inspector/core').diff>>[number];

/**
 * A GraphQL Inspector change as the report's ApiDiffEntry. BREAKING is breaking. DANGEROUS (an enum value,
 * union member or interface added, a default value changed, an optional argument added) leaves every query
 * valid and every field in place; the inspector's own word is that it may change runtime behaviour for a
 * client that does not handle the new case. So it is not a breaking change here (it would block every
 * added enum value of a shared API), but it is kept apart (`dangerous`, the inspector's reason) so the
 * report shows it. NON_BREAKING splits into deprecations, description-only changes (annotation) and the rest.
 */
function entryOf(change: Change): ApiDiffEntry {
  const path = change.path ? change.path.split('.') : [];
  const where = path.length ? { operation: path[0], ...(path.length > 1 ? { field: path.slice(1).join('.') } : {}) } : {};
  const base = { action: String(change.type), description: oneLine(change.message), path, ...where };
  const level = String(change.criticality.level);
  if (level === 'BREAKING') return { ...base, type: 'breaking' };
  if (level === 'DANGEROUS') return { ...base, type: 'non-breaking', dangerous: oneLine(change.criticality.reason ?? 'it may change what a client that does not expect the new case receives') };
  const type = String(change.type);
  const meta = (change.meta ?? {}) as { addedDirectiveName?: string };
  if (/DEPRECATION(_REASON)?_ADDED$/.test(type) || meta.addedDirectiveName === 'deprecated') return { ...base, type: 'deprecated' };
  if (/DESCRIPTION|DEPRECATION_REASON_CHANGED/.test(type)) return { ...base, type: 'annotation' };
  return { ...base, type: 'non-breaking' };
}

/**
 * Breaking, dangerous and safe changes between two versions of one GraphQL SDL, by GraphQL Inspector's
 * `diff` (@graphql-inspector/core, with graphql-js 16; both loaded on the first call). Each side is read
 * alone: SDL that does not build on its own (a syntax error, a type defined in another file, over
 * `limits` or MAX_SDL_TOKENS) gives `{ doesNotBuild }` naming the side, the base when it fails, else the
 * head. Returns the changes, each with the line in the head SDL of what changed or of its nearest part still
 * there; never throws.
 */
export async function graphqlBreaking(before: string, after: string, limits: SdlLimits): Promise<GraphqlFinding[] | GraphqlUnbuildable> {
  const graphql = require('graphql') as typeof import('graphql');
  const { diff } = require('@graphql-inspector/core') as typeof import('@graphql-inspector/core');
  const base = build(graphql, before, limits);
  if (!('schema' in base)) return { doesNotBuild: 'base', error: base.error };
  const head = build(graphql, after, limits);
  if (!('schema' in head)) return { doesNotBuild: 'head', error: head.error };
  let changes: Change[];
  try {
    changes = await diff(base.schema, head.schema);
  } catch (error) {
    // Types the text names and never defines (a federation supergraph's, kept by assumeValidSDL) can stop the diff.
    return { doesNotBuild: 'head', error: oneLine(error instanceof Error ? error.message : String(error)) };
  }
  const lines = linesOf(head.document);
  return changes.map(change => {
    const line = lineOf(lines, change.path);
    return { entry: entryOf(change), ...(line !== undefined ? { line } : {}) };
  });
}
