import { Inject, Injectable } from '@nestjs/common';
import type { SignupBody, TokenBody, TokenResponse } from '@muse/contracts';
import { UsersRepository, type Database } from '@muse/db';
import { Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js';
import { TokenService } from './token.service.js';

@Injectable()
export class AuthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
  ) {}

  async signup(body: SignupBody): Promise<TokenResponse> {
    const passwordHash = await hashPassword(body.password);
    // Signing up happens before there is an identity, so it runs as the service; the trigger makes the profile.
    const user = await this.users.create(this.db, { email: body.email, passwordHash, fullName: body.full_name });
    if (!user) throw new Problem(409, 'email-taken', 'an account with this email already exists');
    return { user, ...(await this.tokens.issue(user)) };
  }

  async token(body: TokenBody): Promise<TokenResponse> {
    const user = await this.users.findByEmail(this.db, body.email);
    const ok = await verifyPassword(body.password, user?.encrypted_password ?? DUMMY_HASH);
    if (!user || !ok) throw new Problem(401, 'invalid-credentials', 'email or password is wrong');
    await this.users.recordSignIn(this.db, user.id);
    return { user: { id: user.id, email: user.email }, ...(await this.tokens.issue(user)) };
  }
}
