import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { IdParam, ListJobsQuery } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { parseInput } from '../common/validation.js';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
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
  constructor(private readonly jobs: JobsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.jobs.list(caller, parseInput(ListJobsQuery, query, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.jobs.get(caller, parseId(id, 'job'));
  }
}
