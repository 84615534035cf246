-- Archiving runs (track_archiving_jobs) are unique per track while open: a second scan, a second
-- scheduler replica or an admin "run now" finds the open row instead of starting another copy.
create unique index track_archiving_jobs_one_open on public.track_archiving_jobs (track_id)
  where status in ('pending', 'processing');

-- The due-archive query: tracks whose scheduled date has come and that are not archived yet.
create index idx_tracks_archive_due on public.tracks (archive_scheduled_at)
  where archive_scheduled_at is not null and archived_at is null;
