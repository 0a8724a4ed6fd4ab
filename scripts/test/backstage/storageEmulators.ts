import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../helpers/freePort.ts';

const require = createRequire(import.meta.url);

// Azurite's public, well-known development account key.
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Emulators {
  azureConnectionString: string;
  s3Endpoint: string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const open = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on ${port}`);
}

/** Azurite (blob) and s3rver as single node processes on 127.0.0.1, with a container and a bucket named `techdocs`. */
export async function startStorageEmulators(): Promise<Emulators> {
  const data = await mkdtemp(join(tmpdir(), 'gitops-storage-'));
  const [blobPort, s3Port] = [await freePort(), await freePort()];
  const azurite = spawn(process.execPath, [join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js'), '--blobHost', '127.0.0.1', '--blobPort', String(blobPort), '--location', join(data, 'azurite'), '--skipApiVersionCheck', '--disableTelemetry', '--silent'], { stdio: 'ignore' });
  const s3rver = spawn(process.execPath, [join(dirname(require.resolve('s3rver/package.json')), 'bin/s3rver.js'), '-d', join(data, 's3'), '-a', '127.0.0.1', '-p', String(s3Port), '--configure-bucket', 'techdocs', '--silent'], { stdio: 'ignore' });
  const stop = async () => {
    for (const child of [azurite, s3rver]) {
      if (child.exitCode === null) {
        const gone = new Promise(r => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
    }
    await rm(data, { recursive: true, force: true });
  };
  try {
    await Promise.all([waitForPort(blobPort, azurite, 'Azurite'), waitForPort(s3Port, s3rver, 's3rver')]);
    const azureConnectionString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:${blobPort}/devstoreaccount1;`;
    const { BlobServiceClient } = require('@azure/storage-blob');
    await BlobServiceClient.fromConnectionString(azureConnectionString).getContainerClient('techdocs').createIfNotExists();
    return { azureConnectionString, s3Endpoint: `http://127.0.0.1:${s3Port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
