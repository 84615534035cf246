import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../../test/support/env.js';
import { AddressAllowList, safeFetch, type FetchedFile, type TaskOutcome, type TaskProvider } from '../src/index.js';

/** A local endpoint that records what providers POST to it (callbacks, webhooks) and answers 200. */
export async function startReceiver(): Promise<{ url: string; received: Array<{ headers: http.IncomingHttpHeaders; body: string; path: string }>; close(): Promise<void> }> {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string; path: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Polls a task provider until its task leaves `pending`; the final outcome. */
export function settle<T>(provider: TaskProvider<unknown, T> | { poll(id: string): Promise<TaskOutcome<T>> }, taskId: string, timeoutMs = 10_000) {
  return waitFor(async () => {
    const o = await provider.poll(taskId);
    return o.state === 'pending' ? undefined : o;
  }, `task ${taskId} to finish`, timeoutMs, 25);
}

/** Brings a provider result in the way workers must: SSRF-safe, loopback allowed for the simulator only. */
export function fetchResult(url: string, contentTypes: readonly string[] = ['audio/']): Promise<FetchedFile> {
  return safeFetch(url, { allowList: new AddressAllowList('127.0.0.1/32'), maxBytes: 20_000_000, contentTypes, timeoutMs: 30_000 });
}
