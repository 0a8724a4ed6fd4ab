import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// fresh9: the error for a gitops.config.yaml that breaks its schema ended "See schemas/gitops-config.schema.json",
// a path of the control repo; with `check --root ../other-repo` no such file is in the repository checked.
// The same hint named the toolkit's template-test and scorecards schemas. They now name the toolkit's own file.
const schemaNamed = (text: string, name: string) => {
  const path = new RegExp(`See (\\S*${name}\\.schema\\.json)`).exec(text)?.[1];
  expect(path, text).toBeDefined();
  return path!;
};

describe("the toolkit's schemas named where they are (through the bin)", () => {
  it('check --root <another repo> with a config error names a schema file that exists', async () => {
    const other = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  rots: [catalog-info.yaml]\n' });
    const run = await runBin(['check', '--root', other], REPO_ROOT);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("gitops.config.yaml:2:3: unknown key 'rots' under catalog");
    const path = schemaNamed(run.stderr, 'gitops-config');
    expect(isAbsolute(path)).toBe(true);
    expect(path).toBe(`${REPO_ROOT}schemas/gitops-config.schema.json`);
    expect(existsSync(path) && JSON.parse(readFileSync(path, 'utf8')).title).toContain('gitops.config.yaml');
    expect(existsSync(`${other}/schemas/gitops-config.schema.json`)).toBe(false);
  });

  it('templates test and scorecards name the toolkit\'s template-test and scorecards schemas', async () => {
    const templates = await templateRepo([], {
      'templates/t/template.yaml': templateHead('t'),
      'templates/t/tests/bad.yaml': 'name: a case\nvalues: {name: x}\nbogus: 1\n',
    });
    const test = await runBin(['templates', 'test', '--format', 'json'], templates);
    expect(test.stdout, test.stderr).not.toBe('');
    const hints = (JSON.parse(test.stdout).diagnostics as { ruleId: string; hint: string }[]).filter(d => d.ruleId === 'template-test-invalid').map(d => d.hint);
    expect(hints.length).toBeGreaterThan(0);
    // Read from the repository the command ran in, as the user would open it.
    for (const hint of hints) expect(existsSync(resolve(templates, schemaNamed(hint, 'template-test')))).toBe(true);
    const head = 'apiVersion: scorecards.acme.example/v1alpha1\n';
    const scorecards = await tempRepo({
      'scorecards/config.yaml': `${head}kind: ScorecardConfig\ntarget: { jsonfc: 0.10.0, features: {} }\nlevels: [{ id: bronze, name: Bronze, rank: 1 }]\noutput: backstage-config/ti.yaml\n`,
      'scorecards/checks/c.yaml': `${head}kind: Check\nid: c\n`,
    });
    const run = await runBin(['scorecards', '--format', 'json'], scorecards);
    const schemaHints = (JSON.parse(run.stdout).diagnostics as { ruleId: string; hint: string }[]).filter(d => d.ruleId === 'scorecard-schema').map(d => d.hint);
    expect(schemaHints.length).toBeGreaterThan(0);
    for (const hint of schemaHints) expect(existsSync(resolve(scorecards, schemaNamed(hint, 'scorecards')))).toBe(true);
  });
});
