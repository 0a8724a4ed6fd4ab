import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const FILE = 'catalog/systems/orders/entities.yaml';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }

function check(root: string): { status: number | null; diagnostics: Finding[] } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'check', '--format', 'json'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  return { status: run.status, diagnostics: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}

// One YAML typo in this repo's orders file, and what must (not) follow from it. Line numbers are the
// file's own; each row replaces one line with an unclosed flow sequence.
const ROWS: [string, number, (line: string) => string, string, number][] = [
  ['an unclosed [ in the System document: its system:orders refs and the editor schema', 5, () => '  description: [Order capture, fulfilment and order history.', 'system:default/orders', 10],
  ['an unclosed [ in the orders-api Component: refs to orders-api', 40, () => '  providesApis: [orders-openapi', 'component:default/orders-api', 2],
];

describe('one YAML typo reports the typo, not its consequences', () => {
  let root: string;
  let original: string;
  beforeAll(async () => {
    root = await dataRepoCopy();
    original = readFileSync(join(root, FILE), 'utf8');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('the unbroken copy has no stale CODEOWNERS or editor schema (the rows below can fail)', () => {
    const { diagnostics } = check(root);
    expect(diagnostics.filter(d => /stale|yaml-syntax|ref-unresolved/.test(d.ruleId))).toEqual([]);
  });

  it.each(ROWS)('%s', (_, line, broken, target, refs) => {
    const lines = original.split('\n');
    lines[line - 1] = broken(lines[line - 1]);
    writeFileSync(join(root, FILE), lines.join('\n'));
    try {
      const { status, diagnostics } = check(root);
      expect(diagnostics.filter(d => d.severity === 'error').map(d => `${d.ruleId}@${d.file}`)).toEqual([`yaml-syntax@${FILE}`]);
      const unresolved = diagnostics.filter(d => d.ruleId === 'ref-unresolved');
      expect(unresolved).toHaveLength(refs);
      for (const d of unresolved) {
        expect(d.severity).toBe('info');
        expect(d.message).toContain(`refers to ${target}, which is defined in ${FILE}, which does not parse`);
      }
      expect(diagnostics.filter(d => d.ruleId === 'schema-stale' || d.ruleId === 'codeowners-stale')).toEqual([]);
      expect(status).toBe(1);
    } finally {
      writeFileSync(join(root, FILE), original);
      git(root, 'status', '--short');
    }
  });
});
