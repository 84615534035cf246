import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JOBS, JobNameForKind, type JobKind, type JobName, type JobResource } from '@muse/contracts';
import { asUser, IdempotencyRepository, JobsRepository, type Database, type Identity, type JobSubmissionOutcome, type UserTransaction } from '@muse/db';
import { currentCorrelationId, currentTraceparent, newCorrelationId } from '@muse/platform';
import { Problem } from '../common/problem.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import { DATABASE } from '../core/tokens.js';
import { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import { presentJob } from './job.presenter.js';
import { SubmissionBatcher } from './submission-batcher.js';

export interface Submission {
  kind: JobKind;
  method: string;
  path: string;
  body: unknown;
  idempotencyKey?: string;
  provider: string | null;
  callbackUrl?: string;
  /** Request fields the worker needs beyond the domain row. */
  payload: Record<string, unknown>;
  /** Credits this job costs; default: the configured price of its kind (CREDIT_PRICES). */
  price?: number;
  /**
   * The domain row, one of two ways. `row`: a plain insert of these columns (JSON values: objects for
   * jsonb columns, arrays for array columns) — the whole submission is then one statement and one
   * round trip (submit_job). `createResource`: code that writes it in the same transaction (reads, checks,
   * several rows) and says what it is.
   */
  row?: { table: string; type: string; values: Record<string, unknown> };
  createResource?: (trx: UserTransaction, jobId: string) => Promise<{ type: string; id: string }>;
}

export interface SubmissionResult {
  status: number;
  job: JobResource;
  replayed: boolean;
}

const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The job row's columns both submission paths write (beside user, resource id and payload). */
const jobColumns = (s: Submission, jobName: JobName, correlationId: string, id: string, resourceType: string) => ({
  id,
  kind: s.kind,
  queue_name: JOBS[jobName].queue,
  job_name: jobName,
  resource_type: resourceType,
  provider: s.provider,
  idempotency_key: s.idempotencyKey ?? null,
  callback_url: s.callbackUrl ?? null,
  correlation_id: correlationId,
  trace_parent: currentTraceparent() ?? null, // the outbox trigger carries it to the worker
});

/**
 * The one way work enters the platform: idempotency claim, domain row, and the job row (whose insert
 * writes the outbox row) in a single transaction as the caller, so either all of it exists or none does.
 */
@Injectable()
export class JobSubmissionService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly relay: OutboxRelayService,
    private readonly limits: AccountLimitsService,
    private readonly batcher: SubmissionBatcher,
  ) {}

  async submit(identity: Identity, s: Submission): Promise<SubmissionResult> {
    const result = await this.write(identity, s);
    if (!result.replayed) this.relay.kick(); // committed: publish now rather than at the next poll
    return result;
  }

  private async write(identity: Identity, s: Submission): Promise<SubmissionResult> {
    const jobName = JobNameForKind[s.kind];
    if (!jobName) throw new Problem(501, 'not-implemented', `${s.kind} jobs are not available yet`);
    await this.limits.assertEnabled(s.kind, s.provider);
    const correlationId = currentCorrelationId() ?? newCorrelationId();
    const hash = createHash('sha256').update(stableJson(s.body)).digest('hex');
    if (s.row) return this.writeInOneStatement(identity, s, jobName, correlationId, hash);
    const createResource = s.createResource;
    if (!createResource) throw new Error('a submission needs row or createResource');

    return asUser(this.db, identity, async (trx) => {
      if (s.idempotencyKey) {
        const claim = await this.idempotency.claim(trx, { userId: identity.userId, key: s.idempotencyKey, method: s.method, path: s.path, hash });
        if (claim.state === 'mismatch') {
          throw new Problem(422, 'idempotency-key-reused', 'this Idempotency-Key was already used with a different request');
        }
        if (claim.state === 'replay') return { status: claim.status, job: claim.body as JobResource, replayed: true };
      }
      const id = crypto.randomUUID();
      const resource = await createResource(trx, id);
      const job = await this.jobs.insert(trx, { ...jobColumns(s, jobName, correlationId, id, resource.type), user_id: identity.userId, resource_id: resource.id, payload: JSON.stringify(s.payload) });
      // Plan limits and the debit, after the replay check (a replay costs nothing) and last before commit,
      // so the user's row is locked as briefly as possible; the ledger names the job; a refusal rolls everything back.
      await this.limits.charge(trx, identity, s.kind, id, s.price);
      const body = presentJob(job);
      if (s.idempotencyKey) await this.idempotency.saveResponse(trx, identity.userId, s.idempotencyKey, 202, body);
      return { status: 202, job: body, replayed: false };
    });
  }

  /**
   * The same submission as one SQL statement (submit_job, migration 0035): the same rows, the same
   * checks and charge, the same stored response, in one round trip instead of five — shared with the
   * submissions that arrive in the same turn of the event loop (SubmissionBatcher, submit_jobs).
   */
  private async writeInOneStatement(identity: Identity, s: Submission, jobName: JobName, correlationId: string, hash: string): Promise<SubmissionResult> {
    const row = s.row!;
    const apiKeyId = identity.claims?.['api_key_id'];
    let outcome: JobSubmissionOutcome;
    try {
      outcome = await this.batcher.submit(identity, {
        idempotency: s.idempotencyKey ? { key: s.idempotencyKey, method: s.method, path: s.path, hash } : undefined,
        resource: { table: row.table, values: row.values },
        job: { ...jobColumns(s, jobName, correlationId, crypto.randomUUID(), row.type), payload: s.payload }, // user_id and resource_id: submit_job's
        charge: { ...this.limits.chargeArguments(s.kind, s.price), ...(typeof apiKeyId === 'string' ? { api_key_id: apiKeyId } : {}) },
      });
    } catch (error) {
      throw this.limits.translate(error) ?? error;
    }
    if (outcome.state === 'mismatch') throw new Problem(422, 'idempotency-key-reused', 'this Idempotency-Key was already used with a different request');
    return { status: outcome.status, job: outcome.body as unknown as JobResource, replayed: outcome.state === 'replay' };
  }
}
