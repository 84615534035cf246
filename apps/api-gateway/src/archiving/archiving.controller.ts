import { Body, Controller, Get, Headers, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { IdempotencyKey } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import type { SubmissionResult } from '../jobs/job-submission.service.js';
import { ArchivingApiService } from './archiving.service.js';

/** These endpoints take no options; a body, if sent, must be empty. */
const EmptyBody = z.strictObject({}).optional();
const key = (value: string | undefined) => (value === undefined ? undefined : parseInput(IdempotencyKey, value, 'headers'));

const accepted = (res: Response, result: SubmissionResult) => {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).location(`/v1/jobs/${result.job.id}`).json(result.job);
};

@Controller('v1/admin/archiving')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
export class ArchivingAdminController {
  constructor(private readonly archiving: ArchivingApiService) {}

  @Post('run')
  async run(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @Res() res: Response) {
    parseInput(EmptyBody, body, 'body');
    accepted(res, await this.archiving.run(caller, key(idempotencyKey)));
  }
}

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class TrackArchiveController {
  constructor(private readonly archiving: ArchivingApiService) {}

  @Post(':id/restore')
  async restore(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @Res() res: Response) {
    const trackId = parseId(id, 'track');
    parseInput(EmptyBody, body, 'body');
    accepted(res, await this.archiving.restore(caller, trackId, key(idempotencyKey)));
  }

  /** Owner only: presigned links (valid 5 minutes) to the files of an archived track. */
  @Get(':id/archive')
  links(@Caller() caller: Identity, @Param('id') id: string) {
    return this.archiving.links(caller, parseId(id, 'track'));
  }
}
