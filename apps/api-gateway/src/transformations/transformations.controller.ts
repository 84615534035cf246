import { Body, Controller, Headers, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateTransformationBody, RateTransformationBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { idempotencyKeyOf, sendSubmission } from '../wav/wav.controller.js';
import { TransformationsService } from './transformations.service.js';

@Controller('v1/projects')
@UseGuards(AuthGuard)
export class TransformationsController {
  constructor(private readonly transformations: TransformationsService) {}

  @Post(':id/transformations')
  async create(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const projectId = parseId(id, 'project');
    sendSubmission(res, await this.transformations.create(caller, projectId, parseInput(CreateTransformationBody, body, 'body'), idempotencyKeyOf(key)));
  }

  @Patch(':id/transformations/:transformationId')
  rate(@Caller() caller: Identity, @Param('id') id: string, @Param('transformationId') transformationId: string, @Body() body: unknown) {
    return this.transformations.rate(caller, parseId(id, 'project'), parseId(transformationId, 'transformation'), parseInput(RateTransformationBody, body, 'body'));
  }
}
