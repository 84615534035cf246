import { z } from 'zod';

/** POST /v1/tracks/{id}/wav — the chosen version (default: the track's master) as PCM WAV, 44.1 kHz. */
export const CreateWavBody = z.strictObject({
  version_id: z.uuid().optional(),
  bit_depth: z.union([z.literal(16), z.literal(24)]).optional(),
});
export type CreateWavBody = z.infer<typeof CreateWavBody>;

export const WAV_SAMPLE_RATE = 44_100;
