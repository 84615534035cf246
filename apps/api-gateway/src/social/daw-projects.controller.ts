import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CreateDawProjectBody, ListDawProjectsQuery, UpdateDawProjectBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { DawProjectsService } from './daw-projects.service.js';

@Controller('v1/daw-projects')
@UseGuards(AuthGuard)
export class DawProjectsController {
  constructor(private readonly daw: DawProjectsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.daw.list(caller, parseInput(ListDawProjectsQuery, query ?? {}, 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.daw.create(caller, parseInput(CreateDawProjectBody, body ?? {}, 'body'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.daw.get(caller, parseId(id, 'DAW project'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const projectId = parseId(id, 'DAW project');
    return this.daw.update(caller, projectId, parseInput(UpdateDawProjectBody, body ?? {}, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.daw.remove(caller, parseId(id, 'DAW project'));
  }
}
