import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JOBS, JobNameForKind, type JobKind, type JobResource } from '@muse/contracts';
import { asUser, IdempotencyRepository, JobsRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import { currentCorrelationId, currentTraceparent, newCorrelationId } from '@muse/platform';
import { Problem } from '../common/problem.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import { DATABASE } from '../core/tokens.js';
import { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import { presentJob } from './job.presenter.js';

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
  /** Writes the domain row in the same transaction and says what it is. */
  createResource: (trx: UserTransaction, jobId: string) => Promise<{ type: string; id: string }>;
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

    return asUser(this.db, identity, async (trx) => {
      if (s.idempotencyKey) {
        const claim = await this.idempotency.claim(trx, { userId: identity.userId, key: s.idempotencyKey, method: s.method, path: s.path, hash });
        if (claim.state === 'mismatch') {
          throw new Problem(422, 'idempotency-key-reused', 'this Idempotency-Key was already used with a different request');
        }
        if (claim.state === 'replay') return { status: claim.status, job: claim.body as JobResource, replayed: true };
      }
      const id = crypto.randomUUID();
      const resource = await s.createResource(trx, id);
      const job = await this.jobs.insert(trx, {
        id,
        user_id: identity.userId,
        kind: s.kind,
        queue_name: JOBS[jobName].queue,
        job_name: jobName,
        resource_type: resource.type,
        resource_id: resource.id,
        provider: s.provider,
        idempotency_key: s.idempotencyKey ?? null,
        callback_url: s.callbackUrl ?? null,
        correlation_id: correlationId,
        trace_parent: currentTraceparent() ?? null, // the outbox trigger carries it to the worker
        payload: JSON.stringify(s.payload),
      });
      // Plan limits and the debit, after the replay check (a replay costs nothing) and last before commit,
      // so the user's row is locked as briefly as possible; the ledger names the job; a refusal rolls everything back.
      await this.limits.charge(trx, identity, s.kind, id, s.price);
      const body = presentJob(job);
      if (s.idempotencyKey) await this.idempotency.saveResponse(trx, identity.userId, s.idempotencyKey, 202, body);
      return { status: 202, job: body, replayed: false };
    });
  }
}
