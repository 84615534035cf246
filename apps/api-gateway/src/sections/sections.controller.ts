import { Body, Controller, Headers, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateSectionBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { idempotencyKeyOf, sendSubmission } from '../wav/wav.controller.js';
import { SectionsService } from './sections.service.js';

@Controller('v1/tracks')
@UseGuards(AuthGuard)
export class SectionsController {
  constructor(private readonly sections: SectionsService) {}

  @Post(':id/sections')
  async create(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const trackId = parseId(id, 'track');
    sendSubmission(res, await this.sections.create(caller, trackId, parseInput(CreateSectionBody, body, 'body'), idempotencyKeyOf(key)));
  }
}
