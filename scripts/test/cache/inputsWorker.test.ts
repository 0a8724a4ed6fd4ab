import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { InputsSeen, runInputsKey, type RunTexts } from '../../src/cache/runInputs.ts';
import type { InputsJob, InputsResult } from '../../src/cache/inputsKeyThread.ts';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

// The worker as `npm ci` leaves it: the bundle's inputsWorker.mjs, which `check --cache` starts.
const WORKER = join(REPO_ROOT, 'scripts/src/.build/inputsWorker.mjs');

function onThread(job: InputsJob): Promise<InputsResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('the bundled inputs worker', () => {
  it('gives the key, the YAML files\' bytes and hashes, and the paths of the walk on the main thread', async () => {
    const root = await tempRepo({
      ...baseTree(),
      // A byte-order mark: the file's text hash differs from its bytes' digest.
      'catalog/bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: bom\nspec:\n  type: team\n  children: []\n')]),
      // Over the walk's keep size (1 MiB): hashed into the key, not kept.
      'catalog/big.yaml': `# ${'x'.repeat(1 << 20)}\n`,
      'docs/notes.txt': 'not YAML',
      'vendor/node_modules/.package-lock.json': '{}',
    });
    mkdirSync(join(root, 'catalog/empty'));
    symlinkSync('../catalog/orders.yaml', join(root, 'docs/link.yaml'));
    writeFileSync(join(root, 'cache.json'), 'skipped');
    const parts = ['toolkit', 'today'];
    const skip = new Set(['cache.json']);
    const texts: RunTexts = new Map();
    const seen = new InputsSeen();
    const key = runInputsKey(root, parts, skip, texts, seen);

    const result = await onThread({ root, parts, skip: [...skip] });
    if ('failed' in result) throw new Error('the worker failed');
    expect(result.key).toBe(key);
    const threaded = result.files.map((file, i) => [file, Buffer.from(result.slabs[result.places[3 * i]], result.places[3 * i + 1], result.places[3 * i + 2]).toString('latin1'), result.digests[i], result.hashes[i] ?? result.digests[i]]);
    expect(threaded).toEqual([...texts].map(([file, t]) => [file, t.bytes.toString('latin1'), t.digest, t.hash]));
    expect(texts.get('catalog/bom.yaml')!.hash).not.toBe(texts.get('catalog/bom.yaml')!.digest);
    expect(texts.has('catalog/big.yaml')).toBe(false);
    expect(result.seen.map((path, i) => [path, result.kinds[i]])).toEqual([...seen.paths]);
    expect(result.margin).toBe(seen.margin);
  });

  it('says it failed rather than throwing, so the main thread walks and reports the error itself', async () => {
    const root = await tempRepo(baseTree());
    // A job the walk cannot take (skip is no list): any throw in the walk takes this path.
    const result = await onThread({ root, parts: [], skip: 42 as unknown as string[] });
    expect(result).toEqual({ failed: true });
  });
});
