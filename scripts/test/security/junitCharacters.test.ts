import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 32: the JUnit format removed C0 controls but kept the other characters XML 1.0 forbids (the
// noncharacters U+FFFE and U+FFFF, a surrogate not paired), which YAML writes with a "\uFFFE" escape.
// One of them in a value a finding echoes (an owner) made the whole file malformed: Azure's
// PublishTestResults cannot read it, so every finding of the run vanished from the Tests tab.

interface XmlDocument { getElementsByTagName(name: string): ArrayLike<{ getAttribute(name: string): string | null }> }
// jsdom ships no types of its own; its strict XML parser (saxes) is what matters here: it refuses what XML 1.0 forbids.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string) => { window: { DOMParser: new () => { parseFromString(text: string, type: string): XmlDocument } } } };

const entity = (name: string, owner: string) =>
  `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: "${owner}"\n`;

describe('junit: characters XML 1.0 forbids (shipped bin)', () => {
  it('the file stays well-formed XML, every finding a test case, each character written out as \\uXXXX', async () => {
    const group = '---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: platform\nspec:\n  type: team\n  children: []\n';
    const root = await tempRepo({ 'catalog-info.yaml': group + entity('one', 'team\\uFFFEx') + entity('two', 'team\\uFFFFy') + entity('three', 'team\\uD800z') + entity('four', 'team\\u0001w') });
    const run = await runBin(['check', '--format', 'junit', '--output', 'gate.xml'], root);
    expect(run.status).toBe(1);
    const xml = readFileSync(join(root, 'gate.xml'), 'utf8');
    const doc = new new JSDOM('').window.DOMParser().parseFromString(xml, 'application/xml');
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const failures = Array.from(doc.getElementsByTagName('failure')).map(f => f.getAttribute('message') ?? '');
    expect(failures.length).toBeGreaterThanOrEqual(4);
    for (const shown of ['team\\uFFFEx', 'team\\uFFFFy', 'team\\uD800z', 'team\\u0001w']) expect(failures.some(m => m.includes(shown)), shown).toBe(true);
  }, 60_000);

  // Red team 35: characters XML allows but no one sees (a bidi override, a zero-width space) and C1 controls
  // (a terminal's CSI, U+009B) reached test names and messages as they were: on Azure's Tests tab a finding's
  // name holding U+202E read reordered. Every other format shows them as \uXXXX; so does junit now.
  it('bidi overrides, zero-width characters and C1 controls are written out as \\uXXXX', async () => {
    const group = '---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: platform\nspec:\n  type: team\n  children: []\n';
    const root = await tempRepo({ 'catalog-info.yaml': group + entity('one', 'team\\u202Eevil\\u200Bx\\u009B31m') });
    const run = await runBin(['check', '--format', 'junit', '--output', 'gate.xml'], root);
    expect(run.status).toBe(1);
    const xml = readFileSync(join(root, 'gate.xml'), 'utf8');
    expect(xml).not.toMatch(/[\u202E\u200B\u0080-\u009F]/);
    const doc = new new JSDOM('').window.DOMParser().parseFromString(xml, 'application/xml');
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const failures = Array.from(doc.getElementsByTagName('failure')).map(f => f.getAttribute('message') ?? '');
    expect(failures.some(m => /team\\u202eevil\\u200bx\\u009B31m/i.test(m))).toBe(true);
  }, 60_000);
});
