import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { listRepoFiles } from '../load/repoFiles.ts';
import { posix } from 'node:path';
import { isRecord } from '../load/loadCatalog.ts';
import { analyzeSkeleton } from './analyzeSkeleton.ts';
import { checkTemplate, type TemplatePolicy } from './checkTemplate.ts';

/** The org's template policy (schemas/template-policy/), or none when the repo keeps no templates policy. */
export function loadTemplatePolicy(root: string): TemplatePolicy | undefined {
  const dir = join(root, 'schemas', 'template-policy');
  if (!existsSync(join(dir, 'actions.json'))) return undefined;
  const actions = JSON.parse(readFileSync(join(dir, 'actions.json'), 'utf8')).actions;
  const regions = existsSync(join(dir, 'regions.json')) ? JSON.parse(readFileSync(join(dir, 'regions.json'), 'utf8')).regions : [];
  return { actions, regions };
}

/** Static checks of every template under templates/ (or the named ones). */
export async function templateGate(root: string, names: readonly string[] = []): Promise<Diagnostic[]> {
  const policy = loadTemplatePolicy(root);
  const dir = join(root, 'templates');
  if (!policy || !existsSync(dir)) return [];
  const repoFiles = new Set(await listRepoFiles(root));
  const diagnostics: Diagnostic[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = `templates/${name}/template.yaml`;
    if (!repoFiles.has(file) || (names.length && !names.includes(name))) continue;
    const parsed = parseYaml(readFileSync(join(root, file), 'utf8'), file);
    diagnostics.push(...parsed.problems, ...checkTemplate({ file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, repoFiles, policy));
    diagnostics.push(...analyzeSkeletons(root, file, parsed.documents[0], repoFiles));
  }
  return diagnostics;
}

/** Each fetch:template step's skeleton, analysed with the values that step passes. */
function analyzeSkeletons(root: string, file: string, template: unknown, repoFiles: ReadonlySet<string>): Diagnostic[] {
  const steps = isRecord(template) && isRecord(template.spec) && Array.isArray(template.spec.steps) ? template.spec.steps : [];
  const found: Diagnostic[] = [];
  for (const step of steps) {
    if (!isRecord(step) || step.action !== 'fetch:template' || !isRecord(step.input) || typeof step.input.url !== 'string' || /^[a-z]+:/i.test(step.input.url)) continue;
    const folder = posix.normalize(posix.join(posix.dirname(file), step.input.url));
    const passed = new Set(isRecord(step.input.values) ? Object.keys(step.input.values) : []);
    const verbatim = Array.isArray(step.input.copyWithoutTemplating) ? step.input.copyWithoutTemplating.map(String) : [];
    const files = [...repoFiles].filter(f => f.startsWith(`${folder}/`)).map(f => ({ file: f, relative: f.slice(folder.length + 1), buffer: readFileSync(join(root, f)) }));
    const text = files.filter(f => !f.buffer.subarray(0, 8000).includes(0)).map(f => ({ file: f.file, relative: f.relative, text: f.buffer.toString('utf8') }));
    found.push(...analyzeSkeleton(text, passed, verbatim));
  }
  return found;
}
