import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { isTerminal, PROVIDER_UPDATE_JOBS, type JobName, type JobStatus, type ProviderUpdateMessage, type QueueName } from '@muse/contracts';
import { CallbackLogsRepository, JobsRepository, type Database, type Job } from '@muse/db';
import type { Logger } from '@muse/platform';
import { FalWebhook, fetchFalJwks, ReplicatePrediction, SunoCallback, verifyCallbackToken, verifyFalWebhook, verifyStandardWebhook, type FalJwks } from '@muse/providers';
import type { GatewayConfig } from '../config.js';
import { Problem } from '../common/problem.js';
import { CONFIG, DATABASE, LOGGER, QUEUES } from '../core/tokens.js';

/** Providers that call us back, and how to read the event out of their body. */
/*
 * Suno's follow-up endpoints (WAV, vocal removal, lyrics, …) call back with the same envelope but
 * their own data (no callbackType on some): any { code, data: { task_id } } is read, typed by
 * callbackType or by the envelope's code.
 */
const SunoEnvelope = z.object({ code: z.number().int(), data: z.object({ task_id: z.string().min(1).max(200), callbackType: z.string().max(40).optional() }).loose() });
/** Mureka task shape ({ id, status }) — the per-job URL token is what authenticates it. */
const MurekaTaskEvent = z.object({ id: z.string().min(1).max(200), status: z.string().min(1).max(40) }).loose();

const CALLBACK_PARSERS = {
  suno: (body: unknown) => {
    const parsed = SunoCallback.safeParse(body);
    if (parsed.success) return { taskId: parsed.data.data.task_id, type: parsed.data.data.callbackType };
    const other = SunoEnvelope.safeParse(body);
    return other.success ? { taskId: other.data.data.task_id, type: other.data.data.callbackType ?? (other.data.code === 200 ? 'complete' : 'error') } : undefined;
  },
  mureka: (body: unknown) => {
    const parsed = MurekaTaskEvent.safeParse(body);
    return parsed.success ? { taskId: parsed.data.id, type: parsed.data.status } : undefined;
  },
  // fal queue webhooks: { request_id, status: OK | ERROR, payload }.
  fal: (body: unknown) => {
    const parsed = FalWebhook.safeParse(body);
    return parsed.success ? { taskId: parsed.data.request_id, type: parsed.data.status } : undefined;
  },
  // Replicate POSTs the prediction itself; its status is the event.
  replicate: (body: unknown) => {
    const parsed = ReplicatePrediction.safeParse(body);
    return parsed.success ? { taskId: parsed.data.id, type: parsed.data.status } : undefined;
  },
} as const;

/** What signs a delivery beyond the URL token (providers that sign at all). */
export interface SignedDelivery {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | undefined;
}
export type CallbackProvider = keyof typeof CALLBACK_PARSERS;
export const CALLBACK_PROVIDERS = Object.keys(CALLBACK_PARSERS) as CallbackProvider[];


export const CallbackQuery = z.strictObject({ job: z.uuid(), token: z.string().min(16).max(200) });

export interface CallbackOutcome {
  status: 'accepted' | 'duplicate' | 'ignored';
}

/**
 * Provider callbacks: authenticate (the per-job token in the URL), log every delivery to
 * callback_logs, drop duplicates by dedup key, and hand the job to its worker through the queue.
 * The body is only a hint that something changed: the worker reads the provider's own status, and
 * the job is found from the authenticated URL, never from the body.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly jobs: JobsRepository,
    private readonly logs: CallbackLogsRepository,
  ) {}

  async receive(provider: string, query: { job: string; token: string } | undefined, body: unknown, delivery?: SignedDelivery): Promise<CallbackOutcome> {
    if (!(CALLBACK_PROVIDERS as string[]).includes(provider)) throw new Problem(404, 'not-found', `no webhook for provider '${provider}'`);
    const secret = this.config.PROVIDER_CALLBACK_SECRET;
    if (!secret) throw new Problem(404, 'not-found', 'callbacks are not enabled on this platform');
    if (!query || !verifyCallbackToken(secret, provider, query.job, query.token)) {
      await this.reject(provider, query?.job ?? null, null, body, 'invalid callback token');
      throw new Problem(401, 'invalid-callback-token', 'the callback token is missing or wrong');
    }
    // Replicate signs every delivery (Standard Webhooks): checked too, and its id is the natural dedup key.
    let signedId: string | undefined;
    if (provider === 'replicate') {
      const verdict = this.config.REPLICATE_WEBHOOK_SECRET && delivery?.rawBody
        ? verifyStandardWebhook(this.config.REPLICATE_WEBHOOK_SECRET, delivery.headers, delivery.rawBody)
        : ({ ok: false, reason: 'no signing secret configured or no body' } as const);
      if (!verdict.ok) {
        await this.reject(provider, query.job, null, body, `signature: ${verdict.reason}`);
        throw new Problem(401, 'invalid-signature', 'the webhook signature is missing, wrong or too old');
      }
      signedId = verdict.id;
    }
    // fal signs every delivery too (ED25519 over request id, user id, timestamp and the body's hash; keys from its JWKS).
    if (provider === 'fal') {
      const verdict = delivery?.rawBody ? await this.verifyFal(delivery.headers, delivery.rawBody) : ({ ok: false, reason: 'no body' } as const);
      if (!verdict.ok) {
        await this.reject(provider, query.job, null, body, `signature: ${verdict.reason}`);
        throw new Problem(401, 'invalid-signature', 'the webhook signature is missing, wrong or too old');
      }
    }
    const job = await this.jobs.findById(this.db, query.job);
    if (!job || job.provider !== provider) {
      await this.reject(provider, null, null, body, `job ${query.job} is not waiting on ${provider}`);
      throw new Problem(404, 'not-found', 'no such job for this provider');
    }
    const event = CALLBACK_PARSERS[provider as CallbackProvider](body);
    const trackId = job.resource_type === 'track' ? job.resource_id : null;
    if (!event) {
      await this.reject(provider, job.id, trackId, body, 'malformed callback body');
      throw new Problem(400, 'malformed-callback', `the body is not a ${provider} callback`);
    }
    if (job.provider_task_id && event.taskId !== job.provider_task_id) {
      await this.reject(provider, job.id, trackId, body, `task ${event.taskId} is not this job's task`);
      throw new Problem(409, 'task-mismatch', 'the callback names another task');
    }

    // One row per distinct provider event; a redelivery of the same event hits the unique key.
    const dedupKey = signedId
      ? `${provider}:${signedId}`
      : `${provider}:${event.taskId}:${event.type}:${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}`;
    const log = await this.logs.insert(this.db, { provider, callbackType: event.type, jobId: job.id, trackId, dedupKey, payload: body });
    if (!log) {
      await this.logs.insert(this.db, { provider, callbackType: `duplicate:${event.type}`, jobId: job.id, trackId, dedupKey: null, payload: {}, errorMessage: `duplicate of ${dedupKey}` });
      return { status: 'duplicate' };
    }
    if (isTerminal(job.status as JobStatus)) return { status: 'ignored' }; // a late callback: logged, nothing to do
    await this.handOver(job, log.id);
    return { status: 'accepted' };
  }

  private falKeys?: { jwks: FalJwks; fetchedAt: number };

  /**
   * fal's public keys, cached for an hour. A signature no cached key matches fetches the keys again
   * (fal rotates them), at most once a minute, so forged deliveries cannot make us hammer the JWKS.
   */
  private async verifyFal(headers: SignedDelivery['headers'], rawBody: Buffer) {
    const load = async () => {
      try {
        this.falKeys = { jwks: await fetchFalJwks(this.config.FAL_WEBHOOK_JWKS_URL, 3000), fetchedAt: Date.now() };
      } catch (error) {
        this.logger.warn({ err: error }, 'fal JWKS could not be fetched');
      }
    };
    if (!this.falKeys || Date.now() - this.falKeys.fetchedAt > 3_600_000) await load();
    if (!this.falKeys) return { ok: false, reason: 'fal signing keys unavailable' } as const;
    const verdict = verifyFalWebhook(this.falKeys.jwks, headers, rawBody);
    if (verdict.ok || verdict.reason !== 'no matching signature' || Date.now() - this.falKeys.fetchedAt < 60_000) return verdict;
    await load();
    return verifyFalWebhook(this.falKeys.jwks, headers, rawBody);
  }

  /** Queues the continuation for the job's own worker. If Redis is down, the job's poll chain still finishes it. */
  private async handOver(job: Job, callbackLogId: string): Promise<void> {
    // Any job that can wait on a provider has a continuation on its own queue (contracts: PROVIDER_UPDATE_JOBS).
    const name = PROVIDER_UPDATE_JOBS[job.job_name as JobName];
    const queue = this.queues.get(job.queue_name as QueueName);
    if (!name || !queue) return;
    const message: ProviderUpdateMessage = { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id, source: 'callback', callbackLogId };
    try {
      await queue.add(name, message, { jobId: `${job.id}-cb-${callbackLogId}`, attempts: 3, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } });
    } catch (error) {
      this.logger.warn({ err: error, job_id: job.id }, 'could not queue a callback; polling will pick the result up');
    }
  }

  private async reject(provider: string, jobId: string | null, trackId: string | null, body: unknown, reason: string): Promise<void> {
    this.logger.warn({ provider, job_id: jobId, reason }, 'provider callback rejected');
    // Refused bodies are kept small: whoever sent them is not trusted.
    const payload = JSON.stringify(body ?? {}).length <= 16_384 ? body : { truncated: true };
    await this.logs.insert(this.db, { provider, callbackType: 'rejected', jobId, trackId, dedupKey: null, payload, errorMessage: reason });
  }
}
