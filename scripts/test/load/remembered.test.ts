import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { remembered, rememberedSync } from '../../src/load/remembered.ts';
import { installedActions, loadScaffolderActions } from '../../src/templates/scaffolderActions.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const FOLDER = join(REPO_ROOT, 'node_modules/.cache/backstage-gitops');
const name = `test-remembered-${process.pid}-${Date.now()}`;
const files = () => readdirSync(FOLDER).filter(f => f.startsWith(name));
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every(n => typeof n === 'number');

afterAll(() => {
  for (const f of files()) rmSync(join(FOLDER, f), { force: true });
});

describe('values remembered per toolkit, installed tree and inputs', () => {
  it('computes once per inputs, then reads the value back', async () => {
    let computed = 0;
    const compute = () => (computed++, [1, 2, 3]);
    expect(rememberedSync(`${name}-a`, 'x', isNumbers, compute)).toEqual([1, 2, 3]);
    expect(rememberedSync(`${name}-a`, 'x', isNumbers, compute)).toEqual([1, 2, 3]);
    expect(await remembered(`${name}-a`, 'x', isNumbers, async () => compute())).toEqual([1, 2, 3]);
    expect(computed).toBe(1);
    // Other inputs are another value.
    expect(rememberedSync(`${name}-a`, 'y', isNumbers, () => (computed++, [4]))).toEqual([4]);
    expect(computed).toBe(2);
  });

  it('computes again when the remembered file is corrupt or fails the guard', () => {
    let computed = 0;
    rememberedSync(`${name}-b`, '', isNumbers, () => (computed++, [1]));
    const [file] = files().filter(f => f.startsWith(`${name}-b`));
    writeFileSync(join(FOLDER, file), '[1, 2');
    expect(rememberedSync(`${name}-b`, '', isNumbers, () => (computed++, [2]))).toEqual([2]);
    writeFileSync(join(FOLDER, file), '["not a number"]');
    expect(rememberedSync(`${name}-b`, '', isNumbers, () => (computed++, [3]))).toEqual([3]);
    expect(computed).toBe(3);
  });

  it('never remembers what JSON would not give back exactly, nor a failure', async () => {
    let computed = 0;
    const anyValue = (v: unknown): v is object => typeof v === 'object';
    for (let i = 0; i < 2; i++) expect(rememberedSync(`${name}-c`, '', anyValue, () => (computed++, { a: undefined }))).toEqual({ a: undefined });
    expect(computed).toBe(2);
    await expect(remembered(`${name}-d`, '', anyValue, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(files().filter(f => f.startsWith(`${name}-c`) || f.startsWith(`${name}-d`))).toEqual([]);
  });

  it("the scaffolder actions survive being remembered: the list read back is the one the packages give", async () => {
    const modules = ['@backstage/plugin-scaffolder-backend-module-github', '@backstage/plugin-scaffolder-backend-module-azure'];
    const live = await installedActions(modules);
    expect(live.length).toBeGreaterThan(20);
    expect(isDeepStrictEqual(JSON.parse(JSON.stringify(live)), live)).toBe(true);
    expect([...(await loadScaffolderActions(modules)).values()]).toStrictEqual(live);
  });
});
