// The second thread of a big catalog's load (see parallelFiles.ts): bundled as its own entry,
// fileWorker.mjs beside cli.mjs. It prepares the same context the main thread checks files with, then
// takes files of each job the way the job says and posts each file's results back as it goes.
import { parentPort, workerData } from 'node:worker_threads';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { checkFileAlone, type FileCheckContext } from './checkFileAlone.ts';
import { loadPolicies } from './prepareCatalogCheck.ts';
import { loadManagedModel } from './managedModel.ts';
import { claimer, type FileJob, type WorkerReply } from './parallelFiles.ts';

const config = (workerData as { config: GitopsConfig }).config;
const port = parentPort!;
const ready: Promise<FileCheckContext> = Promise.all([loadPolicies(config), loadManagedModel(config.catalog.modules)]).then(([policies, model]) => ({ config, policies, model }));

port.on('message', (job: FileJob) => {
  void run(job);
});

async function run(job: FileJob) {
  const context = await ready;
  const claim = claimer(job, 'worker')
  for (let range = claim(); range; range = claim()) {
    const results: WorkerReply['results'] = [];
    for (let i = range[0]; i < range[1]; i++) {
      const { locate: _, ...result } = await checkFileAlone(job.files[i], context);
      results.push([i, result]);
    }
    port.postMessage({ job: job.id, results } satisfies WorkerReply);
  }
}

