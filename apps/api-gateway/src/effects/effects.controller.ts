import { Body, Controller, Headers, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { idempotencyKeyOf, sendSubmission } from '../wav/wav.controller.js';
import { CreateEffectsBody } from './effects.schemas.js';
import { EffectsService } from './effects.service.js';

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class EffectsController {
  constructor(private readonly effects: EffectsService) {}

  @Post(':id/effects')
  async create(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const trackId = parseId(id, 'track');
    sendSubmission(res, await this.effects.create(caller, trackId, parseInput(CreateEffectsBody, body ?? {}, 'body'), idempotencyKeyOf(key)));
  }
}
