import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// A fetch url that leads to the repository root (skeletonFolder's `.`) was shown as "/./", a path no
// CODEOWNERS line matches; the root is "/".
const TEMPLATE = 'templates/python-datascience/template.yaml';

describe('codeowners: a template that fetches the repository root', () => {
  it('is refused at its url, naming the root as /', async () => {
    const root = await dataRepoCopy();
    const text = readFileSync(join(root, TEMPLATE), 'utf8');
    expect(text).toContain('        url: ../../skeletons/python-datascience\n');
    writeFileSync(join(root, TEMPLATE), text.replace('        url: ../../skeletons/python-datascience\n', '        url: ../../\n'));
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[]).filter(d => d.ruleId.startsWith('codeowners-claim'));
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['codeowners-claim-outside@templates/python-datascience/template.yaml:61:14']);
    expect(found[0].message).toMatch(/^Step "fetch" fetches "\/", which is not given to @acme\/data-team: the url leads to the repository root/);
    expect(run.stdout).not.toContain('/./');
    const written = await runBin(['codeowners', '--write'], root);
    expect(readFileSync(join(root, '.github/CODEOWNERS'), 'utf8')).not.toMatch(/^\/\.\/|^\/ /m);
    expect(written.stdout + written.stderr).not.toContain('/./');
  }, 60_000);
});
