import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateLyricsBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { idempotencyKeyOf, sendSubmission } from '../wav/wav.controller.js';
import { LyricsService } from './lyrics.service.js';

@Controller('v1/lyrics')
@UseGuards(AuthGuard)
export class LyricsController {
  constructor(private readonly lyrics: LyricsService) {}

  @Post()
  async create(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    sendSubmission(res, await this.lyrics.create(caller, parseInput(CreateLyricsBody, body, 'body'), idempotencyKeyOf(key)));
  }
}
