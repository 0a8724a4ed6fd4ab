import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Findings a tester met on public repositories that Backstage itself would not give (shipped bin).
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
const location = (spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n${spec}`;
const template = (steps: string, extra = '') => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    properties:\n      name: {type: string}\n${extra}  steps:\n${steps}`;

describe('Location spec.presence: optional (DefaultCatalogProcessingOrchestrator → UrlReaderProcessor)', () => {
  it('an optional target that matches nothing is info, and the Location stays whole', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('  presence: optional\n  targets:\n    - ./services/*/catalog-info.yaml\n    - ./optional.yaml\n    - ./org.yaml\n'), 'org.yaml': group('team-a') });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 0, findings: ['location-target-missing@catalog-info.yaml:8:7', 'location-target-missing@catalog-info.yaml:9:7'] });
    expect(diagnostics.map(d => d.severity)).toEqual(['info', 'info']);
  });

  it('a required target that matches nothing stays an error, and its hint never names the Location itself', async () => {
    const root = await tempRepo({ 'catalog/all.yaml': location('  targets:\n    - ./orgs.yaml\n'), 'catalog/org.yaml': group('team-a') });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['location-target-missing@catalog/all.yaml:7:7'] });
    expect(diagnostics[0]).toMatchObject({ severity: 'error', hint: "Did you mean ./org.yaml? Targets are relative to the Location's file." });
  });

  it("a pattern, or a name nothing resembles, gets no far-off file as its guess (seen: ./utils/**/catalog-info.yaml → 'Did you mean ./app-config.yaml?')", async () => {
    const root = await tempRepo({
      'catalog-info.yaml': location('  targets:\n    - ./utils/**/catalog-info.yaml\n    - ./plugins/*/catalog.yaml\n    - ./teams/payments-and-billing.yaml\n'),
      'app-config.yaml': 'app: {title: x}\n',
      'plugins/a/catalog-info.yaml': group('team-a'),
    });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['location-target-missing@catalog-info.yaml:7:7', 'location-target-missing@catalog-info.yaml:8:7', 'location-target-missing@catalog-info.yaml:9:7'] });
    expect(diagnostics.filter(d => d.ruleId === 'location-target-missing').map(d => d.hint)).toEqual([
      "There is no folder utils/ in this repository (or it holds no file). Targets are relative to the Location's file.",
      "plugins/ holds files, but none matches the rest of the pattern. Targets are relative to the Location's file.",
      "Targets are relative to the Location's file.",
    ]);
  });

  it('a target written from the repository root is guessed however far its path is from what Backstage looks for', async () => {
    const root = await tempRepo({ 'catalogs/tekton-pipelines/nested/all.yaml': location('  targets:\n    - catalogs/services/cpp-webserver/template-service.yaml\n'), 'catalogs/services/cpp-webserver/template-service.yaml': group('team-a') });
    const { diagnostics } = checkFindings(root);
    expect(diagnostics.map(d => `${d.ruleId} ${d.hint}`)).toEqual(["location-target-missing Did you mean ../../services/cpp-webserver/template-service.yaml? Targets are relative to the Location's file."]);
  });
});

describe("a Location's spec.type against the type its file is read by (plugin-catalog-backend toAbsoluteUrl)", () => {
  // Seen on shivajichaprana/internal-developer-platform and solunkeyogesh/sample-backstage-repo: the real
  // backend's dry-run (which allows file) refuses both files with "NotFoundError: file ./org.yaml does not exist".
  it('type: file with relative targets in a file read by URL is one error at spec.type; without type the same targets are read', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  allowedLocationTypes: [url, file]\n',
      'catalog/all.yaml': location('  type: file\n  targets:\n    - ./org.yaml\n    - ./users.yaml\n'),
      'catalog/org.yaml': group('team-a'),
      'catalog/users.yaml': group('team-b'),
    });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['location-target-invalid@catalog/all.yaml:6:9'] });
    expect(diagnostics[0].message).toContain('reads each relative target (here "./org.yaml") from the Backstage server\'s disk');
    expect(diagnostics[0].hint).toMatch(/^Remove spec\.type \(a Location takes the type its file is read by\) or write type: url, keeping the relative target\. The gate reads this file as url/);
    const untyped = await tempRepo({ 'catalog/all.yaml': location('  targets:\n    - ./org.yaml\n'), 'catalog/org.yaml': group('team-a') });
    expect(checkFindings(untyped)).toMatchObject({ status: 0, findings: [] });
  });

  it('an absolute file path is the server\'s own file (not checked offline); a root registered as a file reads relative file targets', async () => {
    const absolute = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  allowedLocationTypes: [url, file]\n', 'catalog/all.yaml': location('  type: file\n  targets:\n    - /srv/catalog/org.yaml\n'), 'catalog/org.yaml': group('team-a') });
    const { status, diagnostics } = checkFindings(absolute);
    expect({ status, rules: diagnostics.map(d => `${d.ruleId}:${d.severity}`) }).toEqual({ status: 0, rules: ['location-target-external:info'] });
    const fileRoot = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: file\n  allowedLocationTypes: [url, file]\n',
      'catalog/all.yaml': location('  type: file\n  targets:\n    - ./org.yaml\n'),
      'catalog/org.yaml': group('team-a'),
    });
    expect(checkFindings(fileRoot)).toMatchObject({ status: 0, findings: [] });
  });
});

describe('skeletons are not catalog files in discovery', () => {
  it('a fetch:template step written as a $yaml placeholder still marks its skeleton folder', async () => {
    const root = await tempRepo({
      'org.yaml': group('team-a'),
      'template.yaml': template('    - $yaml: ./steps/fetch.yaml\n'),
      'steps/fetch.yaml': 'id: template\naction: fetch:template\ninput:\n  url: ./skeleton\n  values:\n    name: ${{ parameters.name }}\n',
      'skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\n  {%- if values.description %}\n  description: ${{ values.description }}\n  {%- endif %}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:team-a\n',
    });
    expect(checkFindings(root)).toMatchObject({ status: 0, findings: [] });
  });

  it('a document with ${{ }} expressions that no step fetches is a skeleton: no duplicate, no unresolved ref', async () => {
    const skeleton = (system: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \${{values.name | dump}}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:team-a\n  system: ${system}\n`;
    const root = await tempRepo({
      'org.yaml': group('team-a'),
      'template.yaml': template('    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton/sub\n        values:\n          name: ${{ parameters.name }}\n'),
      'skeleton/sub/README.md': '# ${{ values.name }}\n',
      'skeleton/catalog-info.yaml': skeleton('${{values.system}}'),
      'other/skeleton/catalog-info.yaml': skeleton('${{ values.system }}'),
      'broken/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  {%- if values.y %}\n  title: y\n  {%- endif %}\n',
    });
    expect(checkFindings(root)).toMatchObject({ status: 0, findings: [] });
  });

  it('in roots mode a Location that lists such a file makes Backstage read it: it is judged', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [all.yaml]\n',
      'all.yaml': location('  targets: [./org.yaml, ./skeleton/catalog-info.yaml]\n'),
      'org.yaml': group('team-a'),
      'skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:team-a\n',
    });
    const { status, findings } = checkFindings(root);
    expect(status).toBe(1);
    expect(findings).toContain('entity-field-format@skeleton/catalog-info.yaml:4:9');
  });
});

describe('placeholders at absolute URLs (PlaceholderProcessor reads them at ingestion, before validation)', () => {
  it('no schema, kind or template finding comes from the unread value; one info per entity says so', async () => {
    const root = await tempRepo({
      'org.yaml': `${group('team-a')}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-b\nspec:\n  type: team\n  children: []\n  members: {$json: https://example.com/members.json}\n`,
      'template.yaml': template('    - $yaml: https://github.com/acme/x/blob/main/steps/fetch.yaml\n    - $yaml: https://github.com/acme/x/blob/main/steps/publish.yaml\n', '').replace('  parameters:\n    properties:\n      name: {type: string}\n', '  parameters:\n    - $yaml: https://github.com/acme/x/blob/main/parameters/basic.yaml\n') + '  output:\n    links:\n      - url: ${{ steps.publish.output.remoteUrl }}\n        title: ${{ parameters.name }}\n',
    });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 0, findings: ['placeholder-not-read@org.yaml:16:12', 'placeholder-not-read@template.yaml:9:7'] });
    expect(diagnostics.every(d => d.severity === 'info')).toBe(true);
    expect(diagnostics.find(d => d.file === 'template.yaml')?.message).toContain('and 2 more placeholders');
  });

  it('a $text at a URL gets the same one note, and nothing else', async () => {
    const api = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: https://api.example.com/v1/openapi.yaml\n';
    const root = await tempRepo({ 'catalog.yaml': `${group('team-a')}---\n${api}` });
    expect(checkFindings(root)).toMatchObject({ status: 0, findings: ['placeholder-not-read@catalog.yaml:18:5'] });
  });

  it('a relative placeholder is still read and judged', async () => {
    // The value it reads is one name where Group wants a list: Backstage refuses the entity before it emits
    // relations, so the schema error is the one finding (no ref-unresolved on the same value).
    const root = await tempRepo({ 'org.yaml': `${group('team-a')}`.replace('children: []', 'children: []\n  members: {$json: ./members.json}'), 'members.json': '"jane"' });
    expect(checkFindings(root).findings).toEqual(['entity-kind-schema@org.yaml:8:12']);
  });
});

describe('relation fields pointing at other kinds than the usual ones (BuiltinKindsEntityProcessor relates any kind)', () => {
  const system = 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: s\nspec:\n  owner: domain:d\n';
  const domain = 'apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: d\nspec:\n  owner: team-a\n';

  it('a System owned by a Domain is a warning naming Group or User, not an error', async () => {
    const root = await tempRepo({ 'catalog.yaml': `${group('team-a')}---\n${domain}---\n${system}` });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 0, findings: ['ref-kind-not-allowed@catalog.yaml:21:10'] });
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining('usually a Group or User') });
  });

  it('with catalog.modules the ModelProcessor drops the relation: an error', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  modules: ["@backstage/plugin-catalog-backend-module-ai-model"]\n', 'catalog.yaml': `${group('team-a')}---\n${domain}---\n${system}` });
    const { status, diagnostics } = checkFindings(root);
    expect(status).toBe(1);
    expect(diagnostics.filter(d => d.ruleId === 'ref-kind-not-allowed')).toMatchObject([{ severity: 'error', message: expect.stringContaining('drops this relation') }]);
  });
});

describe('metadata.annotations as ProcessorOutputCollector leaves it (`annotations || {}` before validation)', () => {
  const component = (name: string, metadata: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${metadata}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
  it("an empty annotations: (seen on goafabric/backstage) is ingested, so it is no finding; an empty labels: or a string annotations is still one", async () => {
    const root = await tempRepo({
      'org.yaml': group('team-a'),
      'a.yaml': component('a', '  annotations:\n\n'),
      'b.yaml': component('b', "  annotations: ''\n"),
      'c.yaml': component('c', '  labels:\n'),
      'd.yaml': component('d', '  annotations: none\n'),
    });
    const { status, findings } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['entity-schema@c.yaml:5:3', 'entity-schema@d.yaml:5:3'] });
  });
});

describe('a spec field written at the top level (1-Platform/one-platform: dependsOn under a Resource, unindented)', () => {
  // Backstage refuses the whole entity ("Malformed envelope, <root> must NOT have additional properties");
  // the hint says where the field belongs instead of pointing at the descriptor-format page.
  it('names spec.<field> for a relation field of the kind, and says to indent it otherwise', async () => {
    const resource = (extra: string) => `apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db\nspec:\n  type: database\n  owner: group:team-a\n${extra}`;
    const root = await tempRepo({ 'org.yaml': group('team-a'), 'db.yaml': resource('dependsOn:\n  - resource:default/other\n'), 'cache.yaml': resource('lifecycle: production\n').replace('name: db', 'name: cache') });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['entity-schema@cache.yaml:8:1', 'entity-schema@db.yaml:8:1'] });
    expect(diagnostics.map(d => `${d.file}: ${d.hint}`)).toEqual([
      'cache.yaml: Only apiVersion, kind, metadata and spec may sit at the top level, and Backstage refuses the whole entity otherwise: if lifecycle belongs to the entity, indent it under spec: or metadata:.',
      'db.yaml: dependsOn is a field of spec (spec.dependsOn) written at the top level: indent it under spec:. As it is, Backstage refuses the whole entity.',
    ]);
  });
});

describe('a location annotation parseLocationRef refuses (RoadieHQ/backstage-entity-validator sample)', () => {
  // The catalog stores such an entity (dry-run 201); TechDocs (dir: refs) and the scaffolder (POST /v2/tasks
  // of a Template: 500 "Invalid location ref …") stop on it later. The finding says so, not only the parse error.
  it('says what stops on it, since Backstage itself ingests the entity', async () => {
    const component = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n    backstage.io/source-location: https://github.com/acme/svc/tree/main/\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n`;
    const root = await tempRepo({ 'org.yaml': group('team-a'), 'svc.yaml': component });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['annotation-location-ref@svc.yaml:6:35'] });
    expect(diagnostics[0].message).toContain("please prefix it with 'url:'");
    expect(diagnostics[0].message).toContain('Backstage stores the entity, but what reads its source location stops with this error: TechDocs when techdocs-ref is dir:…, and the scaffolder when the entity is a Template');
  });
});
