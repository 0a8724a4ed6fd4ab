import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { listRepoFiles } from '../load/repoFiles.ts';
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
  }
  return diagnostics;
}
