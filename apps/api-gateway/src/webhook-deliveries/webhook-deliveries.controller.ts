import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseEmptyBody, parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { ListWebhookDeliveriesQuery } from './webhook-deliveries.schemas.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

@Controller('v1/me/webhook-secret')
@UseGuards(AuthGuard)
export class WebhookSecretController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Req() req: Request) {
    parseEmptyBody(req);
    return this.deliveries.createSecret(caller);
  }
}

@Controller('v1/webhook-deliveries')
@UseGuards(AuthGuard)
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.deliveries.list(caller, parseInput(ListWebhookDeliveriesQuery, query ?? {}, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.deliveries.get(caller, parseId(id, 'webhook delivery'));
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  redeliver(@Caller() caller: Identity, @Param('id') id: string) {
    return this.deliveries.redeliver(caller, parseId(id, 'webhook delivery'));
  }
}
