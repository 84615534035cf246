import { z } from 'zod';
import { ProviderEnv } from '@muse/providers';

/**
 * Fallbacks per kind of work: `kind=provider,provider;kind=provider`, e.g.
 * `stems=replicate,suno;lyrics=suno,mureka`. The provider the request names is tried first, then
 * these in order (only providers with an adapter for that kind and credentials).
 */
export const KindFallbacks = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const out: Record<string, string[]> = {};
    for (const entry of text.split(';').map((s) => s.trim()).filter(Boolean)) {
      const match = /^([a-z_]+)\s*=\s*([a-z0-9_,\s-]*)$/.exec(entry);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `'${entry}' must look like kind=provider,provider` });
        return z.NEVER;
      }
      out[match[1]!] = match[2]!.split(',').map((p) => p.trim()).filter(Boolean);
    }
    return out;
  });

/** What a worker that runs provider tasks reads: the provider settings plus the per-kind fallbacks. */
export const ProviderTaskEnv = ProviderEnv.extend({ PROVIDER_TASK_FALLBACKS: KindFallbacks });
export type ProviderTaskEnv = z.infer<typeof ProviderTaskEnv>;
