import { appendFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIsCurrent, inputHashes, writeBuildManifest } from '../../bin/buildManifest.js';
import { tempRepo } from '../helpers/tempRepo.ts';

const OUT = 'scripts/src/.build';
// Under node_modules (which `npm ci` deletes), never beside the bundle a pull request could commit.
const MANIFEST = 'node_modules/.cache/backstage-gitops/build-manifest.json';

/** A repo as the build sees it, built once: sources, schemas, package files, npm's record, an inlined package, the bundle. */
async function built() {
  const root = await tempRepo({
    'scripts/src/cli/main.ts': 'export const x = 1;\n',
    'scripts/src/diagnostic.ts': 'export const y = 2;\n',
    'scripts/bin/build.js': '// the build\n',
    'scripts/test/some.test.ts': '// a test\n',
    'schemas/gitops-config.schema.json': '{}\n',
    'package.json': '{"type":"module"}\n',
    'package-lock.json': '{}\n',
    'tsconfig.json': '{}\n',
    'node_modules/.package-lock.json': '{"packages":{}}\n',
    'node_modules/@actions/workflow-parser/dist/index.js': 'export {};\n',
    [`${OUT}/cli.mjs`]: 'console.log(1);\n',
    [`${OUT}/chunk-ABC.mjs`]: 'console.log(2);\n',
    [`${OUT}/prebuilt.json`]: '{}\n',
  });
  writeBuildManifest(root, join(root, OUT), [join(root, 'scripts/src/cli/main.ts'), join(root, 'node_modules/@actions/workflow-parser/dist/index.js'), join(root, 'package.json')]);
  return root;
}

describe('the build manifest: npm run check reuses the bundle only when nothing it is made from changed', () => {
  it('is current right after the build, and after a touch that leaves every byte as it was', async () => {
    const root = await built();
    expect(buildIsCurrent(root, join(root, OUT))).toBe(true);
    utimesSync(join(root, 'scripts/src/diagnostic.ts'), new Date(), new Date(2000, 1, 1));
    expect(buildIsCurrent(root, join(root, OUT))).toBe(true);
    // The tests never feed the bundle.
    appendFileSync(join(root, 'scripts/test/some.test.ts'), '// more\n');
    expect(buildIsCurrent(root, join(root, OUT))).toBe(true);
  });

  it.each([
    ['a source edited', (root: string) => appendFileSync(join(root, 'scripts/src/diagnostic.ts'), '// edit\n')],
    ['a source edited to the same size', (root: string) => writeFileSync(join(root, 'scripts/src/diagnostic.ts'), 'export const y = 3;\n')],
    ['a new source file (esbuild may now resolve it)', (root: string) => writeFileSync(join(root, 'scripts/src/cli/main.tsx'), 'export const x = 2;\n')],
    ['a tsconfig.json in a source folder', (root: string) => writeFileSync(join(root, 'scripts/src/tsconfig.json'), '{}\n')],
    ['a source file removed', (root: string) => rmSync(join(root, 'scripts/src/diagnostic.ts'))],
    ['a schema edited', (root: string) => writeFileSync(join(root, 'schemas/gitops-config.schema.json'), '{"type":"object"}\n')],
    ['a schema added', (root: string) => writeFileSync(join(root, 'schemas/new.json'), '{}\n')],
    ['the build script edited', (root: string) => appendFileSync(join(root, 'scripts/bin/build.js'), '// edit\n')],
    ['the lockfile changed', (root: string) => writeFileSync(join(root, 'package-lock.json'), '{"v":2}\n')],
    ['the installed tree changed (npm install)', (root: string) => writeFileSync(join(root, 'node_modules/.package-lock.json'), '{"packages":{"x":{}}}\n')],
    ['no record of the installed tree', (root: string) => rmSync(join(root, 'node_modules/.package-lock.json'))],
    ['an inlined package edited in node_modules', (root: string) => appendFileSync(join(root, 'node_modules/@actions/workflow-parser/dist/index.js'), '// patched\n')],
    ['package.json edited', (root: string) => writeFileSync(join(root, 'package.json'), '{"type":"commonjs"}\n')],
    ['tsconfig.json edited', (root: string) => writeFileSync(join(root, 'tsconfig.json'), '{"compilerOptions":{}}\n')],
    ['an output edited', (root: string) => appendFileSync(join(root, OUT, 'cli.mjs'), '// edit\n')],
    ['an output removed', (root: string) => rmSync(join(root, OUT, 'chunk-ABC.mjs'))],
    ['an output added', (root: string) => writeFileSync(join(root, OUT, 'chunk-OLD.mjs'), '\n')],
    ['the prebuilt data edited', (root: string) => writeFileSync(join(root, OUT, 'prebuilt.json'), '{"x":1}\n')],
    ['the manifest missing', (root: string) => rmSync(join(root, MANIFEST))],
    ['the manifest corrupt', (root: string) => writeFileSync(join(root, MANIFEST), '{"version":')],
    // A pull request that commits a bundle of its own with a manifest vouching for it (git add -f).
    ['a bundle committed with a manifest beside it', (root: string) => {
      appendFileSync(join(root, OUT, 'cli.mjs'), 'process.exitCode = 0;\n');
      // The manifest a build of the tampered bundle would write (every hash right), then as a clone has it.
      writeBuildManifest(root, join(root, OUT), [join(root, 'scripts/src/cli/main.ts')]);
      const forged = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8'));
      rmSync(join(root, MANIFEST));
      writeFileSync(join(root, OUT, 'build-manifest.json'), JSON.stringify(forged));
    }],
    ['another Node version built it', (root: string) => {
      const file = join(root, MANIFEST);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), node: 'v0.0.1' }));
    }],
  ])('is not current with %s', async (_name, change) => {
    const root = await built();
    change(root);
    expect(buildIsCurrent(root, join(root, OUT))).toBe(false);
  });

  it.each([
    ['a source saved while the build ran', (root: string) => appendFileSync(join(root, 'scripts/src/diagnostic.ts'), '// saved mid-build\n')],
    ['a source added while the build ran', (root: string) => writeFileSync(join(root, 'scripts/src/late.ts'), 'export {};\n')],
  ])('writes no manifest for a build whose inputs changed under it (%s): the next run builds again', async (_name, change) => {
    const root = await built();
    rmSync(join(root, MANIFEST));
    const before = inputHashes(root, join(root, OUT));
    change(root);
    writeBuildManifest(root, join(root, OUT), [join(root, 'scripts/src/cli/main.ts')], before);
    expect(buildIsCurrent(root, join(root, OUT))).toBe(false);
    // A build with nothing changed under it is vouched for as before.
    writeBuildManifest(root, join(root, OUT), [join(root, 'scripts/src/cli/main.ts')], inputHashes(root, join(root, OUT)));
    expect(buildIsCurrent(root, join(root, OUT))).toBe(true);
  });
});
