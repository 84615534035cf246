import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { CreateSavedLyricsBody, ListSavedLyricsQuery, UpdateSavedLyricsBody } from './saved-lyrics.schemas.js';
import { SavedLyricsService } from './saved-lyrics.service.js';

@Controller('v1/saved-lyrics')
@UseGuards(AuthGuard)
export class SavedLyricsController {
  constructor(private readonly saved: SavedLyricsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.saved.list(caller, parseInput(ListSavedLyricsQuery, query ?? {}, 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.saved.create(caller, parseInput(CreateSavedLyricsBody, body ?? {}, 'body'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.saved.get(caller, parseId(id, 'saved lyrics'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const savedId = parseId(id, 'saved lyrics');
    return this.saved.update(caller, savedId, parseInput(UpdateSavedLyricsBody, body ?? {}, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.saved.remove(caller, parseId(id, 'saved lyrics'));
  }
}
