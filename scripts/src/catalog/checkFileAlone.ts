import { join } from 'node:path';
import type { CachedFile } from '../cache/resultCache.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml, type ParsedYaml } from '../load/parseYaml.ts';
import { readSource } from '../load/readSource.ts';
import { unparsedRefs } from '../load/unparsedRefs.ts';
import { collectEntities } from './catalogEntity.ts';
import { checkBackstageModel } from './checkBackstageModel.ts';
import { checkPolicies, type CompiledPolicy } from './checkPolicies.ts';
import type { ManagedModel } from './managedModel.ts';

/** What the checks of one file on its own need: the same in the main thread and in the file worker. */
export interface FileCheckContext {
  config: GitopsConfig;
  policies: readonly CompiledPolicy[];
  model?: ManagedModel;
}

/**
 * One catalog file's results that no other file decides, in the shape the `--cache` keeps (CachedFile,
 * `hash` left empty and `unread` unused: a document that could not be read is `undefined`), plus the
 * text for positions of later findings and the refs of documents that do not parse.
 */
export interface FileAlone {
  file: string;
  /** Undefined when the file could not be read as text (too large, not UTF-8): `entry.problems` says why. */
  text?: string;
  entry: CachedFile;
  unparsedRefs?: string[];
  /** The parser's positions, in the thread that parsed it (a function does not cross threads). */
  locate?: ParsedYaml['locate'];
}

/**
 * Reads and parses `file` (repo-relative) as loadCatalog does and gives each document's Backstage-model
 * and org-policy findings, for the documents whose entity needs no placeholder substitution (the others
 * depend on the files the placeholders read: their `findings` entry is null and the gate checks them
 * later). Never throws for the file's content; positions in the findings are the parser's own.
 */
export async function checkFileAlone(file: string, context: FileCheckContext): Promise<FileAlone> {
  const { config } = context;
  const read = readSource(join(config.root, file), file, config.catalog.maxFileBytes);
  if ('problem' in read) return { file, entry: { hash: '', documents: [], unread: [], problems: [read.problem], findings: [] } };
  const parsed = parseYaml(read.text, file);
  const findings: CachedFile['findings'] = parsed.documents.map(() => null);
  const source = { file, documents: parsed.documents, problems: [], locate: parsed.locate };
  const catalog = { placeholderSources: new Map<string, string | null>(), placeholderResolvers: new Set(config.catalog.placeholderResolvers), model: context.model };
  const apiGroups = new Set(config.catalog.apiGroups.map(g => g.toLowerCase()));
  for (const entity of collectEntities([source], catalog, config.repoUrl).entities) {
    if (entity.entity !== entity.raw) continue;
    const model: Diagnostic[] = await checkBackstageModel(entity, context.model, { apiGroups });
    findings[entity.document] = { model, policies: checkPolicies(entity, context.policies) };
  }
  const entry: CachedFile = { hash: '', documents: parsed.documents, unread: [], problems: parsed.problems, findings };
  return { file, text: read.text, entry, locate: parsed.locate, ...(parsed.problems.some(p => p.ruleId === 'yaml-syntax') ? { unparsedRefs: unparsedRefs(read.text) } : {}) };
}
