import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CreatePromptBody, ListPromptHistoryQuery, ListPromptsQuery, PromptStatisticsQuery, UpdatePromptBody, UpdatePromptHistoryBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { PromptsService } from './prompts.service.js';

export const ClearHistoryQuery = z.strictObject({ keep_templates: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });

@Controller('v1/prompts')
@UseGuards(AuthGuard)
export class PromptsController {
  constructor(private readonly prompts: PromptsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.prompts.list(caller, parseInput(ListPromptsQuery, query ?? {}, 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.prompts.create(caller, parseInput(CreatePromptBody, body ?? {}, 'body'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.prompts.get(caller, parseId(id, 'prompt'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const promptId = parseId(id, 'prompt');
    return this.prompts.update(caller, promptId, parseInput(UpdatePromptBody, body ?? {}, 'body'));
  }

  /** Counts a use of the prompt (usage_count, last_used_at). */
  @Post(':id/use')
  @HttpCode(200)
  use(@Caller() caller: Identity, @Param('id') id: string) {
    return this.prompts.use(caller, parseId(id, 'prompt'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.prompts.remove(caller, parseId(id, 'prompt'));
  }
}

@Controller('v1/prompt-history')
@UseGuards(AuthGuard)
export class PromptHistoryController {
  constructor(private readonly prompts: PromptsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.prompts.history(caller, parseInput(ListPromptHistoryQuery, query ?? {}, 'query'));
  }

  @Delete()
  @HttpCode(200)
  clear(@Caller() caller: Identity, @Query() query: unknown) {
    return this.prompts.clearHistory(caller, parseInput(ClearHistoryQuery, query ?? {}, 'query').keep_templates ?? false);
  }

  /** Declared before ':id', which would read 'statistics' as an id. */
  @Get('statistics')
  statistics(@Caller() caller: Identity, @Query() query: unknown) {
    return this.prompts.statistics(caller, parseInput(PromptStatisticsQuery, query ?? {}, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.prompts.historyEntry(caller, parseId(id, 'prompt history entry'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const entryId = parseId(id, 'prompt history entry');
    return this.prompts.markTemplate(caller, entryId, parseInput(UpdatePromptHistoryBody, body ?? {}, 'body').is_template);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.prompts.removeHistory(caller, parseId(id, 'prompt history entry'));
  }
}
