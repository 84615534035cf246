import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { AddProjectTrackBody, CreateMusicProjectBody, ListMusicProjectsQuery, MoveProjectTrackBody, ReorderProjectTracksBody, UpdateMusicProjectBody } from './music-projects.schemas.js';
import { MusicProjectsService } from './music-projects.service.js';

@Controller('v1/music-projects')
@UseGuards(AuthGuard)
export class MusicProjectsController {
  constructor(private readonly projects: MusicProjectsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.projects.list(caller, parseInput(ListMusicProjectsQuery, query ?? {}, 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.projects.create(caller, parseInput(CreateMusicProjectBody, body ?? {}, 'body'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.get(caller, parseId(id, 'music project'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const projectId = parseId(id, 'music project');
    return this.projects.update(caller, projectId, parseInput(UpdateMusicProjectBody, body ?? {}, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.projects.remove(caller, parseId(id, 'music project'));
  }

  @Get(':id/tracks')
  tracks(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.listTracks(caller, parseId(id, 'music project'));
  }

  @Post(':id/tracks')
  @HttpCode(201)
  add(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const projectId = parseId(id, 'music project');
    return this.projects.addTrack(caller, projectId, parseInput(AddProjectTrackBody, body ?? {}, 'body'));
  }

  @Put(':id/tracks')
  reorder(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const projectId = parseId(id, 'music project');
    return this.projects.reorder(caller, projectId, parseInput(ReorderProjectTracksBody, body ?? {}, 'body'));
  }

  @Patch(':id/tracks/:trackId')
  move(@Caller() caller: Identity, @Param('id') id: string, @Param('trackId') trackId: string, @Body() body: unknown) {
    const projectId = parseId(id, 'music project');
    const track = parseId(trackId, 'track');
    return this.projects.moveTrack(caller, projectId, track, parseInput(MoveProjectTrackBody, body ?? {}, 'body'));
  }

  @Delete(':id/tracks/:trackId')
  @HttpCode(204)
  async removeTrack(@Caller() caller: Identity, @Param('id') id: string, @Param('trackId') trackId: string): Promise<void> {
    const projectId = parseId(id, 'music project');
    await this.projects.removeTrack(caller, projectId, parseId(trackId, 'track'));
  }
}
