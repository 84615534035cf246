import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseId } from '../jobs/jobs.controller.js';
import { TracksService } from './tracks.service.js';

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class TracksController {
  constructor(private readonly tracks: TracksService) {}

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.get(caller, parseId(id, 'track'));
  }

  @Get(':id/versions')
  versions(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.versions(caller, parseId(id, 'track'));
  }
}
