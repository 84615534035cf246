import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { DesignTables } from './schema-designs.js';

/** Columns with a database default: optional on insert, always present on select. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, string | Record<string, unknown>>;
type NullableJson = ColumnType<Record<string, unknown> | null, string | Record<string, unknown> | null | undefined, string | Record<string, unknown> | null>;

export type AppRole = 'user' | 'moderator' | 'admin';
export type JobStatusColumn = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type TrackStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface AuthUsersTable {
  id: Generated<string>;
  email: string;
  encrypted_password: string;
  raw_user_meta_data: Json;
  email_confirmed_at: NullableTimestamp;
  last_sign_in_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionPlansTable {
  id: Generated<string>;
  name: string;
  display_name: string;
  description: string | null;
  credits_monthly: number;
  credits_daily_limit: number;
  max_concurrent_generations: number;
  max_projects: number;
  max_tracks_per_project: number;
  features: Json;
  price_monthly: Defaulted<string>;
  price_yearly: Defaulted<string>;
  is_active: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProfilesTable {
  id: string;
  email: string | null;
  username: string;
  full_name: string | null;
  avatar_url: string | null;
  bio: string | null;
  website_url: string | null;
  subscription_plan: Defaulted<string>;
  subscription_tier: Defaulted<'free' | 'pro' | 'enterprise'>;
  subscription_status: Defaulted<'active' | 'cancelled' | 'expired'>;
  subscription_expires_at: NullableTimestamp;
  credits_remaining: Defaulted<number>;
  credits_used_today: Defaulted<number>;
  test_credits_remaining: Defaulted<number>;
  last_credit_reset_at: Timestamp;
  total_projects: Defaulted<number>;
  total_transformations: Defaulted<number>;
  storage_used_mb: Defaulted<number>;
  preferences: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserRolesTable {
  id: Generated<string>;
  user_id: string;
  role: AppRole;
  created_at: Timestamp;
}

export interface TracksTable {
  id: Generated<string>;
  user_id: string;
  title: string | null;
  prompt: string;
  improved_prompt: string | null;
  lyrics: string | null;
  audio_url: string | null;
  video_url: string | null;
  cover_url: string | null;
  duration: number | null;
  duration_seconds: number | null;
  status: Defaulted<TrackStatus>;
  error_message: string | null;
  progress_percent: Defaulted<number>;
  provider: string | null;
  suno_id: string | null;
  mureka_task_id: string | null;
  model_name: string | null;
  genre: string | null;
  mood: string | null;
  style_tags: Defaulted<string[]>;
  project_id: string | null;
  persona_id: string | null;
  reference_audio_url: string | null;
  source_prompt_id: string | null;
  idempotency_key: string | null;
  is_public: Defaulted<boolean>;
  has_stems: Defaulted<boolean>;
  has_vocals: boolean | null;
  like_count: Defaulted<number>;
  play_count: Defaulted<number>;
  view_count: Defaulted<number>;
  download_count: Defaulted<number>;
  archived_at: NullableTimestamp;
  archive_scheduled_at: NullableTimestamp;
  archived_to_storage: Defaulted<boolean>;
  storage_audio_url: string | null;
  storage_cover_url: string | null;
  storage_video_url: string | null;
  metadata: Json;
  created_at: Timestamp;
  created_at_suno: NullableTimestamp;
  updated_at: Timestamp;
}

export interface TrackVersionsTable {
  id: Generated<string>;
  parent_track_id: string;
  variant_index: number;
  audio_url: string | null;
  video_url: string | null;
  cover_url: string | null;
  duration: number | null;
  lyrics: string | null;
  suno_id: string | null;
  is_primary_variant: Defaulted<boolean>;
  is_preferred_variant: Defaulted<boolean>;
  like_count: Defaulted<number>;
  metadata: Json;
  created_at: Timestamp;
}

export interface TrackRetryAttemptsTable {
  id: Generated<string>;
  track_id: string;
  job_id: string | null;
  attempt_number: number;
  attempted_at: Timestamp;
  error_message: string | null;
}

export interface CallbackLogsTable {
  id: Generated<string>;
  track_id: string | null;
  job_id: string | null;
  callback_type: string;
  provider: string | null;
  dedup_key: string | null;
  payload: Json;
  error_message: string | null;
  created_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  type: Defaulted<'info' | 'success' | 'warning' | 'error'>;
  title: string;
  message: string;
  link: string | null;
  read: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When the gateway appended it to the user's event stream (null: not yet announced). */
  streamed_at: NullableTimestamp;
}

export interface JobsTable {
  id: Generated<string>;
  user_id: string;
  kind: string;
  status: Defaulted<JobStatusColumn>;
  progress: Defaulted<number>;
  attempts: Defaulted<number>;
  max_attempts: Defaulted<number>;
  queue_name: string;
  job_name: string;
  resource_type: string | null;
  resource_id: string | null;
  provider: string | null;
  provider_task_id: string | null;
  idempotency_key: string | null;
  callback_url: string | null;
  correlation_id: string | null;
  /** W3C traceparent of the submitting request (0012); the enqueue trigger copies it into the outbox payload. */
  trace_parent: Defaulted<string | null>;
  payload: Json;
  result: NullableJson;
  error: NullableJson;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
}

export interface OutboxTable {
  id: Generated<string>;
  queue_name: string;
  job_name: string;
  queue_job_id: string;
  payload: Json;
  created_at: Timestamp;
  published_at: NullableTimestamp;
  publish_attempts: Defaulted<number>;
  last_error: string | null;
  /** BullMQ priority (0030): 1 for generation/stems jobs of plans without priority_queue; null = none (taken first). */
  priority: Defaulted<number | null>;
}

/** Which plan feature a job kind needs (0030); kinds not listed need none. */
export interface JobKindFeaturesTable {
  kind: string;
  feature: string;
  created_at: Timestamp;
}

/** A user's webhook signing secret (0031); users may read that it exists, only the platform reads `secret`. */
export interface WebhookSecretsTable {
  user_id: string;
  secret: string;
  created_at: Timestamp;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One webhook of a job's terminal status (0031): written by a trigger, sent by apps/webhook-sender. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  user_id: string;
  job_id: string;
  event_type: 'job.completed' | 'job.failed' | 'job.cancelled';
  url: string;
  payload: Json;
  status: Defaulted<WebhookDeliveryStatus>;
  attempts: Defaulted<number>;
  redeliveries: Defaulted<number>;
  /** Attempts since the delivery was created or last redelivered (0038): the retry schedule's position. */
  cycle_attempts: Defaulted<number>;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: Defaulted<number>;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_method: string;
  request_path: string;
  request_hash: string;
  response_status: number | null;
  response_body: NullableJson;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Recognition index (0015): landmark hashes of tracks; worker-only (RLS closed to users). */
export interface AudioFingerprintsTable {
  hash: number;
  track_id: string;
  t: number;
}

export interface AudioFingerprintTracksTable {
  track_id: string;
  audio_url: string;
  hashes: number;
  indexed_at: Defaulted<Timestamp>;
}

export interface DB extends DesignTables {
  'auth.users': AuthUsersTable;
  subscription_plans: SubscriptionPlansTable;
  profiles: ProfilesTable;
  user_roles: UserRolesTable;
  tracks: TracksTable;
  track_versions: TrackVersionsTable;
  track_retry_attempts: TrackRetryAttemptsTable;
  callback_logs: CallbackLogsTable;
  notifications: NotificationsTable;
  jobs: JobsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  audio_fingerprints: AudioFingerprintsTable;
  audio_fingerprint_tracks: AudioFingerprintTracksTable;
  job_kind_features: JobKindFeaturesTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}

export type Job = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type JobUpdate = Updateable<JobsTable>;
export type Track = Selectable<TracksTable>;
export type NewTrack = Insertable<TracksTable>;
export type TrackVersion = Selectable<TrackVersionsTable>;
export type Profile = Selectable<ProfilesTable>;
