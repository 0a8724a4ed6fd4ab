import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

describe('committed action bundles', () => {
  it.each(['check', 'publish-techdocs', 'sync'])('actions/%s/dist is what its sources build to', async name => {
    const { bundle } = await import('../../bin/bundle-actions.js');
    const committed = readFileSync(join(REPO_ROOT, 'actions', name, 'dist/index.mjs'), 'utf8');
    expect(committed === (await bundle(name)), `actions/${name}/dist/index.mjs is stale: run npm run bundle`).toBe(true);
    expect(readFileSync(join(REPO_ROOT, 'actions', name, 'action.yml'), 'utf8')).toContain('using: node24');
  });
});
