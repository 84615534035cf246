import { Body, Controller, Delete, Get, Param, Patch, Put, UseGuards } from '@nestjs/common';
import { GrantableRole, PutSettingBody, SettingKey } from '@muse/contracts';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { AdminUpdateUserBody } from '@muse/contracts';
import { AdminService } from './admin.service.js';

@Controller('v1/admin')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Put('users/:id/roles/:role')
  grant(@Caller() caller: Identity, @Param('id') id: string, @Param('role') role: string) {
    return this.admin.setRole(caller, parseId(id, 'user'), parseInput(GrantableRole, role, 'params'), true);
  }

  @Delete('users/:id/roles/:role')
  revoke(@Caller() caller: Identity, @Param('id') id: string, @Param('role') role: string) {
    return this.admin.setRole(caller, parseId(id, 'user'), parseInput(GrantableRole, role, 'params'), false);
  }

  @Patch('users/:id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    return this.admin.updateUser(caller, parseId(id, 'user'), parseInput(AdminUpdateUserBody, body, 'body'));
  }

  @Get('settings/:key')
  getSetting(@Caller() caller: Identity, @Param('key') key: string) {
    return this.admin.getSetting(caller, parseInput(SettingKey, key, 'params'));
  }

  @Put('settings/:key')
  putSetting(@Caller() caller: Identity, @Param('key') key: string, @Body() body: unknown) {
    return this.admin.putSetting(caller, parseInput(SettingKey, key, 'params'), parseInput(PutSettingBody, body, 'body'));
  }
}
