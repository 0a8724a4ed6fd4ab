import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export const SERVICE = '${{ values.name }}';

/** The routes of ${{ values.name }}: a health check for Kubernetes and the service's own API. */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', service: SERVICE }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
}

if (process.argv[1]?.endsWith('server.js')) {
  const port = Number(process.env.PORT ?? ${{ values.port }});
  createServer(handle).listen(port, () => console.log(`${SERVICE} listening on ${port}`));
}
