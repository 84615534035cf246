// A controllable TCP proxy between the apps and a real server (Redis, S3), for network faults the servers
// themselves cannot produce: a partition (blackhole), connections refused and reset, and a request cut
// part-way through its body.
import { createServer, Socket, type Server } from 'node:net';

/**
 * - `pass`: bytes flow both ways.
 * - `refuse`: new connections are reset at once and every open one is reset (a server or host gone, RST).
 * - `blackhole`: connections are accepted and kept, nothing is forwarded either way and nothing is closed —
 *   a partition, where packets vanish without an RST. What the peers send meanwhile is held, the way TCP
 *   retransmission holds it; back to `pass`, it goes through in order, as when a short partition heals
 *   before TCP gives up on the connection. `loseHeld()` instead ends a partition the connections did not
 *   survive (a NAT, firewall or load balancer that forgot them): they stay open and silent forever.
 */
export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** Bytes held by a blackhole, in arrival order, per direction. */
  held: Array<{ up: boolean; chunk: Buffer }>;
  /** Bytes still to forward before this connection is cut (undefined: no cut here). */
  cutLeft?: number;
}

/** The chunk starts an HTTP request with this method (a new request on a kept-alive connection starts a chunk). */
export const httpRequest = (method: string, pathPart = '') => (chunk: Buffer) => {
  const head = chunk.subarray(0, 1024).toString('latin1');
  return head.startsWith(`${method} `) && head.split('\r\n', 1)[0].includes(pathPart);
};

export class TcpProxy {
  port = 0;
  private server?: Server;
  private current: ProxyMode = 'pass';
  private readonly pairs = new Set<Pair>();
  private readonly lost = new Set<Socket>();
  private trigger?: { when: (chunk: Buffer) => boolean; fire: (pair: Pair) => void };
  /**
   * Connections accepted; connections reset by `refuse`, and of those the new ones (someone had work to do);
   * connections held by `blackhole` and the requests that arrived on them; requests cut part-way.
   */
  readonly stats = { connections: 0, reset: 0, refusedNew: 0, held: 0, heldRequests: 0, cut: 0, lost: 0 };

  constructor(
    private readonly upstreamPort: number,
    private readonly upstreamHost = '127.0.0.1',
  ) {}

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get mode(): ProxyMode {
    return this.current;
  }

  setMode(mode: ProxyMode): void {
    this.current = mode;
    for (const pair of [...this.pairs]) {
      if (mode === 'refuse') this.reset(pair);
      else if (mode === 'blackhole') this.stats.held++;
      else this.flush(pair);
    }
  }

  /**
   * Ends a blackhole whose held connections did not survive it: what they sent is gone, they are never
   * forwarded nor closed — the peer hears nothing on them, ever, and only its own timeouts can tell.
   * New connections pass again.
   */
  loseHeld(): void {
    for (const pair of [...this.pairs]) {
      this.pairs.delete(pair);
      this.lost.add(pair.client);
      this.stats.lost++;
      pair.client.removeAllListeners('data');
      pair.client.on('data', () => undefined);
      if (pair.upstream) {
        pair.upstream.removeAllListeners('close');
        pair.upstream.destroy();
      }
    }
    this.current = 'pass';
  }

  /** Switches to `mode` when the next chunk satisfying `when` arrives (that chunk meets the fault). Resolves then. */
  faultOnNext(mode: ProxyMode, when: (chunk: Buffer) => boolean): Promise<void> {
    return new Promise((resolve) => {
      this.trigger = {
        when,
        fire: () => {
          this.setMode(mode);
          resolve();
        },
      };
    });
  }

  /**
   * The next request whose first chunk satisfies `when` is forwarded for `afterBytes` bytes, then both of its
   * connections are reset: the server has a request whose body stops part-way. Resolves once it happened.
   */
  cutNext(afterBytes: number, when: (chunk: Buffer) => boolean): Promise<void> {
    return new Promise((resolve) => {
      this.trigger = {
        when,
        fire: (pair) => {
          pair.cutLeft = afterBytes;
          pair.client.once('close', () => resolve());
        },
      };
    });
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    const pair: Pair = { client, held: [] };
    client.on('error', () => this.drop(pair));
    client.on('close', () => this.drop(pair));
    if (this.current === 'refuse') {
      this.stats.reset++;
      this.stats.refusedNew++;
      client.resetAndDestroy();
      return;
    }
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.fromClient(pair, chunk));
    if (this.current === 'pass') this.connect(pair);
    else this.stats.held++; // the server is not even reached until the partition heals
  }

  private fromClient(pair: Pair, chunk: Buffer): void {
    if (this.trigger?.when(chunk)) {
      const { fire } = this.trigger;
      this.trigger = undefined;
      fire(pair);
    }
    if (this.current === 'refuse') return this.reset(pair);
    if (this.current === 'blackhole' || !pair.upstream) {
      if (this.current === 'blackhole' && /^[A-Z]+ \S+ HTTP\/1/.test(chunk.subarray(0, 64).toString('latin1'))) this.stats.heldRequests++;
      pair.held.push({ up: true, chunk });
      return;
    }
    if (pair.cutLeft === undefined) {
      pair.upstream.write(chunk);
      return;
    }
    const part = chunk.subarray(0, pair.cutLeft);
    pair.cutLeft -= part.length;
    if (part.length > 0) pair.upstream.write(part);
    if (part.length > 0 && pair.cutLeft === 0) {
      this.stats.cut++;
      // Let the forwarded part reach the server first, then the connection dies mid-body.
      setTimeout(() => this.reset(pair), 200);
    }
  }

  private connect(pair: Pair): void {
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.on('error', () => this.drop(pair));
    upstream.on('close', () => this.drop(pair));
    upstream.on('data', (chunk: Buffer) => {
      if (this.current === 'blackhole') pair.held.push({ up: false, chunk });
      else pair.client.write(chunk);
    });
    upstream.connect(this.upstreamPort, this.upstreamHost);
  }

  /** Back to `pass`: the held bytes go through in order (a connection first made now, if it never was). */
  private flush(pair: Pair): void {
    if (!pair.upstream) this.connect(pair);
    const held = pair.held.splice(0);
    for (const { up, chunk } of held) (up ? pair.upstream! : pair.client).write(chunk);
  }

  private reset(pair: Pair): void {
    if (!this.pairs.has(pair)) return;
    this.pairs.delete(pair);
    this.stats.reset++;
    pair.client.resetAndDestroy();
    if (pair.upstream && !pair.upstream.destroyed) pair.upstream.resetAndDestroy();
  }

  private drop(pair: Pair): void {
    if (!this.pairs.has(pair)) return;
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.drop(pair);
    for (const socket of this.lost) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
