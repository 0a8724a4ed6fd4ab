import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A tester's sweep over public templates (sourcefuse/sf-software-templates microservice-repo-bootstrap,
// contract-first-idp-test/software-templates, giantswarm/backstage-catalogs app-deployment/edit-template):
// three kinds of false alarm, each failing `templates test` with an error the template did not make.
// 1. A custom action (acme:generate, declared under backstageConfig.actions) writes the project, then
//    publish:github and catalog:register: the offline render cannot run it, so catalog-info.yaml, a `$text`
//    placeholder's target or an expected file were said to be missing ("the task fails at this step").
// 2. catalog:fetch of an entity no catalog known here holds answers with the dry-run's example: the
//    rendered catalog-info.yaml built from it (owner: ${{ values.owner }}) was refused and the skeleton blamed.
// 3. A hidden edit template opened with ?formData={"name":…} reads parameters no page declares: Backstage's
//    form submits them, and a case that gives them values renders them, yet they were "rendered as empty".

type Found = { ruleId: string; severity: string; message: string; file: string };
const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Found[] }).diagnostics;

const CONFIG = `repoUrl: https://github.com/acme/templates/blob/main/
catalog:
  external:
    - { kind: Group, namespace: default, reason: githubOrg }
    - { kind: System, namespace: default, reason: githubOrg }
backstageConfig:
  plugins:
    - '@backstage/plugin-scaffolder-backend'
    - '@backstage/plugin-scaffolder-backend-module-github'
  actions:
    acme:generate:
      input:
        type: object
        properties:
          name: { type: string }
`;

const HEAD = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: gen
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - title: Where
      required: [name, repoUrl]
      properties:
        name:
          type: string
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
          ui:options:
            allowedHosts: [github.com]
  steps:
`;

const GENERATE = `    - id: generate
      name: Generate the project with our in-house generator
      action: acme:generate
      input:
        name: \${{ parameters.name }}
`;

const PUBLISH_REGISTER = `    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: \${{ parameters.repoUrl }}
    - id: register
      name: Register
      action: catalog:register
      input:
        repoContentsUrl: \${{ steps.publish.output.repoContentsUrl }}
        catalogInfoPath: /catalog-info.yaml
`;

const API_SKELETON = `    - id: render
      name: Render
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

const API_INFO = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: \${{ values.name }}
spec:
  type: openapi
  lifecycle: experimental
  owner: group:default/team-a
  definition:
    $text: ./specification.yaml
`;

const CASE = 'name: default\nvalues:\n  name: demo\n  repoUrl: github.com?owner=acme&repo=demo\nsnapshot: false\n';

describe('a file a step the offline render cannot run may write', () => {
  it('templates test: catalog:register\'s file after a custom action is a note, not template-register-file-missing', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'gen/template.yaml': HEAD + GENERATE + PUBLISH_REGISTER, 'gen/tests/default.yaml': CASE });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const diagnostics = found(run.stdout);
    expect(diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    expect(run.status).toBe(0);
    const note = diagnostics.find(d => d.ruleId === 'template-output-not-judged');
    expect(note?.severity).toBe('info');
    expect(note?.message).toContain('step generate (acme:generate)');
  }, 60_000);

  it('templates test: a $text target and an expected file the custom action writes are notes; without it they are still errors', async () => {
    const files = {
      'gitops.config.yaml': CONFIG,
      'gen/skeleton/catalog-info.yaml': API_INFO,
      'gen/tests/default.yaml': `${CASE}expect:\n  files: [specification.yaml]\n`,
    };
    const withAction = await tempRepo({ ...files, 'gen/template.yaml': HEAD + API_SKELETON + GENERATE + PUBLISH_REGISTER });
    const run = await gitops(withAction, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const diagnostics = found(run.stdout);
    expect(diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    expect(run.status).toBe(0);
    const notes = diagnostics.filter(d => d.ruleId === 'template-output-not-judged').map(d => d.message);
    expect(notes.some(m => m.includes('placeholder-target-missing'))).toBe(true);
    expect(notes.some(m => m.startsWith('specification.yaml was not rendered, which is not judged'))).toBe(true);

    const without = await tempRepo({ ...files, 'gen/template.yaml': HEAD + API_SKELETON + PUBLISH_REGISTER });
    const plain = await gitops(without, ['templates', 'test', '--format', 'json']);
    const errors = found(plain.stdout).filter(d => d.severity === 'error');
    expect(errors.some(d => d.ruleId === 'template-output-invalid' && d.message.includes('placeholder-target-missing'))).toBe(true);
    expect(errors.some(d => d.ruleId === 'template-expectation')).toBe(true);
    expect(plain.status).toBe(1);
  }, 90_000);

  it('templates render: says the register file is not judged, and exits 0', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'gen/template.yaml': HEAD + GENERATE + PUBLISH_REGISTER, 'values.yaml': 'name: demo\nrepoUrl: github.com?owner=acme&repo=demo\n' });
    const run = await runBin(['templates', 'render', 'gen/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('template-register-file-missing');
    expect(run.stdout).toContain('ℹ not judged: ');
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }, 60_000);
});

const FETCH_TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: api-from-system
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - title: System
      required: [name, system]
      properties:
        name:
          type: string
        system:
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter: [{kind: System}]
  steps:
    - id: sys
      name: Fetch the system
      action: catalog:fetch
      input:
        entityRef: \${{ parameters.system }}
    - id: render
      name: Render
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          system: \${{ parameters.system }}
          owner: \${{ steps.sys.output.entity.spec.owner }}
          slug: \${{ steps.sys.output.entity.metadata.annotations['github.com/project-slug'] }}
`;

const FETCH_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
  annotations:
    github.com/project-slug: \${{ values.slug }}
spec:
  type: service
  lifecycle: experimental
  owner: \${{ values.owner }}
  system: \${{ values.system }}
`;

const SYSTEM = `  - apiVersion: backstage.io/v1alpha1
    kind: System
    metadata:
      name: Payments
      annotations:
        github.com/project-slug: acme/payments
    spec:
      owner: group:default/team-b
`;

describe('output built from catalog:fetch of an entity no catalog known here holds', () => {
  const files = { 'gitops.config.yaml': CONFIG, 't/template.yaml': FETCH_TEMPLATE, 't/skeleton/catalog-info.yaml': FETCH_INFO, 't/skeleton/notes.json': '{"name": "${{ values.name }}",}\n' };

  it('templates test: its findings are notes that blame the stand-in, not errors blaming the skeleton; another file is still judged', async () => {
    const root = await tempRepo({ ...files, 't/tests/default.yaml': 'name: default\nvalues:\n  name: demo\n  system: system:default/payments\nsnapshot: false\n' });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const diagnostics = found(run.stdout);
    const errors = diagnostics.filter(d => d.severity === 'error');
    expect(errors.filter(d => d.message.includes('catalog-info.yaml'))).toEqual([]);
    expect(errors.some(d => d.ruleId === 'template-output-invalid' && d.message.startsWith('notes.json'))).toBe(true);
    const notes = diagnostics.filter(d => d.ruleId === 'template-output-not-judged');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every(d => d.severity === 'info' && d.message.includes('step sys (catalog:fetch)'))).toBe(true);
  }, 60_000);

  it('templates test: a case that gives the entity under entities: renders it, as the live catalog would', async () => {
    const root = await tempRepo({
      ...files,
      't/skeleton/notes.json': '{"name": "${{ values.name }}"}\n',
      't/tests/default.yaml': `name: default\nvalues:\n  name: demo\n  system: system:default/payments\nentities:\n${SYSTEM}expect:\n  contains:\n    catalog-info.yaml: ['owner: group:default/team-b', 'github.com/project-slug: acme/payments']\nsnapshot: false\n`,
    });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const diagnostics = found(run.stdout);
    expect(diagnostics).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);
});

const EDIT_TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: edit-deployment
  tags: [hidden]
spec:
  owner: group:default/team-a
  type: resource
  parameters:
    - title: Version
      required: [chartTag]
      properties:
        chartTag:
          type: string
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: Upgrading \${{ parameters.name }} in \${{ parameters.namespace }} to \${{ parameters.chartTag }} for \${{ parameters.team }}
`;

describe('a parameter a test case passes though no page declares it (?formData=)', () => {
  const files = { 'gitops.config.yaml': CONFIG, 't/template.yaml': EDIT_TEMPLATE, 't/tests/default.yaml': 'name: prefilled\nvalues: {name: web, namespace: prod, chartTag: 1.2.3}\nsnapshot: false\n' };

  for (const command of [['templates', 'test'], ['check']]) {
    it(`${command.join(' ')}: no finding for those the case gives; one naming ?formData= for the rest`, async () => {
      const root = await tempRepo(files);
      const run = await gitops(root, [...command, '--format', 'json']);
      expectCleanStderr(run);
      const unknown = found(run.stdout).filter(d => d.ruleId === 'template-unknown-parameter');
      expect(unknown.map(d => d.message.split(' ')[0])).toEqual(['parameters.team']);
      expect(unknown[0].message).toContain('?formData=');
      expect(run.status).toBe(1);
    }, 60_000);
  }
});
