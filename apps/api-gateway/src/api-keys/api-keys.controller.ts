import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { CreateApiKeyBody } from '@muse/contracts';
import { ApiKeysService } from './api-keys.service.js';

@Controller('v1/api-keys')
@UseGuards(AuthGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.keys.create(caller, parseInput(CreateApiKeyBody, body, 'body'));
  }

  @Get()
  list(@Caller() caller: Identity) {
    return this.keys.list(caller);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(caller, parseId(id, 'API key'));
  }
}
