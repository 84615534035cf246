import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../schema.js';
import type { ClassificationJobsTable, MusicClassificationsTable, SongDescriptionsTable } from '../schema-designs.js';

export type MusicClassification = Selectable<MusicClassificationsTable>;
export type ClassificationJob = Selectable<ClassificationJobsTable>;
export type SongDescription = Selectable<SongDescriptionsTable>;

export interface ClassificationResult {
  classifierVersion: string;
  genresRanked: unknown;
  instrumentsDetected: string[];
  instrumentsRanked: unknown;
  moodDetected: string | null;
  confidence: number;
  visualizationUrl: string;
  features: Record<string, unknown>;
}

export interface DescriptionResult {
  aiDescription: string;
  genre: string | null;
  mood: string | null;
  instruments: string[];
  energy: number;
  danceability: number;
  tempo: number;
  key: string;
  timeSignature: string;
  vocalPresence: 'none' | 'low' | 'medium' | 'high';
  metadata: Record<string, unknown>;
}

const round3 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;

/** Classification and description records: written pending with their job, finished by the audio worker. */
export class AnalysisRepository {
  /** The music_classifications row and its classification_jobs row, both pending. */
  async createClassification(db: Kysely<DB>, input: { trackId: string; classifierType: MusicClassificationsTable['classifier_type']; inputAudioUrl: string; versionId: string }): Promise<MusicClassification> {
    const row = await db
      .insertInto('music_classifications')
      .values({ track_id: input.trackId, classifier_type: input.classifierType, metadata: JSON.stringify({ version_id: input.versionId }) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto('classification_jobs')
      .values({ classification_id: row.id, classifier_type: input.classifierType, input_audio_url: input.inputAudioUrl, classifier_config: JSON.stringify({ provider: 'local' }) })
      .execute();
    return row;
  }

  findClassification(db: Kysely<DB>, id: string): Promise<MusicClassification | undefined> {
    return db.selectFrom('music_classifications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async completeClassification(db: Kysely<DB>, id: string, r: ClassificationResult): Promise<MusicClassification> {
    const row = await db
      .updateTable('music_classifications')
      .set({
        status: 'completed',
        error_message: null,
        classifier_version: r.classifierVersion,
        genres_ranked: JSON.stringify(r.genresRanked),
        instruments_detected: r.instrumentsDetected,
        instruments_ranked: JSON.stringify(r.instrumentsRanked),
        mood_detected: r.moodDetected,
        confidence_score: String(round3(r.confidence)),
        visualization_url: r.visualizationUrl,
        metadata: sql`metadata || ${JSON.stringify({ features: r.features })}::jsonb`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .updateTable('classification_jobs')
      .set({ status: 'completed', output_visualization_url: r.visualizationUrl, raw_output: JSON.stringify(r.features), error_message: null, updated_at: sql`now()` })
      .where('classification_id', '=', id)
      .execute();
    return row;
  }

  async failClassification(db: Kysely<DB>, id: string, message: string): Promise<void> {
    await db.updateTable('music_classifications').set({ status: 'failed', error_message: message, updated_at: sql`now()` }).where('id', '=', id).execute();
    await db.updateTable('classification_jobs').set({ status: 'failed', error_message: message, updated_at: sql`now()` }).where('classification_id', '=', id).execute();
  }

  createDescription(db: Kysely<DB>, input: { userId: string; audioFileUrl: string; source: Record<string, unknown> }): Promise<SongDescription> {
    return db
      .insertInto('song_descriptions')
      .values({ user_id: input.userId, audio_file_url: input.audioFileUrl, metadata: JSON.stringify({ source: input.source }) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findDescription(db: Kysely<DB>, id: string): Promise<SongDescription | undefined> {
    return db.selectFrom('song_descriptions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  completeDescription(db: Kysely<DB>, id: string, r: DescriptionResult): Promise<SongDescription> {
    return db
      .updateTable('song_descriptions')
      .set({
        status: 'completed',
        error_message: null,
        ai_description: r.aiDescription,
        detected_genre: r.genre,
        detected_mood: r.mood,
        detected_instruments: r.instruments,
        energy_level: String(round3(r.energy)),
        danceability: String(round3(r.danceability)),
        tempo: Math.max(1, Math.round(r.tempo)),
        key: r.key,
        time_signature: r.timeSignature,
        vocal_presence: r.vocalPresence,
        metadata: sql`metadata || ${JSON.stringify(r.metadata)}::jsonb`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async failDescription(db: Kysely<DB>, id: string, message: string): Promise<void> {
    await db.updateTable('song_descriptions').set({ status: 'failed', error_message: message, updated_at: sql`now()` }).where('id', '=', id).execute();
  }
}

export type SongRecognition = Selectable<import('../schema-designs.js').SongRecognitionsTable>;

export interface RecognitionCandidate {
  trackId: string;
  title: string | null;
  artist: string;
  userId: string;
  isPublic: boolean;
}

/** The recognition index (audio_fingerprints) and song_recognitions. Index access is the worker's only. */
/** Hashes shared by more index rows than this are skipped at lookup (see FingerprintsRepository.lookup). */
export const FINGERPRINT_MAX_POSTINGS = 24;

export class FingerprintsRepository {
  /**
   * Replaces one track's hashes. The advisory lock serialises two workers indexing the same track,
   * so the index never holds a track twice.
   */
  async replaceTrack(db: Kysely<DB>, trackId: string, audioUrl: string, landmarks: { hash: number; t: number }[]): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`fp:${trackId}`}))`.execute(db);
    await db.deleteFrom('audio_fingerprints').where('track_id', '=', trackId).execute();
    for (let i = 0; i < landmarks.length; i += 20_000) {
      const chunk = landmarks.slice(i, i + 20_000);
      await sql`insert into public.audio_fingerprints (hash, track_id, t)
                select h, ${trackId}::uuid, t from unnest(${chunk.map((l) => l.hash)}::int[], ${chunk.map((l) => l.t)}::int[]) as u(h, t)`.execute(db);
    }
    await db
      .insertInto('audio_fingerprint_tracks')
      .values({ track_id: trackId, audio_url: audioUrl, hashes: landmarks.length })
      .onConflict((oc) => oc.column('track_id').doUpdateSet({ audio_url: audioUrl, hashes: landmarks.length, indexed_at: sql`now()` }))
      .execute();
  }

  /** Completed, unarchived tracks whose current audio is not in the index yet (new, or a changed master). */
  async tracksToIndex(db: Kysely<DB>, limit: number): Promise<{ id: string; audio_url: string }[]> {
    const rows = await db
      .selectFrom('tracks')
      .leftJoin('audio_fingerprint_tracks as f', 'f.track_id', 'tracks.id')
      .select(['tracks.id', 'tracks.audio_url'])
      .where('tracks.status', '=', 'completed')
      .where('tracks.audio_url', 'is not', null)
      .where('tracks.archived_at', 'is', null)
      .where((eb) => eb.or([eb('f.track_id', 'is', null), eb('f.audio_url', '<>', eb.ref('tracks.audio_url'))]))
      .orderBy('tracks.updated_at')
      .limit(limit)
      .execute();
    return rows as { id: string; audio_url: string }[];
  }

  isIndexed(db: Kysely<DB>, trackId: string): Promise<{ hashes: number } | undefined> {
    return db.selectFrom('audio_fingerprint_tracks').select('hashes').where('track_id', '=', trackId).executeTakeFirst();
  }

  /**
   * Index rows for these hashes, limited to tracks the requester may see (public, or their own).
   * A hash found in more than `maxPostings` rows is skipped and named in `skipped`: it says little
   * about which track this is, and reading at most maxPostings + 1 rows per query hash keeps a
   * lookup's work bounded however large the index grows (the rare hashes of a real match are plenty
   * to align on). Scorers should leave skipped hashes out of the query they score against.
   */
  async lookup(db: Kysely<DB>, hashes: number[], requesterId: string, maxPostings = FINGERPRINT_MAX_POSTINGS): Promise<{ hits: { hash: number; track_id: string; t: number }[]; skipped: number[] }> {
    if (hashes.length === 0) return { hits: [], skipped: [] };
    const { rows } = await sql<{ hash: number; track_id: string | null; t: number | null }>`
      with q as (select distinct h from unnest(${hashes}::int[]) as u(h)),
      postings as (
        select q.h as hash, f.track_id, f.t, count(*) over (partition by q.h) as n
          from q cross join lateral (
            select a.track_id, a.t from public.audio_fingerprints a where a.hash = q.h limit ${maxPostings + 1}::int
          ) f
      )
      select p.hash, p.track_id, p.t
        from postings p
        join public.tracks t on t.id = p.track_id
       where p.n <= ${maxPostings}::int
         and (t.is_public or t.user_id = ${requesterId}::uuid)
      union all
      select distinct p.hash, null::uuid, null::int from postings p where p.n > ${maxPostings}::int`.execute(db);
    const hits: { hash: number; track_id: string; t: number }[] = [];
    const skipped: number[] = [];
    for (const r of rows) {
      if (r.track_id === null || r.t === null) skipped.push(r.hash);
      else hits.push({ hash: r.hash, track_id: r.track_id, t: r.t });
    }
    return { hits, skipped };
  }

  async candidate(db: Kysely<DB>, trackId: string): Promise<RecognitionCandidate | undefined> {
    const row = await db
      .selectFrom('tracks')
      .innerJoin('profiles', 'profiles.id', 'tracks.user_id')
      .select(['tracks.id', 'tracks.title', 'tracks.user_id', 'tracks.is_public', 'profiles.full_name', 'profiles.username'])
      .where('tracks.id', '=', trackId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { trackId: row.id, title: row.title, userId: row.user_id, isPublic: row.is_public, artist: row.full_name ?? row.username ?? 'Unknown artist' };
  }

  createRecognition(db: Kysely<DB>, input: { userId: string; audioFileUrl: string; source: Record<string, unknown> }): Promise<SongRecognition> {
    return db
      .insertInto('song_recognitions')
      .values({ user_id: input.userId, audio_file_url: input.audioFileUrl, metadata: JSON.stringify({ source: input.source }) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findRecognition(db: Kysely<DB>, id: string): Promise<SongRecognition | undefined> {
    return db.selectFrom('song_recognitions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  completeRecognition(db: Kysely<DB>, id: string, r: { title: string | null; artist: string | null; confidence: number; externalIds: Record<string, unknown>; metadata: Record<string, unknown> }): Promise<SongRecognition> {
    return db
      .updateTable('song_recognitions')
      .set({
        status: 'completed',
        error_message: null,
        recognized_title: r.title,
        recognized_artist: r.artist,
        confidence_score: String(round3(r.confidence)),
        external_ids: JSON.stringify(r.externalIds),
        metadata: sql`metadata || ${JSON.stringify(r.metadata)}::jsonb`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async failRecognition(db: Kysely<DB>, id: string, message: string): Promise<void> {
    await db.updateTable('song_recognitions').set({ status: 'failed', error_message: message, updated_at: sql`now()` }).where('id', '=', id).execute();
  }

  /** An audio_library item, read as the caller (RLS: their own). */
  audioLibraryItem(db: Kysely<DB>, id: string): Promise<{ id: string; user_id: string; file_url: string } | undefined> {
    return db.selectFrom('audio_library').select(['id', 'user_id', 'file_url']).where('id', '=', id).executeTakeFirst();
  }
}
