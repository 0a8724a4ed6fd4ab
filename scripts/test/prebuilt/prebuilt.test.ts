import { describe, expect, it } from 'vitest';
import { builtinModelKinds, catalogModelVersion, computeModelKinds } from '../../src/backstage.ts';
import { buildPrebuilt } from '../../src/prebuilt/buildPrebuilt.ts';
import { prebuilt } from '../../src/prebuilt/prebuilt.ts';

describe('build-time data', () => {
  it('holds the relation fields Backstage computes at run time, for the installed catalog-model only', () => {
    buildPrebuilt();
    const computed = computeModelKinds();
    expect(computed.map(k => k.kind)).toContain('Component');
    expect(prebuilt('modelKinds', catalogModelVersion())).toEqual(computed);
    expect(builtinModelKinds()).toEqual(computed);
    expect(prebuilt('modelKinds', '@backstage/catalog-model@0.0.1')).toBeUndefined();
  });
});
