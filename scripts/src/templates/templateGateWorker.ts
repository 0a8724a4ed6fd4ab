// The template checks' thread (see templateGateThread.ts): bundled as its own entry, templateGateWorker.mjs
// beside cli.mjs. Importing templateGate here loads its packages while the main thread checks the catalog;
// the one job then arrives with the files to judge.
import { parentPort } from 'node:worker_threads';
import { templateGate } from './templateGate.ts';
import type { TemplateGateJob, TemplateGateReply } from './templateGateThread.ts';

const port = parentPort!;

port.once('message', async ({ root, files, repoFiles, config }: TemplateGateJob) => {
  let reply: TemplateGateReply;
  try {
    reply = { diagnostics: await templateGate(root, { files, repoFiles, config }) };
  } catch (error) {
    // The main thread runs the gate again itself and throws this error there, as its own.
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
