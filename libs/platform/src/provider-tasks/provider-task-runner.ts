import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import type { Kysely } from 'kysely';
import type { JobMessage, ProviderUpdateMessage } from '@muse/contracts';
import type { CallbackLogsRepository, Database, DB, Job, JobsRepository, NotificationsRepository, ProviderTasksRepository } from '@muse/db';
import { callbackUrl, CircuitOpenError, ProviderError, type CircuitBreaker, type FinalOutcome, type KindProvider } from '@muse/providers';
import type { JobEventsPublisher } from '../job-events.js';
import type { Logger } from '../logger.js';
import { WaitForBreaker } from '../wait-for-breaker.js';
import type { ProviderBreakers } from './breakers.js';
import type { ContinuationScheduler } from './continuation-scheduler.js';
import type { FinishLock } from './finish-lock.js';
import { recordDomainTask } from './domain-task.js';
import type { ProviderTaskEnv } from './task-config.js';

/** The request itself is at fault or its input is gone (row deleted, no audio): no provider can help. */
export class PermanentTaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class JobFinished extends Error {}
/** Another continuation of the same job is bringing its result in right now. */
class FinishInProgress extends Error {}

export type TaskProgress = (percent: number) => Promise<void>;

/**
 * One kind of work done at a provider. `input` builds the provider's request from the job's domain
 * row; `store` brings the provider's result into our S3 under the same fixed keys the local path
 * uses (repeatable: a poll and a callback may both get there); `land` writes the domain rows in the
 * completion transaction and returns the job's result; `failed` marks the domain row.
 */
export interface ProviderTaskSpec<I, T, O> {
  resourceType: string;
  label: string;
  /** The continuation job name on the job's queue (contracts: PROVIDER_UPDATE_JOBS). */
  updateJobName: string;
  /** The job kind, for the per-kind fallback list. */
  kind: string;
  /** Adapters of this kind this process can call (credentials present), by provider name. */
  providers: ReadonlyMap<string, KindProvider<I, T>>;
  input(job: Job, provider: string): Promise<I>;
  store(job: Job, provider: string, value: T, progress: TaskProgress): Promise<O>;
  land(trx: Kysely<DB>, job: Job, outcome: O, provider: string): Promise<{ result: Record<string, unknown>; notice?: { title: string; message: string; link: string } }>;
  failed(trx: Kysely<DB>, job: Job, message: string, final: boolean): Promise<void>;
  /** Called once the job is claimed, before submitting (e.g. mark the domain row processing). */
  started?(job: Job): Promise<void>;
}

export interface ProviderTaskDeps {
  db: Database;
  logger: Logger;
  events: JobEventsPublisher;
  jobs: JobsRepository;
  notifications: NotificationsRepository;
  providerTasks: ProviderTasksRepository;
  /** Finds a callback logged before the submission was recorded (see start()). */
  callbacks: CallbackLogsRepository;
  scheduler: ContinuationScheduler;
  breakers: ProviderBreakers;
  finishLock: FinishLock;
  env: Pick<ProviderTaskEnv, 'PROVIDER_DOWNLOAD_TIMEOUT_MS' | 'PROVIDER_TASK_TIMEOUT_MS' | 'PROVIDER_CALLBACK_BASE_URL' | 'PROVIDER_CALLBACK_SECRET' | 'PROVIDER_TASK_FALLBACKS'>;
}

const isPermanent = (error: unknown) => error instanceof PermanentTaskError || (error instanceof ProviderError && error.permanent);

/**
 * The provider path of every kind of work besides music generation (which has its own service):
 *
 *  start   claim → submit to the requested provider, then the kind's fallbacks, skipping any whose
 *          breaker is open → record provider + task id on the job and the domain row (only while
 *          the job still runs) → schedule the first poll, and re-run a callback that came before
 *          the submit answer (it could not be applied then). Immediate providers finish here.
 *  update  a poll tick or a verified callback (both are the same continuation job): read the task
 *          at the provider (the body of a callback is never trusted) → progress and poll again with
 *          backoff + jitter (Retry-After honoured, the task timeout ends it), fail, or store the
 *          files in our S3 and complete.
 *
 * Completion is exactly once: the completion transaction first locks the job row while it is still
 * `processing`, so whichever of a poll and a callback gets there second finds it finished and writes
 * nothing. A final failure fails the job; the jobs trigger refunds its credits.
 */
export class ProviderTaskRunner {
  constructor(private readonly d: ProviderTaskDeps) {}

  /** Whether a job's provider is handled here rather than by the local implementation. */
  static isExternal(job: { provider: string | null }): boolean {
    return !!job.provider && job.provider !== 'local';
  }

  async start<I, T, O>(message: JobMessage, spec: ProviderTaskSpec<I, T, O>, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const { db, jobs } = this.d;
    const job = await jobs.claim(db, message.jobId);
    if (!job) return this.settleUnclaimable(message.jobId, spec);
    if (job.user_id !== message.userId || job.resource_type !== spec.resourceType || !job.resource_id) {
      throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    }
    await this.d.events.publish(job);
    // Already submitted (a redelivered message after a crash or a sweep): never submit twice, poll.
    if (job.provider && job.provider_task_id) {
      await this.d.scheduler.schedule(job, spec.updateJobName, 0);
      return { provider: job.provider, provider_task_id: job.provider_task_id };
    }
    try {
      await spec.started?.(job);
      const submitted = await this.submit(job, spec);
      if (submitted.taskId !== undefined) {
        const taskId = submitted.taskId;
        const recorded = await db.transaction().execute(async (trx) => {
          const row = await this.d.providerTasks.recordSubmission(trx, job.id, null, submitted.provider.name, taskId);
          if (row) await recordDomainTask(trx, spec.resourceType, job.resource_id!, submitted.provider.name, taskId);
          return row;
        });
        if (!recorded) return this.settleCancelled(job.id, spec); // cancelled meanwhile
        const withCallbacks = submitted.provider.mode === 'task' && submitted.provider.sendsCallbacks && submitted.webhookUrl !== undefined;
        await this.d.scheduler.schedule(recorded, spec.updateJobName, 0, { slower: withCallbacks });
        // A provider may call back before its submit answer reaches us: update() could not apply that callback
        // (no task id yet) and no other may follow, so it is run again now that the task id is recorded.
        const early = withCallbacks ? await this.d.callbacks.latestAccepted(db, job.id) : undefined;
        if (early) await this.d.scheduler.callbackNow(recorded, spec.updateJobName, early.id);
        this.d.logger.info({ job_id: job.id, kind: job.kind, provider: submitted.provider.name, provider_task_id: taskId }, 'submitted to provider');
        return { provider: submitted.provider.name, provider_task_id: taskId };
      }
      if (submitted.provider.name !== job.provider) await this.d.providerTasks.recordSubmission(db, job.id, null, submitted.provider.name, null);
      return await this.finish(job, spec, submitted.provider.name, submitted.outcome!, queueJob);
    } catch (error) {
      if (error instanceof JobFinished || error instanceof FinishInProgress) return undefined;
      if (error instanceof WaitForBreaker && this.mayWait(job, error)) return this.waitForBreaker(job, spec, error);
      // Waited long enough: an open breaker is then an unanswered attempt, as it was before waiting existed.
      const failure = error instanceof WaitForBreaker ? new CircuitOpenError(error.providers.join(', ')) : error;
      const permanent = isPermanent(failure);
      const final = permanent || job.attempts >= job.max_attempts;
      const code = failure instanceof PermanentTaskError ? failure.code : permanent ? 'provider-rejected' : 'provider-unavailable';
      await this.finishFailed(job, spec, code, (failure as Error).message, final);
      if (final) throw new UnrecoverableError((failure as Error).message);
      throw failure; // BullMQ retries the submission later (its own backoff)
    }
  }

  async update<I, T, O>(message: ProviderUpdateMessage, spec: ProviderTaskSpec<I, T, O>, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const { db, jobs } = this.d;
    const job = await jobs.findById(db, message.jobId);
    // Finished (a duplicate or late callback), not submitted, or not the message's owner: nothing to do.
    if (!job || job.status !== 'processing' || job.user_id !== message.userId || job.resource_type !== spec.resourceType || !job.provider || !job.provider_task_id) {
      // The submission is recorded after this callback: start() sees the logged callback and runs it again then.
      if (job?.status === 'processing' && !job.provider_task_id && message.source === 'callback') this.d.logger.info({ job_id: job.id }, 'callback before the provider task id was recorded; run again once it is');
      return undefined;
    }
    const provider = spec.providers.get(job.provider);
    if (!provider || provider.mode !== 'task') return this.finishFailed(job, spec, 'provider-unavailable', `provider '${job.provider}' cannot be polled by this worker`, true);
    const taskId = job.provider_task_id;
    const pollCount = message.pollCount ?? 0;
    const continuePolling = async (notBeforeMs?: number) => {
      if (message.source !== 'poll') return undefined; // callbacks never fork the poll chain
      const startedAt = job.started_at ? new Date(job.started_at).getTime() : Date.now();
      if (Date.now() - startedAt > this.d.env.PROVIDER_TASK_TIMEOUT_MS) {
        return this.finishFailed(job, spec, 'provider-timeout', `the provider did not finish within ${Math.round(this.d.env.PROVIDER_TASK_TIMEOUT_MS / 1000)} s`, true);
      }
      await jobs.touch(db, [job.id]); // a waiting job is alive: keep the stale sweep away
      await this.d.scheduler.schedule(job, spec.updateJobName, pollCount + 1, { notBeforeMs });
      return undefined;
    };

    let outcome;
    try {
      outcome = await this.d.breakers.get(provider.name).exec(() => provider.poll(taskId));
    } catch (error) {
      if (isPermanent(error)) return this.finishFailed(job, spec, 'provider-result-refused', (error as Error).message, true);
      this.d.logger.warn({ job_id: job.id, provider: provider.name, err: (error as Error).message, source: message.source }, 'provider poll failed; will poll again');
      // A 429's Retry-After is honoured: the next poll comes no earlier than the provider asked.
      return continuePolling(error instanceof ProviderError ? error.details.retryAfterMs : undefined);
    }
    if (outcome.state === 'pending') {
      await this.progress(job, Math.min(85, outcome.progress), queueJob);
      return continuePolling();
    }
    try {
      return await this.finish(job, spec, provider.name, outcome, queueJob);
    } catch (error) {
      if (error instanceof JobFinished) return undefined;
      if (error instanceof FinishInProgress) return continuePolling(); // a poll checks back; a callback is done
      if (isPermanent(error)) return this.finishFailed(job, spec, 'provider-result-refused', (error as Error).message, true);
      this.d.logger.warn({ job_id: job.id, err: (error as Error).message }, 'storing the provider result failed; will poll again');
      return continuePolling();
    }
  }

  /** Requested provider first, then the kind's fallbacks; unknown names skipped, duplicates dropped. */
  candidates<I, T>(requested: string, kind: string, providers: ReadonlyMap<string, KindProvider<I, T>>): Array<KindProvider<I, T>> {
    const names = [...new Set([requested, ...(this.d.env.PROVIDER_TASK_FALLBACKS[kind] ?? [])])];
    return names.map((n) => providers.get(n)).filter((p): p is KindProvider<I, T> => p !== undefined);
  }

  private async submit<I, T, O>(job: Job, spec: ProviderTaskSpec<I, T, O>): Promise<{ provider: KindProvider<I, T>; taskId?: string; webhookUrl?: string; outcome?: FinalOutcome<T> }> {
    const requested = job.provider ?? 'local';
    const candidates = this.candidates(requested, spec.kind, spec.providers);
    if (candidates.length === 0) throw new PermanentTaskError('provider-unavailable', `provider '${requested}' is not available for ${spec.kind} in this worker`);
    let last: unknown;
    const open: CircuitBreaker[] = [];
    for (const provider of candidates) {
      const breaker = this.d.breakers.get(provider.name);
      if (!breaker.isAvailable()) {
        last = new CircuitOpenError(provider.name);
        open.push(breaker);
        continue;
      }
      const input = await spec.input(job, provider.name);
      try {
        if (provider.mode === 'immediate') return { provider, outcome: await breaker.exec(() => provider.run(input)) };
        const webhookUrl = this.webhookUrl(provider, job);
        return { provider, taskId: await breaker.exec(() => provider.submit(input, { webhookUrl })), webhookUrl };
      } catch (error) {
        if (isPermanent(error)) throw error; // the request is at fault: another provider would refuse it too
        last = error;
        if (error instanceof CircuitOpenError) {
          // Another job took the half-open breaker's one trial since isAvailable(): this provider was not called.
          open.push(breaker);
          continue;
        }
        this.d.logger.warn({ job_id: job.id, provider: provider.name, err: (error as Error).message }, 'provider failed; trying the next one');
      }
    }
    // No provider was called: the job waits for a breaker rather than spending an attempt on nothing.
    if (open.length === candidates.length) throw WaitForBreaker.for(open);
    throw last;
  }

  /**
   * Waiting is bounded by the task timeout, counted from the job's first start (the same clock update()
   * gives up by): a job whose providers stay down that long fails as any unanswered attempt does.
   */
  private mayWait(job: Job, wait: WaitForBreaker): boolean {
    const startedAt = job.started_at ? new Date(job.started_at).getTime() : Date.now();
    return wait.dueAt - startedAt <= this.d.env.PROVIDER_TASK_TIMEOUT_MS;
  }

  /** Gives the claim's attempt back and lets the transport delay the job until a breaker half-opens (it logs and counts it). */
  private async waitForBreaker<I, T, O>(job: Job, spec: ProviderTaskSpec<I, T, O>, wait: WaitForBreaker): Promise<undefined> {
    const waiting = await this.d.jobs.unclaim(this.d.db, job.id);
    if (!waiting) return this.settleCancelled(job.id, spec); // cancelled meanwhile: nothing to wait for
    await this.d.events.publish(waiting);
    throw wait;
  }

  private webhookUrl<I, T>(provider: KindProvider<I, T>, job: Job): string | undefined {
    const { PROVIDER_CALLBACK_BASE_URL: base, PROVIDER_CALLBACK_SECRET: secret } = this.d.env;
    if (provider.mode !== 'task' || !provider.sendsCallbacks || !base || !secret) return undefined;
    return callbackUrl(base, secret, provider.name, job.id);
  }

  /** A finished outcome: fail the job, or store the files and land the result (at most once). */
  private async finish<I, T, O>(job: Job, spec: ProviderTaskSpec<I, T, O>, provider: string, outcome: FinalOutcome<T>, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    if (outcome.state === 'failed') return this.finishFailed(job, spec, outcome.userFault ? 'provider-rejected' : 'provider-failed', outcome.message, true);
    const lock = await this.d.finishLock.acquire(job.id, 4 * this.d.env.PROVIDER_DOWNLOAD_TIMEOUT_MS + 60_000);
    if (!lock) throw new FinishInProgress();
    try {
      // Checked under the lock: a continuation that lost the race finds the job finished and writes no file.
      const current = await this.d.jobs.findById(this.d.db, job.id);
      if (current?.status !== 'processing') throw new JobFinished();
      return await this.storeAndLand(job, spec, provider, outcome.value, queueJob);
    } finally {
      await this.d.finishLock.release(job.id, lock);
    }
  }

  private async storeAndLand<I, T, O>(job: Job, spec: ProviderTaskSpec<I, T, O>, provider: string, value: T, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const stored = await spec.store(job, provider, value, (p) => this.progress(job, p, queueJob));
    await this.progress(job, 90, queueJob);
    try {
      const completed = await this.d.db.transaction().execute(async (trx) => {
        // Lock the job first: a concurrent poll/callback blocks here and then finds it finished.
        const open = await trx.selectFrom('jobs').select('id').where('id', '=', job.id).where('status', '=', 'processing').forUpdate().executeTakeFirst();
        if (!open) throw new JobFinished();
        const { result, notice } = await spec.land(trx, job, stored, provider);
        const done = await this.d.jobs.complete(trx, job.id, { ...result, provider });
        if (!done) throw new JobFinished();
        if (notice) await this.d.notifications.create(trx, { userId: job.user_id, type: 'success', ...notice });
        return done;
      });
      await this.d.events.publish(completed);
      this.d.logger.info({ job_id: job.id, kind: job.kind, provider }, 'provider task completed');
      return completed.result ?? undefined;
    } catch (error) {
      if (error instanceof JobFinished) {
        this.d.logger.info({ job_id: job.id }, 'job already finished (cancelled, or completed by a concurrent update); result discarded');
        await this.settleCancelled(job.id, spec);
        throw error;
      }
      throw error;
    }
  }

  private async progress(job: Job, percent: number, queueJob?: QueueJob): Promise<void> {
    const value = await this.d.jobs.setProgress(this.d.db, job.id, Math.round(percent));
    if (value === undefined) return;
    await queueJob?.updateProgress(value);
    await this.d.events.publish({ ...job, status: 'processing', progress: value });
  }

  private async finishFailed<I, T, O>(job: Job, spec: ProviderTaskSpec<I, T, O>, code: string, message: string, final: boolean): Promise<undefined> {
    const updated = await this.d.db.transaction().execute(async (trx) => {
      if (final) await this.d.providerTasks.releaseTask(trx, job.id);
      const row = await this.d.jobs.fail(trx, job.id, { code, message }, final);
      if (row) {
        await spec.failed(trx, job, message, final);
        if (final) await this.d.notifications.create(trx, { userId: job.user_id, type: 'error', title: `${spec.label} failed`, message, link: `/jobs/${job.id}` });
      }
      return row;
    });
    this.d.logger.warn({ job_id: job.id, kind: job.kind, provider: job.provider, attempt: job.attempts, final, code, err: message }, 'provider task attempt failed');
    if (updated) await this.d.events.publish(updated);
    return undefined;
  }

  /** A message for a job that cannot run: finished already (a duplicate), or out of attempts after crashes. */
  private async settleUnclaimable<I, T, O>(jobId: string, spec: ProviderTaskSpec<I, T, O>): Promise<undefined> {
    const job = await this.d.jobs.findById(this.d.db, jobId);
    if (job?.status === 'cancelled') return this.settleCancelled(jobId, spec);
    if (!job || job.status === 'completed' || job.status === 'failed') return undefined;
    return this.finishFailed(job, spec, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
  }

  /** A cancelled job's domain row must not stay pending/processing forever: it ends as failed, saying why. */
  private async settleCancelled<I, T, O>(jobId: string, spec: ProviderTaskSpec<I, T, O>): Promise<undefined> {
    const job = await this.d.jobs.findById(this.d.db, jobId);
    if (job?.status !== 'cancelled') return undefined; // finished by a concurrent run: nothing to settle
    await this.d.db.transaction().execute((trx) => spec.failed(trx, job, 'the job was cancelled', true));
    return undefined;
  }
}
