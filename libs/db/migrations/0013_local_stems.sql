-- Issue 6: stems separated on the platform itself (engine layers re-rendered, or DSP masking)
-- are recorded as separation_mode 'local'; one set of stems per (track, version) at a time.
alter table public.track_stems drop constraint if exists track_stems_separation_mode_check;
alter table public.track_stems add constraint track_stems_separation_mode_check
  check (separation_mode in ('suno_stems', 'replicate_demucs', 'local'));
