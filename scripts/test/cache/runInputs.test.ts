import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInputsKey, type RunTexts } from '../../src/cache/runInputs.ts';
import { contentHash } from '../../src/cache/resultCache.ts';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { cases, type Tree } from '../catalog/gateCases.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const key = (root: string, skip?: Set<string>) => runInputsKey(root, ['parts'], skip);

describe('runInputsKey', () => {
  it.each(cases)('%s: the mutated tree has another key, the same tree the same key', async (_name, change) => {
    const mutated: Tree = baseTree();
    change(mutated);
    const base = await tempRepo(baseTree());
    // Written in reverse order: the key follows names, not the order the folder lists them in.
    const again = await tempRepo(Object.fromEntries(Object.entries(baseTree()).reverse()));
    expect(key(again)).toBe(key(base));
    expect(key(await tempRepo(mutated))).not.toBe(key(base));
  });

  it('covers folders, links and what node_modules holds, not git metadata, and skips only the cache file', async () => {
    const root = await tempRepo(baseTree());
    const seen = new Set([key(root)]);
    const changed = (what: string) => {
      const now = key(root);
      expect(seen.has(now), what).toBe(false);
      seen.add(now);
    };
    mkdirSync(join(root, 'catalog/empty'));
    changed('an empty folder');
    symlinkSync('../catalog/orders.yaml', join(root, 'catalog/link.yaml'));
    changed('a link');
    rmSync(join(root, 'catalog/link.yaml'));
    symlinkSync('orders.yaml', join(root, 'catalog/link.yaml'));
    changed('the same link name with another target');
    // Git's bookkeeping differs between two checkouts of one commit (index times, CI credentials).
    const beforeGit = key(root);
    mkdirSync(join(root, '.git/refs'), { recursive: true });
    writeFileSync(join(root, '.git/index'), 'stat data');
    expect(key(root)).toBe(beforeGit);
    mkdirSync(join(root, 'node_modules/yaml'), { recursive: true });
    changed('a node_modules folder');
    writeFileSync(join(root, 'node_modules/.package-lock.json'), '{"packages":{}}');
    changed("npm's record of what it installed");
    writeFileSync(join(root, 'site.txt'), '');
    changed('an empty file');
    expect(runInputsKey(root, ['other parts'])).not.toBe(key(root));

    // The cache file and the folder it creates are not inputs; anything else in that folder is.
    const skip = new Set(['.cache/run/check.json']);
    const without = key(root, skip);
    mkdirSync(join(root, '.cache/run'), { recursive: true });
    writeFileSync(join(root, '.cache/run/check.json'), '{}');
    expect(key(root, skip)).toBe(without);
    writeFileSync(join(root, '.cache/run/other.json'), '{}');
    expect(key(root, skip)).not.toBe(without);
  });

  it('keeps the YAML files it read, with their hashes, and gives the same key with or without them', async () => {
    const root = await tempRepo({ ...baseTree(), 'catalog/bom.yaml': '\uFEFFapiVersion: backstage.io/v1alpha1\n', 'notes.txt': 'not YAML', 'catalog/big.yaml': `# ${'x'.repeat(1 << 20)}\n` });
    const keep: RunTexts = new Map();
    const plain = key(root);
    expect(runInputsKey(root, ['parts'], undefined, keep)).toBe(plain);
    expect(keep.has('notes.txt')).toBe(false);
    // Too big to keep: the loader reads it (and refuses it) itself.
    expect(keep.has('catalog/big.yaml')).toBe(false);
    expect(keep.size).toBeGreaterThan(3);
    for (const [file, kept] of keep) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(kept.bytes.equals(readFileSync(join(root, file))), file).toBe(true);
      // The `--cache` keys a file by its decoded text: a byte-order mark is not part of it.
      expect(kept.hash, file).toBe(contentHash(text.replace(/^\uFEFF/, '')));
    }

    // An earlier walk's bytes spare hashing only the files that still hold them.
    expect(runInputsKey(root, ['parts'], undefined, undefined, keep)).toBe(plain);
    const orders = join(root, 'catalog/orders.yaml');
    writeFileSync(orders, `${readFileSync(orders, 'utf8')}# edited\n`);
    const edited = key(root);
    expect(edited).not.toBe(plain);
    expect(runInputsKey(root, ['parts'], undefined, undefined, keep)).toBe(edited);
    // Bytes of the same length and another content are not taken for the kept ones.
    const keptEdited: RunTexts = new Map();
    runInputsKey(root, ['parts'], undefined, keptEdited);
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('# edited', '# editeD'));
    expect(key(root)).not.toBe(edited);
    expect(runInputsKey(root, ['parts'], undefined, undefined, keptEdited)).toBe(key(root));
  });
});
