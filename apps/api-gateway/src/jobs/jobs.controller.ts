import { Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { IdParam, ListJobsQuery } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { parseInput } from '../common/validation.js';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { JobControlService } from './job-control.service.js';
import { JobsService } from './jobs.service.js';

/** A malformed id cannot name anything the caller owns: 404, like any other job that is not theirs. */
export function parseId(id: string, what: string): string {
  const parsed = IdParam.safeParse(id);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

@Controller('v1/jobs')
@UseGuards(AuthGuard)
export class JobsController {
  constructor(private readonly jobs: JobsService, private readonly control: JobControlService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.jobs.list(caller, parseInput(ListJobsQuery, query, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.jobs.get(caller, parseId(id, 'job'));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Caller() caller: Identity, @Param('id') id: string) {
    return this.control.cancel(caller, parseId(id, 'job'));
  }

  @Post(':id/retry')
  async retry(@Caller() caller: Identity, @Param('id') id: string, @Res() res: Response) {
    const job = await this.control.retry(caller, parseId(id, 'job'));
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  }
}
