-- Accounts, credits and API keys (issue 7).
--
-- 1. API keys: `sk_…` bearer secrets a user creates for scripts. Only a SHA-256 of the key is kept
--    (the key itself is shown once); a revoked key keeps its row so the list stays auditable.
-- 2. Refunds: a job that ends failed or cancelled gets back exactly what was debited for it, once. The
--    jobs trigger does it in the same transaction as the status change, whoever makes that change
--    (worker, cancel endpoint, crash sweep), and a unique index makes a second refund impossible.
-- 3. Admin credit adjustments, ledgered like every other movement.

create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  -- The first characters of the key, so a user can tell keys apart without the secret.
  key_prefix text not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index idx_api_keys_user_created on public.api_keys (user_id, created_at desc);

alter table public.api_keys enable row level security;
create policy api_keys_select_own on public.api_keys for select to authenticated using (user_id = (select auth.uid()));
create policy api_keys_insert_own on public.api_keys for insert to authenticated with check (user_id = (select auth.uid()));
create policy api_keys_update_own on public.api_keys for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- anon has SELECT on every table by default privileges; there is no anon policy, and no reason to keep the grant.
revoke all on public.api_keys from anon;

-- A job's refund is unique: the ledger cannot hold two for one job.
create unique index uq_credit_transactions_job_refund on public.credit_transactions (job_id, kind) where reason = 'refund';

-- Refunds what was debited for job_uuid (production and sandbox credits separately), at most once per
-- kind of credit. Returns the number of credits given back (0 when nothing was debited or it was
-- already refunded). The profile row is locked first, so concurrent refunds of one user's jobs queue
-- and the "already refunded?" check sees the previous one.
create or replace function public.refund_job_credits(job_uuid uuid) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _job record;
  _debit record;
  _balance integer;
  _total integer := 0;
  _today timestamptz := public.utc_day_start();
begin
  select id, user_id into _job from public.jobs where id = job_uuid;
  if not found then
    return 0;
  end if;
  perform 1 from public.profiles where id = _job.user_id for update;
  for _debit in
    select t.kind, -sum(t.amount)::integer as amount, max(t.created_at) as debited_at
      from public.credit_transactions t
     where t.job_id = job_uuid and t.amount < 0 and t.reason <> 'refund'
     group by t.kind
  loop
    continue when _debit.amount <= 0
      or exists (select 1 from public.credit_transactions r where r.job_id = job_uuid and r.kind = _debit.kind and r.reason = 'refund');
    if _debit.kind = 'production' then
      -- Credits spent today also count against the daily limit; give that back too (not yesterday's).
      update public.profiles p set
        credits_remaining = p.credits_remaining + _debit.amount,
        credits_used_today = case when _debit.debited_at >= _today and p.last_credit_reset_at >= _today
                                  then greatest(p.credits_used_today - _debit.amount, 0) else p.credits_used_today end
       where p.id = _job.user_id
      returning p.credits_remaining into _balance;
    else
      update public.profiles p set test_credits_remaining = p.test_credits_remaining + _debit.amount
       where p.id = _job.user_id
      returning p.test_credits_remaining into _balance;
    end if;
    insert into public.credit_transactions (user_id, amount, balance_after, reason, kind, job_id)
    values (_job.user_id, _debit.amount, _balance, 'refund', _debit.kind, job_uuid);
    _total := _total + _debit.amount;
  end loop;
  return _total;
end $$;

-- Entering failed or cancelled from a running state refunds the job. A job that completed keeps its debit.
create or replace function public.refund_on_job_failure() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if new.status in ('failed', 'cancelled') and old.status not in ('failed', 'cancelled', 'completed') then
    perform public.refund_job_credits(new.id);
  end if;
  return null;
end $$;
create trigger jobs_refund_on_failure after update of status on public.jobs
  for each row execute function public.refund_on_job_failure();

-- An admin (or the platform) moves a user's production balance by delta, never below zero; the
-- ledger row records the reason. Returns the balance after.
create or replace function public.admin_adjust_credits(user_uuid uuid, delta integer, reason text) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _balance integer;
  _current integer;
begin
  if not (public.is_trusted_caller() or public.has_role(auth.uid(), 'admin')) then
    raise exception 'admin role required' using errcode = '42501';
  end if;
  if delta is null or delta = 0 then
    raise exception 'delta must be a non-zero number of credits' using errcode = '22023';
  end if;
  update public.profiles p set credits_remaining = p.credits_remaining + delta
   where p.id = user_uuid and p.credits_remaining + delta >= 0
  returning p.credits_remaining into _balance;
  if not found then
    select credits_remaining into _current from public.profiles where id = user_uuid;
    if not found then
      raise exception 'profile % not found', user_uuid using errcode = 'P0002';
    end if;
    raise exception 'insufficient credits: % remaining, cannot remove %', _current, -delta using errcode = 'P0001';
  end if;
  insert into public.credit_transactions (user_id, amount, balance_after, reason, kind)
  values (user_uuid, delta, _balance, coalesce(nullif(reason, ''), 'admin_adjustment'), 'production');
  return _balance;
end $$;

revoke execute on function
  public.refund_job_credits(uuid), public.refund_on_job_failure(), public.admin_adjust_credits(uuid, integer, text)
from public;
grant execute on function public.refund_job_credits(uuid) to service_role;
grant execute on function public.admin_adjust_credits(uuid, integer, text) to authenticated, service_role;

-- The rate limits live in the gateway's configuration (RATE_LIMITS, defaults 10/20/100 per minute as
-- the seed wrote them); the app_settings row holds only run-time overrides, so it starts empty.
-- Otherwise the seeded copy would silently shadow every configured value.
update public.app_settings set value = '{}'
 where key = 'rate_limits'
   and value = '{"generate-music": {"requests": 10, "per_seconds": 60},
                 "generate-lyrics": {"requests": 20, "per_seconds": 60},
                 "api-general": {"requests": 100, "per_seconds": 60}}'::jsonb;

-- The signup grant is a credit movement too: with it in the ledger, sum(amount) per user and kind
-- reconstructs the balance. Same function as 0001 plus the ledger row.
create or replace function public.create_profile_on_signup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _grant integer := (select greatest(credits_monthly, 0) from public.subscription_plans where name = 'free');
begin
  insert into public.profiles (id, email, username, full_name, credits_remaining, created_at)
  values (
    new.id,
    new.email,
    left(regexp_replace(lower(split_part(new.email, '@', 1)), '[^a-z0-9_]', '_', 'g'), 40) || '_' || left(new.id::text, 8),
    new.raw_user_meta_data ->> 'full_name',
    coalesce(_grant, 0),
    now()
  );
  if coalesce(_grant, 0) > 0 then
    insert into public.credit_transactions (user_id, amount, balance_after, reason, kind)
    values (new.id, _grant, _grant, 'signup_grant', 'production');
  end if;
  return new;
end $$;

-- Profiles created before this migration get one opening row each, so their ledger adds up as well.
-- (The sandbox balance has its own opening row only when it moved; its default is not a movement.)
insert into public.credit_transactions (user_id, amount, balance_after, reason, kind)
select p.id, p.credits_remaining - coalesce(l.total, 0), p.credits_remaining, 'opening_balance', 'production'
  from public.profiles p
  left join (select user_id, sum(amount)::integer as total from public.credit_transactions where kind = 'production' group by user_id) l
    on l.user_id = p.id
 where p.credits_remaining <> coalesce(l.total, 0);

-- Everything a submission must pass, in one round trip, inside the transaction that has just inserted
-- the job (so the debit's ledger row can name it):
--   1. the debit (decrement_production_credits — balance and daily credit limit), or, for a free job,
--      a plain lock of the profile row. Either way the caller's profile row is locked until commit, so
--      one user's submissions pass this point one at a time;
--   2. the concurrency limit: the user's pending/processing jobs of the slot-taking kinds, counted
--      AFTER the lock (each statement of a volatile function takes a fresh snapshot, so it sees the
--      job a concurrent submission committed before releasing the lock), the new job included;
--   3. the daily generation counter (increment_generation_usage) for music generations.
-- Any refusal raises P0001 with a message naming the limit, and the caller's transaction rolls back.
-- Invoker: the functions it calls check who may act for whom, and RLS scopes the count and the lock.
create or replace function public.charge_job(
  user_uuid uuid, job_uuid uuid, amount integer, reason text, slot_kinds text[], count_generation boolean
) returns jsonb
language plpgsql set search_path = public, pg_temp as $$
declare
  _balance integer;
  _max integer;
  _plan text;
  _in_flight integer;
  _generations integer;
begin
  if amount > 0 then
    _balance := public.decrement_production_credits(user_uuid, amount, reason, job_uuid);
  else
    perform 1 from public.profiles where id = user_uuid for update;
    if not found then
      raise exception 'profile % not found', user_uuid using errcode = 'P0002';
    end if;
  end if;

  if cardinality(slot_kinds) > 0 then
    select sp.max_concurrent_generations, sp.name into _max, _plan
      from public.profiles p join public.subscription_plans sp on sp.name = p.subscription_plan
     where p.id = user_uuid;
    if _max >= 0 then
      select count(*) into _in_flight from public.jobs
       where user_id = user_uuid and status in ('pending', 'processing') and kind = any (slot_kinds);
      if _in_flight > _max then
        raise exception 'concurrency limit reached: % of % in flight on plan %', _in_flight - 1, _max, _plan using errcode = 'P0001';
      end if;
    end if;
  end if;

  if count_generation then
    _generations := public.increment_generation_usage(user_uuid);
  end if;
  return jsonb_build_object('balance', _balance, 'in_flight', _in_flight, 'generations_today', _generations);
end $$;

revoke execute on function public.charge_job(uuid, uuid, integer, text, text[], boolean) from public;
grant execute on function public.charge_job(uuid, uuid, integer, text, text[], boolean) to authenticated, service_role;
