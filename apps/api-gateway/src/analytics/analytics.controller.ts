import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { parseId } from '../jobs/jobs.controller.js';
import { AnalyticsIngestService } from './analytics-ingest.service.js';
import { AnalyticsReportsService } from './analytics-reports.service.js';
import { OptionalAuthGuard } from './optional-auth.guard.js';

@Controller('v1/analytics')
export class AnalyticsEventsController {
  constructor(private readonly ingest: AnalyticsIngestService) {}

  @Post('events')
  @HttpCode(202)
  @UseGuards(OptionalAuthGuard)
  events(@Req() req: Request & { user?: AuthenticatedUser }, @Body() body: unknown) {
    return this.ingest.accept(body, { userId: req.user?.id ?? null, userAgent: req.header('user-agent') ?? null, ip: req.ip ?? null });
  }
}

@Controller('v1/admin/analytics')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
export class AnalyticsReportsController {
  constructor(private readonly reports: AnalyticsReportsService) {}

  @Get('users/:id')
  user(@Caller() caller: Identity, @Param('id') id: string) {
    return this.reports.user(caller, parseId(id, 'user'));
  }

  @Get(':report')
  report(@Caller() caller: Identity, @Param('report') report: string, @Query() query: unknown) {
    return this.reports.report(caller, report, query);
  }
}
