import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TestProject } from 'vitest/node';
import { buildCli } from '../bin/build.js';
import { compileTechInsights } from '../src/scorecards/compileTechInsights.ts';
import { loadScorecards } from '../src/scorecards/loadScorecards.ts';
import { startBackstage, type BackstageHandle } from './backstage/startBackstage.ts';
import { REPO_ROOT } from './helpers/tempRepo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backstage: { baseUrl: string; token: string; fixturesUrl: string; fixturesDir: string; techInsightsChecks: string[] };
  }
}

let handle: BackstageHandle | undefined;
let runTemporary: string | undefined;

/**
 * One real Backstage backend per test run, on 127.0.0.1, stopped at the end. It ingests this repo's
 * example catalog and runs Tech Insights with the checks that only need its built-in retrievers.
 */
/** Real MkDocs for the TechDocs tests, from Debian's packages, installed once if the machine lacks it. */
function ensureMkdocs() {
  if (spawnSync('mkdocs', ['--version'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error('MkDocs is missing: run `sudo apt-get install -y mkdocs mkdocs-material` once.');
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mkdocs mkdocs-material'], { stdio: 'inherit' });
  if (install.status !== 0) throw new Error('Installing MkDocs from Debian packages failed');
}

export async function setup(project: TestProject) {
  // Every temporary folder of the run (the tests', the bin's, the backend's) in one folder, removed at the
  // end: a CI machine running the suite every day must not keep tens of thousands of them. The test
  // workers and every process they start inherit TMPDIR, which os.tmpdir() reads.
  runTemporary = mkdtempSync(join(tmpdir(), 'backstage-gitops-test-'));
  process.env.TMPDIR = runTemporary;
  // The shipped path is the tested path: the bin runs this bundle, so every run tests the current sources.
  await buildCli();
  ensureMkdocs();
  const { data } = await loadScorecards(REPO_ROOT);
  const builtin = new Set(data.retrievers.filter(r => r.value.builtin).map(r => r.value.id));
  const portable = { ...data, checks: data.checks.filter(c => c.value.factIds.every(id => builtin.has(id))), retrievers: data.retrievers.filter(r => r.value.builtin) };
  const techInsights = parse(compileTechInsights(portable)).techInsights;
  for (const retriever of Object.values(techInsights.factRetrievers) as Record<string, unknown>[]) {
    // Run soon after start-up, once the catalog has ingested the example organisation.
    retriever.cadence = '* * * * *';
    retriever.initialDelay = { seconds: 12 };
  }
  handle = await startBackstage({ catalogRoot: REPO_ROOT, techInsights });
  const { baseUrl, token, fixturesUrl, fixturesDir } = handle;
  project.provide('backstage', { baseUrl, token, fixturesUrl, fixturesDir, techInsightsChecks: Object.keys(techInsights.factChecker.checks) });
}

export async function teardown() {
  try {
    await handle?.stop();
  } finally {
    if (runTemporary) rmSync(runTemporary, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}
