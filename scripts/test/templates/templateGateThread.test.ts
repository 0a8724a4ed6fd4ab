import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// BACKSTAGE_GITOPS_TEMPLATE_THREAD=require: the template checks must run on their thread (a thread that
// fails is an error, not a fall-back to the main thread); never: on the main thread. Both must give the
// same report, byte for byte, in every output format.
const check = (root: string, thread: 'require' | 'never', args: string[] = []) => runBin(['check', ...args], root, { BACKSTAGE_GITOPS_TEMPLATE_THREAD: thread });

async function bothWays(root: string, args: string[]) {
  const [main, thread] = await Promise.all([check(root, 'never', args), check(root, 'require', args)]);
  expect([thread.status, thread.stdout, thread.stderr]).toEqual([main.status, main.stdout, main.stderr]);
  return main;
}

describe('the template checks on their own thread (through the bin)', () => {
  it('this repo: the same clean report either way', async () => {
    const root = await dataRepoCopy();
    const run = await bothWays(root, ['--format', 'json']);
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates with findings of every template gate: the same findings, in the same order, with the other gates around them', async () => {
    const root = await dataRepoCopy();
    const file = join(root, 'templates/go-service/template.yaml');
    const text = await readFile(file, 'utf8');
    // An unknown action, a broken expression, an undeclared parameter and a skeleton that is not there:
    // checkTemplate, the expression parser, analyzeSkeletons and the step inputs all speak.
    const broken = text
      .replace(/action: fetch:template/, 'action: fetch:templat')
      .replace(/\$\{\{ parameters\.name \}\}/, '${{ parameters.name | }}')
      .replace(/url: \.\/skeleton|url: \.\.\/\.\.\/skeletons\/[a-z-]+/, 'url: ../../skeletons/not-there');
    expect(broken).not.toBe(text);
    await writeFile(file, broken);
    // A catalog finding before the templates' and a scorecard after them keep their places.
    await writeFile(join(root, 'catalog/extra.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Extra Service\nspec: {type: service, lifecycle: production, owner: nobody}\n');
    for (const format of [['--format', 'json'], ['--format', 'sarif'], ['--format', 'github'], []]) {
      const run = await bothWays(root, format);
      expect(run.status).toBe(1);
    }
    const found = JSON.parse((await check(root, 'require', ['--format', 'json'])).stdout) as { diagnostics: { ruleId: string; file: string }[] };
    expect(found.diagnostics.filter(d => d.file === 'templates/go-service/template.yaml').length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a template policy that does not load is the same tool error (exit 2, no stack trace) either way', async () => {
    const root = await dataRepoCopy();
    await writeFile(join(root, 'schemas/template-policy/actions.json'), '{"allowed": [\n');
    const [main, thread] = await Promise.all([check(root, 'never'), check(root, 'require')]);
    expect(main.status).toBe(2);
    expect(main.stderr).toMatch(/^backstage-gitops check: schemas\/template-policy\/actions\.json:1:\d+: not valid JSON/);
    expect(main.stderr).not.toMatch(/^\s+at /m);
    // The thread's gate threw; the main thread ran it again and threw the same error as its own.
    expect(thread.stderr).toMatch(/the template thread failed/);
    const fallBack = await runBin(['check'], root, {});
    expect([fallBack.status, fallBack.stdout, fallBack.stderr]).toEqual([main.status, main.stdout, main.stderr]);
  }, 60_000);
});
