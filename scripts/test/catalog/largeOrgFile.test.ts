// Fresh user: a generated org file (1 Group, 8,000 Users, 2.2 MB) that Backstage reads whole. Raising
// catalog.maxFileBytes let the gate read its bytes, but the YAML value budget stayed 100,000 (a locked rule), so
// the file could pass at no setting. The budget now grows with catalog.maxFileBytes (100,000 per MiB).
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

type Finding = { ruleId: string; message: string; hint?: string };

function orgFile(users: number): string {
  const docs = ['apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: everyone\nspec:\n  type: org\n  children: []\n'];
  for (let i = 0; i < users; i++) {
    const n = String(i).padStart(5, '0');
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-${n}\n  annotations:\n    graph.microsoft.com/user-id: 0f8fad5b-d9cb-469f-a165-${String(i).padStart(12, '0')}\nspec:\n  profile:\n    displayName: User Number ${i}\n    email: user-${n}@acme.example\n  memberOf: [everyone]\n`);
  }
  return docs.join('---\n');
}

describe('a large generated org file', () => {
  it('is too large by default (the gate, not Backstage, skips it); with catalog.maxFileBytes raised it is read whole', async () => {
    const text = orgFile(8_000);
    expect(text.length).toBeGreaterThan(2_000_000);
    const root = await tempRepo({ 'org.yaml': text });
    const before = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(before.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => d.ruleId)).toEqual(['yaml-file-too-large']);
    expect(found[0].message).toContain('the gate does not read files over 1048576 bytes (catalog.maxFileBytes)');
    expect(found[0].hint).toContain('create the file');
    expect(before.status).toBe(1);

    writeFileSync(join(root, 'gitops.config.yaml'), 'catalog:\n  maxFileBytes: 3145728\n');
    const after = await runBin(['check', '--format', 'json'], root);
    expect(after.status, after.stdout.slice(0, 2000)).toBe(0);
    expect((JSON.parse(after.stdout) as { diagnostics: Finding[] }).diagnostics).toEqual([]);
    expect((JSON.parse(after.stdout) as { summary: { entities: number } }).summary.entities).toBe(8001);
    await rm(root, { recursive: true, force: true });
  }, 120_000);
});
