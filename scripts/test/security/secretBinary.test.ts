import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git, pullRequestRepo } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// Put together at run time, so that this file holds no token for the gate's own scan to find.
const TOKEN = ['ghp', 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2'].join('_');

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const pullRequest = (head: Record<string, string | Buffer>) => pullRequestRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team }, head as Record<string, string>);

type Found = { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } };
const RULES = new Set(['secret-written', 'secret-scan-incomplete']);
const findings = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => RULES.has(d.ruleId));
const at = (d: Found) => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`;
const check = (root: string) => runBin(['check', '--base', 'main', '--format', 'json'], root);
const byteOf = (d: Found) => Number(/at byte (\d+)/.exec(d.message)?.[1]);

/** A real PNG (signature, IHDR, the given extra chunks, IDAT of a 16×16 RGB image, IEND, each with its CRC). */
function png(...chunks: [string, Buffer][]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(16, 0);
  header.writeUInt32BE(16, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const pixels = Buffer.concat(Array.from({ length: 16 }, (_, y) => Buffer.from([0, ...Array.from({ length: 48 }, (_, x) => (x * 37 + y * 11) & 0xff)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), ...chunks.map(([type, data]) => chunk(type, data)), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// Red team: a live GitHub token reached "ready to merge" in three files the scan called binary and skipped.
describe('a binary file is scanned for the text it carries', () => {
  it('a skeleton .npmrc with a token line and a line of stray bytes: check --base and report --base fail, the template snapshot notwithstanding', async () => {
    const root = await dataRepoCopy();
    git(root, 'checkout', '-qb', 'pr');
    const npmrc = Buffer.concat([Buffer.from(`//npm.pkg.github.com/:_authToken=${TOKEN}\n; `), Buffer.from([0xff, 0x00, 0x01, 0x01, 0x01, 0x01, 0x0a])]);
    writeFileSync(join(root, 'skeletons/node-service/.npmrc'), npmrc);
    // As the red team did: the snapshot takes the new file (a binary file is stored as its sha256), so templates test passes.
    const updated = await runBin(['templates', 'test', 'node-service', '--update-snapshots'], root);
    expect(updated.status, updated.stdout).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'npmrc');
    expect((await runBin(['templates', 'test', 'node-service'], root)).status).toBe(0);
    const result = await check(root);
    const found = findings(result.stdout);
    expect(found.map(at)).toEqual(['secret-written@skeletons/node-service/.npmrc:1:1', 'secret-written@skeletons/node-service/.npmrc:1:1']);
    expect(found.map(d => /secretlint ([\w/]+)/.exec(d.message)?.[1])).toEqual(['npm/Npmrc_authToken', 'github/GITHUB_TOKEN']);
    expect(byteOf(found[1])).toBe(npmrc.indexOf(TOKEN));
    expect(found[1].message).toMatch(/binary file, in the text it carries, at byte \d+ .*"Bin".*`strings -t d -n 8 <file>`/);
    expect(result.stdout).not.toContain(TOKEN.slice(4, 16));
    expect(result.status).toBe(1);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.stdout).toContain('secret-written');
    expect(report.stdout).not.toContain('ready to merge');
    expect(report.stdout).not.toContain(TOKEN.slice(4, 16));
    expect(report.status).toBe(1);
  }, 180_000);

  it("a PNG's tEXt chunk in TechDocs docs/ and a gzip's decompressed text in a skeleton fail check --base, each said where", async () => {
    const image = png(['tEXt', Buffer.from(`Comment\0token ${TOKEN}`, 'latin1')]);
    const seed = gzipSync(`seed data\nseed ${TOKEN}\n`);
    const root = await pullRequest({ 'docs/logo.png': image, 'skeletons/svc/seed.txt.gz': seed });
    const result = await check(root);
    const found = findings(result.stdout);
    expect(found.map(at)).toEqual(['secret-written@docs/logo.png:1:1', 'secret-written@skeletons/svc/seed.txt.gz:1:1']);
    expect(byteOf(found[0])).toBe(image.indexOf(TOKEN));
    expect(found[1].message).toMatch(/binary file, in what it decompresses to, at line 2, column 6 .*`gzip -dc < <file>`/);
    expect(found[1].hint).toMatch(/not honoured in a binary file/);
    expect(result.stdout).not.toContain(TOKEN.slice(4, 16));
    expect(result.status).toBe(1);
  }, 120_000);

  it('the wider kind: UTF-16 text, a gzip of binary data, gzip members with trailing bytes, a large binary, and no secretlint-disable-line in what no reviewer sees', async () => {
    // Bytes no run holds (control bytes other than NUL, tab and line breaks, and 0xFF, which is never UTF-8): no text but what a case puts in.
    const noise = (n: number) => Buffer.from(randomBytes(n).map(b => [1, 2, 3, 4, 5, 6, 7, 0xff][b % 8]));
    const utf16 = Buffer.concat([noise(300), Buffer.from(`key=${TOKEN}`, 'utf16le'), noise(300)]);
    const tar = gzipSync(Buffer.concat([noise(2000), Buffer.from(`GITHUB_TOKEN=${TOKEN}`), noise(2000)]));
    const members = Buffer.concat([gzipSync('first member\n'), gzipSync(`second ${TOKEN}\n`), Buffer.from('trailing bytes gzip ignores')]);
    const large = randomBytes(17 * 1024 * 1024);
    large.write(`\n${TOKEN}\n`, 9_000_000, 'latin1');
    const directive = Buffer.concat([noise(100), Buffer.from(`${TOKEN} # secretlint-disable-line`), noise(100)]);
    const root = await pullRequest({ 'docs/a.dll': utf16, 'skeletons/svc/b.tar.gz': tar, 'skeletons/svc/c.gz': members, 'skeletons/svc/d.bin': large, 'skeletons/svc/e.bin': directive });
    const result = await check(root);
    const found = findings(result.stdout);
    expect(found.map(at)).toEqual(['secret-written@docs/a.dll:1:1', 'secret-written@skeletons/svc/b.tar.gz:1:1', 'secret-written@skeletons/svc/c.gz:1:1', 'secret-written@skeletons/svc/d.bin:1:1', 'secret-written@skeletons/svc/e.bin:1:1']);
    expect(found[0].message).toMatch(/at byte 308 \(as UTF-16\).*strings -t d -n 8 -e l/);
    expect(found[1].message).toMatch(/in what it decompresses to, at byte 2013 .*`gzip -dc < <file> \| strings -t d -n 8`/);
    expect(found[2].message).toMatch(/at line 2, column 8/);
    expect(byteOf(found[3])).toBe(9_000_001);
    expect(result.status).toBe(1);
  }, 120_000);

  it('binary files without a credential (a PNG, a JAR-like zip, 5 MB of random bytes) give no finding, quickly', async () => {
    const root = await pullRequest({
      'docs/logo.png': png(['tEXt', Buffer.from('Software\0GIMP 2.10.34 for the docs', 'latin1')]),
      'skeletons/svc/gradle/wrapper/gradle-wrapper.jar': Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), deflateSync(randomBytes(400_000)), Buffer.from('META-INF/MANIFEST.MF org/gradle/wrapper/GradleWrapperMain.class')]),
      'docs/random.bin': randomBytes(5 * 1024 * 1024),
    });
    const result = await check(root);
    expect(findings(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);

  it('a gzip bomb (1 GiB of zeros in a 1 MB file) stops at the 16 MiB bound: secret-scan-incomplete, quickly, what came before it scanned', async () => {
    const zeros = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const bomb = Buffer.concat([gzipSync(`head ${TOKEN}\n`), ...Array.from({ length: 1024 }, () => zeros)]);
    const root = await pullRequest({ 'skeletons/svc/seed.gz': bomb });
    const result = await check(root);
    const found = findings(result.stdout);
    expect(found.map(at).sort()).toEqual(['secret-scan-incomplete@skeletons/svc/seed.gz:1:1', 'secret-written@skeletons/svc/seed.gz:1:1']);
    expect(found.find(d => d.ruleId === 'secret-scan-incomplete')?.message).toMatch(/decompresses to more than the 16777216 bytes/);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(30_000);
  }, 120_000);

  // Red team, second round: 838,000 empty members a file took 7-8 s each to walk, running a 60 s scan to 101 s.
  it('gzip data of more members than any gzip tool writes is not walked to its end: secret-scan-incomplete, quickly', async () => {
    const empty = gzipSync(Buffer.alloc(0));
    const many = Buffer.concat([...Array.from({ length: 200_000 }, () => empty), gzipSync(`key ${TOKEN}\n`)]);
    const root = await pullRequest({ 'skeletons/svc/a.gz': many, 'skeletons/svc/b.gz': many.subarray(0, many.length - 1), 'skeletons/svc/c.gz': Buffer.concat([many, empty]) });
    const result = await check(root);
    const found = findings(result.stdout);
    expect(found.map(at).sort()).toEqual(['a', 'b', 'c'].map(f => `secret-scan-incomplete@skeletons/svc/${f}.gz:1:1`));
    expect(found[0].message).toMatch(/more than the 4096 members/);
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(30_000);
  }, 120_000);
});
