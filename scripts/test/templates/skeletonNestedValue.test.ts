import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A step passing `values: {nested: {a: 1, b: '${{ parameters.name }}'}}` and a skeleton writing
// `${{ values.nested.c }}`: check was clean and the render gave an empty string. skeleton-unknown-value
// caught only `${{ values.nope }}`. A mapping written out in template.yaml has certain keys; one an
// expression builds has none the check can know.

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec:
  type: service
  parameters:
    - properties: {name: {type: string}, obj: {type: object}}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          nested: {a: 1, b: '\${{ parameters.name }}'}
          built: \${{ parameters.obj }}
          deep: {inner: {x: 1}}
`;

async function check(skeleton: string) {
  const root = await tempRepo({ 't/template.yaml': TEMPLATE, 't/skeleton/README.md': skeleton });
  const run = await runBin(['check', '--format', 'json'], root);
  const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number } } }[] };
  return { status: run.status, found: diagnostics.filter(d => d.file === 't/skeleton/README.md') };
}

describe('skeleton-unknown-value: a key of a mapping the step writes out literally', () => {
  it('is flagged where the mapping has no such key, with the did-you-mean on the last key', async () => {
    const { status, found } = await check('${{ values.nested.a }} ${{ values.nested.b }}\n${{ values.nested.c }}\n${{ values.deep.inner.y }}\n');
    expect(status).toBe(1);
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}`)).toEqual(['skeleton-unknown-value@2', 'skeleton-unknown-value@3']);
    expect(found[0].message).toBe('values.nested.c is never passed by t/template.yaml, step fetch: the step writes values.nested out as a mapping without the key c, so it renders as nothing (or as "undefined" where the expression builds a string from it). Did you mean values.nested.a?');
    expect(found[0].hint).toBe("Write values.nested.a, which the step passes; or add c to values.nested in the step's input.values.");
    expect(found[1].message).toContain('Did you mean values.deep.inner.x?');
  }, 60_000);

  it('is no finding for a key the mapping has, a mapping an expression builds, or a key read with a default or under its own if', async () => {
    const { status, found } = await check("${{ values.nested.a }} ${{ values.nested.b }} ${{ values.deep.inner.x }}\n${{ values.built.anything }}\n${{ values.nested.z | default('x') }}\n{% if values.nested.q %}${{ values.nested.q }}{% endif %}\n");
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);
});
