import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// One mistyped Location target strands a file: the target and the stranded file are the errors; what only
// follows from them (references to the file's entities, the definition files it names) says so instead of
// piling up as errors of their own.

interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string; range: { start: { line: number } } }
const LOCATIONS = 'catalog/systems/locations.yaml';
const PAYMENTS = 'catalog/systems/payments-core/entities.yaml';

async function check(root: string) {
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  return { status: run.status, findings: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}
const edit = (root: string, file: string, change: (t: string) => string) => writeFileSync(join(root, file), change(readFileSync(join(root, file), 'utf8')));
const rules = (list: Finding[], severity: string) => [...new Set(list.filter(d => d.severity === severity).map(d => `${d.ruleId}@${d.file}`))].sort();

describe('check: a mistyped Location target', () => {
  it('errors on the target and the stranded file; references into it and its definition files follow as info', async () => {
    const root = await dataRepoCopy();
    edit(root, LOCATIONS, t => t.replace('./payments-core/entities.yaml', './payment-core/entities.yaml'));
    const { status, findings } = await check(root);
    expect(status).toBe(1);
    expect(rules(findings, 'error')).toEqual([
      'codeowners-stale@.github/CODEOWNERS',
      `location-target-missing@${LOCATIONS}`,
      `location-unreachable@${PAYMENTS}`,
      'schema-stale@schemas/catalog-info.schema.json',
    ]);
    const stranded = findings.filter(d => d.ruleId === 'ref-unresolved');
    expect(stranded.length).toBe(5);
    for (const d of stranded) {
      expect(d.severity).toBe('info');
      expect(d.message).toContain(`which is defined in ${PAYMENTS}, a file no Location reaches`);
      expect(d.hint).toContain(`location-unreachable finding on ${PAYMENTS}`);
    }
    // The API definitions payments-core's entities name are read once that file is: no finding of their own.
    expect(findings.filter(d => d.ruleId === 'location-unreachable').map(d => d.file)).toEqual([PAYMENTS]);
  }, 60_000);

  it('with location-unreachable lowered in the config, the references stay the errors that fail the run', async () => {
    const root = await dataRepoCopy();
    edit(root, LOCATIONS, t => t.replace('./payments-core/entities.yaml', './payment-core/entities.yaml'));
    edit(root, 'gitops.config.yaml', t => `${t}\nrules:\n  location-unreachable: warning\n`);
    const { findings } = await check(root);
    const refs = findings.filter(d => d.ruleId === 'ref-unresolved');
    expect(refs.length).toBe(5);
    expect(refs.every(d => d.severity === 'error' && d.message.includes('not defined in this catalog'))).toBe(true);
  }, 60_000);

  it('a reference to an entity no file defines is still an error', async () => {
    const root = await dataRepoCopy();
    edit(root, LOCATIONS, t => t.replace('./payments-core/entities.yaml', './payment-core/entities.yaml'));
    edit(root, 'catalog/systems/orders/entities.yaml', t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, no-such-api]'));
    const { findings } = await check(root);
    expect(findings.filter(d => d.ruleId === 'ref-unresolved' && d.severity === 'error').map(d => d.message)).toEqual([expect.stringContaining('api:default/no-such-api, which is not defined in this catalog')]);
  }, 60_000);
});
