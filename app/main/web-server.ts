import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { RESPONSE_HEADERS, responseHeaders } from './security.ts';
import { mimeTypeFor, resolveStaticPath } from './static-files.ts';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the built renderer on 127.0.0.1 with the same COOP/COEP/CSP headers as the Electron protocol,
 * so the page is cross-origin isolated (SharedArrayBuffer works) exactly as in the app (workers: security.ts).
 */
export async function serveRenderer(root: string, port = 0): Promise<RunningServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...RESPONSE_HEADERS, Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = resolveStaticPath(root, request.url ?? '/');
    if (path === null) {
      response.writeHead(403, RESPONSE_HEADERS).end('forbidden');
      return;
    }
    readFile(path).then(
      (body) => {
        const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
        response.writeHead(200, { ...responseHeaders(pathname), 'Content-Type': mimeTypeFor(path), 'Cache-Control': 'no-cache' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      () => response.writeHead(404, RESPONSE_HEADERS).end('not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
