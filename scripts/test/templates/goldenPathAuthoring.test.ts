import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';

// Mistakes a platform engineer made writing and evolving golden paths (fresh user 6), through the shipped bin.

async function copy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-golden-'));
  for (const part of ['catalog', 'templates', 'skeletons', 'schemas', 'backstage-config', 'gitops.config.yaml']) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  return root;
}

async function edit(root: string, path: string, change: (text: string) => string) {
  const before = await readFile(join(root, path), 'utf8');
  const after = change(before);
  expect(after, `the edit of ${path} changed nothing`).not.toBe(before);
  await writeFile(join(root, path), after);
}

interface Finding { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } }

async function templatesTest(root: string, ...args: string[]) {
  const run = await gitops(root, ['templates', 'test', ...args, '--format', 'json']);
  expectCleanStderr(run);
  return { code: run.status, diagnostics: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}

describe('golden-path authoring', () => {
  it("names a step output the action does not declare, at the expression, with the action's own output names", async () => {
    const root = await copy();
    // remoteURL for remoteUrl: the link renders without a url, and nothing else fails: Backstage completes the task, so a warning.
    await edit(root, 'templates/node-service/template.yaml', text => text.replace('url: ${{ steps.publish.output.remoteUrl }}', 'url: ${{ steps.publish.output.remoteURL }}'));
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(0);
    const found = diagnostics.filter(d => d.ruleId === 'template-unknown-output');
    expect(found.map(d => [d.file, d.message, d.hint])).toEqual([[
      'templates/node-service/template.yaml',
      'steps.publish.output.remoteURL is not an output of publish:github, so it renders as nothing (its outputs: remoteUrl, repoContentsUrl, commitHash). Did you mean steps.publish.output.remoteUrl? Backstage still completes the task.',
      'Write steps.publish.output.remoteUrl.',
    ]]);
    const text = await readFile(join(root, 'templates/node-service/template.yaml'), 'utf8');
    const line = text.split('\n').findIndex(l => l.includes('remoteURL'));
    expect(found[0].range.start).toEqual({ line: line + 1, column: text.split('\n')[line].indexOf('${{') + 1 });
    // The other cases are unchanged: the rendered tree does not depend on the link.
    expect(diagnostics.filter(d => d.ruleId !== 'template-unknown-output')).toEqual([]);
  }, 60_000);

  it('reads dashed step ids by subscript, and leaves actions without an output schema (catalog:register) alone', async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/template.yaml', text => text
      .replace('    - id: publish\n', '    - id: publish-repo\n')
      .replace('${{ steps.publish.output.repoContentsUrl }}', "${{ steps['publish-repo'].output.repoContentUrl }}")
      .replace('${{ steps.publish.output.remoteUrl }}', "${{ steps['publish-repo'].output.remoteUrl }}")
      .replace('${{ steps.register.output.entityRef }}', '${{ steps.register.output.entityRefs }}'));
    const { diagnostics } = await templatesTest(root, 'node-service');
    expect(diagnostics.filter(d => d.ruleId === 'template-unknown-output').map(d => d.message)).toEqual([
      `steps["publish-repo"].output.repoContentUrl is not an output of publish:github, so it renders as nothing (its outputs: remoteUrl, repoContentsUrl, commitHash). Did you mean steps["publish-repo"].output.repoContentsUrl?`,
    ]);
  }, 60_000);

  it("points a refused value at its own line in the case, not at the values key", async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/tests/default.yaml', text => text.replace('  port: 8081\n', '  port: 80\n').replace('  description: Sends customers a message when their order ships.\n', '  description: Short.\n'));
    const { diagnostics } = await templatesTest(root, 'node-service');
    const refused = diagnostics.filter(d => d.ruleId === 'template-values-invalid').map(d => [d.message, d.range.start.line, d.range.start.column]);
    expect(refused).toEqual([
      ['Parameter page 1: values.description does not meet minimum length of 10', 4, 16],
      ['Parameter page 1: values.port must be greater than or equal to 1024', 7, 9],
    ]);
    // A missing required value has no line of its own: its object's.
    await edit(root, 'templates/node-service/tests/default.yaml', text => text.replace('  system: system:default/orders\n', ''));
    const { diagnostics: missing } = await templatesTest(root, 'node-service');
    expect(missing.filter(d => d.ruleId === 'template-values-invalid' && d.message.includes('system')).map(d => [d.message, d.range.start.line])).toEqual([
      ['Parameter page 1: values requires property "system"', 3],
    ]);
  }, 60_000);

  it('puts a block tag left open ({% for … %) on its own line, not where the parser gave up lines later', async () => {
    const root = await copy();
    await edit(root, 'skeletons/node-service/README.md', text => `${text}{% for t in ['a', 'b'] %\n- \${{ t }}\n{% endfor %}\n`);
    const { diagnostics } = await templatesTest(root, 'node-service');
    const syntax = diagnostics.filter(d => d.ruleId === 'skeleton-syntax');
    expect(syntax.map(d => [d.file, d.range.start.line, d.range.start.column, d.message])).toEqual([[
      'skeletons/node-service/README.md', 6, 1,
      'This file does not parse as a template: the {% here is never closed with %}, so the parser reads on as one tag until line 7, column 3 (Unexpected character "$").',
    ]]);
  }, 60_000);
  it('flags {{ values.x }} / {{ parameters.x }} written without the $, which the scaffolder passes on as text; raw blocks and # comments are meant', async () => {
    const root = await copy();
    await edit(root, 'skeletons/node-service/README.md', text => `${text}Listens on {{ values.port }}. {% raw %}{{ values.keep }}{% endraw %}\n`);
    await edit(root, 'skeletons/node-service/mkdocs.yml', text => `${text}# {{ values.comment }}\n`);
    await edit(root, 'templates/node-service/template.yaml', text => text.replace('      - title: Repository\n', '      - title: Repository of {{ parameters.name }}\n'));
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    const readme = (await readFile(join(root, 'skeletons/node-service/README.md'), 'utf8')).split('\n');
    const template = (await readFile(join(root, 'templates/node-service/template.yaml'), 'utf8')).split('\n');
    const braces = diagnostics.filter(d => d.ruleId.endsWith('-unrendered-braces')).map(d => [d.ruleId, d.file, d.range.start.line, d.range.start.column, d.message, d.hint]);
    expect(braces).toEqual([
      ['skeleton-unrendered-braces', 'skeletons/node-service/README.md', readme.findIndex(l => l.startsWith('Listens')) + 1, 12,
        "{{ values.port }} has no $ before its braces: the scaffolder's expressions are ${{ … }} (templates/node-service/template.yaml, step fetch does not set cookiecutterCompat), so it is written out as is.",
        'Write ${{ values.port }}; to keep the braces on purpose, wrap them in {% raw %}…{% endraw %}.'],
      ['template-unrendered-braces', 'templates/node-service/template.yaml', template.findIndex(l => l.includes('Repository of')) + 1, template.find(l => l.includes('Repository of'))!.indexOf('{{') + 1,
        '{{ parameters.name }} has no $ before its braces: the scaffolder renders only ${{ … }} in template.yaml, so the user sees it as written.',
        'Write ${{ parameters.name }}.'],
    ]);
  }, 60_000);
  it('says every unrendered {{ }} of a skeleton file at its place, a loop or set variable\'s too, and counts past twenty', async () => {
    const root = await copy();
    const added = [
      'Listens on {{ values.port }} as {{ values.name }}.',
      "{% for env in ['dev', 'prod'] %}",
      '- {{ env }} is deployed from ${{ env }}',
      '{% endfor %}',
      'Outside the loop {{ env }} is for another tool.',
      '{% set team = values.name %}Team {{ team | upper }}.',
    ];
    await edit(root, 'skeletons/node-service/README.md', text => `${text}${added.join('\n')}\n`);
    await edit(root, 'skeletons/node-service/mkdocs.yml', text => `${text}${Array.from({ length: 24 }, (_, i) => `x-port-${i}: "{{ values.port }}"`).join('\n')}\n`);
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    const readme = (await readFile(join(root, 'skeletons/node-service/README.md'), 'utf8')).split('\n');
    const first = readme.indexOf(added[0]) + 1;
    const braces = diagnostics.filter(d => d.ruleId === 'skeleton-unrendered-braces');
    expect(braces.filter(d => d.file.endsWith('README.md')).map(d => `${d.range.start.line}:${d.range.start.column} ${d.message.split(' has no $')[0]}`)).toEqual([
      `${first}:12 {{ values.port }}`,
      `${first}:33 {{ values.name }}`,
      `${first + 2}:3 {{ env }}`,
      `${first + 5}:34 {{ team | upper }}`,
    ]);
    const mkdocs = (await readFile(join(root, 'skeletons/node-service/mkdocs.yml'), 'utf8')).split('\n');
    const firstPort = mkdocs.indexOf('x-port-0: "{{ values.port }}"') + 1;
    const inMkdocs = braces.filter(d => d.file.endsWith('mkdocs.yml'));
    expect(inMkdocs.map(d => d.range.start.line)).toEqual(Array.from({ length: 20 }, (_, i) => firstPort + i));
    expect(inMkdocs[19].message).toMatch(new RegExp(`so it is written out as is\\. This file has 4 more such expressions \\(lines ${firstPort + 20}, ${firstPort + 21}, ${firstPort + 22}, ${firstPort + 23}\\)\\.$`));
  }, 60_000);
  it('says to quote an unquoted ${{ }} value whose ": " breaks template.yaml, instead of only the parser\'s words', async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/template.yaml', text => text.replace('          owner: ${{ parameters.owner }}\n', "          owner: ${{ parameters.owner }}\n          ownerName: ${{ (parameters.owner | parseEntityRef({ defaultKind: 'group' })).name }}\n"));
    const run = await gitops(root, ['check', '--format', 'json']);
    expectCleanStderr(run);
    const syntax = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'yaml-syntax' && d.file === 'templates/node-service/template.yaml');
    const line = (await readFile(join(root, 'templates/node-service/template.yaml'), 'utf8')).split('\n').findIndex(l => l.includes('ownerName')) + 1;
    expect(syntax[0].range.start.line).toBe(line);
    expect(syntax[0].hint).toMatch(/^This value is a template expression without quotes: YAML reads its ": ", " #" or leading "\{" as YAML syntax\. Quote the whole value/);
    // The same expression quoted parses, and other YAML errors keep the usual hint.
    await edit(root, 'templates/node-service/template.yaml', text => text.replace("ownerName: ${{ (parameters.owner | parseEntityRef({ defaultKind: 'group' })).name }}", "ownerName: \"${{ (parameters.owner | parseEntityRef({ defaultKind: 'group' })).name }}\"").replace('  type: service\n', '  type: [service\n'));
    const again = await gitops(root, ['check', '--format', 'json']);
    const other = (JSON.parse(again.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'yaml-syntax' && d.file === 'templates/node-service/template.yaml');
    expect(other.length).toBeGreaterThan(0);
    expect(other.every(d => d.hint === 'Fix the YAML syntax here; nothing of this document is read until it parses.')).toBe(true);
  }, 60_000);
  it('a skeleton file past the renderer\'s size limit is refused for its size, as the task is, with a hint to copy it verbatim', async () => {
    const root = await copy();
    // 4.6 million characters, 220,000 tags: Nunjitsu measures the length first and fails on it.
    await writeFile(join(root, 'skeletons/node-service/fixtures.txt'), '${{ values.name }} x\n'.repeat(220_000));
    const { diagnostics } = await templatesTest(root, 'node-service');
    const limit = 'Template parsing exceeded the source code unit limit of 4194304 (observed 4620000)';
    expect(diagnostics.filter(d => d.ruleId === 'skeleton-syntax').map(d => [d.file, d.message, d.hint])).toEqual([[
      'skeletons/node-service/fixtures.txt', `This file does not parse as a template: ${limit}`,
      'List the file under copyWithoutTemplating (it is then copied as it is, never rendered), or split it into smaller files.',
    ]]);
    expect(diagnostics.find(d => d.ruleId === 'template-render-failed')?.message).toBe(`The template failed to render: step fetch (fetch:template), skeleton file fixtures.txt: ${limit}`);
  }, 60_000);
});
