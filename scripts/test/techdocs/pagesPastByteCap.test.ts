import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// The include scan (techdocs-file-include) read docs pages with the catalog's byte cap (catalog.maxFileBytes,
// 1 MiB) and the catalog's encoding rules, and dropped any page it could not read without a word: a hostile pull
// request padded a page past 1 MiB (or put one invalid UTF-8 byte in it) above `--8<-- "/etc/passwd"`, and
// `check` and the PR report said "ready to merge" while the TechDocs build pasted the host file into the site.
const site = (page: string | Buffer) => ({
  'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations: {backstage.io/techdocs-ref: "dir:."}\nspec: {type: service, lifecycle: production, owner: team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
  'mkdocs.yml': 'site_name: A\nnav:\n  - Home: index.md\n  - Runbook: runbook.md\n',
  'docs/index.md': '# A\n',
  'docs/runbook.md': page,
});

async function check(files: Record<string, string | Buffer>, args: string[] = []) {
  const run = await runBin(['check', '--format', 'json', ...args], await tempRepo(files));
  expect(run.stderr).not.toMatch(/internal error|at .*\.(m?js|ts):\d+/);
  const found = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number } } }[];
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`), messages: found.map(d => d.message) };
}

describe('docs pages past the catalog byte cap are still scanned for file includes (check, through the bin)', () => {
  it('a page padded past 1 MiB above a snippet of /etc/passwd: the snippet is found', async () => {
    const { status, found } = await check(site(`# Runbook\n${' '.repeat(1_100_000)}\n\n--8<-- "/etc/passwd"\n`));
    expect(found).toEqual(['techdocs-file-include@docs/runbook.md:4']);
    expect(status).toBe(1);
  }, 60_000);

  it('a page with an invalid UTF-8 byte above the snippet: the snippet is found', async () => {
    const { found } = await check(site(Buffer.concat([Buffer.from('# Runbook\n'), Buffer.from([0xff, 0x0a]), Buffer.from('--8<-- "/etc/passwd"\n')])));
    expect(found).toContain('techdocs-file-include@docs/runbook.md:3');
  }, 60_000);

  it('a page larger than the scan reads (64 MiB) is reported, not passed', async () => {
    const { status, found, messages } = await check(site(Buffer.alloc(65 * 1024 * 1024, 0x78)));
    expect(found).toEqual(['techdocs-file-include@docs/runbook.md:1']);
    expect(messages.join('\n')).toMatch(/more than the gate reads/);
    expect(status).toBe(1);
  }, 120_000);

  it('a large page without includes, and a large image, stay quiet', async () => {
    const { status, found } = await check({ ...site(`# Runbook\n${'word '.repeat(300_000)}\n`), 'docs/big.png': Buffer.alloc(2_000_000, 7) });
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);
});
