import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { ProjectExportsService } from './project-exports.service.js';
import { CreateProjectBody, ListProjectsQuery, PutCollaboratorBody, UpdateProjectBody } from './projects.body.js';
import { ProjectsService } from './projects.service.js';

/** Studio Nexus projects (/{id}/transformations lives in the transformations feature). */
@Controller('v1/projects')
@UseGuards(AuthGuard)
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly exports: ProjectExportsService,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.projects.create(caller, parseInput(CreateProjectBody, body, 'body'));
  }

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.projects.list(caller, parseInput(ListProjectsQuery, query, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.get(caller, parseId(id, 'project'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    return this.projects.update(caller, parseId(id, 'project'), parseInput(UpdateProjectBody, body, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.projects.remove(caller, parseId(id, 'project'));
  }

  @Get(':id/versions')
  versions(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.versions(caller, parseId(id, 'project'));
  }

  @Get(':id/collaborators')
  collaborators(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.collaborators(caller, parseId(id, 'project'));
  }

  @Put(':id/collaborators/:userId')
  putCollaborator(@Caller() caller: Identity, @Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown) {
    return this.projects.putCollaborator(caller, parseId(id, 'project'), parseId(userId, 'user'), parseInput(PutCollaboratorBody, body, 'body'));
  }

  @Delete(':id/collaborators/:userId')
  @HttpCode(204)
  async removeCollaborator(@Caller() caller: Identity, @Param('id') id: string, @Param('userId') userId: string): Promise<void> {
    await this.projects.removeCollaborator(caller, parseId(id, 'project'), parseId(userId, 'user'));
  }

  @Put(':id/like')
  like(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.setLike(caller, parseId(id, 'project'), true);
  }

  @Delete(':id/like')
  unlike(@Caller() caller: Identity, @Param('id') id: string) {
    return this.projects.setLike(caller, parseId(id, 'project'), false);
  }

  @Post(':id/exports')
  @HttpCode(201)
  export(@Caller() caller: Identity, @Param('id') id: string) {
    return this.exports.create(caller, parseId(id, 'project'));
  }
}
