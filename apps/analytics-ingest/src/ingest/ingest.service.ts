import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import type { AnalyticsBatchMessage } from '@muse/contracts';
import { AnalyticsRepository, createPool, ArchivingRepository, type AnalyticsEventRow, type Database } from '@muse/db';
import { CONFIG, DATABASE, LOGGER, METRICS_REGISTRY, type Logger } from '@muse/platform';
import client from 'prom-client';
import type { IngestConfig } from '../config.js';
import { GroupWriter } from './group-writer.js';

/**
 * Writes accepted analytics batches into analytics_events. Concurrent batches are merged into one
 * write (group commit), made with COPY; ids and timestamps were fixed when the gateway accepted the
 * events, so a redelivered batch hits the (id, created_at) key: its COPY fails as a whole and the
 * group goes in through insert … on conflict do nothing instead — nothing is counted twice.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly writer: GroupWriter<AnalyticsEventRow>;
  /** COPY needs a plain driver connection (Kysely does not stream); a small pool of its own. */
  private readonly copyPool: pg.Pool;
  private readonly fallbacks: client.Counter;
  private readonly inserted: client.Counter;
  private readonly duplicates: client.Counter;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) config: IngestConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: client.Registry,
    private readonly analytics: AnalyticsRepository,
    private readonly partitions: ArchivingRepository,
  ) {
    this.copyPool = createPool({ url: config.DATABASE_URL, maxConnections: config.INGEST_COPY_CONNECTIONS, applicationName: 'analytics-ingest-copy', statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS });
    this.fallbacks = new client.Counter({ name: 'analytics_copy_fallbacks_total', help: 'Groups written by insert instead of COPY (redelivered rows or deleted tracks/accounts)', registers: [registry] });
    this.writer = new GroupWriter((rows) => this.write(rows), { maxRows: config.INGEST_MAX_ROWS, lingerMs: config.INGEST_LINGER_MS });
    this.inserted = new client.Counter({ name: 'analytics_events_inserted_total', help: 'Analytics events written to Postgres', registers: [registry] });
    this.duplicates = new client.Counter({ name: 'analytics_events_duplicate_total', help: 'Analytics events already stored (redelivered batches)', registers: [registry] });
  }

  /** The partitions the incoming rows need exist before the first write (the archiver keeps them ahead daily). */
  async onApplicationBootstrap(): Promise<void> {
    const created = await this.partitions.ensureAnalyticsPartitions(this.db, 3);
    if (created.length) this.logger.info({ created }, 'analytics partitions created');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.copyPool.end();
  }

  async ingest(batch: AnalyticsBatchMessage): Promise<{ events: number }> {
    await this.writer.add(batch.events);
    return { events: batch.events.length };
  }

  private async write(group: AnalyticsEventRow[]): Promise<void> {
    const rows = inKeyOrder(group);
    if (await this.analytics.copyBatch(this.copyPool, rows)) {
      this.inserted.inc(rows.length);
      this.duplicates.inc(group.length - rows.length);
      return;
    }
    this.fallbacks.inc();
    const added = await this.analytics.insertBatch(this.db, rows);
    this.inserted.inc(added);
    this.duplicates.inc(group.length - added);
  }
}

/**
 * One row per (id, created_at), in key order. Two writers of overlapping groups (a redelivery
 * racing the first delivery) then take their key locks in the same order and wait for each other
 * instead of deadlocking.
 */
function inKeyOrder(rows: AnalyticsEventRow[]): AnalyticsEventRow[] {
  const unique = new Map<string, AnalyticsEventRow>();
  for (const row of rows) unique.set(`${row.id}|${row.created_at}`, row);
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
