import { Body, Controller, Headers, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateWavBody, IdempotencyKey } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import type { SubmissionResult } from '../jobs/job-submission.service.js';
import { WavService } from './wav.service.js';

/** Answers a submission the way every job endpoint does: 202, the job, Location, replay header. */
export function sendSubmission(res: Response, result: SubmissionResult): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).location(`/v1/jobs/${result.job.id}`).json(result.job);
}

export const idempotencyKeyOf = (key: string | undefined) => (key === undefined ? undefined : parseInput(IdempotencyKey, key, 'headers'));

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class WavController {
  constructor(private readonly wav: WavService) {}

  @Post(':id/wav')
  async create(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const trackId = parseId(id, 'track');
    sendSubmission(res, await this.wav.create(caller, trackId, parseInput(CreateWavBody, body ?? {}, 'body'), idempotencyKeyOf(key)));
  }
}
