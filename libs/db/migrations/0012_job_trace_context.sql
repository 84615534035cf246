-- W3C trace context of the request that submitted a job, carried through the outbox into the queue
-- message, so the worker's spans and log lines join the request's trace (docs: README "Operations").
alter table public.jobs add column trace_parent text
  constraint jobs_trace_parent_format check (trace_parent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');

-- Same trigger as 0001, plus the traceparent when the job has one (absent keys keep old payloads identical).
create or replace function public.enqueue_job() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into public.outbox (queue_name, job_name, queue_job_id, payload)
  values (new.queue_name, new.job_name, new.id::text,
          jsonb_build_object('jobId', new.id, 'userId', new.user_id, 'correlationId', coalesce(new.correlation_id, new.id::text))
          || case when new.trace_parent is null then '{}'::jsonb else jsonb_build_object('traceparent', new.trace_parent) end);
  return null;
end $$;
