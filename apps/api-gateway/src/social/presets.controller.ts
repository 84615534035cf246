import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  CreateAiModelPresetBody, CreateEffectsPresetBody, ListAiModelPresetsQuery, ListEffectsPresetsQuery, UpdateAiModelPresetBody, UpdateEffectsPresetBody,
} from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { PresetsService } from './presets.service.js';

@Controller('v1/effects-presets')
@UseGuards(AuthGuard)
export class EffectsPresetsController {
  constructor(private readonly presets: PresetsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.presets.listEffects(caller, parseInput(ListEffectsPresetsQuery, query ?? {}, 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.presets.createEffects(caller, parseInput(CreateEffectsPresetBody, body ?? {}, 'body'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.presets.getEffects(caller, parseId(id, 'effects preset'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const presetId = parseId(id, 'effects preset');
    return this.presets.updateEffects(caller, presetId, parseInput(UpdateEffectsPresetBody, body ?? {}, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.presets.removeEffects(caller, parseId(id, 'effects preset'));
  }
}

@Controller('v1/ai-model-presets')
@UseGuards(AuthGuard)
export class AiModelPresetsController {
  constructor(private readonly presets: PresetsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.presets.listAi(caller, parseInput(ListAiModelPresetsQuery, query ?? {}, 'query'));
  }

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.presets.createAi(caller, parseInput(CreateAiModelPresetBody, body ?? {}, 'body'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.presets.getAi(caller, parseId(id, 'AI model preset'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const presetId = parseId(id, 'AI model preset');
    return this.presets.updateAi(caller, presetId, parseInput(UpdateAiModelPresetBody, body ?? {}, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.presets.removeAi(caller, parseId(id, 'AI model preset'));
  }
}
