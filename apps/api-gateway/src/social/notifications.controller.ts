import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ListNotificationsQuery, UpdateNotificationBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseEmptyBody, parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { NotificationsService } from './notifications.service.js';

@Controller('v1/notifications')
@UseGuards(AuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.notifications.list(caller, parseInput(ListNotificationsQuery, query ?? {}, 'query'));
  }

  @Get('unread-count')
  unreadCount(@Caller() caller: Identity) {
    return this.notifications.unreadCount(caller);
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@Caller() caller: Identity, @Req() req: Request) {
    parseEmptyBody(req);
    return this.notifications.readAll(caller);
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    const notificationId = parseId(id, 'notification');
    return this.notifications.setRead(caller, notificationId, parseInput(UpdateNotificationBody, body ?? {}, 'body').read);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.notifications.remove(caller, parseId(id, 'notification'));
  }
}
