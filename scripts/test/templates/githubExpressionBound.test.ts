import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../e2e/gitops.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number } } }

const TEMPLATE = `${templateHead('svc')}${fetchSkeletonStep()}`;
const LONG = 'a'.repeat(300_000);
// One expression per workflow: a file's expressions make one finding (the first), each file's names its own.
const workflow = (expression: string) => `on: push
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ ${expression} }}
`;

/** The bin's `check --format json` in `root`, killed after `limitMs`: the exit status is null when it ran out of time. */
function checkWithin(root: string, limitMs: number): Promise<{ status: number | null; stdout: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'check', '--format', 'json'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  let stdout = '';
  child.stdout.on('data', d => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise(resolve => child.on('close', status => (clearTimeout(timer), resolve({ status, stdout, ms: Date.now() - started }))));
}

describe('skeleton-github-expression on a 300 KB name (red team, repro-7; check, through the bin)', () => {
  it('finds the hyphenated name in linear time and names a long expression by its start', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': TEMPLATE,
      'skeletons/svc/.github/workflows/a.yml': workflow(`github.${LONG}`),
      'skeletons/svc/.github/workflows/b.yml': workflow('github.event-name'),
      'skeletons/svc/.github/workflows/c.yml': workflow(`github.${LONG}-b`),
    });
    // Before the fix this run took 52 s (the name regex tried every start position); it is stopped at 20 s.
    const run = await checkWithin(root, 20_000);
    expect(run.status, `stopped after ${run.ms} ms`).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-github-expression');
    expect(found.map(d => `${d.file.split('/').pop()}@${d.range.start.line}`)).toEqual(['a.yml@6', 'b.yml@6', 'c.yml@6']);
    expect(found[1].message).toBe('${{ github.event-name }} is a GitHub Actions expression, but Backstage renders it first and it comes out as "NaN" (the renderer reads github.event-name as github.event - name, a subtraction of undefined values).');
    expect(found[2].message).toContain(`(the renderer reads github.${'a'.repeat(72)}… as github.`);
    for (const d of found) expect(d.message.length + (d.hint ?? '').length).toBeLessThan(1000);
  }, 60_000);
});
