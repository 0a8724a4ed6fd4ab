import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const require = createRequire(import.meta.url);
// The OASIS SARIF 2.1.0 schema as the schemastore package ships it ($id: oasis-tcs/sarif-spec sarif-schema-2.1.0.json).
const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('schemastore/schemas/json/sarif-2.1.0.json'), 'utf8'));
const ajvFormats = require('ajv-formats');

function sarifValidator() {
  // The schema's language pattern is not valid with the u flag (a stray ']'); ajv compiles it as JavaScript would.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats(ajv);
  return ajv.compile(SARIF_SCHEMA);
}

const component = (name: string, lifecycle: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: team-a\n`;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
// File names a URI must encode: a space, '#', '%', '?', a tab.
const ODD = 'svc/odd #1 100%?.yaml';
const TAB = 'svc/tab\tname.yaml';

async function oddRepo() {
  return tempRepo({ 'gitops.config.yaml': 'catalog:\n  policies: schemas/policy\n', 'org.yaml': group, [ODD]: component('odd', 'beta'), [TAB]: component('tabbed', 'production').replace('owner: team-a', 'owner: team-b') }, { policies: true });
}

/** Lines added above every finding: a comment block at the top of each file. */
async function shiftLines(root: string) {
  for (const file of [ODD, TAB]) await writeFile(join(root, file), `# moved down\n# by a comment\n\n${readFileSync(join(root, file), 'utf8')}`);
}

type SarifLog = { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string } }[] } }; results: { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };

describe('SARIF and JUnit outputs meet their standards (shipped bin)', () => {
  it('SARIF validates against the official 2.1.0 schema for any file name, with every rule described', async () => {
    const root = await oddRepo();
    const run = runCli(['check', '--format', 'sarif'], root);
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as SarifLog;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const uris = log.runs[0].results.map(r => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain('svc/odd%20%231%20100%25%3F.yaml');
    expect(uris).toContain('svc/tab%09name.yaml');
    const rules = log.runs[0].tool.driver.rules;
    for (const rule of rules) {
      expect([rule.shortDescription.text, rule.fullDescription.text, rule.help.text].every(t => t.length > 0), rule.id).toBe(true);
    }
    expect(rules.find(r => r.id === 'policy/allowed-lifecycles')).toMatchObject({
      shortDescription: { text: "Components and APIs use one of the org's lifecycles" },
      help: { text: 'Use experimental, production or deprecated; other values break lifecycle filters in the catalog UI.' },
    });
    expect(log.runs[0].results.map(r => r.ruleId)).toEqual(expect.arrayContaining(['policy/allowed-lifecycles', 'policy/source-repository', 'ref-unresolved']));
  });

  it('the schema check can fail: an unencoded file name is not a URI reference', () => {
    const validate = sarifValidator();
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'svc/odd #1 100%.yaml' } } }] }] }] };
    expect(validate(log)).toBe(false);
  });

  it('SARIF fingerprints and JUnit test case names survive line moves; the line is in the failure text', async () => {
    const root = await oddRepo();
    const before = { sarif: JSON.parse(runCli(['check', '--format', 'sarif'], root).stdout) as SarifLog, junit: runCli(['check', '--format', 'junit'], root).stdout };
    await shiftLines(root);
    const after = { sarif: JSON.parse(runCli(['check', '--format', 'sarif'], root).stdout) as SarifLog, junit: runCli(['check', '--format', 'junit'], root).stdout };
    const lines = (log: SarifLog) => log.runs[0].results.map(r => r.locations[0].physicalLocation.region.startLine);
    expect(lines(after.sarif)).toEqual(lines(before.sarif).map(l => l + 3));
    const prints = (log: SarifLog) => log.runs[0].results.map(r => r.partialFingerprints['backstageGitopsFinding/v1']);
    expect(prints(after.sarif)).toEqual(prints(before.sarif));
    expect(new Set(prints(before.sarif)).size).toBe(before.sarif.runs[0].results.length);
    expect(before.sarif.runs[0].results.length).toBeGreaterThan(4);
    const names = (xml: string) => [...xml.matchAll(/<testcase classname="[^"]*" name="([^"]*)"/g)].map(m => m[1]);
    expect(names(after.junit)).toEqual(names(before.junit));
    expect(names(before.junit)).toContain('ref-unresolved component:default/tabbed: spec.owner refers to group:default/team-b, which is not defined in this catalog.');
    expect(before.junit).toContain('at svc/tab\tname.yaml:8:10</failure>');
    expect(after.junit).toContain('at svc/tab\tname.yaml:11:10</failure>');
  });
});
