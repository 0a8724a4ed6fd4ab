import type { TestProject } from 'vitest/node';
import { startBackstage, type BackstageHandle } from './backstage/startBackstage.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backstage: { baseUrl: string; token: string; fixturesUrl: string; fixturesDir: string };
  }
}

let handle: BackstageHandle | undefined;

/** One real Backstage backend per test run, on 127.0.0.1, stopped at the end. */
export async function setup(project: TestProject) {
  handle = await startBackstage();
  const { baseUrl, token, fixturesUrl, fixturesDir } = handle;
  project.provide('backstage', { baseUrl, token, fixturesUrl, fixturesDir });
}

export async function teardown() {
  await handle?.stop();
}
