import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateGenerationBody, IdempotencyKey } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { parseInput } from '../common/validation.js';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { GenerationsService } from './generations.service.js';

@Controller('v1/generations')
@UseGuards(AuthGuard)
export class GenerationsController {
  constructor(private readonly generations: GenerationsService) {}

  @Post()
  async create(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const idempotencyKey = key === undefined ? undefined : parseInput(IdempotencyKey, key, 'headers');
    const result = await this.generations.create(caller, parseInput(CreateGenerationBody, body, 'body'), idempotencyKey);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(result.status).location(`/v1/jobs/${result.job.id}`).json(result.job);
  }
}
