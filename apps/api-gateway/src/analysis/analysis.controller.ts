import { Body, Controller, Headers, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CreateClassificationBody, CreateDescriptionBody, CreateRecognitionBody, IdempotencyKey } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import type { SubmissionResult } from '../jobs/job-submission.service.js';
import { AnalysisService } from './analysis.service.js';

const keyOf = (key: string | undefined) => (key === undefined ? undefined : parseInput(IdempotencyKey, key, 'headers'));

function send(res: Response, result: SubmissionResult): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).location(`/v1/jobs/${result.job.id}`).json(result.job);
}

@Controller('v1')
@UseGuards(AuthGuard)
export class AnalysisController {
  constructor(private readonly analysis: AnalysisService) {}

  @Post('tracks/:id/classifications')
  async classify(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    const trackId = parseId(id, 'track');
    send(res, await this.analysis.classify(caller, trackId, parseInput(CreateClassificationBody, body ?? {}, 'body'), keyOf(key)));
  }

  @Post('descriptions')
  async describe(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    send(res, await this.analysis.describe(caller, parseInput(CreateDescriptionBody, body ?? {}, 'body'), keyOf(key)));
  }

  @Post('recognitions')
  async recognize(@Caller() caller: Identity, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res() res: Response) {
    send(res, await this.analysis.recognize(caller, parseInput(CreateRecognitionBody, body ?? {}, 'body'), keyOf(key)));
  }
}
