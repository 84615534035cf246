import { Controller, Delete, Get, HttpCode, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ListPageQuery } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { UsersService } from './users.service.js';

@Controller('v1/users')
@UseGuards(AuthGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  profile(@Caller() caller: Identity, @Param('id') id: string) {
    return this.users.profile(caller, parseId(id, 'user'));
  }

  @Put(':id/follow')
  follow(@Caller() caller: Identity, @Param('id') id: string) {
    return this.users.follow(caller, parseId(id, 'user'));
  }

  @Delete(':id/follow')
  @HttpCode(204)
  async unfollow(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.users.unfollow(caller, parseId(id, 'user'));
  }

  @Get(':id/followers')
  followers(@Caller() caller: Identity, @Param('id') id: string, @Query() query: unknown) {
    const userId = parseId(id, 'user');
    return this.users.follows(caller, userId, 'followers', parseInput(ListPageQuery, query ?? {}, 'query'));
  }

  @Get(':id/following')
  following(@Caller() caller: Identity, @Param('id') id: string, @Query() query: unknown) {
    const userId = parseId(id, 'user');
    return this.users.follows(caller, userId, 'following', parseInput(ListPageQuery, query ?? {}, 'query'));
  }

  @Get(':id/tracks')
  tracks(@Caller() caller: Identity, @Param('id') id: string, @Query() query: unknown) {
    const userId = parseId(id, 'user');
    return this.users.tracks(caller, userId, parseInput(ListPageQuery, query ?? {}, 'query'));
  }
}
