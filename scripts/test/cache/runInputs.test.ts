import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputStamps, inputsUnchanged, runInputsKey, type RunTexts } from '../../src/cache/runInputs.ts';
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

  });

  // A clock a minute ahead of the files' times: every path is compared by its stamp, as after a run over
  // a checkout older than a few seconds. With the real clock, the files just written are racily clean.
  describe.each([['by stamp', 60_000], ['by content (racily clean)', 0]])('inputsUnchanged, %s', (_name, ahead) => {
    const walked = (root: string, skip?: Set<string>) => {
      const stamps = new InputStamps(Date.now() + ahead);
      runInputsKey(root, ['parts'], skip, undefined, stamps);
      return stamps;
    };

    it('holds while nothing changes, and not after any change the key sees', async () => {
      const root = await tempRepo({ ...baseTree(), 'notes.txt': 'not YAML', 'node_modules/.package-lock.json': '{}' });
      symlinkSync('../catalog/orders.yaml', join(root, 'catalog/link.yaml'));
      const skip = new Set(['.cache/check.json']);
      const orders = join(root, 'catalog/orders.yaml');
      const text = readFileSync(orders, 'utf8');
      const changes: [string, () => void, () => void][] = [
        ['an edit of the same length', () => writeFileSync(orders, text.replace('orders', 'ordery')), () => writeFileSync(orders, text)],
        ['a file that is not YAML', () => writeFileSync(join(root, 'notes.txt'), 'not YAMl'), () => writeFileSync(join(root, 'notes.txt'), 'not YAML')],
        ["npm's record", () => writeFileSync(join(root, 'node_modules/.package-lock.json'), '{ }'), () => writeFileSync(join(root, 'node_modules/.package-lock.json'), '{}')],
        ['a new file', () => writeFileSync(join(root, 'catalog/new.yaml'), ''), () => rmSync(join(root, 'catalog/new.yaml'))],
        ['a new folder', () => mkdirSync(join(root, 'docs/new'), { recursive: true }), () => rmSync(join(root, 'docs'), { recursive: true })],
        ['a removed file', () => rmSync(orders), () => writeFileSync(orders, text)],
        ['a link retargeted', () => (rmSync(join(root, 'catalog/link.yaml')), symlinkSync('team.yaml', join(root, 'catalog/link.yaml'))), () => (rmSync(join(root, 'catalog/link.yaml')), symlinkSync('../catalog/orders.yaml', join(root, 'catalog/link.yaml')))],
      ];
      for (const [what, change, undo] of changes) {
        const stamps = walked(root, skip);
        expect(inputsUnchanged(root, stamps), what).toBe(true);
        change();
        expect(inputsUnchanged(root, stamps), what).toBe(false);
        undo();
      }
    });

    it('takes a file written again with the same bytes as changed only when its times can tell', async () => {
      const root = await tempRepo(baseTree());
      const orders = join(root, 'catalog/orders.yaml');
      const stamps = walked(root);
      // Changed and changed back: the change time moved, so a stamp sees it; bytes alone cannot.
      writeFileSync(orders, `${readFileSync(orders, 'utf8')}# edited\n`);
      writeFileSync(orders, readFileSync(orders, 'utf8').replace('# edited\n', ''));
      expect(inputsUnchanged(root, stamps)).toBe(ahead === 0);
    });
  });
});
