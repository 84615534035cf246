import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface SettingRow {
  key: string;
  value: Record<string, unknown>;
  is_public: boolean;
  updated_at: Date;
}

/** app_settings: run-time switches (maintenance_mode, feature_flags, provider_config, rate_limits). */
export class SettingsRepository {
  get(db: Kysely<DB>, key: string): Promise<SettingRow | undefined> {
    return db.selectFrom('app_settings').select(['key', 'value', 'is_public', 'updated_at']).where('key', '=', key).executeTakeFirst();
  }

  many(db: Kysely<DB>, keys: string[]): Promise<SettingRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return db.selectFrom('app_settings').select(['key', 'value', 'is_public', 'updated_at']).where('key', 'in', keys).execute();
  }

  /** Upsert; is_public keeps its value unless given. */
  put(db: Kysely<DB>, key: string, value: Record<string, unknown>, isPublic?: boolean): Promise<SettingRow> {
    const json = JSON.stringify(value);
    return db
      .insertInto('app_settings')
      .values({ key, value: json, ...(isPublic === undefined ? {} : { is_public: isPublic }) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, ...(isPublic === undefined ? {} : { is_public: isPublic }) }))
      .returning(['key', 'value', 'is_public', 'updated_at'])
      .executeTakeFirstOrThrow();
  }
}
