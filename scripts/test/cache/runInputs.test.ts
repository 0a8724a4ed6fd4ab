import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputsSeen, inputsUnchanged, runInputsKey, type RunTexts } from '../../src/cache/runInputs.ts';
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
    const root = await tempRepo({ ...baseTree(), 'catalog/bom.yaml': '\uFEFFapiVersion: backstage.io/v1alpha1\n', 'notes.txt': 'not YAML', 'catalog/big.yaml': `# ${'x'.repeat(1 << 20)}\n`,
      // Kept files are read straight into 1 MiB slabs: these fill one, run past its end, and fit exactly.
      ...Object.fromEntries([300_000, 600_000, 700_000, (1 << 20) - 1, 1 << 20].map(size => [`catalog/sized-${size}.yaml`, `#${'y'.repeat(size - 2)}\n`])) });
    const keep: RunTexts = new Map();
    const plain = key(root);
    expect(runInputsKey(root, ['parts'], undefined, keep)).toBe(plain);
    expect(keep.has('notes.txt')).toBe(false);
    // Too big to keep: the loader reads it (and refuses it) itself.
    expect(keep.has('catalog/big.yaml')).toBe(false);
    for (const size of [300_000, 600_000, 700_000, (1 << 20) - 1, 1 << 20]) expect(keep.get(`catalog/sized-${size}.yaml`)?.bytes.length).toBe(size);
    expect(keep.size).toBeGreaterThan(3);
    for (const [file, kept] of keep) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(kept.bytes.equals(readFileSync(join(root, file))), file).toBe(true);
      // The `--cache` keys a file by its decoded text: a byte-order mark is not part of it.
      expect(kept.hash, file).toBe(contentHash(text.replace(/^\uFEFF/, '')));
    }

  });

  describe('inputsUnchanged', () => {
    const pause = () => new Promise(resolve => setTimeout(resolve, 60));
    // With no margin, the files a test has just written are older than the walk (a checkout older than a
    // few seconds); with the real one (3 s) they are racily clean, as right after a checkout.
    const walk = async (root: string, skip: Set<string>, margin?: number) => {
      await pause();
      const seen = new InputsSeen(Date.now(), margin);
      const before = runInputsKey(root, ['parts'], skip, undefined, seen);
      await pause();
      const asked: boolean[] = [];
      const unchanged = () => inputsUnchanged(root, seen, () => (asked.push(true), runInputsKey(root, ['parts'], skip) === before));
      return { unchanged, asked };
    };

    it('holds while nothing changes, without reading a file; after any change the key sees it does not', async () => {
      const root = await tempRepo({ ...baseTree(), 'notes.txt': 'not YAML', 'node_modules/.package-lock.json': '{}', 'tools/node_modules/x/index.js': '' });
      symlinkSync('../catalog/orders.yaml', join(root, 'catalog/link.yaml'));
      const skip = new Set(['.cache/check.json']);
      const orders = join(root, 'catalog/orders.yaml');
      const text = readFileSync(orders, 'utf8');
      const changes: [string, () => void, () => void][] = [
        ['an edit of the same length', () => writeFileSync(orders, text.replace('orders', 'ordery')), () => writeFileSync(orders, text)],
        ['a file that is not YAML', () => writeFileSync(join(root, 'notes.txt'), 'not YAMl'), () => writeFileSync(join(root, 'notes.txt'), 'not YAML')],
        ["npm's record", () => writeFileSync(join(root, 'node_modules/.package-lock.json'), '{ }'), () => writeFileSync(join(root, 'node_modules/.package-lock.json'), '{}')],
        // A node_modules folder without npm's record (pnpm, yarn): still missing is unchanged, written is not.
        ["npm's record where there was none", () => writeFileSync(join(root, 'tools/node_modules/.package-lock.json'), '{}'), () => rmSync(join(root, 'tools/node_modules/.package-lock.json'))],
        ['a new file', () => writeFileSync(join(root, 'catalog/new.yaml'), ''), () => rmSync(join(root, 'catalog/new.yaml'))],
        ['a new folder', () => mkdirSync(join(root, 'docs/new'), { recursive: true }), () => rmSync(join(root, 'docs'), { recursive: true })],
        ['a removed file', () => rmSync(orders), () => writeFileSync(orders, text)],
        ['a file that became a folder', () => (rmSync(orders), mkdirSync(orders)), () => (rmSync(orders, { recursive: true }), writeFileSync(orders, text))],
        ['a link retargeted', () => (rmSync(join(root, 'catalog/link.yaml')), symlinkSync('team.yaml', join(root, 'catalog/link.yaml'))), () => (rmSync(join(root, 'catalog/link.yaml')), symlinkSync('../catalog/orders.yaml', join(root, 'catalog/link.yaml')))],
      ];
      for (const [what, change, undo] of changes) {
        const { unchanged, asked } = await walk(root, skip, 0);
        expect(unchanged(), what).toBe(true);
        expect(asked, what).toEqual([]);
        change();
        expect(unchanged(), what).toBe(false);
        undo();
      }
    });

    it('reads and hashes everything again when a time cannot tell: a path changed since the walk began, or files just written', async () => {
      const root = await tempRepo(baseTree());
      const orders = join(root, 'catalog/orders.yaml');
      const text = readFileSync(orders, 'utf8');
      // Written again with the same bytes after the walk: its times moved, the bytes did not.
      const rewritten = await walk(root, new Set(), 0);
      writeFileSync(orders, text);
      expect(rewritten.unchanged()).toBe(true);
      expect(rewritten.asked).toEqual([true]);
      // Just written, with the real margin: racily clean, so asked again even though nothing changed.
      const fresh = await walk(root, new Set());
      expect(fresh.unchanged()).toBe(true);
      expect(fresh.asked).toEqual([true]);
      writeFileSync(orders, `${text}# edited\n`);
      expect(fresh.unchanged()).toBe(false);
    });
  });
});
