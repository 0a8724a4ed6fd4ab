import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// fetch:template (templateActionHandler, scaffolder-backend 4.2.0) copies a file as it is only when isbinaryfile
// calls it binary (it reads the first 512 bytes); every other file it reads with readFile(…, 'utf-8') and writes
// what Node decoded, rendered or copied (copyWithoutTemplating), so bytes that are not UTF-8 come out as U+FFFD.
// fetch:template:file reads its one file so, binary or not. Through the bin, on the check's side.

type Found = { ruleId: string; severity: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } };

const latin1 = Buffer.from('greeting=Gr\xfc\xdfe aus M\xfcnchen\nname=${{ values.name }}\n', 'latin1');
const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Write-Host "${{ values.name }}"\r\n', 'utf16le')]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR \xe9\xff {% broken', 'latin1')]);
// A NUL past the 512 bytes isbinaryfile reads: Backstage renders the file, so its unknown value counts.
const lateNul = Buffer.concat([Buffer.from(`${'#'.repeat(600)}\nowner: \${{ values.nope }}\n`), Buffer.from([0])]);
// A PDF header makes isbinaryfile say binary without any NUL: copied as it is, its {% is no syntax error.
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Length 5 >> stream\n{% x \xe9\nendstream\n', 'latin1');
// Reviewer of a684febf: ANSI colour escapes make isbinaryfile say binary, but fetch:template:file renders its
// file whatever it holds, so its unknown value still counts.
const banner = Buffer.from(`${'\x1b[31m#\x1b[0m\x1b[32m#\x1b[0m\n'.repeat(20)}Welcome to \${{ values.nope }}\n`);

describe('skeleton-encoding: a skeleton file the scaffolder reads as UTF-8 text that is not UTF-8 (check)', () => {
  let status: number | null;
  let found: Found[];

  beforeAll(async () => {
    const root = await templateRepo(['../templates/svc/template.yaml', '../templates/one/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep('', "        copyWithoutTemplating: ['scripts/**']\n")}`,
      'skeletons/svc/src/messages_de.properties': latin1,
      'skeletons/svc/scripts/setup.ps1': utf16,
      'skeletons/svc/docs/logo.png': png,
      'skeletons/svc/docs/manual.pdf': pdf,
      'skeletons/svc/late.txt': lateNul,
      'files/banner.txt': banner,
      'skeletons/svc/README.md': '\ufeff# ${{ values.name }} – café\n',
      'templates/one/template.yaml': `${templateHead('one')}    - id: props
      action: fetch:template:file
      input:
        url: ../../skeletons/svc/src/messages_de.properties
        targetPath: messages.properties
        values:
          name: \${{ parameters.name }}
    - id: logo
      action: fetch:template:file
      input:
        url: ../../skeletons/svc/docs/logo.png
        targetPath: logo.png
    - id: banner
      action: fetch:template:file
      input:
        url: ../../files/banner.txt
        targetPath: banner.txt
`,
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    status = run.status;
    found = JSON.parse(run.stdout).diagnostics as Found[];
  }, 60_000);

  const at = (ruleId: string) => found.filter(d => d.ruleId === ruleId).map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`).sort();

  it('is an error at the first byte Backstage replaces, rendered or copied without templating, once per step that reads it; check fails', () => {
    expect(at('skeleton-encoding')).toEqual([
      'skeletons/svc/docs/logo.png:1:1',
      'skeletons/svc/scripts/setup.ps1:1:1',
      'skeletons/svc/src/messages_de.properties:1:12',
      'skeletons/svc/src/messages_de.properties:1:12',
    ]);
    expect(found.filter(d => d.ruleId === 'skeleton-encoding').every(d => d.severity === 'error')).toBe(true);
    expect(status).toBe(1);
  });

  it('says what the file looks like, which step reads it and how to keep its bytes', () => {
    const props = found.filter(d => d.ruleId === 'skeleton-encoding' && d.file.endsWith('.properties'));
    expect(props.map(d => d.message)).toEqual(expect.arrayContaining([expect.stringContaining('Latin-1'), expect.stringContaining('templates/svc/template.yaml, step fetch'), expect.stringContaining('templates/one/template.yaml, step props')]));
    expect(props[0].hint).toContain('Re-save the file as UTF-8');
    const ps1 = found.find(d => d.ruleId === 'skeleton-encoding' && d.file.endsWith('.ps1'))!;
    expect(ps1.message).toContain('UTF-16 (little-endian)');
    expect(ps1.message).toContain('copyWithoutTemplating does not change that');
    const logo = found.find(d => d.ruleId === 'skeleton-encoding' && d.file.endsWith('.png'))!;
    expect(logo.message).toContain('fetch:template:file');
    expect(logo.hint).toContain('fetch:plain:file');
  });

  it('judges text and binary as isbinaryfile does: a NUL past 512 bytes is text, a PDF header is binary, valid UTF-8 with a BOM is fine', () => {
    expect(at('skeleton-unknown-value')).toEqual(['files/banner.txt:21:23', 'skeletons/svc/late.txt:2:19']);
    expect(found.filter(d => d.file.endsWith('manual.pdf') || d.file.endsWith('README.md'))).toEqual([]);
  });
});
