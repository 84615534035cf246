import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { UpdateProfileBody } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { MeService } from './me.service.js';

@Controller('v1/me')
@UseGuards(AuthGuard)
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  get(@Caller() caller: Identity) {
    return this.me.get(caller);
  }

  @Patch()
  update(@Caller() caller: Identity, @Body() body: unknown) {
    return this.me.update(caller, parseInput(UpdateProfileBody, body, 'body'));
  }
}
