import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Fidelity sweep 9 (2026-12-01), through the bin: what fetch:template's own handler does with
// templateFileExtension, copyWithoutTemplating and cookiecutterCompat (templateActionHandler in
// scaffolder-backend 4.2.0), and how jsonschema's errors about the values read.

type Found = { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } };

/** A template whose one fetch:template step reads ./skeleton with `input` lines (8 spaces in) and values {name}. */
const template = (name: string, input: string) => `${templateHead(name, '        flag: {type: boolean}\n')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
${input}        values:
          name: \${{ parameters.name }}
`;
/** The line of `input:` in `template`: the head's 14 lines (steps: last), then id, name, action. */
const INPUT_LINE = 18;

async function check(root: string): Promise<{ status: number | null; found: Found[] }> {
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).not.toContain('internal error');
  return { status: run.status, found: JSON.parse(run.stdout).diagnostics as Found[] };
}

describe('templateFileExtension with copyWithoutTemplating or cookiecutterCompat: fetch:template refuses the step (check)', () => {
  const INPUTS: Record<string, string> = {
    copy: "        templateFileExtension: true\n        copyWithoutTemplating:\n          - .github/**\n",
    compat: '        templateFileExtension: njk\n        cookiecutterCompat: true\n',
    empty: '        templateFileExtension: .njk\n        copyWithoutTemplating: []\n',
    // The handler never reads copyWithoutRender, and a false cookiecutterCompat is no cookiecutterCompat.
    render: "        templateFileExtension: true\n        copyWithoutRender: ['.github/**']\n",
    off: '        templateFileExtension: true\n        cookiecutterCompat: false\n',
    nothing: "        templateFileExtension: ''\n        copyWithoutTemplating: ['.github/**']\n",
    // Whether it is on is known only when the task runs.
    expression: "        templateFileExtension: ${{ parameters.flag }}\n        copyWithoutTemplating: ['.github/**']\n",
  };
  let root: string;
  let status: number | null;
  let found: Found[];

  beforeAll(async () => {
    const files: Record<string, string> = {};
    for (const [name, input] of Object.entries(INPUTS)) {
      files[`templates/${name}/template.yaml`] = template(name, input);
      files[`templates/${name}/skeleton/README.md.njk`] = '# ${{ values.name }}\n';
    }
    files['templates/copy/tests/default.yaml'] = 'name: default\nvalues:\n  name: demo\n';
    root = await templateRepo(Object.keys(INPUTS).map(name => `../templates/${name}/template.yaml`), files);
    ({ status, found } = await check(root));
  }, 60_000);

  const refusals = (name: string) => found.filter(d => d.ruleId === 'template-action-input' && d.file === `templates/${name}/template.yaml`);

  it('is an error on the step input in each combination the handler refuses, an empty list included; check fails', () => {
    for (const name of ['copy', 'compat', 'empty']) {
      expect(refusals(name).map(d => `${d.severity}@${d.range.start.line}:${d.range.start.column} ${d.message}`)).toEqual([
        `error@${INPUT_LINE}:7 fetch:template fails the task before it reads the skeleton: Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat.`,
      ]);
    }
    expect(status).toBe(1);
  });

  it('is no finding with copyWithoutRender (which the handler ignores), cookiecutterCompat false, an empty extension or one an expression gives', () => {
    for (const name of ['render', 'off', 'nothing', 'expression']) expect(refusals(name)).toEqual([]);
  });

  it('says what templates render meets when the scaffolder runs the step', async () => {
    await writeFile(join(root, 'values.yaml'), 'name: demo\n');
    const render = await runBin(['templates', 'render', 'templates/copy/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(render.status).not.toBe(0);
    expect(render.stdout + render.stderr).toContain('Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat');
  }, 60_000);

  it('templates test: the refusal on the step, and the case that failed to render points there', async () => {
    const run = await runBin(['templates', 'test', 'copy', '--format', 'json'], root);
    const diagnostics = JSON.parse(run.stdout).diagnostics as (Found & { hint: string })[];
    expect(run.status).toBe(1);
    expect(diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual(['template-action-input@templates/copy/template.yaml:18', 'template-render-failed@templates/copy/tests/default.yaml:3']);
    expect(diagnostics[1].hint).toBe('Fix the step input in template.yaml (reported there).');
  }, 60_000);
});

describe('skeleton file and folder names are checked in every mode, content only where fetch:template renders it (check)', () => {
  let found: Found[];
  const at = (name: string) => found.filter(d => d.file.startsWith(`templates/${name}/skeleton/`)).map(d => `${d.ruleId}@${d.file.replace(`templates/${name}/skeleton/`, '')}:${d.range.start.line} ${d.message.replace(/ is never passed.*/, '')}`).sort();

  beforeAll(async () => {
    const root = await templateRepo(['../templates/ext/template.yaml', '../templates/dotless/template.yaml', '../templates/copy/template.yaml', '../templates/plain/template.yaml'], {
      // Sweep repro-8: a name outside the extension, rendered all the same; its content copied as it is.
      'templates/ext/template.yaml': template('ext', '        templateFileExtension: true\n'),
      'templates/ext/skeleton/${{ values.component_id }}.md': 'hello ${{ values.in_copied }}\n',
      'templates/ext/skeleton/${{ values.folder }}/notes.txt': 'plain\n',
      'templates/ext/skeleton/${{ values.doc }}.md.njk': '${{ values.in_rendered }}\n',
      'templates/ext/skeleton/logo-${{ values.logo }}.png': 'PNG\u0000\u0001${{ values.in_binary }}',
      // An extension without its dot, as Backstage adds it; .tpl files only are rendered.
      'templates/dotless/template.yaml': template('dotless', '        templateFileExtension: tpl\n'),
      'templates/dotless/skeleton/${{ values.svc }}.yaml.tpl': 'name: ${{ values.name }}\n',
      'templates/dotless/skeleton/keep.yaml': 'name: ${{ values.in_copied }}\n',
      // copyWithoutTemplating: the content is copied, the path rendered.
      'templates/copy/template.yaml': template('copy', "        copyWithoutTemplating: ['docs/']\n"),
      'templates/copy/skeleton/docs/${{ values.page }}.md': '${{ values.in_copied }}\n',
      'templates/copy/skeleton/README.md': '${{ values.in_rendered }}\n',
      // templateFileExtension false: every file is rendered, names and content.
      'templates/plain/template.yaml': template('plain', '        templateFileExtension: false\n'),
      'templates/plain/skeleton/${{ values.plain }}.md': '${{ values.in_rendered }}\n',
    });
    ({ found } = await check(root));
  }, 60_000);

  it('with templateFileExtension: every name (files outside the extension, folders, binary files), the content of *.njk only', () => {
    expect(at('ext')).toEqual([
      "skeleton-unknown-value@${{ values.component_id }}.md:1 In this file's name: values.component_id",
      "skeleton-unknown-value@${{ values.doc }}.md.njk:1 In this file's name: values.doc",
      'skeleton-unknown-value@${{ values.doc }}.md.njk:1 values.in_rendered',
      "skeleton-unknown-value@${{ values.folder }}/notes.txt:1 In this file's name: values.folder",
      "skeleton-unknown-value@logo-${{ values.logo }}.png:1 In this file's name: values.logo",
    ]);
  });

  // Fresh user (janus-idp's src/${{ values.pkg }}/DemoApplication.java): a folder name that renders empty gives
  // `src//App.java`, which fetch:template skips, while the message said the value "renders as nothing".
  it('a whole folder name of an unknown value says the file is left out; a name with text beside it renders as nothing', () => {
    const message = (file: string) => found.find(d => d.file === `templates/ext/skeleton/${file}`)!.message;
    expect(message('${{ values.folder }}/notes.txt')).toContain('so this part of the path renders empty and fetch:template leaves the file out of the new repository');
    expect(message('logo-${{ values.logo }}.png')).toContain('so it renders as nothing');
    expect(message('${{ values.component_id }}.md')).toContain('so it renders as nothing');
  });

  it('an extension given without its dot selects the files as Backstage does', () => {
    expect(at('dotless')).toEqual(["skeleton-unknown-value@${{ values.svc }}.yaml.tpl:1 In this file's name: values.svc"]);
  });

  it('with copyWithoutTemplating: the name of a copied file, the content of the others', () => {
    expect(at('copy')).toEqual([
      'skeleton-unknown-value@README.md:1 values.in_rendered',
      "skeleton-unknown-value@docs/${{ values.page }}.md:1 In this file's name: values.page",
    ]);
  });

  it('with templateFileExtension false: names and content of every file', () => {
    expect(at('plain')).toEqual([
      "skeleton-unknown-value@${{ values.plain }}.md:1 In this file's name: values.plain",
      'skeleton-unknown-value@${{ values.plain }}.md:1 values.in_rendered',
    ]);
  });
});

describe("the values' schema errors name values and secrets, never jsonschema's instance (templates render, templates test)", () => {
  const PAGE = `    - title: Registry
      properties:
        registry_type: {type: string, enum: [acr, ecr]}
        registry:
          type: object
          properties: {kind: {type: string}, name: {type: string}}
          dependencies: {kind: [name]}
      dependencies:
        registry_type:
          oneOf:
            - properties:
                registry_type: {const: acr}
                acr_name: {type: string}
              required: [acr_name]
            - properties:
                registry_type: {const: ecr}
`;
  const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: registry
spec:
  owner: group:default/platform
  type: service
  parameters:
${PAGE}  secrets:
    schema:
      properties: {token: {type: string}}
      dependencies: {token: {required: [user]}}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          t: \${{ parameters.registry_type }}
`;
  const VALUES = 'registry_type: acr\nregistry: {kind: acr}\n';
  const EXPECTED = [
    'Parameter page 1: values does not meet dependency required by values.registry_type',
    'Parameter page 1: values.registry property name not found, required by values.registry.kind',
  ];
  let root: string;

  beforeAll(async () => {
    root = await templateRepo(['../templates/registry/template.yaml'], {
      'templates/registry/template.yaml': TEMPLATE,
      'templates/registry/skeleton/README.md': '${{ values.t }}\n',
      'templates/registry/tests/default.yaml': `name: default\nvalues:\n${VALUES.replace(/^/gm, '  ')}`,
      'values.yaml': VALUES,
      'secrets.yaml': 'token: abc\n',
    });
  }, 60_000);

  it('templates render: a root-level error names values, a nested one its path, and the path in the message too', async () => {
    const run = await runBin(['templates', 'render', 'templates/registry/template.yaml', '--values', 'values.yaml', '--secrets', 'secrets.yaml', '--out', 'out'], root);
    const output = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    for (const line of EXPECTED) expect(output).toContain(line);
    expect(output).toContain('secrets does not meet dependency required by secrets.token');
    expect(output).not.toMatch(/\binstance\b|values\. |secrets\. /);
  }, 60_000);

  it('templates test: the same words in its findings', async () => {
    const run = await runBin(['templates', 'test', 'registry', '--format', 'json'], root);
    const messages = (JSON.parse(run.stdout).diagnostics as Found[]).map(d => d.message).join('\n');
    expect(run.status).toBe(1);
    for (const line of EXPECTED) expect(messages).toContain(line);
    expect(messages).not.toMatch(/\binstance\b|values\. /);
  }, 60_000);
});
