import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export type Fault = 'pass' | '500' | '429' | 'drop-before' | 'drop-after' | 'lose';

export interface FaultProxy {
  url: string;
  /** Every request since the last setFaults, with the fault it got. */
  log: { method: string; path: string; fault: Fault; status?: number }[];
  setFaults(next: (index: number, req: IncomingMessage) => Fault): void;
  close(): Promise<void>;
}

/**
 * A proxy on 127.0.0.1 in front of the real backend that fails requests on a schedule: 500s, 429s
 * with Retry-After, connections dropped before the request reaches the backend, and connections
 * dropped after the backend handled it (the response is lost, the change is not), and requests answered
 * 200 without reaching the backend (`lose`: a refresh Backstage accepted and then lost).
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let faults: (index: number, req: IncomingMessage) => Fault = () => 'pass';
  let index = 0;
  const log: FaultProxy['log'] = [];
  const server: Server = createServer((req, res) => {
    const fault = faults(index++, req);
    const entry: FaultProxy['log'][number] = { method: req.method ?? 'GET', path: req.url ?? '/', fault };
    log.push(entry);
    if (fault === '500') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"injected"}}');
    if (fault === '429') return void res.writeHead(429, { 'retry-after': '1' }).end();
    if (fault === 'drop-before') return void req.socket.destroy();
    if (fault === 'lose') return void req.resume().on('end', () => res.writeHead(200).end());
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, upstreamRes => {
      entry.status = upstreamRes.statusCode;
      if (fault === 'drop-after') {
        upstreamRes.resume();
        upstreamRes.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    log,
    setFaults(next) {
      faults = next;
      index = 0;
      log.length = 0;
    },
    close: () => new Promise(r => server.close(() => r())),
  };
}
