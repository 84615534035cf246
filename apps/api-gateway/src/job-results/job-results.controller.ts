import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { ListPersonasQuery } from '../tracks/tracks.schemas.js';
import { JobResultsService } from './job-results.service.js';

/** GET of each job kind's domain row (the job's `resource`), owner only. */
@Controller('v1')
@UseGuards(AuthGuard)
export class JobResultsController {
  constructor(private readonly results: JobResultsService) {}

  @Get('lyrics/:id')
  lyrics(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.lyrics(caller, parseId(id, 'lyrics job'));
  }

  @Get('tracks/:id/stems')
  stems(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.stems(caller, parseId(id, 'track'));
  }

  @Get('classifications/:id')
  classification(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.classification(caller, parseId(id, 'classification'));
  }

  @Get('descriptions/:id')
  description(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.description(caller, parseId(id, 'description'));
  }

  @Get('recognitions/:id')
  recognition(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.recognition(caller, parseId(id, 'recognition'));
  }

  @Get('wav-jobs/:id')
  wav(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.wavJob(caller, parseId(id, 'WAV job'));
  }

  @Get('upscales/:id')
  upscale(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.upscale(caller, parseId(id, 'upscale'));
  }

  @Get('section-replacements/:id')
  section(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.sectionReplacement(caller, parseId(id, 'section replacement'));
  }

  @Get('personas')
  personas(@Caller() caller: Identity, @Query() query: unknown) {
    return this.results.personas(caller, parseInput(ListPersonasQuery, query ?? {}, 'query'));
  }

  @Get('personas/:id')
  persona(@Caller() caller: Identity, @Param('id') id: string) {
    return this.results.persona(caller, parseId(id, 'persona'));
  }
}
