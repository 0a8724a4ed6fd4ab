import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Differential sweep against the real dry-run, 2026-12-07: fetch:template's globby marks folders (`docs/`)
// and the handler renders each folder's path alone, before the files in it, so a tag spanning a `/`
// (`{% if values.docs %}docs/index{% endif %}.md`) parses in the file's whole path and still fails the task:
// the dry-run answered 500 `Template error at line 1, column 1: Missing endif tag`; check said nothing.
type Found = { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } };

describe('a tag that spans a folder of a skeleton path (through the bin)', () => {
  let root: string;
  let found: Found[];

  beforeAll(async () => {
    root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep('          docs: true\n')}`,
      'skeletons/svc/{% if values.docs %}docs/index{% endif %}.md': '# ${{ values.name }}\n',
      'skeletons/svc/{% if values.docs %}docs/more{% endif %}.md': 'more\n',
      // Within one folder name the tag is whole: fine.
      'skeletons/svc/{% if values.docs %}guide{% endif %}/index.md': '# guide\n',
      'skeletons/svc/README.md': '# ${{ values.name }}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    found = (JSON.parse(run.stdout).diagnostics as Found[]).filter(d => d.ruleId.startsWith('skeleton-'));
  }, 60_000);

  it('check names the folder, once, with the reason the renderer gives', () => {
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['skeleton-syntax@skeletons/svc/{% if values.docs %}docs/index{% endif %}.md:1:1']);
    expect(found[0].message).toBe("The folder {% if values.docs %}docs/ in this file's path does not parse as a template on its own: fetch:template renders each folder's path by itself, before the files in it, so a tag that spans a / fails the render (Missing endif tag).");
  });

  // fetch:template renders an entry's path before it logs the entry: the failure was blamed on the file
  // logged before it ("skeleton file README.md"), whose content rendered fine.
  it('templates render fails on it as the task does, naming the folder rather than the file written before it', async () => {
    await writeFile(join(root, 'values.yaml'), 'name: web\n');
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('The template failed to render: step fetch (fetch:template), skeleton path {% if values.docs %}docs/: Template error at line 1, column 1: Missing endif tag');
  }, 60_000);
});

describe("a render failure in a skeleton file's name (through the bin)", () => {
  it('is said at that path, not at the file whose content was rendered before it; a content failure names its file', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep()}`,
      'skeletons/svc/a/README.md': '# ${{ values.name }}\n',
      'skeletons/svc/a/${{ values.name.padStart(3) }}.md': 'x\n',
      'values.yaml': 'name: web\n',
    });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('The template failed to render: step fetch (fetch:template), skeleton path a/${{ values.name.padStart(3) }}.md: Template error at line 1, column');
    expect(run.stdout).not.toContain('skeleton file a/README.md');

    const content = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep()}`,
      'skeletons/svc/a/README.md': '# ${{ values.name.padStart(3) }}\n',
      'values.yaml': 'name: web\n',
    });
    const failed = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', join(content, 'out')], content);
    expect(failed.stdout).toContain('The template failed to render: step fetch (fetch:template), skeleton file a/README.md: Template error at line 1, column');
  }, 60_000);
});
