import { createServer } from 'node:net';

/** A loopback port the OS hands out as free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on the loopback port. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A base port with base + offset free for every offset, for servers that take ports relative to
 * one another (the launcher's apps, a Redis Cluster node and its bus port). Drawn from 20000–28999:
 * below Linux's ephemeral range, so no outgoing connection holds one, and clear of the well-known
 * ports other services on a shared machine listen on (epmd's 4369 once broke a fixed range here).
 */
export async function freePortBlock(offsets: number[]): Promise<number> {
  const span = Math.max(...offsets);
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (9_000 - Math.min(span, 8_000)));
    if (base + span > 65_535) continue;
    let free = true;
    for (const offset of offsets) if (!(free = await portFree(base + offset))) break;
    if (free) return base;
  }
  throw new Error(`no free block of loopback ports at offsets ${offsets.join(', ')}`);
}
