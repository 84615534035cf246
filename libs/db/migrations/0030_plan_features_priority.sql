-- Plan features (issue 14): a job kind whose feature the owner's plan lacks is refused where the job row
-- is written, in the submitting transaction (and on a retry), so nothing is written or charged; and the
-- priority of a job on its queue follows the plan's priority_queue feature.

-- Which feature each job kind needs (kinds not listed need none). A table, so a new gated kind is a row.
create table public.job_kind_features (
  kind text primary key,
  feature text not null check (feature ~ '^[a-z][a-z0-9_]{0,49}$'),
  created_at timestamptz not null default now()
);
alter table public.job_kind_features enable row level security;
create policy job_kind_features_read on public.job_kind_features for select to anon, authenticated using (true);
create policy job_kind_features_admin on public.job_kind_features for all to authenticated
  using ((select public.has_role((select auth.uid()), 'admin'))) with check ((select public.has_role((select auth.uid()), 'admin')));
grant select on public.job_kind_features to anon, authenticated;
grant insert, update, delete on public.job_kind_features to authenticated;
insert into public.job_kind_features (kind, feature) values ('stems', 'stems'), ('wav', 'wav'), ('upscale', 'upscale');

-- A plan has a feature when its features object says true for it; absent or false is "not in the plan".
-- Refusal: SQLSTATE MF403, message "feature not in plan: <feature>", detail a JSON object
-- {feature, plan, plans: [active plans that have it, cheapest first]} (the gateway maps it to 403 feature-not-in-plan).
create or replace function public.enforce_plan_feature() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  needed text;
  plan_name text;
  granted boolean;
  holders jsonb;
begin
  -- Inserts, and retries (a terminal job back to pending); every other status change passes.
  if tg_op = 'UPDATE' and not (new.status = 'pending' and old.status in ('completed', 'failed', 'cancelled')) then
    return new;
  end if;
  select f.feature into needed from public.job_kind_features f where f.kind = new.kind;
  if needed is null then
    return new;
  end if;
  select p.subscription_plan, coalesce(sp.features ->> needed = 'true', false) into plan_name, granted
  from public.profiles p left join public.subscription_plans sp on sp.name = p.subscription_plan
  where p.id = new.user_id;
  if coalesce(granted, false) then
    return new;
  end if;
  select coalesce(jsonb_agg(sp.name order by sp.price_monthly, sp.name), '[]') into holders
  from public.subscription_plans sp where sp.is_active and sp.features ->> needed = 'true';
  raise exception using
    errcode = 'MF403',
    message = format('feature not in plan: %s', needed),
    detail = jsonb_build_object('feature', needed, 'plan', plan_name, 'plans', holders)::text;
end $$;
revoke all on function public.enforce_plan_feature() from public;
create trigger jobs_plan_feature before insert or update of status on public.jobs
  for each row execute function public.enforce_plan_feature();

-- Queue priority, decided when the outbox row is written (submission, retry, sweep re-publish) and carried
-- to the relay in the row. BullMQ takes jobs without a priority (its wait list) before any prioritised one:
-- plans with priority_queue get none (null), the rest get priority 1. The gateway's aging pass moves a
-- priority-1 job that has waited too long to the wait list, so nobody starves — and KEDA, which counts the
-- wait list, sees every job that has waited that long.
alter table public.outbox add column priority integer check (priority between 1 and 2097152);

create or replace function public.outbox_job_priority() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if new.priority is null and new.queue_name in ('generation', 'stems')
     and (new.payload ->> 'userId') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select case when sp.features ->> 'priority_queue' = 'true' then null else 1 end into new.priority
    from public.profiles p join public.subscription_plans sp on sp.name = p.subscription_plan
    where p.id = (new.payload ->> 'userId')::uuid;
  end if;
  return new;
end $$;
revoke all on function public.outbox_job_priority() from public;
create trigger outbox_job_priority before insert on public.outbox
  for each row execute function public.outbox_job_priority();
