// The secret scan's thread (see secretScanThread.ts): bundled as its own entry, secretScanWorker.mjs beside
// cli.mjs. secretlint's rules are backtracking regular expressions (the private key rule's [\s\S]{1,10000}?
// costs about 2 s on a megabyte of `-----BEGIN PRIVATE KEY-----`); here the main thread can stop them.
import { parentPort } from 'node:worker_threads';
import { lintSecrets } from './lintSecrets.ts';
import type { ScanReply, ScanRequest } from './secretScanThread.ts';

const port = parentPort!;

port.on('message', async ({ index, label, text }: ScanRequest) => {
  let reply: ScanReply;
  try {
    reply = { index, found: await lintSecrets(label, text) };
  } catch (error) {
    reply = { index, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
