// `check --list-rules` as a tool reads it (JSON, for rule pages and editor hints) and as a log shows it: the org
// policies' titles come from the repository, so a pull request's policy must not write a CI command there.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

type Rule = { ruleId: string; severity: string; description: string; example?: string; source: string };

describe('check --list-rules --format', () => {
  it('json: one array of the toolkit rules with examples, then the org policies; other formats are a usage error', async () => {
    const repo = await dataRepoCopy();
    const policy = join(repo, 'schemas/policy/tag-format.schema.json');
    const schema = JSON.parse(readFileSync(policy, 'utf8')) as { title: string };
    schema.title = 'Tags\n::error title=forged::gate passed ##vso[task.complete result=Succeeded;]';
    writeFileSync(policy, JSON.stringify(schema));

    const [json, text, sarif] = await Promise.all([
      runBin(['check', '--list-rules', '--format', 'json'], repo),
      runBin(['check', '--list-rules'], repo),
      runBin(['check', '--list-rules', '--format', 'sarif'], repo),
    ]);
    expect(json.status, json.stderr).toBe(0);
    const rules = JSON.parse(json.stdout) as Rule[];
    const unresolved = rules.find(r => r.ruleId === 'ref-unresolved');
    expect(unresolved).toMatchObject({ severity: 'error', source: 'toolkit' });
    expect(unresolved?.example).toBeTruthy();
    const tags = rules.find(r => r.ruleId === 'policy/tag-format');
    expect(tags).toMatchObject({ source: 'org-policy', severity: 'error' });
    expect(tags?.description).toMatch(/^Tags\n::error title=forged::gate passed/);
    expect(rules.findIndex(r => r.source === 'org-policy')).toBeGreaterThan(rules.findLastIndex(r => r.source === 'toolkit'));

    expect(text.status).toBe(0);
    expect(text.stdout).toContain('policy/tag-format  (');
    expect(text.stdout).not.toMatch(/^\s*::error/m);
    expect(text.stdout).not.toContain('##vso[');

    expect(sarif.status).toBe(2);
    expect(sarif.stdout).toBe('');
    expect(sarif.stderr.trim().split('\n')).toHaveLength(1);
    expect(sarif.stderr).toContain('--format json');
  }, 90_000);
});
