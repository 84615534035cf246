import { z } from 'zod';
import { MusicProvider } from '@muse/contracts';
import { BaseConfig } from '@muse/platform';

export const GatewayConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_EXPIRES_IN: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DEFAULT_MUSIC_PROVIDER: MusicProvider.default('local'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  STALE_JOB_SECONDS: z.coerce.number().int().min(5).max(86_400).default(120),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('1mb'),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;
