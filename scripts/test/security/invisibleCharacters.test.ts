import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// A pull request adds a file whose name differs from the orders team's entities.yaml only by characters that
// render as nothing: a zero-width space, and a Unicode tag character (U+E0041, invisible "A"). Shown as they
// are, the report's reviewer table and every annotation name it exactly as the other team's file.
const ZWSP_FILE = 'catalog/systems/orders/entities\u200b.yaml';
const TAG_FILE = 'catalog/systems/orders/\u{E0041}entities.yaml';
// A variation selector after a letter (not an emoji) draws nothing either: the orders team's folder, to the eye.
const SELECTOR_FILE = 'catalog/systems/orders\uFE0F/entities.yaml';
const ENTITY = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: zz\nspec:\n  type: service\n  lifecycle: production\n  owner: commerce-team\n';

/** Every character of `text` that renders as nothing and that the toolkit does not insert itself (its own U+200B breaks, an emoji's U+FE0F as in ⚠️). */
const invisibleIn = (text: string) => [...text.matchAll(/(?!\u200b)(?<!\p{Extended_Pictographic})\p{Default_Ignorable_Code_Point}/gu)].map(m => `U+${m[0].codePointAt(0)!.toString(16)}`);

describe('names that differ only by invisible characters are shown with them written out (shipped bin)', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    writeFileSync(join(repo, ZWSP_FILE), ENTITY);
    writeFileSync(join(repo, TAG_FILE), ENTITY.replace('zz', 'zy'));
    mkdirSync(join(repo, SELECTOR_FILE, '..'));
    writeFileSync(join(repo, SELECTOR_FILE), ENTITY.replace('zz', 'zx'));
    git(repo, 'checkout', '-qb', 'pr');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'lookalike files');
  }, 120_000);

  it('report: the Markdown (reviewer table, findings) names the files so they can be told apart', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'inv-')), 'report.json');
    const run = await runBin(['report', '--base', 'main', '--format', 'json', '--output', out], repo);
    expect(run.status).toBe(1);
    const { markdown } = JSON.parse(readFileSync(out, 'utf8')) as { markdown: string };
    expect(invisibleIn(markdown)).toEqual([]);
    // The toolkit's own zero-width breaks stay; none stands where the file name had its own.
    expect(markdown).not.toContain('entities\u200b.yaml');
    expect(markdown).toContain('entities&#92;u200b.yaml');
    expect(markdown).toContain('&#92;u{e0041}entities.yaml');
    expect(markdown).toContain('orders&#92;ufe0f/entities.yaml');
  }, 120_000);

  it('check: stylish, github and azure lines write the characters out', async () => {
    for (const format of ['stylish', 'github', 'azure']) {
      const run = await runBin(['check', '--format', format], repo);
      expect(run.status).toBe(1);
      expect(invisibleIn(run.stdout)).toEqual([]);
      expect(run.stdout).not.toContain('entities\u200b.yaml');
      expect(run.stdout).toContain('entities\\u200b.yaml');
      expect(run.stdout).toContain('\\u{e0041}entities.yaml');
      expect(run.stdout).toContain('orders\\ufe0f/entities.yaml');
    }
  }, 120_000);
});
