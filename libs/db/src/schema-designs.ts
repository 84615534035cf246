import type { ColumnType, Generated } from 'kysely';

/**
 * Tables of the two designs beyond the platform spine (migrations 0002–0008): Albert3 studio tables,
 * Studio Nexus tables, the merged analytics_events, the credit ledger and named counters, and the two
 * views. Kept apart from schema.ts so the spine stays readable; DB extends DesignTables.
 * See libs/db/SCHEMA.md for what each table is and where the designs were merged or interpreted.
 *
 * Columns these migrations add to spine tables:
 *   profiles.test_credits_remaining (0002; sandbox credits, default 100, >= 0) — declared in schema.ts
 *
 * DESIGN_TABLE_COLUMNS at the end lists every column at runtime; the compiler checks it against these
 * interfaces both ways, and libs/db/test/schema-types.spec.ts checks it against the live database.
 */

/** Columns with a database default: optional on insert, always present on select. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A `date` column (pg returns a Date at local midnight). */
type DateColumn = ColumnType<Date, Date | string | undefined, Date | string>;
type JsonObject = Record<string, unknown>;
/** jsonb with a default ('{}'). */
type Json = ColumnType<JsonObject, string | JsonObject | undefined, string | JsonObject>;
/** jsonb, not null, no default. */
type RequiredJson = ColumnType<JsonObject, string | JsonObject, string | JsonObject>;
type NullableJson = ColumnType<JsonObject | null, string | JsonObject | null | undefined, string | JsonObject | null>;
type JsonArray = ColumnType<unknown[], string | unknown[], string | unknown[]>;

export interface GenerationLimitsTable {
  id: Generated<string>;
  user_id: string;
  plan_name: Defaulted<string>;
  generations_limit_daily: Defaulted<number>;
  generations_used_today: Defaulted<number>;
  last_reset_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CreditTransactionsTable {
  id: Generated<string>;
  user_id: string;
  amount: number;
  balance_after: number;
  reason: string;
  kind: 'production' | 'test';
  job_id: string | null;
  created_at: Timestamp;
  /** 0017: the debit a refund gives back (each debit at most once). */
  refund_of: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CountersTable {
  name: string;
  value: Defaulted<number>;
  updated_at: Timestamp;
}

export interface MusicProjectsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  description: string | null;
  cover_url: string | null;
  genre: string | null;
  mood: string | null;
  target_tracks_count: number | null;
  completed_tracks: Defaulted<number>;
  status: Defaulted<'planning' | 'in_progress' | 'completed'>;
  is_public: Defaulted<boolean>;
  concept_description: string | null;
  ai_context: Json;
  ai_context_version: Defaulted<number>;
  ai_context_updated_at: NullableTimestamp;
  ai_generation_params: Json;
  created_with_ai: Defaulted<boolean>;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectTracksTable {
  project_id: string;
  track_id: string;
  position: Defaulted<number>;
  added_at: Timestamp;
  added_by: string | null;
}

export interface ProjectPromptsTable {
  id: Generated<string>;
  project_id: string | null;
  user_id: string;
  title: string;
  content: string;
  category: 'melody' | 'lyrics' | 'style' | null;
  tags: Defaulted<string[]>;
  is_favorite: Defaulted<boolean>;
  usage_count: Defaulted<number>;
  last_used_at: NullableTimestamp;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CloudFoldersTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  parent_id: string | null;
  category: 'audio' | 'projects' | 'samples' | null;
  icon: string | null;
  color: string | null;
  is_favorite: Defaulted<boolean>;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PromptHistoryTable {
  id: Generated<string>;
  user_id: string;
  prompt: string;
  lyrics: string | null;
  genre: string | null;
  mood: string | null;
  tags: Defaulted<string[]>;
  model_version: string | null;
  provider: 'suno' | 'mureka' | 'local' | null;
  generation_status: 'success' | 'failed' | null;
  generation_time_ms: number | null;
  is_template: Defaulted<boolean>;
  usage_count: Defaulted<number>;
  last_used_at: NullableTimestamp;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SunoPersonasTable {
  id: Generated<string>;
  user_id: string;
  project_id: string | null;
  name: string;
  description: string | null;
  cover_image_url: string | null;
  source_track_id: string | null;
  source_music_index: number | null;
  suno_persona_id: string | null;
  is_public: Defaulted<boolean>;
  last_used_at: NullableTimestamp;
  usage_count: Defaulted<number>;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrackStemsTable {
  id: Generated<string>;
  track_id: string;
  version_id: string | null;
  stem_type: 'vocals' | 'drums' | 'bass' | 'other' | 'instrumental';
  audio_url: string;
  separation_mode: 'suno_stems' | 'replicate_demucs' | 'local';
  suno_task_id: string | null;
  metadata: Json;
  created_at: Timestamp;
}

export interface TrackLikesTable {
  id: Generated<string>;
  user_id: string;
  track_id: string;
  created_at: Timestamp;
}

export interface TrackVersionLikesTable {
  id: Generated<string>;
  user_id: string;
  version_id: string;
  created_at: Timestamp;
}

export interface TrackSectionReplacementsTable {
  id: Generated<string>;
  parent_track_id: string;
  version_id: string | null;
  replaced_start_s: string;
  replaced_end_s: string;
  prompt: string | null;
  tags: string | null;
  negative_tags: string | null;
  replacement_audio_url: string | null;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed'>;
  suno_task_id: string | null;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrackArchivingJobsTable {
  id: Generated<string>;
  track_id: string;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed'>;
  original_audio_url: string | null;
  original_cover_url: string | null;
  original_video_url: string | null;
  archived_audio_url: string | null;
  archived_cover_url: string | null;
  archived_video_url: string | null;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LyricsJobsTable {
  id: Generated<string>;
  user_id: string;
  prompt: string;
  base_lyrics: string | null;
  is_extension: Defaulted<boolean>;
  provider: Defaulted<'suno' | 'openai' | 'mureka' | 'local'>;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed'>;
  suno_task_id: string | null;
  mureka_task_id: string | null;
  call_strategy: 'polling' | 'webhook' | null;
  callback_url: string | null;
  initial_response: NullableJson;
  last_poll_response: NullableJson;
  last_callback: NullableJson;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LyricsVariantsTable {
  id: Generated<string>;
  job_id: string;
  variant_index: number;
  title: string | null;
  content: string | null;
  status: Defaulted<'pending' | 'completed' | 'failed'>;
  error_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SavedLyricsTable {
  id: Generated<string>;
  user_id: string;
  job_id: string | null;
  title: string;
  content: string;
  genre: string | null;
  mood: string | null;
  language: string | null;
  theme: string | null;
  folder: string | null;
  tags: Defaulted<string[]>;
  is_favorite: Defaulted<boolean>;
  usage_count: Defaulted<number>;
  last_used_at: NullableTimestamp;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LyricsGenerationLogTable {
  id: Generated<string>;
  user_id: string;
  prompt: string;
  status: 'success' | 'failed';
  generated_title: string | null;
  generated_lyrics: string | null;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
}

export interface SongDescriptionsTable {
  id: Generated<string>;
  user_id: string;
  audio_file_url: string;
  ai_description: string | null;
  detected_genre: string | null;
  detected_mood: string | null;
  detected_instruments: Defaulted<string[]>;
  energy_level: string | null;
  danceability: string | null;
  tempo: number | null;
  key: string | null;
  time_signature: string | null;
  vocal_presence: 'none' | 'low' | 'medium' | 'high' | null;
  fal_request_id: string | null;
  status: Defaulted<'pending' | 'completed' | 'failed'>;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SongRecognitionsTable {
  id: Generated<string>;
  user_id: string;
  audio_file_url: string;
  recognized_title: string | null;
  recognized_artist: string | null;
  recognized_album: string | null;
  confidence_score: string | null;
  mureka_task_id: string | null;
  mureka_file_id: string | null;
  fal_request_id: string | null;
  status: Defaulted<'pending' | 'completed' | 'failed'>;
  error_message: string | null;
  external_ids: Json;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MusicClassificationsTable {
  id: Generated<string>;
  track_id: string;
  classifier_type: 'genre' | 'instrument' | 'mood';
  classifier_version: string | null;
  genres_ranked: NullableJson;
  instruments_detected: Defaulted<string[]>;
  instruments_ranked: NullableJson;
  mood_detected: string | null;
  embeddings: NullableJson;
  confidence_score: string | null;
  visualization_url: string | null;
  status: Defaulted<'pending' | 'completed' | 'failed'>;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ClassificationJobsTable {
  id: Generated<string>;
  classification_id: string;
  classifier_type: 'genre' | 'instrument' | 'mood';
  classifier_config: Json;
  input_audio_url: string;
  output_visualization_url: string | null;
  raw_output: NullableJson;
  replicate_prediction_id: string | null;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed'>;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AudioUpscaleJobsTable {
  id: Generated<string>;
  user_id: string;
  track_id: string | null;
  input_audio_url: string;
  output_audio_url: string | null;
  model_version: Defaulted<'stable-audio-open' | 'audioldm2' | 'local-resample-48k'>;
  guidance_scale: string | null;
  ddim_steps: number | null;
  seed: number | null;
  truncated_batches: Defaulted<boolean>;
  replicate_prediction_id: string | null;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed'>;
  error_message: string | null;
  completed_at: NullableTimestamp;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WavJobsTable {
  id: Generated<string>;
  track_id: string;
  audio_id: string | null;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed'>;
  suno_task_id: string | null;
  callback_url: string | null;
  wav_url: string | null;
  error_message: string | null;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RateLimitBucketsTable {
  id: Generated<string>;
  key: string;
  tokens: number;
  window_start: number;
  last_refill: number;
  last_request: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AudioLibraryTable {
  id: Generated<string>;
  user_id: string;
  project_id: string | null;
  parent_folder_id: string | null;
  file_name: string;
  file_url: string;
  file_size: number | null;
  duration_seconds: number | null;
  source_type: Defaulted<'upload' | 'generated' | 'imported'>;
  category: 'sample' | 'loop' | 'vocal' | 'instrumental' | null;
  folder: string | null;
  description: string | null;
  tags: Defaulted<string[]>;
  bpm: number | null;
  key: string | null;
  is_favorite: Defaulted<boolean>;
  usage_count: Defaulted<number>;
  last_used_at: NullableTimestamp;
  analysis_status: 'pending' | 'completed' | 'failed' | null;
  analysis_data: NullableJson;
  recognized_song_id: string | null;
  source_metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DawProjectsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  description: string | null;
  bpm: Defaulted<number>;
  duration_seconds: number | null;
  data: Json;
  thumbnail_url: string | null;
  is_public: Defaulted<boolean>;
  last_saved_at: NullableTimestamp;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppSettingsTable {
  id: Generated<string>;
  key: string;
  value: Json;
  is_public: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserSessionsTable {
  id: Generated<string>;
  user_id: string;
  session_token: string;
  ip_address: string | null;
  user_agent: string | null;
  last_activity: Timestamp;
  created_at: Timestamp;
}

export interface ProjectsTable {
  id: Generated<string>;
  user_id: string;
  title: string;
  description: string | null;
  genre: string | null;
  tags: Defaulted<string[]>;
  original_audio_path: string | null;
  processed_audio_path: string | null;
  waveform_data: NullableJson;
  duration_seconds: string | null;
  sample_rate: Defaulted<number>;
  effects_settings: Json;
  metronome_bpm: Defaulted<number>;
  project_settings: Json;
  status: Defaulted<'draft' | 'processing' | 'completed' | 'archived'>;
  is_public: Defaulted<boolean>;
  is_featured: Defaulted<boolean>;
  play_count: Defaulted<number>;
  like_count: Defaulted<number>;
  download_count: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_played_at: NullableTimestamp;
}

export interface ProjectVersionsTable {
  id: Generated<string>;
  project_id: string;
  version_number: number;
  title: string;
  description: string | null;
  audio_file_path: string | null;
  effects_settings: Json;
  created_at: Timestamp;
}

export interface ProjectCollaboratorsTable {
  id: Generated<string>;
  project_id: string;
  user_id: string;
  invited_by: string | null;
  role: Defaulted<'viewer' | 'editor' | 'admin'>;
  permissions: Json;
  status: Defaulted<'pending' | 'accepted' | 'declined'>;
  invited_at: Timestamp;
  accepted_at: NullableTimestamp;
}

export interface AiTransformationsTable {
  id: Generated<string>;
  project_id: string;
  user_id: string;
  status: Defaulted<'pending' | 'processing' | 'completed' | 'failed' | 'cancelled'>;
  transformation_type: string;
  input_audio_path: string;
  output_audio_path: string | null;
  parameters: Json;
  model_version: string | null;
  processing_time_seconds: number | null;
  replicate_prediction_id: string | null;
  external_job_id: string | null;
  quality_score: string | null;
  user_rating: number | null;
  user_feedback: string | null;
  error_code: string | null;
  error_message: string | null;
  retry_count: Defaulted<number>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  expires_at: Timestamp;
}

export interface AiModelPresetsTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  transformation_type: string;
  parameters: RequiredJson;
  preview_audio_url: string | null;
  thumbnail_url: string | null;
  is_premium: Defaulted<boolean>;
  is_active: Defaulted<boolean>;
  usage_count: Defaulted<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** 0025: the platform's catalogue (read-only for users) vs a user's own preset, shared when is_public. */
  is_system_preset: Defaulted<boolean>;
  is_public: Defaulted<boolean>;
}

export interface EffectsPresetsTable {
  id: Generated<string>;
  user_id: string | null;
  name: string;
  description: string | null;
  category: string | null;
  effects_chain: JsonArray;
  preview_audio_url: string | null;
  is_public: Defaulted<boolean>;
  is_system_preset: Defaulted<boolean>;
  usage_count: Defaulted<number>;
  rating_average: Defaulted<string>;
  rating_count: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsageTrackingTable {
  id: Generated<string>;
  user_id: string;
  resource_type: string;
  resource_id: string | null;
  quantity: Defaulted<string>;
  unit: Defaulted<'count' | 'mb' | 'seconds' | 'minutes'>;
  metadata: Json;
  billing_period: DateColumn;
  created_at: Timestamp;
}

export interface SubscriptionLimitsTable {
  id: Generated<string>;
  subscription_tier: 'free' | 'pro' | 'enterprise';
  resource_type: string;
  limit_value: string;
  limit_unit: 'count' | 'mb' | 'seconds' | 'minutes';
  reset_period: Defaulted<'daily' | 'weekly' | 'monthly' | 'yearly' | 'lifetime'>;
  is_active: Defaulted<boolean>;
  created_at: Timestamp;
}

export interface ErrorLogsTable {
  id: Generated<string>;
  user_id: string | null;
  error_type: 'client_error' | 'server_error' | 'api_error';
  error_code: string | null;
  error_message: string;
  error_stack: string | null;
  context: Json;
  severity: Defaulted<'info' | 'warning' | 'error' | 'critical'>;
  resolved: Defaulted<boolean>;
  created_at: Timestamp;
}

export interface ProjectLikesTable {
  id: Generated<string>;
  project_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface UserFollowersTable {
  id: Generated<string>;
  follower_id: string;
  following_id: string;
  created_at: Timestamp;
}

export interface AnalyticsEventsTable {
  id: Generated<string>;
  user_id: string | null;
  track_id: string | null;
  session_id: string | null;
  event_type: string;
  event_category: 'navigation' | 'audio' | 'ai' | 'export' | null;
  event_data: Json;
  event_properties: Json;
  page_url: string | null;
  referrer: string | null;
  user_agent: string | null;
  ip_address: string | null;
  created_at: Timestamp;
}

/** View: prompt usage per (user, prompt, genre, tags); security_invoker, so RLS of prompt_history applies. */
export interface PromptStatisticsView {
  user_id: string;
  prompt: string;
  genre: string | null;
  tags: string[];
  usage_count: number;
  success_count: number;
  failure_count: number;
  track_count: number;
  completed_track_count: number;
  avg_generation_time_ms: number | null;
  last_used_at: Date;
}

/** View: tracks whose metadata has a timestamped_lyrics array; security_invoker (tracks RLS applies). */
export interface TracksWithTimestampedLyricsView {
  id: string;
  user_id: string;
  title: string | null;
  audio_url: string | null;
  lyrics: string | null;
  is_public: boolean;
  has_timestamped_lyrics: boolean;
  timestamped_lyrics: Array<{ start: number; end: number; text: string }>;
  created_at: Date;
}

/** API keys (0010): only the SHA-256 of the `sk_…` key is stored. */
export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
  /** 0017: 'test' keys (sk_test_…) debit the sandbox credits. */
  mode: Defaulted<'live' | 'test'>;
}

/** Library uploads (0017): a presigned PUT's storage reservation until it is confirmed, refused, cancelled or expired. */
export interface LibraryUploadsTable {
  id: Generated<string>;
  user_id: string;
  object_key: string;
  file_name: string;
  content_type: string;
  declared_size: number;
  reserved_mb: ColumnType<string, string | number, string | number>;
  parent_folder_id: string | null;
  category: 'sample' | 'loop' | 'vocal' | 'instrumental' | null;
  description: string | null;
  tags: Defaulted<string[]>;
  status: Defaulted<'pending' | 'completed' | 'rejected' | 'expired' | 'cancelled'>;
  error: string | null;
  actual_size: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  completed_at: NullableTimestamp;
}

export interface DesignTables {
  library_uploads: LibraryUploadsTable;
  generation_limits: GenerationLimitsTable;
  api_keys: ApiKeysTable;
  credit_transactions: CreditTransactionsTable;
  counters: CountersTable;
  music_projects: MusicProjectsTable;
  project_tracks: ProjectTracksTable;
  project_prompts: ProjectPromptsTable;
  cloud_folders: CloudFoldersTable;
  prompt_history: PromptHistoryTable;
  suno_personas: SunoPersonasTable;
  track_stems: TrackStemsTable;
  track_likes: TrackLikesTable;
  track_version_likes: TrackVersionLikesTable;
  track_section_replacements: TrackSectionReplacementsTable;
  track_archiving_jobs: TrackArchivingJobsTable;
  lyrics_jobs: LyricsJobsTable;
  lyrics_variants: LyricsVariantsTable;
  saved_lyrics: SavedLyricsTable;
  lyrics_generation_log: LyricsGenerationLogTable;
  song_descriptions: SongDescriptionsTable;
  song_recognitions: SongRecognitionsTable;
  music_classifications: MusicClassificationsTable;
  classification_jobs: ClassificationJobsTable;
  audio_upscale_jobs: AudioUpscaleJobsTable;
  wav_jobs: WavJobsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  audio_library: AudioLibraryTable;
  daw_projects: DawProjectsTable;
  app_settings: AppSettingsTable;
  user_sessions: UserSessionsTable;
  projects: ProjectsTable;
  project_versions: ProjectVersionsTable;
  project_collaborators: ProjectCollaboratorsTable;
  ai_transformations: AiTransformationsTable;
  ai_model_presets: AiModelPresetsTable;
  effects_presets: EffectsPresetsTable;
  usage_tracking: UsageTrackingTable;
  subscription_limits: SubscriptionLimitsTable;
  error_logs: ErrorLogsTable;
  project_likes: ProjectLikesTable;
  user_followers: UserFollowersTable;
  analytics_events: AnalyticsEventsTable;
  prompt_statistics: PromptStatisticsView;
  tracks_with_timestamped_lyrics: TracksWithTimestampedLyricsView;
}

/** Design relations that are views, not tables (read-only). */
export const DESIGN_VIEWS = ['prompt_statistics', 'tracks_with_timestamped_lyrics'] as const;

type ColumnLists = { readonly [K in keyof DesignTables]: readonly (keyof DesignTables[K] & string)[] };

/** Every column of every design relation, in table order; checked against the interfaces above. */
export const DESIGN_TABLE_COLUMNS = {
  generation_limits: [
    'id', 'user_id', 'plan_name', 'generations_limit_daily', 'generations_used_today', 'last_reset_at', 'created_at',
    'updated_at',
  ],
  credit_transactions: ['id', 'user_id', 'amount', 'balance_after', 'reason', 'kind', 'job_id', 'created_at', 'refund_of'],
  api_keys: ['id', 'user_id', 'name', 'key_hash', 'key_prefix', 'last_used_at', 'revoked_at', 'created_at', 'mode'],
  library_uploads: [
    'id', 'user_id', 'object_key', 'file_name', 'content_type', 'declared_size', 'reserved_mb', 'parent_folder_id', 'category',
    'description', 'tags', 'status', 'error', 'actual_size', 'created_at', 'expires_at', 'completed_at',
  ],
  counters: ['name', 'value', 'updated_at'],
  music_projects: [
    'id', 'user_id', 'name', 'description', 'cover_url', 'genre', 'mood', 'target_tracks_count', 'completed_tracks',
    'status', 'is_public', 'concept_description', 'ai_context', 'ai_context_version', 'ai_context_updated_at',
    'ai_generation_params', 'created_with_ai', 'metadata', 'created_at', 'updated_at',
  ],
  project_tracks: ['project_id', 'track_id', 'position', 'added_at', 'added_by'],
  project_prompts: [
    'id', 'project_id', 'user_id', 'title', 'content', 'category', 'tags', 'is_favorite', 'usage_count',
    'last_used_at', 'metadata', 'created_at', 'updated_at',
  ],
  cloud_folders: [
    'id', 'user_id', 'name', 'parent_id', 'category', 'icon', 'color', 'is_favorite', 'metadata', 'created_at',
    'updated_at',
  ],
  prompt_history: [
    'id', 'user_id', 'prompt', 'lyrics', 'genre', 'mood', 'tags', 'model_version', 'provider', 'generation_status',
    'generation_time_ms', 'is_template', 'usage_count', 'last_used_at', 'metadata', 'created_at', 'updated_at',
  ],
  suno_personas: [
    'id', 'user_id', 'project_id', 'name', 'description', 'cover_image_url', 'source_track_id', 'source_music_index',
    'suno_persona_id', 'is_public', 'last_used_at', 'usage_count', 'metadata', 'created_at', 'updated_at',
  ],
  track_stems: [
    'id', 'track_id', 'version_id', 'stem_type', 'audio_url', 'separation_mode', 'suno_task_id', 'metadata',
    'created_at',
  ],
  track_likes: ['id', 'user_id', 'track_id', 'created_at'],
  track_version_likes: ['id', 'user_id', 'version_id', 'created_at'],
  track_section_replacements: [
    'id', 'parent_track_id', 'version_id', 'replaced_start_s', 'replaced_end_s', 'prompt', 'tags', 'negative_tags',
    'replacement_audio_url', 'status', 'suno_task_id', 'error_message', 'metadata', 'created_at', 'updated_at',
  ],
  track_archiving_jobs: [
    'id', 'track_id', 'status', 'original_audio_url', 'original_cover_url', 'original_video_url',
    'archived_audio_url', 'archived_cover_url', 'archived_video_url', 'started_at', 'completed_at', 'error_message',
    'metadata', 'created_at', 'updated_at',
  ],
  lyrics_jobs: [
    'id', 'user_id', 'prompt', 'base_lyrics', 'is_extension', 'provider', 'status', 'suno_task_id', 'mureka_task_id',
    'call_strategy', 'callback_url', 'initial_response', 'last_poll_response', 'last_callback', 'error_message',
    'metadata', 'created_at', 'updated_at',
  ],
  lyrics_variants: [
    'id', 'job_id', 'variant_index', 'title', 'content', 'status', 'error_message', 'created_at', 'updated_at',
  ],
  saved_lyrics: [
    'id', 'user_id', 'job_id', 'title', 'content', 'genre', 'mood', 'language', 'theme', 'folder', 'tags',
    'is_favorite', 'usage_count', 'last_used_at', 'metadata', 'created_at', 'updated_at',
  ],
  lyrics_generation_log: [
    'id', 'user_id', 'prompt', 'status', 'generated_title', 'generated_lyrics', 'error_message', 'metadata',
    'created_at',
  ],
  song_descriptions: [
    'id', 'user_id', 'audio_file_url', 'ai_description', 'detected_genre', 'detected_mood', 'detected_instruments',
    'energy_level', 'danceability', 'tempo', 'key', 'time_signature', 'vocal_presence', 'fal_request_id', 'status',
    'error_message', 'metadata', 'created_at', 'updated_at',
  ],
  song_recognitions: [
    'id', 'user_id', 'audio_file_url', 'recognized_title', 'recognized_artist', 'recognized_album',
    'confidence_score', 'mureka_task_id', 'mureka_file_id', 'fal_request_id', 'status', 'error_message',
    'external_ids', 'metadata', 'created_at', 'updated_at',
  ],
  music_classifications: [
    'id', 'track_id', 'classifier_type', 'classifier_version', 'genres_ranked', 'instruments_detected',
    'instruments_ranked', 'mood_detected', 'embeddings', 'confidence_score', 'visualization_url', 'status',
    'error_message', 'metadata', 'created_at', 'updated_at',
  ],
  classification_jobs: [
    'id', 'classification_id', 'classifier_type', 'classifier_config', 'input_audio_url', 'output_visualization_url',
    'raw_output', 'replicate_prediction_id', 'status', 'error_message', 'metadata', 'created_at', 'updated_at',
  ],
  audio_upscale_jobs: [
    'id', 'user_id', 'track_id', 'input_audio_url', 'output_audio_url', 'model_version', 'guidance_scale',
    'ddim_steps', 'seed', 'truncated_batches', 'replicate_prediction_id', 'status', 'error_message', 'completed_at',
    'metadata', 'created_at', 'updated_at',
  ],
  wav_jobs: [
    'id', 'track_id', 'audio_id', 'status', 'suno_task_id', 'callback_url', 'wav_url', 'error_message', 'metadata',
    'created_at', 'updated_at',
  ],
  rate_limit_buckets: [
    'id', 'key', 'tokens', 'window_start', 'last_refill', 'last_request', 'created_at', 'updated_at',
  ],
  audio_library: [
    'id', 'user_id', 'project_id', 'parent_folder_id', 'file_name', 'file_url', 'file_size', 'duration_seconds',
    'source_type', 'category', 'folder', 'description', 'tags', 'bpm', 'key', 'is_favorite', 'usage_count',
    'last_used_at', 'analysis_status', 'analysis_data', 'recognized_song_id', 'source_metadata', 'created_at',
    'updated_at',
  ],
  daw_projects: [
    'id', 'user_id', 'name', 'description', 'bpm', 'duration_seconds', 'data', 'thumbnail_url', 'is_public',
    'last_saved_at', 'metadata', 'created_at', 'updated_at',
  ],
  app_settings: ['id', 'key', 'value', 'is_public', 'created_at', 'updated_at'],
  user_sessions: ['id', 'user_id', 'session_token', 'ip_address', 'user_agent', 'last_activity', 'created_at'],
  projects: [
    'id', 'user_id', 'title', 'description', 'genre', 'tags', 'original_audio_path', 'processed_audio_path',
    'waveform_data', 'duration_seconds', 'sample_rate', 'effects_settings', 'metronome_bpm', 'project_settings',
    'status', 'is_public', 'is_featured', 'play_count', 'like_count', 'download_count', 'created_at', 'updated_at',
    'last_played_at',
  ],
  project_versions: [
    'id', 'project_id', 'version_number', 'title', 'description', 'audio_file_path', 'effects_settings', 'created_at',
  ],
  project_collaborators: [
    'id', 'project_id', 'user_id', 'invited_by', 'role', 'permissions', 'status', 'invited_at', 'accepted_at',
  ],
  ai_transformations: [
    'id', 'project_id', 'user_id', 'status', 'transformation_type', 'input_audio_path', 'output_audio_path',
    'parameters', 'model_version', 'processing_time_seconds', 'replicate_prediction_id', 'external_job_id',
    'quality_score', 'user_rating', 'user_feedback', 'error_code', 'error_message', 'retry_count', 'created_at',
    'started_at', 'completed_at', 'expires_at',
  ],
  ai_model_presets: [
    'id', 'name', 'description', 'transformation_type', 'parameters', 'preview_audio_url', 'thumbnail_url',
    'is_premium', 'is_active', 'usage_count', 'created_by', 'created_at', 'updated_at', 'is_system_preset', 'is_public',
  ],
  effects_presets: [
    'id', 'user_id', 'name', 'description', 'category', 'effects_chain', 'preview_audio_url', 'is_public',
    'is_system_preset', 'usage_count', 'rating_average', 'rating_count', 'created_at', 'updated_at',
  ],
  usage_tracking: [
    'id', 'user_id', 'resource_type', 'resource_id', 'quantity', 'unit', 'metadata', 'billing_period', 'created_at',
  ],
  subscription_limits: [
    'id', 'subscription_tier', 'resource_type', 'limit_value', 'limit_unit', 'reset_period', 'is_active',
    'created_at',
  ],
  error_logs: [
    'id', 'user_id', 'error_type', 'error_code', 'error_message', 'error_stack', 'context', 'severity', 'resolved',
    'created_at',
  ],
  project_likes: ['id', 'project_id', 'user_id', 'created_at'],
  user_followers: ['id', 'follower_id', 'following_id', 'created_at'],
  analytics_events: [
    'id', 'user_id', 'track_id', 'session_id', 'event_type', 'event_category', 'event_data', 'event_properties',
    'page_url', 'referrer', 'user_agent', 'ip_address', 'created_at',
  ],
  prompt_statistics: [
    'user_id', 'prompt', 'genre', 'tags', 'usage_count', 'success_count', 'failure_count', 'track_count',
    'completed_track_count', 'avg_generation_time_ms', 'last_used_at',
  ],
  tracks_with_timestamped_lyrics: [
    'id', 'user_id', 'title', 'audio_url', 'lyrics', 'is_public', 'has_timestamped_lyrics', 'timestamped_lyrics',
    'created_at',
  ],
} as const satisfies ColumnLists;

/** Compile-time completeness: names any interface column missing from DESIGN_TABLE_COLUMNS. */
type MissingColumns = {
  [K in keyof DesignTables]: Exclude<keyof DesignTables[K] & string, (typeof DESIGN_TABLE_COLUMNS)[K][number]>;
}[keyof DesignTables];
export const DESIGN_TABLE_COLUMNS_COMPLETE: [MissingColumns] extends [never] ? true : { missing: MissingColumns } = true;
