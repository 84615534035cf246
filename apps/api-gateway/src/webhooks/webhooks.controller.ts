import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { WebhooksService, CallbackQuery } from './webhooks.service.js';

/** Provider callbacks. No user auth: each URL carries its job's unguessable token. */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':provider')
  @HttpCode(200)
  receive(@Param('provider') provider: string, @Query() query: unknown, @Body() body: unknown, @Req() req: Request) {
    const parsed = CallbackQuery.safeParse(query);
    const rawBody = (req as Request & { rawBody?: Buffer }).rawBody;
    return this.webhooks.receive(provider, parsed.success ? parsed.data : undefined, body, { headers: req.headers, rawBody });
  }
}
