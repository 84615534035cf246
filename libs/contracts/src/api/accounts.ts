import { z } from 'zod';
import { JobKind } from '../jobs.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/** PATCH /v1/me: descriptive profile fields only; balances and plans move through credits and admin paths. */
export const UpdateProfileBody = z
  .strictObject({
    full_name: z.string().trim().min(1).max(200).nullable().optional(),
    avatar_url: httpUrl.nullable().optional(),
    bio: z.string().max(1000).nullable().optional(),
    website_url: httpUrl.nullable().optional(),
    preferences: z.record(z.string().max(100), z.unknown()).refine((v) => JSON.stringify(v).length <= 10_000, 'at most 10 000 characters of JSON').optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

/**
 * `mode: 'test'` makes a sandbox key (sk_test_…) whose jobs debit the test credits
 * (profiles.test_credits_remaining) instead of production credits; 'live' (default) is a normal key.
 */
export const CreateApiKeyBody = z.strictObject({ name: z.string().trim().min(1).max(100), mode: z.enum(['live', 'test']).optional() });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const GRANTABLE_ROLES = ['moderator', 'admin'] as const;
export const GrantableRole = z.enum(GRANTABLE_ROLES);

const CreditDelta = z.number().int().min(-1_000_000).max(1_000_000).refine((v) => v !== 0, 'must not be 0');

/** Plan change and ledgered adjustments of the production and the sandbox (test) balance. */
export const AdminUpdateUserBody = z
  .strictObject({
    subscription_plan: z.string().min(1).max(100).optional(),
    credits_delta: CreditDelta.optional(),
    test_credits_delta: CreditDelta.optional(),
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => v.subscription_plan !== undefined || v.credits_delta !== undefined || v.test_credits_delta !== undefined, 'give subscription_plan, credits_delta and/or test_credits_delta');
export type AdminUpdateUserBody = z.infer<typeof AdminUpdateUserBody>;

export const SettingKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _');

/** A token bucket: `requests` per `per_seconds`, refilled continuously. */
export const RateLimitRule = z.strictObject({ requests: z.number().int().min(1).max(1_000_000), per_seconds: z.number().int().min(1).max(86_400) });
export type RateLimitRule = z.infer<typeof RateLimitRule>;

/** The values of the settings the platform acts on; other keys take any JSON object. */
export const KNOWN_SETTINGS = {
  maintenance_mode: z.strictObject({ enabled: z.boolean(), message: z.string().max(500).optional() }),
  feature_flags: z.strictObject({
    job_kinds: z.partialRecord(JobKind, z.boolean()).optional(),
    providers: z.record(z.string().max(50), z.boolean()).optional(),
  }),
  rate_limits: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,49}$/), RateLimitRule),
  provider_config: z.record(z.string(), z.unknown()),
} as const;
export type MaintenanceMode = z.infer<(typeof KNOWN_SETTINGS)['maintenance_mode']>;
export type FeatureFlags = z.infer<(typeof KNOWN_SETTINGS)['feature_flags']>;

export const PutSettingBody = z.strictObject({ value: z.record(z.string(), z.unknown()), is_public: z.boolean().optional() });
export type PutSettingBody = z.infer<typeof PutSettingBody>;
