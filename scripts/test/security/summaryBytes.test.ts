import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AZURE_SUMMARY_BYTES, fitText, truncatedNote } from '../../src/report/fitText.ts';
import { runAzureTask, runCheckAction } from '../helpers/ciRuns.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';

// red24: GitHub drops a step's whole job summary past 1 MiB, and counts it in bytes; the summary's
// budget counted characters. A pull request whose text is CJK (three UTF-8 bytes a character) in its
// paths and values made the summary 1.26 MB, and GitHub showed none of it: the PR hid its own report.

const MIB = 1024 * 1024;
// Three folders of 80 CJK characters each (240 bytes, under a file name's 255): every location of every
// finding is mostly three-byte text, as are the values in the messages.
const DIR = `catalog/${'漢'.repeat(80)}/${'字'.repeat(80)}/${'語'.repeat(80)}`;
const value = (i: number) => `${i}${'漢'.repeat(500)}`;
const component = (i: number) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: stray-${i}\n  description: ${value(i)}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${value(i)}\n  system: ${value(i)}\n`;

describe('the job summary fits GitHub\'s 1 MiB in bytes, whatever the PR\'s text', () => {
  let repo: string;
  let base: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'cjk');
    mkdirSync(join(repo, DIR), { recursive: true });
    // Files under the 1 MiB catalog.maxFileBytes, each listed by the root Location so every one is checked.
    for (let f = 0; f < 15; f++) writeFileSync(join(repo, DIR, `stray-${f}.yaml`), Array.from({ length: 200 }, (_, i) => component(f * 200 + i)).join(''));
    writeFileSync(join(repo, 'catalog/all.yaml'), readFileSync(join(repo, 'catalog/all.yaml'), 'utf8') + Array.from({ length: 15 }, (_, f) => `    - ./${DIR.slice('catalog/'.length)}/stray-${f}.yaml\n`).join(''));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'three thousand components named in CJK');
  }, 120_000);

  it('the check action (committed bundle) writes a summary under 1 MiB with the verdict on top', async () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md');
    writeFileSync(summary, '');
    const run = await runCheckAction(repo, base, { GITHUB_STEP_SUMMARY: summary });
    expect(run.status, run.stderr).toBe(1);
    const written = readFileSync(summary);
    expect(written.length).toBeGreaterThan(500_000);
    expect(written.length).toBeLessThanOrEqual(MIB);
    const text = written.toString('utf8');
    expect(text).not.toContain('\ufffd');
    expect(text).toContain('## ❌ Backstage catalog: changes needed');
    expect(text).toContain(`<code>${DIR}/stray-`);
  }, 300_000);

  it('the Azure task writes a run summary under 1 MiB with the verdict on top', async () => {
    const run = await runAzureTask(repo, base);
    expect(run.status, run.stderr).toBe(1);
    const file = /##vso\[task\.addattachment type=Distributedtask\.Core\.Summary;name=Backstage catalog;\](.+)/.exec(run.stdout)![1];
    const written = readFileSync(file);
    expect(written.length).toBeGreaterThan(500_000);
    // Azure's own budget (left25: the task cut its summary with GitHub's GITHUB_SUMMARY_BYTES), still 1 MiB.
    expect(AZURE_SUMMARY_BYTES).toBe(MIB);
    expect(written.length).toBeLessThanOrEqual(AZURE_SUMMARY_BYTES);
    expect(written.toString('utf8')).toContain('## ❌ Backstage catalog: changes needed');
  }, 300_000);
});

describe('fitText: cuts at a line, never inside a character, in the unit asked', () => {
  const note = '_cut_\n';
  it('keeps a text that fits, byte for byte', () => {
    expect(fitText('漢\n', 4, 'bytes', note)).toBe('漢\n');
    expect(fitText('漢\n', 2, 'chars', note)).toBe('漢\n');
  });
  it('counts bytes for bytes: three-byte characters cut at the last whole line', () => {
    const text = `top\n${'漢'.repeat(10)}\n${'字'.repeat(10)}\n`;
    // Room for the first two lines, the note and a fence closer, and 20 of the third line's 31 bytes.
    const max = 4 + 31 + note.length + 4 + 20;
    expect(text.length).toBeLessThan(max);
    expect(fitText(text, max, 'bytes', note)).toBe(`top\n${'漢'.repeat(10)}\n${note}`);
  });
  it('closes a code fence the cut leaves open, so the note is text', () => {
    const text = `top\n\`\`\`mermaid\n${'a\n'.repeat(50)}\`\`\`\n`;
    const out = fitText(text, 40, 'chars', note);
    expect(out).toBe(`top\n\`\`\`mermaid\n${'a\n'.repeat(7)}\`\`\`\n${note}`);
    expect(out.length).toBeLessThanOrEqual(40);
  });
  it('a first line longer than the room leaves only the note', () => {
    expect(fitText(`${'😀'.repeat(40)}\nmore\n`, 30, 'chars', note)).toBe(note);
    expect(fitText(`${'😀'.repeat(40)}\nmore\n`, 30, 'bytes', note)).toBe(note);
  });
  it('the report\'s own note says it was cut and where everything is', () => {
    expect(truncatedNote('a GitHub job summary (1 MiB)')).toContain('truncated');
  });
});
