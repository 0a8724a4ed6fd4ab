import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isRecord } from '../load/loadCatalog.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { readRegularFile } from '../load/readSource.ts';
import { realRepoPath } from '../load/repoPath.ts';
import { childEnv } from '../process/childEnv.ts';
import { fixedBy, fixedValue } from '../templates/formRuns.ts';
import { declarations, parameterPages } from '../templates/parameterDeclarations.ts';
import { renderingOf } from '../templates/skeletonRendering.ts';
import { TemplateConstants } from './templateConstants.ts';

/** A skeleton file that a fetch:template step renders with values its template writes out, for the secret scan. */
export interface ValuesRender {
  /** The skeleton file (repo path from the root). */
  file: string;
  /** The template file and the step's id, for the finding's message. */
  template: string;
  step: string;
  /** Whether the step renders with cookiecutterCompat (`{{ }}`, values under `cookiecutter`). */
  cookiecutter: boolean;
  /** The values the step passes: as writtenValue reads each. */
  values: Record<string, unknown>;
  /** The step's trimBlocks and lstripBlocks, which fetch:template hands its renderer. */
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

// What this reads at most: a template file (the catalog's own cap is larger, but a template is small), and renders.
const MAX_TEMPLATE_BYTES = 1024 * 1024;
const MAX_RENDERS = 5_000;
const FETCH = new Set(['fetch:template', 'fetch:template:file']);

/**
 * The skeleton files that fetch:template steps render with values their template writes out (`values: { a: gh, b:
 * p_… }`), for a step whose template, or any file of whose skeleton folder (or file), is among `changed`: each
 * value is the scaffolder's to put into the file, so `${{ values.a }}${{ values.b }}` writes a credential whole
 * into every repository the template creates that neither file spells (red team, session 48). Templates are the
 * YAML files git lists under `root` that name fetch:template and scaffolder.backstage.io; a step's relative `url`
 * (without an expression) names the folder (or file) inside the root; each value as writtenValue reads it. Of a
 * folder, only the files whose content the step renders (renderingOf: not those copyWithoutTemplating matches, nor
 * those outside templateFileExtension), and no symbolic link (copied as it is). At most MAX_RENDERS. Never throws.
 */
export function valuesRenders(root: string, changed: readonly string[]): ValuesRender[] {
  const listed = spawnSync('git', ['-C', root, '-c', 'core.quotePath=false', 'ls-files', '-z'], { env: childEnv(), maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (listed.status !== 0) return [];
  const files = listed.stdout.toString('utf8').split('\0').filter(Boolean);
  const touched = new Set(changed);
  const renders: ValuesRender[] = [];
  for (const template of files.filter(f => /\.ya?ml$/i.test(f))) {
    let text: string;
    try {
      text = readRegularFile(realRepoPath(root, template), MAX_TEMPLATE_BYTES).toString('utf8');
    } catch {
      continue;
    }
    if (!text.includes('fetch:template') || !text.includes('scaffolder.backstage.io')) continue;
    for (const step of fetchSteps(text)) {
      const target = posix.normalize(posix.join(posix.dirname(template), step.url)).replace(/\/+$/, '');
      if (target === '.' || target === '..' || target.startsWith('../')) continue;
      const inside = (f: string) => (step.file ? f === target : f.startsWith(`${target}/`));
      if (!touched.has(template) && !changed.some(inside)) continue;
      const rendered = contentsRendered(root, target, step);
      for (const file of files.filter(inside)) {
        if (!rendered(file)) continue;
        if (renders.length >= MAX_RENDERS) return renders;
        renders.push({ file, template, step: step.id, cookiecutter: step.cookiecutter, values: step.values, trimBlocks: step.trimBlocks, lstripBlocks: step.lstripBlocks });
      }
    }
  }
  return renders;
}

/**
 * Whether the step renders the content of repo path `file` (inside `target`, its skeleton folder or file), as
 * fetch:template decides (renderingOf); a symbolic link it copies as it is. Never throws: when the decision
 * cannot be made (globby refuses), every file counts as rendered.
 */
function contentsRendered(root: string, target: string, step: FetchStep): (file: string) => boolean {
  let rendering: ((relative: string) => { contents: boolean }) | undefined;
  try {
    // The folder as it is inside the repository (a link leaving it throws: every file counts as rendered).
    rendering = step.file ? undefined : renderingOf(step.input, realRepoPath(root, target));
  } catch {
    rendering = undefined;
  }
  return file => {
    try {
      if (lstatSync(join(root, file)).isSymbolicLink()) return false;
    } catch {
      // Gone or unreadable: the scan says so.
    }
    return !rendering || rendering(file.slice(target.length + 1)).contents;
  };
}

interface FetchStep { id: string; url: string; file: boolean; cookiecutter: boolean; trimBlocks: boolean; lstripBlocks: boolean; values: Record<string, unknown>; input: Record<string, unknown> }

/** The fetch:template steps of the Templates in `text` with a relative url and values written out. */
function fetchSteps(text: string): FetchStep[] {
  const found: ReturnType<typeof fetchSteps> = [];
  let documents: unknown[];
  try {
    documents = yamlPackage().parseAllDocuments(text).map(d => (d.errors.length ? undefined : d.toJS({ maxAliasCount: 100 })));
  } catch {
    return found;
  }
  for (const document of documents) {
    const steps = isRecord(document) && isRecord(document.spec) && Array.isArray(document.spec.steps) ? document.spec.steps : [];
    for (const step of steps) {
      if (!isRecord(step) || !FETCH.has(step.action as string) || !isRecord(step.input) || !isRecord(step.input.values)) continue;
      const { url, values, cookiecutterCompat, trimBlocks, lstripBlocks } = step.input;
      if (typeof url !== 'string' || url.includes('${{') || /^[a-z][a-z0-9+.-]*:|^\//i.test(url)) continue;
      const pages = parameterPages(document);
      const written = writtenValue(values, pages, { leaves: MAX_LEAVES }) as Record<string, unknown>;
      if (!hasText(written, 0)) continue;
      found.push({ id: typeof step.id === 'string' ? step.id : '(no id)', url, file: step.action === 'fetch:template:file', cookiecutter: cookiecutterCompat === true, trimBlocks: trimBlocks === true, lstripBlocks: lstripBlocks === true, values: written, input: step.input });
    }
  }
  return found;
}

const MAX_VALUE_CHARS = 10_000;
// How deep and how many values of a step's `values` are read: a real one is a few keys, lists and maps.
const MAX_DEPTH = 8;
const MAX_LEAVES = 1_000;
// Keys Nunjitsu refuses in a context (the render fails) and no template means as values.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_PARAMETER = /^\$\{\{\s*parameters\.([A-Za-z_$][\w$]*)\s*\}\}$/;

/** Whether written value `value` (writtenValue's) holds a string with more than whitespace, at any depth. */
function hasText(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (depth > MAX_DEPTH || !value || typeof value !== 'object') return false;
  return Object.values(value).some(v => hasText(v, depth + 1));
}

/**
 * What a step's value gives the skeleton as far as the template alone decides it: a string, number or boolean as
 * written; a list or a map as its items or entries each read so (red team: `values: { creds: { a: gh…, b: …p_… } }`
 * and `${{ values.creds.a }}${{ values.creds.b }}`, or a list and `join`, passed), to MAX_DEPTH levels and
 * `room.leaves` values in all (the rest a space), keys Nunjitsu refuses (`__proto__`, `constructor`,
 * `prototype`) left out; a lone `${{ parameters.x }}` of a parameter the author fixes (a hidden field's default, a
 * const, an enum's first: fixedBy) as that; any other, its text with each expression as its string literals joined
 * (TemplateConstants.literals: `${{ parameters.x or "gh" }}`), or a space where it has none, so that the text
 * either side is not joined. Pure.
 */
function writtenValue(value: unknown, pages: readonly unknown[], room: { leaves: number }, depth = 0): unknown {
  if (room.leaves-- <= 0) return ' ';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return depth >= MAX_DEPTH ? ' ' : value.slice(0, Math.max(0, room.leaves)).map(item => writtenValue(item, pages, room, depth + 1));
  if (isRecord(value)) {
    if (depth >= MAX_DEPTH) return ' ';
    const entries = Object.entries(value).filter(([key]) => !UNSAFE_KEYS.has(key)).slice(0, Math.max(0, room.leaves));
    return Object.fromEntries(entries.map(([key, item]) => [key, writtenValue(item, pages, room, depth + 1)]));
  }
  if (typeof value !== 'string') return ' ';
  if (!value.includes('${{')) return value;
  const lone = LONE_PARAMETER.exec(value.trim());
  const declared = lone ? declarations(pages, lone[1]) : [];
  if (declared.length && declared.every(schema => fixedBy(schema) !== undefined)) {
    const fixed = fixedValue(declared[0]);
    if (typeof fixed === 'string' || typeof fixed === 'number' || typeof fixed === 'boolean') return fixed;
  }
  // A value is a line or two: a longer one (where a `${{` without its `}}` would be searched to the end for each) is unknown.
  if (value.length > MAX_VALUE_CHARS) return ' ';
  const constants = new TemplateConstants(value.length);
  return value.replace(/\$\{\{([^]*?)\}\}/g, (_, expression: string) => constants.literals(expression) ?? ' ');
}
