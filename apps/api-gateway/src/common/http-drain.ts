import type { Server, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/**
 * Drains keep-alive connections on shutdown. server.close() stops accepting connections and then waits for
 * the open ones; Node closes only those idle at that moment, so a keep-alive connection busy then stayed open
 * after its response and, under load, the gateway waited out its whole grace period and exited 1. While
 * draining, every response not yet written tells its client to close (Connection: close) and connections are
 * closed as soon as they fall idle, so close() returns once the requests in flight are answered.
 */
export class HttpDrain {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly server: Server) {}

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.draining) res.shouldKeepAlive = false;
    else {
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    }
    next();
  };

  start(): void {
    if (this.draining) return;
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    this.server.closeIdleConnections();
    // A connection falls idle when its last response is written; 50 ms later at most it is closed.
    this.timer = setInterval(() => this.server.closeIdleConnections(), 50).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
