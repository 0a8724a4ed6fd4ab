import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from '../helpers/freePort.ts';

export interface BackstageHandle {
  baseUrl: string;
  token: string;
  fixturesUrl: string;
  fixturesDir: string;
  /** The last part of the backend's own log, for a failing test to show why. */
  logTail(chars?: number): Promise<string>;
  stop(): Promise<void>;
}

const TOKEN = 'gitops-test-static-token-0123456789';

/** Serves a folder on 127.0.0.1 so url locations and validate-entity have something real to read. */
async function serveFolder(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      res.end(await readFile(join(dir, path)));
    } catch {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/**
 * `catalogRoot`: a repo served over HTTP on 127.0.0.1 whose `catalog/all.yaml` (and `templates/all.yaml`) the backend registers as
 * a url location, as the managed Backstage does (placeholders such as $text are only read over URLs).
 */
export async function startBackstage(extra: { catalogRoot?: string; serveRoot?: string; techInsights?: object; providerEntities?: object[] } = {}): Promise<BackstageHandle & { servedUrl?: string }> {
  const workDir = await mkdtemp(join(tmpdir(), 'gitops-backstage-'));
  const fixturesDir = join(workDir, 'fixtures');
  await writeFile(join(workDir, '.keep'), '');
  await import('node:fs/promises').then(fs => fs.mkdir(fixturesDir));
  const fixtures = await serveFolder(fixturesDir);
  const repo = extra.catalogRoot ?? extra.serveRoot ? await serveFolder((extra.catalogRoot ?? extra.serveRoot)!) : undefined;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      workingDirectory: workDir,
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'gitops-tests' } }] },
      reading: { allow: [fixtures, repo].filter(s => s !== undefined).map(s => ({ host: new URL(s.url).host })) },
    },
    // A token that is never sent: with it the GitHub actions' dry-runs build their client offline.
    integrations: { github: [{ host: 'github.com', token: 'dry-run-only' }] },
    catalog: { rules: [{ allow: ['Component', 'System', 'API', 'Resource', 'Location', 'Template', 'Group', 'User', 'Domain'] }], locations: repo && extra.catalogRoot ? ['catalog/all.yaml', 'templates/all.yaml'].filter(f => existsSync(join(extra.catalogRoot!, f))).map(f => ({ type: 'url', target: `${repo.url}/${f}` })) : [] },
    ...(extra.techInsights ? { techInsights: extra.techInsights } : {}),
    scaffolder: {},
    // In-memory SQLite has one connection per plugin; publishing a catalog conflict event to the bus
    // would wait for a second one inside the processing transaction. The managed Backstage runs Postgres.
    events: { useEventBus: 'never' },
  };
  const configFile = join(workDir, 'app-config.yaml');
  await writeFile(configFile, stringify(config));
  const providerFile = join(workDir, 'provider-entities.json');
  if (extra.providerEntities) await writeFile(providerFile, JSON.stringify(extra.providerEntities));
  const log = createWriteStream(join(workDir, 'backend.log'));
  const entry = fileURLToPath(new URL('./backend.cjs', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [entry, '--config', configFile], {
    env: { ...process.env, ...(extra.providerEntities ? { GITOPS_TEST_PROVIDER_ENTITIES: providerFile } : {}), LOG_LEVEL: process.env.GITOPS_TEST_BACKSTAGE_LOG_LEVEL ?? 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async () => {
    if (!exited) {
      const gone = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await new Promise(r => fixtures.server.close(r));
    if (repo) await new Promise(r => repo.server.close(r));
    if (process.env.GITOPS_TEST_KEEP_BACKSTAGE) process.stderr.write(`kept ${workDir}\n`);
    else await rm(workDir, { recursive: true, force: true });
  };

  const logTail = async (chars = 4000) => (await readFile(join(workDir, 'backend.log'), 'utf8').catch(() => '')).slice(-chars);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
      if (res.ok) return { baseUrl, token: TOKEN, fixturesUrl: fixtures.url, fixturesDir, logTail, stop, servedUrl: repo?.url };
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 200));
  }
  const tail = await logTail();
  await stop();
  throw new Error(`Backstage did not become ready:\n${tail}`);
}
