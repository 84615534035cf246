-- Issue 5: the studio kinds run on the platform's own engine as well as on providers.
-- Lyrics written by the local writer are recorded as provider 'local'.
alter table public.lyrics_jobs drop constraint if exists lyrics_jobs_provider_check;
alter table public.lyrics_jobs add constraint lyrics_jobs_provider_check
  check (provider in ('suno', 'openai', 'mureka', 'local'));
-- The local upscale is a band-limited resample to 48 kHz / 24-bit, named for what it is.
alter table public.audio_upscale_jobs drop constraint if exists audio_upscale_jobs_model_version_check;
alter table public.audio_upscale_jobs add constraint audio_upscale_jobs_model_version_check
  check (model_version in ('stable-audio-open', 'audioldm2', 'local-resample-48k'));
