import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { assertTreeInside } from '../load/repoPath.ts';
import { listSkeletonFiles } from '../load/repoFiles.ts';
import { gitHostView } from '../load/gitHostView.ts';

/**
 * The built-in actions that run, not just record their input, in a dry-run: each has supportsDryRun and
 * works on the workspace alone (catalog:write writes catalog-info.yaml, fs:readdir lists files). The offline
 * render runs these with scaffolder-backend's own factories; every other action is recorded.
 */
export const BUILTIN_ACTIONS = new Set(['fetch:template', 'fetch:template:file', 'fetch:plain', 'fetch:plain:file', 'fs:rename', 'fs:delete', 'fs:readdir', 'catalog:write', 'debug:log']);

type Template = { spec: { steps: { action: string; input?: { url?: string } }[] } };

/**
 * The body for Backstage's dry-run endpoint. It reads a template from the files posted with it (a
 * file:// base), where a relative url may not leave the template's folder; so the posted copy carries
 * its skeleton under ./skeleton/. Steps that need the outside world produce no files and are left out.
 */
export async function dryRunRequest(root: string, templateName: string, template: Template, values: object) {
  const copy = structuredClone(template);
  copy.spec.steps = copy.spec.steps.filter(s => BUILTIN_ACTIONS.has(s.action));
  let skeleton: string | undefined;
  for (const step of copy.spec.steps) {
    if (step.input?.url) {
      skeleton ??= step.input.url;
      step.input.url = './skeleton';
    }
  }
  const skeletonDir = join('templates', templateName, skeleton ?? '.');
  assertTreeInside(root, skeletonDir.split(sep).join('/'));
  // The git host holds no file git ignores and does not track: the dry run does not get one either.
  const view = gitHostView(root);
  const folder = skeletonDir.split(sep).join('/');
  const files = listSkeletonFiles(join(root, skeletonDir), path => view.ignored(folder === '.' ? path : `${folder}/${path}`));
  return {
    template: copy,
    values,
    secrets: {},
    directoryContents: [
      { path: 'template.yaml', base64Content: Buffer.from(JSON.stringify(copy)).toString('base64') },
      ...files.map(f => ({ path: `skeleton/${f}`, base64Content: readFileSync(join(root, skeletonDir, f)).toString('base64') })),
    ],
  };
}
