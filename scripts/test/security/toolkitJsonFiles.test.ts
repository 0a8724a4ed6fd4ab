import { describe, expect, it } from 'vitest';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 35: the toolkit's own JSON files (the org policies, schemas/techdocs-policy.json, the template
// policy) come with pull requests like any file. readJsonFile took any depth and any shape: a policy nested
// 20,000 levels overflowed Ajv's schema traversal, and a techdocs-policy.json whose `plugins` is not a list,
// or a template policy whose `allowed` is a string, ended check and report (the gate) with "internal error".
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const nested = (levels: number) => `{"x-rule-id": "policy/deep", "properties": {"metadata": ${'{"not": '.repeat(levels)}{}${'}'.repeat(levels)}}}\n`;

describe("the toolkit's JSON files a pull request writes (shipped bin)", () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['an org policy nested 20,000 levels', { 'schemas/policy/deep.schema.json': nested(20_000) }, /^backstage-gitops check: schemas\/policy\/deep\.schema\.json:1:\d+: JSON nesting too deep: this file nests objects or arrays more than 256 levels deep/],
    ['techdocs-policy.json nested 20,000 levels', { 'schemas/techdocs-policy.json': `{"plugins": [], "yamlTags": [], "x": ${'['.repeat(20_000)}${']'.repeat(20_000)}}` }, /^backstage-gitops check: schemas\/techdocs-policy\.json:1:\d+: JSON nesting too deep/],
    ['techdocs-policy.json whose plugins is not a list', { 'schemas/techdocs-policy.json': '{"plugins": "techdocs-core", "yamlTags": []}' }, /^backstage-gitops check: schemas\/techdocs-policy\.json: "plugins" must be a list of strings\.\nFix the file and run again\.\n$/],
    ['techdocs-policy.json whose denied extensions are a list', { 'schemas/techdocs-policy.json': '{"plugins": [], "yamlTags": [], "deniedMarkdownExtensions": ["pymdownx.snippets"]}' }, /^backstage-gitops check: schemas\/techdocs-policy\.json: "deniedMarkdownExtensions" must be an object whose values are strings/],
    // An org policy's report annotations went to the formatters as they were: `x-severity: critical` (or a
    // number) ended the gate with "internal error: tone[d.severity] is not a function", and `toString` printed
    // "[object Object]" for a severity no count or --fail-on knew.
    ...['"critical"', '"toString"', '5'].map((severity): [string, Record<string, string>, RegExp] => [`an org policy whose x-severity is ${severity}`, { 'schemas/policy/tags.schema.json': `{"x-rule-id": "policy/tags", "x-severity": ${severity}, "properties": {"metadata": {"required": ["tags"]}}}` }, new RegExp(`^backstage-gitops check: schemas/policy/tags\\.schema\\.json: x-severity is ${severity}; it must be "error", "warning" or "info"\\.\nFix the policy and run again\\.\n$`)]),
    ['an org policy whose x-rule-id is not a rule id', { 'schemas/policy/tags.schema.json': '{"x-rule-id": {"id": "x"}, "properties": {"metadata": {"required": ["tags"]}}}' }, /^backstage-gitops check: schemas\/policy\/tags\.schema\.json: x-rule-id must be a rule id such as "policy\/tag-format"/],
  ])('%s: one message naming the file, exit 2, no internal error', async (_, files, message) => {
    const root = await tempRepo({ 'catalog-info.yaml': group, 'gitops.config.yaml': 'catalog:\n  policies: schemas/policy\n', 'schemas/policy/.keep': '', ...files });
    const result = await runBin(['check'], root);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('internal error');
    expect(result.status).toBe(2);
  });

  it('a policy nested 100 levels still compiles and judges', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': group, 'gitops.config.yaml': 'catalog:\n  policies: schemas/policy\n', 'schemas/policy/deep.schema.json': nested(100) });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual([]);
  });

  it.each([
    ['check', ['check']],
    ['templates test', ['templates', 'test']],
  ])('a template policy whose allowed actions are one string: %s says so, exit 2', async (_, args) => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': templateHead('svc') + fetchSkeletonStep(),
      'skeletons/svc/README.md': '# ${{ values.name }}\n',
      'schemas/template-policy/actions.json': '{"allowed": "fetch:template publish:github"}',
    });
    const result = await runBin(args, root);
    expect(result.stderr).toMatch(/: schemas\/template-policy\/actions\.json: "allowed" must be a list of strings\./);
    expect(result.stderr).not.toContain('internal error');
    expect(result.status).toBe(2);
  });
});
