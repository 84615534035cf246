import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AnalyticsBatchBody, AnalyticsEventInput, Queue as QueueNames, type AnalyticsRow, type QueueName } from '@muse/contracts';
import { analyticsRow, enqueueAnalytics, type AnalyticsSource } from '@muse/platform';
import { Problem, validationProblem, type FieldError } from '../common/problem.js';
import { parseInput } from '../common/validation.js';
import { QUEUES } from '../core/tokens.js';

export interface BatchAccepted {
  batch_id: string;
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; errors: FieldError[] }>;
}

/**
 * POST /v1/analytics/events: each event is validated on its own against its type; the valid ones
 * get their id and timestamp and go to the analytics queue in one Redis round trip. Postgres is not
 * touched on this path — analytics-ingest writes them.
 */
@Injectable()
export class AnalyticsIngestService {
  private readonly queue: Queue;

  constructor(@Inject(QUEUES) queues: Map<QueueName, Queue>) {
    this.queue = queues.get(QueueNames.Analytics)!;
  }

  async accept(body: unknown, source: AnalyticsSource): Promise<BatchAccepted> {
    const { events } = parseInput(AnalyticsBatchBody, body, 'body');
    const now = Date.now();
    const rows: AnalyticsRow[] = [];
    const seen = new Set<string>();
    const rejected: BatchAccepted['rejected'] = [];
    let duplicates = 0;
    events.forEach((raw, index) => {
      const parsed = AnalyticsEventInput.safeParse(raw);
      if (!parsed.success) {
        rejected.push({ index, errors: parsed.error.issues.map((i) => ({ path: ['events', index, ...i.path.map(String)].join('.'), message: i.message })) });
        return;
      }
      const row = analyticsRow(parsed.data, source, now);
      if ('error' in row) {
        rejected.push({ index, errors: [{ path: `events.${index}.${row.error.path}`, message: row.error.message }] });
        return;
      }
      const key = `${row.id}|${row.created_at}`;
      if (seen.has(key)) {
        duplicates++; // the same event twice in one batch is stored once; ingest would drop it anyway
        return;
      }
      seen.add(key);
      rows.push(row);
    });
    if (rows.length === 0 && rejected.length > 0) {
      throw validationProblem(rejected.flatMap((r) => r.errors), 'no event in the batch is valid');
    }
    const batchId = randomUUID();
    try {
      await enqueueAnalytics(this.queue, rows, batchId);
    } catch {
      throw new Problem(503, 'unavailable', 'events cannot be accepted right now; retry the same batch later', undefined, { 'Retry-After': '5' });
    }
    return { batch_id: batchId, accepted: rows.length, duplicates, rejected };
  }
}
