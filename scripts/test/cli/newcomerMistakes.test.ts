import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// The mistakes a newcomer makes first, through the shipped bin: each finding's hint must lead to the fix of
// the mistake, never to a step that would cement it (allowing a misspelt kind, regenerating CODEOWNERS from
// a misspelt owner).
const FILE = 'catalog/systems/orders/entities.yaml';

interface Finding { ruleId: string; message: string; hint?: string; file: string; range: { start: { line: number; column: number } } }

describe('newcomer mistakes: the hints lead to the fix', () => {
  let root: string;
  let original: string;
  beforeAll(async () => {
    root = await dataRepoCopy();
    original = readFileSync(join(root, FILE), 'utf8');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function checkWith(edit: (text: string) => string): Promise<Finding[]> {
    writeFileSync(join(root, FILE), edit(original));
    try {
      const run = await runBin(['check', '--format', 'json'], root);
      expect(run.status).toBe(1);
      return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    } finally {
      writeFileSync(join(root, FILE), original);
    }
  }

  it('a misspelt kind: catalog-rule-denied says to correct the kind, not to allow the typo in catalog.rules', async () => {
    const diagnostics = await checkWith(text => text.replace('kind: Component\nmetadata:\n  name: orders-api\n', 'kind: Componnet\nmetadata:\n  name: orders-api\n'));
    expect(diagnostics.filter(d => d.ruleId === 'entity-kind-unknown').map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${FILE}:14`]);
    expect(diagnostics.find(d => d.ruleId === 'entity-kind-unknown')?.hint).toMatch(/^Did you mean Component\? Known kinds: /);
    const denied = diagnostics.filter(d => d.ruleId === 'catalog-rule-denied');
    expect(denied.map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${FILE}:14`]);
    expect(denied[0].hint).toMatch(/^Componnet is not a kind the managed Backstage knows \(entity-kind-unknown on this line\): correct the kind first\./);
    // The references to the component point back at the misspelt kind, not only at the misspelt ref.
    const unresolved = diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(unresolved.length).toBeGreaterThan(0);
    for (const d of unresolved) expect(d.hint).toBe(`Did you mean componnet:default/orders-api? If component is the kind meant, correct the kind written at ${FILE}:14:7 ("Componnet") instead.`);
  }, 60_000);

  it('an over-indented first key of a block: one yaml-syntax on that line, not on the well-indented keys the parser flags after it', async () => {
    // The parser flags line 21 on (the keys that are right), because line 20 set the block's column.
    const diagnostics = await checkWith(text => text.replace('    github.com/project-slug: "acme/orders-api"', '      github.com/project-slug: "acme/orders-api"'));
    const syntax = diagnostics.filter(d => d.ruleId === 'yaml-syntax');
    expect(syntax.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([`${FILE}:20:7`]);
    expect(syntax[0].message).toMatch(/^All mapping items must start at the same column\. Line 20 starts at column 7, but the line\(s\) of the same block from line 21 on start at column 5: the parser takes the block's first line as its column and flags the lines after it\. Move line 20 to column 5\. The parser also flags 4 later line\(s\) of this document, which follow from this one\. Backstage then fails/);
  }, 60_000);

  it('an over-indented first key under spec: reported on it with the column to move it to; an under-indented line stays on itself', async () => {
    const original = (text: string) => text.replace(/(\nspec:\n)  type: service\n/, '$1   type: service\n');
    const edited = original(readFileSync(join(root, FILE), 'utf8'));
    const line = edited.split('\n').indexOf('   type: service') + 1;
    expect(line).toBeGreaterThan(0);
    const syntax = (await checkWith(original)).filter(d => d.ruleId === 'yaml-syntax');
    expect(syntax.map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual([`${line}:4`]);
    expect(syntax[0].message).toContain(`Line ${line} starts at column 4, but the line(s) of the same block from line ${line + 1} on start at column 3`);
    expect(syntax[0].message).toContain(`Move line ${line} to column 3.`);
    // An under-indented line that is the odd one out is still reported on itself.
    const under = (await checkWith(text => text.replace('  description: \'.NET 8', ' description: \'.NET 8'))).filter(d => d.ruleId === 'yaml-syntax');
    expect(under.map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual(['17:2']);
  }, 60_000);

  it('a key indented deeper than the key above it: one yaml-syntax on that key saying where to move it, not two parser errors at the value above', async () => {
    // Below a plain value (name: orders-api), YAML reads the deeper key as more of that value.
    const plain = (await checkWith(text => text.replace("  name: orders-api\n  description: '.NET 8", "  name: orders-api\n    description: '.NET 8"))).filter(d => d.ruleId === 'yaml-syntax');
    expect(plain.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([`${FILE}:17:5`]);
    expect(plain[0].message).toMatch(/^Line 17 starts at column 5, deeper than the key on line 16 \(column 3\), so YAML reads it as more of line 16's value, and a value cannot hold "key: value"\. Move line 17 to column 3 if it is a key beside line 16's\. Backstage then fails/);
    // Below a quoted value, YAML reports the deeper line itself (BAD_INDENT): the same words.
    const quoted = (await checkWith(text => text.replace('    backstage.io/techdocs-ref: "dir:./docs-site"', '      backstage.io/techdocs-ref: "dir:./docs-site"'))).filter(d => d.ruleId === 'yaml-syntax');
    expect(quoted.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([`${FILE}:21:7`]);
    expect(quoted[0].message).toMatch(/^Line 21 starts at column 7, deeper than the key on line 20 \(column 5\), whose value is complete on its line, so nothing can nest under it\. Move line 21 to column 5 if it is a key beside line 20's\.( The parser also flags \d+ later line\(s\) of this document, which follow from this one\.)? Backstage then fails/);
    const configFile = join(root, 'gitops.config.yaml');
    const config = readFileSync(configFile, 'utf8');
    const lines = config.split('\n');
    const at = lines.findIndex(line => line.startsWith('failOn:'));
    lines[at] = `  ${lines[at]}`;
    writeFileSync(configFile, lines.join('\n'));
    try {
      const run = await runBin(['check'], root);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`backstage-gitops check: gitops.config.yaml:${at + 1}:3: YAML syntax error: Line ${at + 1} starts at column 3, deeper than the key on line ${at} (column 1), so YAML reads it as more of line ${at}'s value, and a value cannot hold "key: value". Move line ${at + 1} to column 1 if it is a key beside line ${at}'s.\nFix the file and run again.\n`);
    } finally {
      writeFileSync(configFile, config);
    }
  }, 60_000);

  it('git conflict markers left in a catalog file, a template and gitops.config.yaml: said as an unresolved merge at the first marker, not as the parser\'s cascade', async () => {
    const conflicted = (text: string, from: string, ours: string, theirs: string) => {
      if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
      return text.replace(from, `<<<<<<< HEAD\n${ours}=======\n${theirs}>>>>>>> feature/orders-rename\n`);
    };
    const line = original.split('\n').indexOf("  description: '.NET 8 Web API that accepts and tracks customer orders.'") + 1;
    const diagnostics = await checkWith(t => conflicted(t, "  description: '.NET 8 Web API that accepts and tracks customer orders.'\n", '  description: Orders API.\n', '  description: The orders service.\n'));
    const syntax = diagnostics.filter(d => d.file === FILE && d.ruleId.startsWith('yaml-'));
    expect(syntax.map(d => `${d.ruleId} ${d.range.start.line}:${d.range.start.column} ${d.message}`)).toEqual([
      `yaml-syntax ${line}:1 This file holds an unresolved git merge conflict (<<<<<<< at line ${line}, ======= at line ${line + 2}, >>>>>>> at line ${line + 4}): the marker lines are not YAML, so the document does not parse. Backstage then fails the whole Location in catalog/systems/locations.yaml that reads this file: every entity that Location reads is lost (new ones never appear, existing ones stop updating), not just this one.`,
    ]);
    expect(syntax[0].hint).toMatch(/^Resolve the conflict: keep the lines you want from each side, delete the <<<<<<<, ======= and >>>>>>> lines/);
    // The branch name after the marker is the author's text: it is not repeated.
    expect(JSON.stringify(diagnostics)).not.toContain('feature/orders-rename');

    const template = 'templates/dotnet-webapi/template.yaml';
    const templateText = readFileSync(join(root, template), 'utf8');
    const owner = templateText.split('\n').findIndex(l => l.startsWith('  owner:')) + 1;
    expect(owner).toBeGreaterThan(0);
    writeFileSync(join(root, template), templateText.replace(/^( {2}owner: .*\n)/m, '<<<<<<< HEAD\n$1=======\n  owner: group:default/other\n>>>>>>> main\n'));
    try {
      const run = await runBin(['check', '--format', 'json'], root);
      expect(run.status).toBe(1);
      const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.file === template && d.ruleId === 'yaml-syntax');
      expect(found.map(d => `${d.range.start.line}: ${d.message.slice(0, 60)}`)).toEqual([`${owner}: This file holds an unresolved git merge conflict (<<<<<<< at`]);
    } finally {
      writeFileSync(join(root, template), templateText);
    }

    const configFile = join(root, 'gitops.config.yaml');
    const config = readFileSync(configFile, 'utf8');
    const roots = config.split('\n').findIndex(l => l.startsWith('  roots:')) + 1;
    writeFileSync(configFile, config.replace(/^( {2}roots:.*\n)/m, '<<<<<<< HEAD\n$1=======\n  roots: [catalog/]\n>>>>>>> main\n'));
    try {
      const run = await runBin(['check'], root);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`backstage-gitops check: gitops.config.yaml:${roots}:1: unresolved git merge conflict (<<<<<<< at line ${roots}, ======= at line ${roots + 2}, >>>>>>> at line ${roots + 4}): the marker lines are not YAML.\nResolve the conflict: keep the lines you want from each side, delete the <<<<<<<, ======= and >>>>>>> lines, and run again.\n`);
    } finally {
      writeFileSync(configFile, config);
    }
  }, 120_000);

  it('an over-indented line in gitops.config.yaml: one tool-error line at the key, naming the columns above it', async () => {
    const configFile = join(root, 'gitops.config.yaml');
    const config = readFileSync(configFile, 'utf8');
    const lines = config.split('\n');
    const at = lines.findIndex(line => line.startsWith('  rootLocationType:'));
    lines[at] = ` ${lines[at]}`;
    writeFileSync(configFile, lines.join('\n'));
    try {
      const run = await runBin(['check'], root);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`backstage-gitops check: gitops.config.yaml:${at + 1}:4: YAML syntax error: Line ${at + 1} starts at column 4, deeper than the key on line ${at} (column 3), whose value is complete on its line, so nothing can nest under it. Move line ${at + 1} to column 3 if it is a key beside line ${at}'s.\nFix the file and run again.\n`);
      // The first key under catalog: over-indented: the tool error names that line, not the next one.
      const first = config.split('\n');
      const key = first.findIndex(line => line.startsWith('  roots:'));
      first[key] = ` ${first[key]}`;
      writeFileSync(configFile, first.join('\n'));
      const run2 = await runBin(['check'], root);
      expect(run2.status).toBe(2);
      expect(run2.stderr).toMatch(new RegExp(`^backstage-gitops check: gitops\\.config\\.yaml:${key + 1}:4: YAML syntax error: All mapping items must start at the same column\\. Line ${key + 1} starts at column 4, but the line\\(s\\) of the same block from line ${key + 2} on start at column 3: .* Move line ${key + 1} to column 3\\.\\nFix the file and run again\\.\\n$`));
    } finally {
      writeFileSync(configFile, config);
    }
  }, 60_000);

  it('a misspelt $text path: the placeholder says which file was meant, and the stranded definition points back at it instead of asking for a Location target', async () => {
    const text = readFileSync(join(root, FILE), 'utf8');
    const line = text.split('\n').indexOf('    $text: ./definitions/orders-openapi.yaml') + 1;
    expect(line).toBeGreaterThan(0);
    const diagnostics = await checkWith(t => t.replace('$text: ./definitions/orders-openapi.yaml', '$text: ./definitions/order-openapi.yaml'));
    const missing = diagnostics.filter(d => d.ruleId === 'placeholder-target-missing');
    expect(missing.map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${FILE}:${line}`]);
    expect(missing[0].hint).toMatch(/^Did you mean \.\/definitions\/orders-openapi\.yaml\? /);
    const stranded = diagnostics.filter(d => d.ruleId === 'location-unreachable');
    expect(stranded.map(d => d.file)).toEqual(['catalog/systems/orders/definitions/orders-openapi.yaml']);
    expect(stranded[0].message).toBe('catalog/systems/orders/definitions/orders-openapi.yaml holds no Backstage entity (no apiVersion or kind): it reads as an OpenAPI definition, and no API\'s definition ($text, $openapi, …) or $ref names it, so nothing in the catalog reads it.');
    expect(stranded[0].hint).toBe(`The $text at ${FILE}:${line}:5 names "./definitions/order-openapi.yaml", which does not exist: point it at this file (./definitions/orders-openapi.yaml). Do not list this file as a Location target: Backstage fails a Location whose file holds no entity.`);
    expect(stranded[0].hint).not.toMatch(/List it/);
  }, 60_000);

  it('a $text path with .yml where the file is .yaml: the same "Did you mean", YAML\'s two spellings being one kind of file', async () => {
    const diagnostics = await checkWith(t => t.replace('$text: ./definitions/orders-openapi.yaml', '$text: ./definitions/orders-openapi.yml'));
    const missing = diagnostics.filter(d => d.ruleId === 'placeholder-target-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0].hint).toMatch(/^Did you mean \.\/definitions\/orders-openapi\.yaml\? /);
    const stranded = diagnostics.filter(d => d.ruleId === 'location-unreachable');
    expect(stranded[0].hint).toMatch(/names "\.\/definitions\/orders-openapi\.yml", which does not exist: point it at this file \(\.\/definitions\/orders-openapi\.yaml\)/);
  }, 60_000);

  it('a tab in the indentation: one yaml-syntax at the tab saying to indent with spaces, not the parser\'s cascade after it', async () => {
    const lines = original.split('\n');
    const line = lines.indexOf('  type: service') + 1;
    expect(line).toBeGreaterThan(0);
    const diagnostics = await checkWith(t => t.replace('\n  type: service\n', '\n\ttype: service\n'));
    const syntax = diagnostics.filter(d => d.ruleId === 'yaml-syntax' && d.file === FILE);
    expect(syntax.map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual([`${line}:1`]);
    expect(syntax[0].message).toMatch(/^Tabs are not allowed as indentation\. The parser also flags \d+ later error\(s\) of this document, which follow from this tab\./);
    expect(syntax[0].hint).toBe('Indent this line with spaces, to the column of the keys it belongs with: YAML never allows a tab in indentation.');
  }, 60_000);

  it('a stray schema file no $ref names: location-unreachable says it holds no entity and not to list it as a Location target', async () => {
    const stray = join(root, 'catalog/systems/orders/definitions/order-schema.yaml');
    writeFileSync(stray, 'type: object\nproperties:\n  id:\n    type: string\n');
    try {
      const run = await runBin(['check', '--format', 'json'], root);
      const stranded = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-unreachable');
      expect(stranded.map(d => d.file)).toEqual(['catalog/systems/orders/definitions/order-schema.yaml']);
      expect(stranded[0].message).toMatch(/holds no Backstage entity \(no apiVersion or kind\): it reads as a JSON Schema/);
      expect(stranded[0].hint).toMatch(/Do not list it as a Location target: Backstage fails a Location whose file holds no entity\.$/);
    } finally {
      rmSync(stray);
    }
  }, 60_000);

  it('a misspelt value in a skeleton: skeleton-unknown-value names the value the step passes, and writing it makes the file clean', async () => {
    const skeleton = join(root, 'skeletons/node-service/catalog-info.yaml');
    const text = readFileSync(skeleton, 'utf8');
    const line = text.split('\n').indexOf('  system: ${{ values.system }}') + 1;
    expect(line).toBeGreaterThan(0);
    const unknown = async () => {
      const run = await runBin(['check', '--format', 'json'], root);
      return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'skeleton-unknown-value');
    };
    writeFileSync(skeleton, text.replace('${{ values.system }}', '${{ values.sytem }}'));
    try {
      const found = await unknown();
      expect(found.map(d => `${d.file}:${d.range.start.line}`)).toEqual([`skeletons/node-service/catalog-info.yaml:${line}`]);
      expect(found[0].message).toMatch(/^values\.sytem is never passed by templates\/node-service\/template\.yaml, .* Did you mean values\.system\?$/);
      expect(found[0].hint).toBe("Write values.system, which the step passes; or pass sytem in the step's input.values.");
    } finally {
      writeFileSync(skeleton, text);
    }
    expect(await unknown()).toEqual([]);
  }, 60_000);

  it('a skeleton expression left open: skeleton-syntax at the ${{ that lacks its }}, not lines later where the parser gave up', async () => {
    const skeleton = join(root, 'skeletons/node-service/catalog-info.yaml');
    const text = readFileSync(skeleton, 'utf8');
    const lines = text.split('\n');
    const line = lines.indexOf('  owner: ${{ values.owner }}') + 1;
    expect(line).toBeGreaterThan(0);
    writeFileSync(skeleton, text.replace('  owner: ${{ values.owner }}', '  owner: ${{ values.owner }'));
    try {
      const run = await runBin(['check', '--format', 'json'], root);
      const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'skeleton-syntax');
      expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([`skeletons/node-service/catalog-info.yaml:${line}:10`]);
      expect(found[0].message).toMatch(new RegExp(`^This file does not parse as a template: the \\$\\{\\{ here is never closed with \\}\\}, so the parser reads on as one expression until line ${line + 1}, column \\d+ \\(Unexpected character`));
      expect(found[0].hint).toMatch(/^Close it with \}\} /);
    } finally {
      writeFileSync(skeleton, text);
    }
  }, 60_000);

  it('a tag or name in a format Backstage refuses: the hint gives the value it accepts, and writing that value clears the finding', async () => {
    const tagged = (tag: string) => (text: string) => text.replace('tags: [dotnet, service]', `tags: [${tag}, service]`);
    const format = (diagnostics: Finding[]) => diagnostics.filter(d => d.ruleId === 'entity-field-format');
    const found = format(await checkWith(tagged('DotNet')));
    expect(found.map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${FILE}:18`]);
    expect(found[0].hint).toBe('Write "dotnet", which Backstage accepts. See https://backstage.io/docs/features/software-catalog/descriptor-format for the field formats.');
    const named = format(await checkWith(text => text.replace('  name: orders-api\n', '  name: Orders API!\n')));
    expect(named.map(d => d.hint)).toEqual(['Write "Orders-API", which Backstage accepts. See https://backstage.io/docs/features/software-catalog/descriptor-format for the field formats.']);
    // The suggested tag, written as given, is what the repo had: no finding.
    writeFileSync(join(root, FILE), tagged('dotnet')(original));
    const run = await runBin(['check', '--format', 'json'], root);
    expect(format((JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics)).toEqual([]);
  }, 60_000);

  it('a file no Location lists: location-unreachable names the Location nearest it and the line to add, and adding that line reaches it', async () => {
    const locations = join(root, 'catalog/systems/locations.yaml');
    const text = readFileSync(locations, 'utf8');
    expect(text).toContain('    - ./orders/entities.yaml\n');
    const unreachable = async () => {
      const run = await runBin(['check', '--format', 'json'], root);
      return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-unreachable');
    };
    writeFileSync(locations, text.replace('    - ./orders/entities.yaml\n', ''));
    try {
      const found = await unreachable();
      expect(found.map(d => d.file)).toEqual([FILE]);
      expect(found[0].hint).toBe('Add `- ./orders/entities.yaml` to spec.targets in catalog/systems/locations.yaml (or list it, or a glob that matches it, in another Location the root reaches).');
      // Done as said (appended to the targets list): reached again.
      const lines = text.replace('    - ./orders/entities.yaml\n', '').split('\n');
      const last = lines.map(l => l.startsWith('    - ./')).lastIndexOf(true);
      lines.splice(last + 1, 0, '    - ./orders/entities.yaml');
      writeFileSync(locations, lines.join('\n'));
      expect(await unreachable()).toEqual([]);
    } finally {
      writeFileSync(locations, text);
    }
  }, 60_000);

  it('a misspelt owner: the stale CODEOWNERS names that finding and says to fix it before regenerating', async () => {
    const diagnostics = await checkWith(text => text.replace(/(name: orders-api\n[\s\S]*?owner: )commerce-team/, '$1comerce-team'));
    expect(diagnostics.some(d => d.ruleId === 'ref-unresolved' && d.message.includes('comerce-team'))).toBe(true);
    const stale = diagnostics.find(d => d.ruleId === 'codeowners-stale');
    expect(stale?.hint).toMatch(/^Fix the ref-unresolved finding at catalog\/[^ ]+:\d+:\d+, not this file: this finding then goes away\. Only if the change also moves ownership on purpose, run `npx backstage-gitops codeowners --write` after that/);
  }, 60_000);
});

describe('a misspelt owner when groups come from the org provider (init --identity-provider github-org / entra)', () => {
  const files = (owners: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: billing\nspec:\n  owner: ${owners[0]}\n${owners.slice(1).map((owner, n) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-${n}\n  annotations:\n    github.com/project-slug: org/svc-${n}\nspec:\n  type: library\n  lifecycle: experimental\n  owner: ${owner}\n  system: billing\n`).join('')}`;

  it.each([['github', 'github-org'], ['azure', 'entra']] as const)('%s / %s: a name used once beside a near spelling used more is a warning with "Did you mean"; distinct names and an agreed name stay info', async (platform, provider) => {
    const root = await mkdtemp(join(tmpdir(), 'newcomer-owner-'));
    try {
      const repoUrl = platform === 'github' ? 'https://github.com/initech/backstage-control' : 'https://dev.azure.com/initech/Platform/_git/backstage-control';
      const init = await runBin(['init', '--org', 'initech', '--platform', platform, '--repo-url', repoUrl, '--backstage-url', 'https://backstage.initech.example', '--team', 'platform', '--identity-provider', provider], root);
      expect(init.status).toBe(0);
      mkdirSync(join(root, 'catalog/systems/billing'), { recursive: true });
      writeFileSync(join(root, 'catalog/systems/billing/entities.yaml'), files(['billing-team', 'billing-team', 'biling-team', 'billing-team', 'team-a', 'team-b', 'team-b']));
      // init's root Location lists nothing yet: the hint says how to turn `targets: []` into a list.
      const first = await runBin(['check', '--format', 'json'], root);
      const stranded = (JSON.parse(first.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-unreachable');
      expect(stranded.map(d => d.hint)).toEqual(['Replace `targets: []` in catalog/all.yaml with `targets:` and, indented below it, `- ./systems/billing/entities.yaml` (or list it, or a glob that matches it, in another Location the root reaches).']);
      writeFileSync(join(root, 'catalog/all.yaml'), readFileSync(join(root, 'catalog/all.yaml'), 'utf8').replace('targets: []', 'targets:\n    - ./systems/billing/entities.yaml'));
      const run = await runBin(['check', '--format', 'json'], root);
      const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'ref-provided-elsewhere' && d.file.startsWith('catalog/'));
      const warnings = found.filter(d => (d as Finding & { severity: string }).severity === 'warning');
      expect(warnings.map(d => d.message.slice(0, 47))).toEqual(['spec.owner refers to group:default/biling-team,']);
      expect(warnings[0].message).toContain('the repo names it once and group:default/billing-team, spelt almost the same, 3 times');
      expect(warnings[0].hint).toBe('Did you mean group:default/billing-team? If both exist there, nothing to fix; `--catalog-url` checks it against the live catalog.');
      // team-a beside team-b: a changed letter names another team as often as a typo; not offered.
      expect(found.filter(d => d.message.includes('team-a'))[0].hint).toBe('Nothing to fix if it exists there; `--catalog-url` checks it against the live catalog.');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('init: the next step it prints can be run as printed', () => {
  it('names the bin through npx and the token import needs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'init-next-'));
    try {
      const run = await runBin(['init', '--org', 'globex', '--platform', 'github', '--repo-url', 'https://github.com/globex/backstage-control', '--backstage-url', 'https://backstage.globex.example', '--team', 'platform', '--identity-provider', 'entra'], root);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Next: npm ci && npm run check, then BACKSTAGE_TOKEN=… npx backstage-gitops import --url https://backstage.globex.example\n');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('templates render given a test case as --values', () => {
  it('says the file is a test case and that --values takes its values: mapping; a misspelt parameter is said by the preview too', async () => {
    const root = await dataRepoCopy();
    try {
      const out = join(root, 'preview');
      const run = await runBin(['templates', 'render', 'templates/node-service/template.yaml', '--values', 'templates/node-service/tests/default.yaml', '--out', out], root);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('✖ Parameter page 1: values requires property "owner"\n');
      expect(run.stdout).toContain('  hint: templates/node-service/tests/default.yaml looks like a template test case (values:, expect:): --values takes the mapping under its values: key alone.\n');
      // Its own values, passed alone, render.
      const valuesFile = join(root, 'values.yaml');
      const testCase = readFileSync(join(root, 'templates/node-service/tests/default.yaml'), 'utf8');
      writeFileSync(valuesFile, testCase.slice(testCase.indexOf('values:\n') + 'values:\n'.length, testCase.indexOf('expect:')).replace(/^ {2}/gm, ''));
      const ok = await runBin(['templates', 'render', 'templates/node-service/template.yaml', '--values', 'values.yaml', '--out', out], root);
      expect(ok.stdout).not.toContain('hint:');
      expect(ok.status, ok.stdout).toBe(0);
      // A misspelt parameter renders as nothing, silently: the preview says what check says of it, and fails.
      const template = join(root, 'templates/node-service/template.yaml');
      const text = readFileSync(template, 'utf8');
      const line = text.split('\n').findIndex(l => l.includes('${{ parameters.port }}')) + 1;
      writeFileSync(template, text.replace('${{ parameters.port }}', '${{ parameters.prot }}'));
      const typo = await runBin(['templates', 'render', 'templates/node-service/template.yaml', '--values', 'values.yaml', '--out', join(root, 'preview2')], root);
      expect(typo.stdout).toContain(`✖ templates/node-service/template.yaml:${line}:21 parameters.prot is not declared in spec.parameters, so the form never asks for it: it renders as empty unless a caller passes it, in the URL's ?formData= or in the values of POST /api/scaffolder/v2/tasks (the backend validates only the declared pages and lets other keys through). Did you mean parameters.port? (template-unknown-parameter)\n  hint: Fix its name, or declare the parameter. If a caller passes it on purpose (a link with ?formData=, another plugin or automation through POST /api/scaffolder/v2/tasks), declare it on a page with 'ui:widget': hidden (the form keeps the value it is given without showing the field, and the backend then validates it), or give it a value in a test case's values (tests/*.yaml beside the template): it is then taken as passed.\n`);
      expect(typo.status).toBe(1);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
