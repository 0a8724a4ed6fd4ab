import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeownersGate, CODEOWNERS_MAX_BYTES } from '../../src/codeowners/codeownersGate.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: GitHub does not load a CODEOWNERS file of 3 MB or more, and then requests no code owner review
// on any path, .github/ and the config included. Each file a placeholder reads gets a line of its own, so a
// team's pull request grew the generated file to 3.9 MB with its own entities (64,064 $text targets), wrote
// it with `codeowners --write`, and check and report said "ready to merge".
const CONFIG = "catalog:\n  roots: [catalog/all.yaml]\n  external:\n    - { kind: Group, namespace: default, reason: githubOrg }\ncodeowners:\n  platformTeam: '@contoso/platform-team'\n";
const FOLDERS = 4;
const TARGETS = 2_800;
// Long names make long lines: 11,200 lines of about 290 bytes.
const target = (i: number) => `t/${String(i).padStart(5, '0')}${'x'.repeat(240)}`;
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n  fixtures:\n${Array.from({ length: TARGETS }, (_, i) => `    - $text: ./${target(i)}\n`).join('')}`;

describe('codeowners-too-large', () => {
  it('a generated CODEOWNERS of 3 MB or more fails check, report and codeowners --check, whatever the config says', async () => {
    const folders = Array.from({ length: FOLDERS }, (_, f) => `svc-${f}`);
    const root = await tempRepo({
      'gitops.config.yaml': `${CONFIG}rules:\n  codeowners-too-large: 'off'\n`,
      'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [${folders.map(f => `./${f}/catalog-info.yaml`).join(', ')}]\n`,
      ...Object.fromEntries(folders.map(f => [`catalog/${f}/catalog-info.yaml`, component(f)])),
    });
    for (const f of folders) {
      mkdirSync(join(root, 'catalog', f, 't'));
      for (let i = 0; i < TARGETS; i++) writeFileSync(join(root, 'catalog', f, target(i)), 'x');
    }
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const check = await runBin(['codeowners', '--check'], root);
    expect(check.stdout).toMatch(/^The \.github\/CODEOWNERS the catalog generates is 3\.\d\d MB: GitHub does not load a CODEOWNERS file of 3 MB or more/);
    expect(check.status).toBe(1);
    const gate = await runBin(['check', '--format', 'json'], root);
    const findings = JSON.parse(gate.stdout).diagnostics as { ruleId: string; severity: string; message: string }[];
    expect(findings.filter(d => d.ruleId === 'codeowners-too-large').map(d => d.severity)).toEqual(['error']);
    expect(findings.find(d => d.ruleId === 'codeowners-too-large')!.message).toContain('Most lines go to @contoso/payments (11204 lines), @contoso/platform-team');
    // The config cannot turn it off: the pull request that grows the file could also carry that setting.
    expect(findings.some(d => d.ruleId === 'config-rule-locked' && d.message.startsWith('rules.codeowners-too-large'))).toBe(true);
    expect(gate.status).toBe(1);
  }, 240_000);

  it('the limit is counted in bytes of the generated text: one byte under passes, the limit fails', () => {
    const line = `/catalog/a/x ${'@contoso/payments'}\n`;
    const sized = (bytes: number) => ({ file: '.github/CODEOWNERS', text: line.repeat(Math.floor(bytes / line.length)) + 'x'.repeat(bytes % line.length) });
    const under = sized(CODEOWNERS_MAX_BYTES - 1);
    expect(codeownersGate(under, under.text).filter(d => d.ruleId === 'codeowners-too-large')).toEqual([]);
    const at = sized(CODEOWNERS_MAX_BYTES);
    expect(codeownersGate(at, at.text).map(d => d.ruleId)).toEqual(['codeowners-too-large']);
    // Multi-byte characters count as GitHub counts them, in bytes.
    const wide = { file: '.github/CODEOWNERS', text: 'é'.repeat(CODEOWNERS_MAX_BYTES / 2) };
    expect(codeownersGate(wide, wide.text).map(d => d.ruleId)).toEqual(['codeowners-too-large']);
  });
});
