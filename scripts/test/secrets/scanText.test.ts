import { describe, expect, it } from 'vitest';
import { sampleIsText, scanLabel, scanText, withoutBlockDirectives } from '../../src/secrets/scanText.ts';

describe('scanText', () => {
  it.each([
    ['UTF-8 with a NUL byte', Buffer.from('# a \0\nb: 1\n'), '# a \0\nb: 1\n'],
    ['UTF-8 with a BOM', Buffer.from('\ufeffa: 1\n'), 'a: 1\n'],
    ['UTF-16 LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: é\n', 'utf16le')]), 'a: é\n'],
    ['UTF-16 BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a: 1\n', 'utf16le').swap16()]), 'a: 1\n'],
    ['Latin-1', Buffer.from('caf\xe9: 1\n', 'latin1'), 'caf\xe9: 1\n'],
    ['a PNG header', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x80, 0x01]), undefined],
  ])('%s', (_, bytes, text) => {
    expect(scanText(bytes)).toBe(text);
  });

  it('a sample cut inside a UTF-8 sequence is still text', () => {
    expect(sampleIsText(Buffer.from('a: é', 'utf8').subarray(0, 4))).toBe(true);
    expect(sampleIsText(Buffer.from([0x80, 0x01, 0x02, 0x03, 0xff]))).toBe(false);
  });
});

describe('withoutBlockDirectives', () => {
  it('makes the block form inert at the same length and keeps the per-line forms', () => {
    const text = 'https://wiki/secretlint-disable--faq\n<!-- secretlint-enable -->\nx # secretlint-disable-line\n# secretlint-disable-next-line\n';
    const out = withoutBlockDirectives(text);
    expect(out).toBe('https://wiki/secretlint_disable--faq\n<!-- secretlint_enable -->\nx # secretlint-disable-line\n# secretlint-disable-next-line\n');
    expect(out).toHaveLength(text.length);
  });
});

describe('scanLabel', () => {
  it.each([
    ['docs/a.md', '/file.md'],
    ['svc/package.json', '/package.json'],
    ['svc/.npmrc', '/.npmrc'],
    ['evil\n::add-mask::x.y\nz', '/file.yz'],
  ])('%j → %s', (file, label) => {
    expect(scanLabel(file)).toBe(label);
  });
});
