import { describe, expect, it } from 'vitest';
import { secretFindings, withoutConfigSecrets } from '../../src/secrets/secretFindings.ts';

// Put together at run time, so that this file holds no token for the gate's own scan to find.
const content = `a: 1\ntoken: ${['ghp', 'abcdefghijklmnopqrstuvwxyz0123456789'].join('_')}\n`;
const start = content.indexOf('ghp_');
const message = (text: string, line = 2, column = 7) => ({ ruleId: '@secretlint/secretlint-rule-github', messageId: 'GITHUB_TOKEN', message: text, range: [start, start + 40] as const, loc: { start: { line, column }, end: { line, column: column + 40 } } });

describe('secretFindings', () => {
  it("turns secretlint's 0-based columns into 1-based ones, names the rule and squeezes the mask", () => {
    const [found] = secretFindings('catalog/a.yaml', content, [message(`found GitHub Token(${'*'.repeat(29)}): ${'*'.repeat(40)}`)]);
    expect(found).toMatchObject({ ruleId: 'secret-written', severity: 'error', file: 'catalog/a.yaml', range: { start: { line: 2, column: 8 }, end: { line: 2, column: 48 } } });
    expect(found.message).toBe('A credential is written out in this file (secretlint github/GITHUB_TOKEN: found GitHub Token(****): ****).');
  });

  it('a message that still holds the value says only the kind; two at one place are one finding', () => {
    const found = secretFindings('a.yaml', content, [message(`found ${content.slice(start, start + 40)}`), message('again')]);
    expect(found.map(d => d.message)).toEqual(['A credential is written out in this file (secretlint github/GITHUB_TOKEN).']);
  });

  it('keeps config-plain-secret alone on its file and line', () => {
    const found = secretFindings('app-config.yaml', content, [message('x')]);
    const plain = { ...found[0], ruleId: 'config-plain-secret', range: { start: { line: 2, column: 1 }, end: { line: 2, column: 6 } } };
    expect(withoutConfigSecrets(found, [plain])).toEqual([]);
    expect(withoutConfigSecrets(found, [{ ...plain, file: 'other.yaml' }])).toHaveLength(1);
  });
});
