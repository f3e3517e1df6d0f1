/**
 * A pass-through HTTP proxy in front of a real test registry that injects
 * the failures distribution cannot be made to produce on demand: 429 with
 * Retry-After, 502/503/504, dropped connections. Everything not injected is
 * forwarded to the registry unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { status: number; headers?: Record<string, string>; body?: string } | { drop: true };

export interface FaultProxy {
  host: string;
  /** Faults applied to the next requests, in order. */
  faults: Fault[];
  /** Requests seen (method and path), faulted or not. */
  seen: string[];
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const state: Pick<FaultProxy, 'faults' | 'seen'> = { faults: [], seen: [] };
  const server = http.createServer((req, res) => {
    state.seen.push(`${req.method} ${req.url}`);
    const fault = state.faults.shift();
    if (fault && 'drop' in fault) {
      req.socket.destroy();
      return;
    }
    if (fault) {
      res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    const upstream = http.request(
      { host: target.split(':')[0], port: Number(target.split(':')[1]), method: req.method, path: req.url, headers: { ...req.headers, host: target } },
      (up) => {
        const headers = { ...up.headers };
        // Keep redirects and upload locations pointing at the proxy.
        if (typeof headers.location === 'string') headers.location = headers.location.replace(`//${target}`, `//${proxyHost}`);
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: proxyHost,
    faults: state.faults,
    seen: state.seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
