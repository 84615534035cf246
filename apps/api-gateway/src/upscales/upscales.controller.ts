import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateUpscaleBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { idempotencyKeyOf, sendSubmission } from '../wav/wav.controller.js';
import { UpscalesService } from './upscales.service.js';

@Controller('v1/upscales')
@UseGuards(AuthGuard)
export class UpscalesController {
  constructor(private readonly upscales: UpscalesService) {}

  @Post()
  async create(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    sendSubmission(res, await this.upscales.create(caller, parseInput(CreateUpscaleBody, body, 'body'), idempotencyKeyOf(key)));
  }
}
