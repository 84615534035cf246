import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, olderThan, type Keyset } from './keyset.js';

export type PresetScope = 'all' | 'system' | 'own' | 'public';

export interface EffectsPresetFields {
  name?: string;
  description?: string | null;
  category?: string | null;
  effects_chain?: unknown[];
  preview_audio_url?: string | null;
  is_public?: boolean;
}

export interface AiModelPresetFields {
  name?: string;
  description?: string | null;
  transformation_type?: string;
  parameters?: Record<string, unknown>;
  preview_audio_url?: string | null;
  thumbnail_url?: string | null;
  is_active?: boolean;
  is_public?: boolean;
}

/**
 * Effects presets and AI model presets under the caller's RLS: system presets and shared ones are
 * readable by everyone, the caller's own are theirs to change. Writes name the owner explicitly, so
 * even an admin (whose policy reaches every row) changes only their own presets here.
 */
export class PresetsRepository {
  listEffects(db: Kysely<DB>, userId: string, o: { limit: number; after?: Keyset; scope: PresetScope; category?: string }) {
    let q = db.selectFrom('effects_presets').selectAll().select(cursorAt('created_at').as('cursor_at'));
    if (o.scope === 'system') q = q.where('is_system_preset', '=', true);
    if (o.scope === 'own') q = q.where('user_id', '=', userId);
    if (o.scope === 'public') q = q.where('is_public', '=', true).where('is_system_preset', '=', false);
    // An admin's policy reaches every row: the list stays what a user sees.
    if (o.scope === 'all') q = q.where((eb) => eb.or([eb('is_system_preset', '=', true), eb('is_public', '=', true), eb('user_id', '=', userId)]));
    if (o.category !== undefined) q = q.where('category', '=', o.category);
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }

  findEffects(db: Kysely<DB>, id: string, userId: string) {
    return db
      .selectFrom('effects_presets')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => eb.or([eb('is_system_preset', '=', true), eb('is_public', '=', true), eb('user_id', '=', userId)]))
      .executeTakeFirst();
  }

  insertEffects(db: Kysely<DB>, userId: string, f: EffectsPresetFields & { name: string; effects_chain: unknown[] }) {
    return db
      .insertInto('effects_presets')
      .values({
        user_id: userId,
        name: f.name,
        description: f.description ?? null,
        category: f.category ?? null,
        effects_chain: JSON.stringify(f.effects_chain),
        preview_audio_url: f.preview_audio_url ?? null,
        is_public: f.is_public ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  updateEffects(db: Kysely<DB>, id: string, userId: string, patch: EffectsPresetFields) {
    const { effects_chain, ...rest } = patch;
    return db
      .updateTable('effects_presets')
      .set({ ...rest, ...(effects_chain !== undefined ? { effects_chain: JSON.stringify(effects_chain) } : {}) })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('is_system_preset', '=', false)
      .returningAll()
      .executeTakeFirst();
  }

  async deleteEffects(db: Kysely<DB>, id: string, userId: string): Promise<boolean> {
    const res = await db.deleteFrom('effects_presets').where('id', '=', id).where('user_id', '=', userId).where('is_system_preset', '=', false).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  listAi(db: Kysely<DB>, userId: string, o: { limit: number; after?: Keyset; scope: PresetScope; transformationType?: string }) {
    let q = db.selectFrom('ai_model_presets').selectAll().select(cursorAt('created_at').as('cursor_at'));
    const shared = sql<boolean>`is_active and (is_system_preset or is_public)`;
    if (o.scope === 'system') q = q.where('is_system_preset', '=', true).where('is_active', '=', true);
    if (o.scope === 'own') q = q.where('created_by', '=', userId);
    if (o.scope === 'public') q = q.where('is_public', '=', true).where('is_system_preset', '=', false).where('is_active', '=', true);
    if (o.scope === 'all') q = q.where((eb) => eb.or([shared, eb('created_by', '=', userId)]));
    if (o.transformationType !== undefined) q = q.where('transformation_type', '=', o.transformationType);
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }

  findAi(db: Kysely<DB>, id: string, userId: string) {
    return db
      .selectFrom('ai_model_presets')
      .selectAll()
      .where('id', '=', id)
      .where((eb) => eb.or([sql<boolean>`is_active and (is_system_preset or is_public)`, eb('created_by', '=', userId)]))
      .executeTakeFirst();
  }

  /** The transformation types the platform runs: those of its active system presets. */
  async systemTypes(db: Kysely<DB>): Promise<string[]> {
    const rows = await db.selectFrom('ai_model_presets').select('transformation_type').distinct().where('is_system_preset', '=', true).where('is_active', '=', true).orderBy('transformation_type').execute();
    return rows.map((r) => r.transformation_type);
  }

  insertAi(db: Kysely<DB>, userId: string, f: AiModelPresetFields & { name: string; transformation_type: string; parameters: Record<string, unknown> }) {
    return db
      .insertInto('ai_model_presets')
      .values({
        created_by: userId,
        name: f.name,
        description: f.description ?? null,
        transformation_type: f.transformation_type,
        parameters: JSON.stringify(f.parameters),
        preview_audio_url: f.preview_audio_url ?? null,
        thumbnail_url: f.thumbnail_url ?? null,
        is_active: f.is_active ?? true,
        is_public: f.is_public ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  updateAi(db: Kysely<DB>, id: string, userId: string, patch: AiModelPresetFields) {
    const { parameters, ...rest } = patch;
    return db
      .updateTable('ai_model_presets')
      .set({ ...rest, ...(parameters !== undefined ? { parameters: JSON.stringify(parameters) } : {}) })
      .where('id', '=', id)
      .where('created_by', '=', userId)
      .where('is_system_preset', '=', false)
      .returningAll()
      .executeTakeFirst();
  }

  async deleteAi(db: Kysely<DB>, id: string, userId: string): Promise<boolean> {
    const res = await db.deleteFrom('ai_model_presets').where('id', '=', id).where('created_by', '=', userId).where('is_system_preset', '=', false).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
