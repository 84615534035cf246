-- Queue-loss recovery beyond jobs (issue 16): when Redis loses its queues, the gateway re-creates the
-- BullMQ jobs of pending webhook deliveries and of recent track purges, neither of which has a jobs row.

-- A pending delivery's next BullMQ job must be re-created exactly as the sender scheduled it. Its id follows
-- from attempts/redeliveries, but its message also carries the attempt number within the current cycle
-- (the retry schedule's index), which a redelivery restarts: kept here, beside the attempts counter.
alter table public.webhook_deliveries add column cycle_attempts integer not null default 0 check (cycle_attempts >= 0);
update public.webhook_deliveries set cycle_attempts = attempts where redeliveries = 0;
create index idx_webhook_deliveries_pending on public.webhook_deliveries (id) where status = 'pending';

-- Purges are re-published from their outbox rows (idempotent: a finished purge finds nothing to delete).
create index idx_outbox_track_purges on public.outbox (queue_job_id, id) where job_name = 'tracks.purge-objects';
