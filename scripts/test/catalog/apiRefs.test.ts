import { describe, expect, it } from 'vitest';
import { definitionOverLimit, refTarget } from '../../src/catalog/apiRefs.ts';
import { depthExceeded } from '../../src/load/yamlNodeBudget.ts';

const FROM = 'catalog/payments/definitions/api.yaml';
const FILES = new Set([FROM, 'catalog/payments/definitions/money.yaml', 'catalog/shared/common.yaml', 'catalog/a b.yaml']);
const LINKS = new Set(['catalog/payments/definitions/link.yaml']);

describe('refTarget: an API $ref leads to a listed repo file or nowhere', () => {
  it.each([
    ['#/components/schemas/Money', 'local'],
    ['', 'local'],
    ['./money.yaml#/Money', 'file catalog/payments/definitions/money.yaml'],
    ['money.yaml', 'file catalog/payments/definitions/money.yaml'],
    ['../../shared/common.yaml#/x', 'file catalog/shared/common.yaml'],
    ['../../a%20b.yaml', 'file catalog/a b.yaml'],
    ['./nothing.yaml', 'missing catalog/payments/definitions/nothing.yaml'],
    ['../../../../../../proc/self/environ', 'outside'],
    ['../../../../etc/hostname', 'outside'],
    ['..%2F..%2F..%2F..%2Fetc%2Fhostname', 'outside'],
    ['%2e%2e/%2e%2e/%2e%2e/%2e%2e/x', 'outside'],
    ['/etc/passwd', 'outside'],
    ['%2Fetc%2Fpasswd', 'outside'],
    ['file:///etc/passwd', 'outside'],
    ['http://127.0.0.1:7318/creds.json#/x', 'outside'],
    ['https://github.com/acme/repo/blob/main/x.yaml', 'outside'],
    ['//169.254.169.254/latest/meta-data', 'outside'],
    ['C:/Windows/win.ini', 'outside'],
    ['..\\..\\..\\..\\etc\\passwd', 'outside'],
    ['money.yaml%00.json', 'outside'],
    ['%E0%A4%A', 'outside'],
    ['./link.yaml', 'outside'],
  ])('%s → %s', (ref, expected) => {
    const target = refTarget(FROM, ref, FILES, LINKS);
    expect(target.kind === 'file' || target.kind === 'missing' ? `${target.kind} ${target.path}` : target.kind).toBe(expected);
  });
});

describe('depthExceeded and definitionOverLimit: the budgets run before any recursive parser', () => {
  const nested = (n: number) => `x: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
  const blocks = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';

  it('flow and block nesting: within the limit passes, one level over is found where it starts', () => {
    expect(depthExceeded(nested(100), 128)).toBeUndefined();
    expect(depthExceeded(nested(2000), 128)).toEqual({ line: 1, column: expect.any(Number) });
    expect(depthExceeded(blocks(100), 128)).toBeUndefined();
    expect(depthExceeded(blocks(300), 128)?.line).toBeGreaterThan(100);
    expect(depthExceeded(`- ${'- '.repeat(300)}x\n`, 128)).toBeDefined();
  });

  it('a file js-yaml cannot read: brackets in quotes or comments do not count, real ones do', () => {
    expect(depthExceeded(`a: "${'{'.repeat(500)}"\nb: [unclosed\n`, 128)).toBeUndefined();
    expect(depthExceeded(`a: 1 # ${'['.repeat(500)}\nb: [unclosed\n`, 128)).toBeUndefined();
    expect(depthExceeded(`a: it's ${'{a: '.repeat(500)}\nb: [unclosed\n`, 128)).toEqual({ line: 1, column: 1 });
  });

  it('bytes, nodes and depth are each their own finding', () => {
    expect(definitionOverLimit('openapi: 3.0.3\n', 'a.yaml')).toBeUndefined();
    expect(definitionOverLimit('x'.repeat(2000), 'a.yaml', { maxBytes: 1000, maxNodes: 100, maxDepth: 10 })?.ruleId).toBe('yaml-file-too-large');
    expect(definitionOverLimit(nested(20), 'a.yaml', { maxBytes: 1000, maxNodes: 100, maxDepth: 10 })?.ruleId).toBe('yaml-depth-limit');
    expect(definitionOverLimit(`x: [${'1,'.repeat(200)}]`, 'a.yaml', { maxBytes: 1000, maxNodes: 100, maxDepth: 10 })?.ruleId).toBe('yaml-node-limit');
  });
});
