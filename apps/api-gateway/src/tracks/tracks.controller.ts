import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { EmptyBody, ListTracksQuery, UpdateTrackBody } from './tracks.schemas.js';
import { TracksService } from './tracks.service.js';

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class TracksController {
  constructor(private readonly tracks: TracksService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.tracks.list(caller, parseInput(ListTracksQuery, query ?? {}, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.get(caller, parseId(id, 'track'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const trackId = parseId(id, 'track');
    return this.tracks.update(caller, trackId, parseInput(UpdateTrackBody, body ?? {}, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.tracks.remove(caller, parseId(id, 'track'));
  }

  @Get(':id/versions')
  versions(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.versions(caller, parseId(id, 'track'));
  }

  @Post(':id/versions/:versionId/master')
  @HttpCode(200)
  master(@Caller() caller: Identity, @Param('id') id: string, @Param('versionId') versionId: string, @Body() body: unknown) {
    const trackId = parseId(id, 'track');
    const version = parseId(versionId, 'version');
    parseInput(EmptyBody, body, 'body');
    return this.tracks.setMaster(caller, trackId, version);
  }

  @Put(':id/like')
  like(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.likeTrack(caller, parseId(id, 'track'), true);
  }

  @Delete(':id/like')
  unlike(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.likeTrack(caller, parseId(id, 'track'), false);
  }

  @Post(':id/play')
  @HttpCode(200)
  play(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const trackId = parseId(id, 'track');
    parseInput(EmptyBody, body, 'body');
    return this.tracks.play(caller, trackId);
  }

  @Post(':id/download')
  @HttpCode(200)
  download(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const trackId = parseId(id, 'track');
    parseInput(EmptyBody, body, 'body');
    return this.tracks.download(caller, trackId);
  }
}

@Controller('v1/versions')
@UseGuards(AuthGuard)
export class VersionsController {
  constructor(private readonly tracks: TracksService) {}

  @Put(':id/like')
  like(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.likeVersion(caller, parseId(id, 'version'), true);
  }

  @Delete(':id/like')
  unlike(@Caller() caller: Identity, @Param('id') id: string) {
    return this.tracks.likeVersion(caller, parseId(id, 'version'), false);
  }
}
