import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UsersRepository, type AppRole, type Database } from '@muse/db';
import { Problem, unauthorized } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import type { AuthenticatedUser } from './token.service.js';

const ROLES = 'muse:roles';

/** Route needs one of these platform roles (user_roles); use after AuthGuard: `@UseGuards(AuthGuard, RolesGuard)`. */
export const Roles = (...roles: AppRole[]) => SetMetadata(ROLES, roles);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(DATABASE) private readonly db: Database,
    private readonly users: UsersRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needed = this.reflector.getAllAndOverride<AppRole[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!needed?.length) return true;
    const user = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>().user;
    if (!user) throw unauthorized('not authenticated');
    // Roles are read from the database on every call, so a revoked role stops working at once.
    const roles = await this.users.roles(this.db, user.id);
    if (!needed.some((r) => roles.includes(r))) throw new Problem(403, 'forbidden', `this needs the ${needed.join(' or ')} role`);
    return true;
  }
}
