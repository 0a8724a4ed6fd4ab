import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// A pre-commit hook passes the files a commit changes. `check <one skeleton file>` reported every finding of
// every template fetching it (a template.yaml nobody touched), and `check <a skeleton folder>` judged nothing
// ("0 files"). What the given paths hold is said; a given template still gets all of its own.

interface Finding { ruleId: string; file: string; range: { start: { line: number } } }
const README = 'skeletons/node-service/README.md';
const TEMPLATE = 'templates/node-service/template.yaml';

describe('check <skeleton paths>: the given files\' findings, not the whole template\'s', () => {
  let root: string;
  beforeAll(async () => {
    root = await dataRepoCopy();
    // A finding in the skeleton file, and one in the template.yaml that fetches it.
    writeFileSync(join(root, README), `${readFileSync(join(root, README), 'utf8')}Listens on {{ values.port }}.\n`);
    const template = readFileSync(join(root, TEMPLATE), 'utf8');
    if (!template.includes('      - title: Repository\n')) throw new Error('fixture changed');
    writeFileSync(join(root, TEMPLATE), template.replace('      - title: Repository\n', '      - title: Repository of {{ parameters.name }}\n'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function findings(...paths: string[]): Promise<{ status: number | null; found: string[] }> {
    const run = await runBin(['check', '--format', 'json', ...paths], root);
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.endsWith('-unrendered-braces')).map(d => `${d.ruleId} ${d.file}`);
    return { status: run.status, found };
  }

  it('a skeleton file: its own finding, not the untouched template.yaml\'s', async () => {
    expect(await findings(README)).toEqual({ status: 1, found: [`skeleton-unrendered-braces ${README}`] });
  }, 60_000);

  it('a skeleton folder: its files are judged through the template that fetches it', async () => {
    expect(await findings('skeletons/node-service')).toEqual({ status: 1, found: [`skeleton-unrendered-braces ${README}`] });
  }, 60_000);

  it('the template.yaml: its own findings and what it makes of its skeleton', async () => {
    const { status, found } = await findings(TEMPLATE);
    expect(status).toBe(1);
    expect(found.sort()).toEqual([`skeleton-unrendered-braces ${README}`, `template-unrendered-braces ${TEMPLATE}`]);
  }, 60_000);
});
