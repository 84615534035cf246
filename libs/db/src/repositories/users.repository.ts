import { sql, type Kysely } from 'kysely';
import type { AppRole, DB } from '../schema.js';

export interface NewUser {
  email: string;
  passwordHash: string;
  fullName?: string;
}

export class UsersRepository {
  /** Returns null when the email is already registered. */
  async create(db: Kysely<DB>, user: NewUser): Promise<{ id: string; email: string } | null> {
    const row = await db
      .insertInto('auth.users')
      .values({
        email: user.email,
        encrypted_password: user.passwordHash,
        raw_user_meta_data: JSON.stringify(user.fullName ? { full_name: user.fullName } : {}),
      })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returning(['id', 'email'])
      .executeTakeFirst();
    return row ?? null;
  }

  findByEmail(db: Kysely<DB>, email: string) {
    return db
      .selectFrom('auth.users')
      .select(['id', 'email', 'encrypted_password'])
      .where((eb) => eb(eb.fn('lower', [eb.ref('email')]), '=', email.toLowerCase()))
      .executeTakeFirst();
  }

  async recordSignIn(db: Kysely<DB>, id: string): Promise<void> {
    await db.updateTable('auth.users').set({ last_sign_in_at: new Date() }).where('id', '=', id).execute();
  }

  async roles(db: Kysely<DB>, userId: string): Promise<AppRole[]> {
    const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
    return rows.map((r) => r.role);
  }

  async exists(db: Kysely<DB>, userId: string): Promise<boolean> {
    const row = await db.selectFrom('profiles').select('id').where('id', '=', userId).executeTakeFirst();
    return row !== undefined;
  }
}
