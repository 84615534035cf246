import { Body, Controller, Headers, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateStemsBody, IdempotencyKey } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { StemsService } from './stems.service.js';

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class StemsController {
  constructor(private readonly stems: StemsService) {}

  @Post(':id/stems')
  async create(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const trackId = parseId(id, 'track');
    const idempotencyKey = key === undefined ? undefined : parseInput(IdempotencyKey, key, 'headers');
    const result = await this.stems.create(caller, trackId, parseInput(CreateStemsBody, body ?? {}, 'body'), idempotencyKey);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(result.status).location(`/v1/jobs/${result.job.id}`).json(result.job);
  }
}
