import { z } from 'zod';

/** Where stems come from: the local separator (engine layers or DSP) or a provider (issue 6; providers in libs/providers). */
export const STEM_MODES = ['local', 'suno_stems', 'replicate_demucs'] as const;
export const StemMode = z.enum(STEM_MODES);
export type StemMode = z.infer<typeof StemMode>;

/** POST /v1/tracks/{id}/stems — separate the chosen version (default: the track's master). */
export const CreateStemsBody = z.strictObject({
  mode: StemMode.optional(),
  version_id: z.uuid().optional(),
});
export type CreateStemsBody = z.infer<typeof CreateStemsBody>;

export const CLASSIFIER_TYPES = ['genre', 'instrument', 'mood'] as const;
export const ClassifierType = z.enum(CLASSIFIER_TYPES);
export type ClassifierType = z.infer<typeof ClassifierType>;

/** POST /v1/tracks/{id}/classifications — local analysis (provider 'replicate' is wired separately). */
export const CreateClassificationBody = z.strictObject({
  classifier_type: ClassifierType,
  version_id: z.uuid().optional(),
  provider: z.enum(['local', 'replicate']).optional(),
});
export type CreateClassificationBody = z.infer<typeof CreateClassificationBody>;

/** POST /v1/descriptions — exactly one of audio_file_url (a file this platform stores for the caller) or track_id. */
export const CreateDescriptionBody = z
  .strictObject({
    audio_file_url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    track_id: z.uuid().optional(),
    provider: z.enum(['local', 'fal']).optional(),
  })
  .refine((b) => (b.audio_file_url === undefined) !== (b.track_id === undefined), { message: 'give exactly one of audio_file_url or track_id', path: ['audio_file_url'] });
export type CreateDescriptionBody = z.infer<typeof CreateDescriptionBody>;

/** POST /v1/recognitions — exactly one of audio_file_url (a file this platform stores for the caller) or audio_library_id. */
export const CreateRecognitionBody = z
  .strictObject({
    audio_file_url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    audio_library_id: z.uuid().optional(),
    provider: z.enum(['local', 'mureka']).optional(),
  })
  .refine((b) => (b.audio_file_url === undefined) !== (b.audio_library_id === undefined), { message: 'give exactly one of audio_file_url or audio_library_id', path: ['audio_file_url'] });
export type CreateRecognitionBody = z.infer<typeof CreateRecognitionBody>;
