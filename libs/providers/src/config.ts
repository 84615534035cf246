import { z } from 'zod';

const list = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean));

/**
 * Provider settings, read by the gateway (which providers may be requested, callback secret) and by
 * the workers (credentials, base URLs). A provider without credentials is unavailable: requests
 * naming it are refused with 422 and it is never called.
 */
export const ProviderEnv = z.object({
  /** sunoapi.org-compatible API (https://docs.sunoapi.org). */
  SUNO_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.sunoapi.org'),
  SUNO_API_KEY: z.string().min(1).optional(),
  SUNO_MODEL: z.enum(['V3_5', 'V4', 'V4_5', 'V4_5PLUS', 'V5']).default('V4_5'),
  /** Mureka platform API (https://platform.mureka.ai/docs). */
  MUREKA_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.mureka.ai'),
  MUREKA_API_KEY: z.string().min(1).optional(),
  MUREKA_MODEL: z.string().min(1).default('auto'),
  /** Replicate (https://replicate.com/docs/reference/http): Demucs stems, classification, upscale, transformations. */
  REPLICATE_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.replicate.com'),
  REPLICATE_API_TOKEN: z.string().min(1).optional(),
  /** The account's webhook signing secret (`whsec_…`, GET /v1/webhooks/default/secret). */
  REPLICATE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must look like whsec_<base64>').optional(),
  /** fal queue API (https://docs.fal.ai): song description. */
  FAL_QUEUE_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://queue.fal.run'),
  FAL_KEY: z.string().min(1).optional(),
  /** The fal model that describes a song (its input takes audio_url). fal is unavailable for descriptions without it. */
  FAL_DESCRIPTION_MODEL: z.string().regex(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*$/, 'must look like owner/app[/path]').optional(),
  /** Model versions on Replicate for upscale (nateraw/audio-super-resolution), transformations (meta/musicgen), classification (mtg/music-classifiers). */
  REPLICATE_AUDIOSR_VERSION: z.string().regex(/^[0-9a-f]{64}$/).default('9c3d3e39fb0cb6aea677264881d8073f835336137b39fdea4e94093319379535'),
  REPLICATE_MUSICGEN_VERSION: z.string().regex(/^[0-9a-f]{64}$/).default('671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb'),
  REPLICATE_CLASSIFIER_VERSION: z.string().regex(/^[0-9a-f]{64}$/).default('fb1f50036eaaf8918ca419f236b0b48d28bc3ef20b4b3f915cf9ed1a3d3064ab'),
  /** Where fal publishes its webhook signing keys (the simulator serves its own at /.well-known/jwks.json). */
  FAL_WEBHOOK_JWKS_URL: z.url({ protocol: /^https?$/ }).default('https://rest.alpha.fal.ai/.well-known/jwks.json'),
  /** Demucs version on Replicate (cjwbw/demucs). */
  REPLICATE_DEMUCS_VERSION: z.string().regex(/^[0-9a-f]{64}$/).default('25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953'),
  /** Where providers send callbacks: the gateway's public base URL. Without it, polling alone finishes jobs. */
  PROVIDER_CALLBACK_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PROVIDER_CALLBACK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Ordered providers to try when the requested one is unavailable or its breaker is open. */
  MUSIC_PROVIDER_FALLBACKS: list.default([]),
  /** Comma-separated addresses/CIDRs the result fetcher may reach although not public (local simulators only). */
  PROVIDER_ALLOW_PRIVATE_HOSTS: z.string().default(''),
  PROVIDER_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  PROVIDER_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  PROVIDER_DOWNLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(50 * 1024 * 1024),
  PROVIDER_POLL_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  PROVIDER_POLL_MAX_MS: z.coerce.number().int().min(10).max(600_000).default(60_000),
  /** A submitted task that has not finished after this long fails (not the user's fault). */
  PROVIDER_TASK_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(20 * 60_000),
  PROVIDER_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  PROVIDER_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
});
export type ProviderEnv = z.infer<typeof ProviderEnv>;

type Credentials = Pick<ProviderEnv, 'SUNO_API_KEY' | 'MUREKA_API_KEY' | 'PROVIDER_CALLBACK_BASE_URL' | 'PROVIDER_CALLBACK_SECRET'>;

/**
 * External music providers this deployment can call (credentials present). `local` is always there.
 * Suno also needs the callback settings: its API requires a callBackUrl on every submission.
 */
export function configuredMusicProviders(env: Credentials): Set<string> {
  const names = new Set(['local']);
  if (env.SUNO_API_KEY && env.PROVIDER_CALLBACK_BASE_URL && env.PROVIDER_CALLBACK_SECRET) names.add('suno');
  if (env.MUREKA_API_KEY) names.add('mureka');
  return names;
}

/** Every external provider with credentials, for any kind of work (music ones included). */
export function configuredProviders(env: Credentials & Pick<ProviderEnv, 'REPLICATE_API_TOKEN' | 'FAL_KEY' | 'FAL_DESCRIPTION_MODEL'>): Set<string> {
  const names = configuredMusicProviders(env);
  if (env.REPLICATE_API_TOKEN) names.add('replicate');
  if (env.FAL_KEY && env.FAL_DESCRIPTION_MODEL) names.add('fal');
  return names;
}
