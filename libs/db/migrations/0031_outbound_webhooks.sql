-- Outbound webhooks (issue 14): a job with callback_url that reaches a terminal status gets, in the same
-- transaction, a webhook_deliveries row (the job object as it was at that moment) and an outbox row for
-- the webhooks queue; apps/webhook-sender signs (Standard Webhooks) and sends it, recording every attempt.

-- A submitted callback_url is an absolute http(s) URL without credentials, at most 2048 characters
-- (the API validates the same; this keeps any other writer honest). Existing rows are not re-checked.
alter table public.jobs add constraint jobs_callback_url_format check (
  callback_url is null or (length(callback_url) <= 2048 and callback_url ~* '^https?://[^/@?#\s]+([/?#]\S*)?$')
) not valid;

-- The user's signing secret (whsec_ + base64 of 32 random bytes). Users may see that one exists and
-- when it was made (column grants), never the secret itself: only the platform reads that column.
create table public.webhook_secrets (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/]{32,}={0,2}$'),
  created_at timestamptz not null default now()
);
alter table public.webhook_secrets enable row level security;
create policy webhook_secrets_own on public.webhook_secrets for select to authenticated
  using (user_id = (select auth.uid()));
revoke all on public.webhook_secrets from anon, authenticated;
grant select (user_id, created_at) on public.webhook_secrets to authenticated;

create table public.webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  job_id uuid not null references public.jobs (id) on delete cascade,
  event_type text not null check (event_type in ('job.completed', 'job.failed', 'job.cancelled')),
  url text not null,
  -- The job object (GET /v1/jobs/{id}) at the status change: every attempt sends exactly this.
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  redeliveries integer not null default 0,
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_webhook_deliveries_user on public.webhook_deliveries (user_id, created_at desc, id desc);
create index idx_webhook_deliveries_job on public.webhook_deliveries (job_id, created_at desc, id desc);
create trigger webhook_deliveries_updated_at before update on public.webhook_deliveries
  for each row execute function public.update_updated_at();
alter table public.webhook_deliveries enable row level security;
create policy webhook_deliveries_own on public.webhook_deliveries for select to authenticated
  using (user_id = (select auth.uid()));
revoke all on public.webhook_deliveries from anon, authenticated;
grant select on public.webhook_deliveries to authenticated;

-- One row per HTTP attempt (also the refused ones: no secret, forbidden address).
create table public.webhook_delivery_attempts (
  id bigint generated always as identity primary key,
  delivery_id uuid not null references public.webhook_deliveries (id) on delete cascade,
  attempt integer not null check (attempt >= 1),
  status_code integer,
  error text,
  duration_ms integer not null default 0,
  created_at timestamptz not null default now(),
  unique (delivery_id, attempt)
);
alter table public.webhook_delivery_attempts enable row level security;
create policy webhook_delivery_attempts_own on public.webhook_delivery_attempts for select to authenticated
  using (exists (select 1 from public.webhook_deliveries d where d.id = delivery_id and d.user_id = (select auth.uid())));
revoke all on public.webhook_delivery_attempts from anon, authenticated;
grant select on public.webhook_delivery_attempts to authenticated;

-- The job object exactly as the API presents it (libs/platform presentJob): timestamps in UTC with milliseconds.
create or replace function public.job_resource(j public.jobs) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', j.id, 'kind', j.kind, 'status', j.status, 'progress', j.progress,
    'resource', case when j.resource_type is not null and j.resource_id is not null
                     then jsonb_build_object('type', j.resource_type, 'id', j.resource_id) else null end,
    'provider', j.provider, 'attempts', j.attempts, 'error', j.error, 'result', j.result,
    'created_at', to_char(j.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updated_at', to_char(j.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'completed_at', case when j.completed_at is null then null
                         else to_char(j.completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end)
$$;
revoke all on function public.job_resource(public.jobs) from public;

create or replace function public.enqueue_job_webhook() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  delivery uuid := gen_random_uuid();
begin
  insert into public.webhook_deliveries (id, user_id, job_id, event_type, url, payload)
  values (delivery, new.user_id, new.id, 'job.' || new.status, new.callback_url, public.job_resource(new));
  insert into public.outbox (queue_name, job_name, queue_job_id, payload)
  values ('webhooks', 'webhook.deliver', delivery::text,
          jsonb_build_object('deliveryId', delivery, 'userId', new.user_id, 'correlationId', coalesce(new.correlation_id, new.id::text)));
  return null;
end $$;
revoke all on function public.enqueue_job_webhook() from public;
create trigger jobs_webhook after update of status on public.jobs
  for each row
  when (new.callback_url is not null and new.status in ('completed', 'failed', 'cancelled') and old.status is distinct from new.status)
  execute function public.enqueue_job_webhook();
