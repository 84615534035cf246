import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreatePersonaBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { idempotencyKeyOf, sendSubmission } from '../wav/wav.controller.js';
import { PersonasService } from './personas.service.js';

@Controller('v1/personas')
@UseGuards(AuthGuard)
export class PersonasController {
  constructor(private readonly personas: PersonasService) {}

  @Post()
  async create(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    sendSubmission(res, await this.personas.create(caller, parseInput(CreatePersonaBody, body, 'body'), idempotencyKeyOf(key)));
  }
}
