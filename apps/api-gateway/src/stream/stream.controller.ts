import { Controller, Get, Headers, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { validationProblem } from '../common/problem.js';
import { JobStreamService, type StreamEvent } from './stream.service.js';

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const HEARTBEAT_MS = 15_000;

@Controller('v1/stream')
@UseGuards(AuthGuard)
export class StreamController {
  constructor(private readonly stream: JobStreamService) {}

  /** Server-Sent Events: `event: job` with the job object on every change, in order, and `event: notification` for each new notification; Last-Event-ID resumes. */
  @Get()
  async open(@Caller() caller: Identity, @Headers('last-event-id') lastEventId: string | undefined, @Req() req: Request, @Res() res: Response) {
    if (lastEventId !== undefined && !STREAM_ID.test(lastEventId)) {
      throw validationProblem([{ path: 'headers.last-event-id', message: 'not an event id this stream issued' }]);
    }
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');

    let lastSent = lastEventId ?? '0-0';
    const newer = (id: string) => {
      const [a, b] = id.split('-').map(BigInt) as [bigint, bigint];
      const [c, d] = lastSent.split('-').map(BigInt) as [bigint, bigint];
      return a > c || (a === c && b > d);
    };
    const send = (e: StreamEvent) => {
      if (!newer(e.id)) return; // replayed already
      lastSent = e.id;
      const [name, data] = 'job' in e.event ? ['job', e.event.job] : ['notification', e.event.notification];
      res.write(`id: ${e.id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // Subscribe first and hold live events while the replay runs, so nothing falls in between.
    const held: StreamEvent[] = [];
    let replaying = lastEventId !== undefined;
    const unsubscribe = this.stream.subscribe(caller.userId, (e) => (replaying ? held.push(e) : send(e)));
    if (lastEventId !== undefined) {
      for (const e of await this.stream.replay(caller.userId, lastEventId)) send(e);
      replaying = false;
      held.forEach(send);
    }
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    // This gateway shutting down ends the stream; the client reconnects elsewhere with its Last-Event-ID.
    const unregister = this.stream.onShutdown(() => res.end());
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unregister();
    });
  }
}
