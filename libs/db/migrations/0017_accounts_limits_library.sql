-- Accounts, continued (issue 7): sandbox API keys, per-plan prices, paid retries, Studio Nexus
-- monthly limits that are exact under concurrency, and library uploads reserved against storage_mb.
--
-- Every function here serialises one user's requests on their profile row with FOR NO KEY UPDATE (the
-- lock an UPDATE of non-key columns takes), not FOR UPDATE: the same transactions have inserted rows
-- that reference the profile (jobs, tracks, projects), which hold FOR KEY SHARE on it, and FOR UPDATE
-- conflicts with that — two such transactions would deadlock.

-- ---------------------------------------------------------------------------------------------
-- 1. Sandbox keys. A key in mode 'test' (shown as sk_test_…) debits the sandbox balance
--    (profiles.test_credits_remaining, decrement_test_credits) instead of production credits.
alter table public.api_keys add column mode text not null default 'live' check (mode in ('live', 'test'));

-- ---------------------------------------------------------------------------------------------
-- 2. A refund names the debit it gives back. A job can now be debited more than once (a paid retry),
--    and each debit is refunded at most once: the unique index replaces the one-refund-per-job index.
alter table public.credit_transactions
  add column refund_of uuid references public.credit_transactions (id) on delete cascade;
update public.credit_transactions r set refund_of = (
  select d.id from public.credit_transactions d
   where d.job_id = r.job_id and d.kind = r.kind and d.amount < 0 and d.reason <> 'refund'
   order by d.created_at, d.id limit 1)
 where r.reason = 'refund' and r.refund_of is null;
drop index public.uq_credit_transactions_job_refund;
create unique index uq_credit_transactions_refund_of on public.credit_transactions (refund_of) where refund_of is not null;
alter table public.credit_transactions
  add constraint credit_transactions_refund_names_debit check (reason <> 'refund' or refund_of is not null) not valid;

-- Gives back every debit of the job that has not been given back yet, each exactly once (the profile
-- row is locked first, so concurrent refunds of one user queue and see each other's rows; the unique
-- index on refund_of makes a second refund of one debit impossible even so).
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
  perform 1 from public.profiles where id = _job.user_id for no key update;
  for _debit in
    select d.id, d.kind, -d.amount as amount, d.created_at as debited_at
      from public.credit_transactions d
     where d.job_id = job_uuid and d.amount < 0 and d.reason <> 'refund'
       and not exists (select 1 from public.credit_transactions r where r.refund_of = d.id)
     order by d.created_at, d.id
  loop
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
    insert into public.credit_transactions (user_id, amount, balance_after, reason, kind, job_id, refund_of)
    values (_job.user_id, _debit.amount, _balance, 'refund', _debit.kind, job_uuid, _debit.id);
    _total := _total + _debit.amount;
  end loop;
  return _total;
end $$;

-- An admin (or the platform) tops up or reduces a user's sandbox balance, never below zero; ledgered
-- with kind 'test' like admin_adjust_credits does for production credits. Returns the balance after.
create or replace function public.admin_adjust_test_credits(user_uuid uuid, delta integer, reason text) returns integer
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
  update public.profiles p set test_credits_remaining = p.test_credits_remaining + delta
   where p.id = user_uuid and p.test_credits_remaining + delta >= 0
  returning p.test_credits_remaining into _balance;
  if not found then
    select test_credits_remaining into _current from public.profiles where id = user_uuid;
    if not found then
      raise exception 'profile % not found', user_uuid using errcode = 'P0002';
    end if;
    raise exception 'insufficient credits: % test credits remaining, cannot remove %', _current, -delta using errcode = 'P0001';
  end if;
  insert into public.credit_transactions (user_id, amount, balance_after, reason, kind)
  values (user_uuid, delta, _balance, coalesce(nullif(reason, ''), 'admin_adjustment'), 'test');
  return _balance;
end $$;
revoke execute on function public.admin_adjust_test_credits(uuid, integer, text) from public;
grant execute on function public.admin_adjust_test_credits(uuid, integer, text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- 3. charge_job with per-plan prices and a choice of balance. `prices` is {"default": n, "<plan>": m}:
--    the caller's plan is read here, under the same lock as the debit, so a plan change cannot slip
--    between pricing and paying. credit_kind 'test' debits the sandbox balance (no daily credit limit,
--    as decrement_test_credits has none); the concurrency and daily generation limits apply to both.
drop function public.charge_job(uuid, uuid, integer, text, text[], boolean);
create function public.charge_job(
  user_uuid uuid, job_uuid uuid, prices jsonb, reason text, slot_kinds text[], count_generation boolean,
  credit_kind text default 'production'
) returns jsonb
language plpgsql set search_path = public, pg_temp as $$
declare
  _balance integer;
  _amount integer;
  _max integer;
  _plan text;
  _in_flight integer;
  _generations integer;
begin
  if credit_kind is null or credit_kind not in ('production', 'test') then
    raise exception 'credit_kind must be production or test, got %', credit_kind using errcode = '22023';
  end if;
  select subscription_plan into _plan from public.profiles where id = user_uuid for no key update;
  if not found then
    raise exception 'profile % not found', user_uuid using errcode = 'P0002';
  end if;
  _amount := coalesce((prices ->> _plan)::integer, (prices ->> 'default')::integer, 0);
  if _amount < 0 then
    raise exception 'price must not be negative, got %', _amount using errcode = '22023';
  end if;
  if _amount > 0 and credit_kind = 'test' then
    _balance := public.decrement_test_credits(user_uuid, _amount, reason, job_uuid);
  elsif _amount > 0 then
    _balance := public.decrement_production_credits(user_uuid, _amount, reason, job_uuid);
  end if;

  if cardinality(slot_kinds) > 0 then
    select sp.max_concurrent_generations into _max from public.subscription_plans sp where sp.name = _plan;
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
  return jsonb_build_object('balance', _balance, 'amount', _amount, 'plan', _plan, 'credit_kind', credit_kind,
                            'in_flight', _in_flight, 'generations_today', _generations);
end $$;
revoke execute on function public.charge_job(uuid, uuid, jsonb, text, text[], boolean, text) from public;
grant execute on function public.charge_job(uuid, uuid, jsonb, text, text[], boolean, text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- 4. A retry of a refunded job pays again: per kind of credit, when what the job was debited has all
--    been given back (the ledger nets to 0 for it), the job's last debit is charged once more, with
--    reason 'retry' (the daily credit limit applies). A debit still standing is not charged twice.
--    The job is pending again in the caller's transaction, so it takes a concurrency slot like a new
--    submission: with slot_kinds given (the kinds that take slots, when the job is one of them), the
--    plan's max_concurrent_generations is checked after the lock, as charge_job does.
--    Raises P0001 like the debit functions. Platform only: the retry endpoint checks the caller's
--    right to the job as the caller first.
create or replace function public.charge_job_retry(job_uuid uuid, slot_kinds text[] default '{}') returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _job record;
  _debit record;
  _balance integer;
  _total integer := 0;
  _max integer;
  _plan text;
  _in_flight integer;
begin
  if not public.is_trusted_caller() then
    raise exception 'charge_job_retry is for the platform' using errcode = '42501';
  end if;
  select id, user_id, kind into _job from public.jobs where id = job_uuid;
  if not found then
    return jsonb_build_object('charged', 0);
  end if;
  perform 1 from public.profiles where id = _job.user_id for no key update;
  for _debit in
    select distinct on (d.kind) d.kind, -d.amount as amount,
           (select coalesce(sum(t.amount), 0) from public.credit_transactions t where t.job_id = job_uuid and t.kind = d.kind) as net
      from public.credit_transactions d
     where d.job_id = job_uuid and d.amount < 0 and d.reason <> 'refund'
     order by d.kind, d.created_at desc, d.id desc
  loop
    continue when _debit.net < 0; -- still paid for
    if _debit.kind = 'production' then
      _balance := public.decrement_production_credits(_job.user_id, _debit.amount, 'retry', job_uuid);
    else
      _balance := public.decrement_test_credits(_job.user_id, _debit.amount, 'retry', job_uuid);
    end if;
    _total := _total + _debit.amount;
  end loop;
  if _job.kind = any (slot_kinds) then
    select sp.max_concurrent_generations, sp.name into _max, _plan
      from public.profiles p join public.subscription_plans sp on sp.name = p.subscription_plan
     where p.id = _job.user_id;
    if _max >= 0 then
      select count(*) into _in_flight from public.jobs
       where user_id = _job.user_id and status in ('pending', 'processing') and kind = any (slot_kinds);
      if _in_flight > _max then
        raise exception 'concurrency limit reached: % of % in flight on plan %', _in_flight - 1, _max, _plan using errcode = 'P0001';
      end if;
    end if;
  end if;
  return jsonb_build_object('charged', _total, 'balance', _balance, 'in_flight', _in_flight);
end $$;
revoke execute on function public.charge_job_retry(uuid, text[]) from public;
grant execute on function public.charge_job_retry(uuid, text[]) to service_role;

-- ---------------------------------------------------------------------------------------------
-- 5. Studio Nexus limits, checked and recorded in one call under the caller's profile lock, so N
--    concurrent requests with room for k get exactly k through. For a count of 1 the decision is the
--    design's own check_usage_limit; for a quantity (storage MB) it is used + quantity <= limit.
--    'projects' also honours the plan's max_projects (projects owned at once, not per month); the
--    caller inserts the project first, so it is counted. Returns what a refusal must tell the user.
--    Storage is a level, not a monthly flow: its limit resets never ('lifetime'), and deleting a file
--    gives its megabytes back (trigger below).
update public.subscription_limits set reset_period = 'lifetime' where resource_type = 'storage_mb' and reset_period = 'monthly';

create or replace function public.reserve_usage(
  p_user_id uuid, p_resource_type text, p_quantity numeric, p_resource_id uuid, p_unit text default 'count'
) returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _tier text;
  _plan text;
  _max integer;
  _owned integer;
  _limit numeric;
  _period text;
  _used numeric;
  _allowed boolean;
  _now timestamp := now() at time zone 'utc';
  _since timestamp;
  _resets timestamp;
begin
  perform public.require_self_or_trusted(p_user_id);
  if p_quantity is null or p_quantity <= 0 then
    raise exception 'quantity must be positive, got %', p_quantity using errcode = '22023';
  end if;
  select subscription_tier, subscription_plan into _tier, _plan from public.profiles where id = p_user_id for no key update;
  if not found then
    raise exception 'profile % not found', p_user_id using errcode = 'P0002';
  end if;

  if p_resource_type = 'projects' then
    select max_projects into _max from public.subscription_plans where name = _plan;
    if _max >= 0 then
      select count(*) into _owned from public.projects where user_id = p_user_id;
      if _owned > _max then
        return jsonb_build_object('allowed', false, 'name', 'max_projects', 'limit', _max, 'used', _owned - 1,
                                  'remaining', 0, 'resets_at', null, 'reset_period', null);
      end if;
    end if;
  end if;

  select sl.limit_value, sl.reset_period into _limit, _period
    from public.subscription_limits sl
   where sl.subscription_tier = _tier and sl.resource_type = p_resource_type and sl.is_active;
  _since := case _period
    when 'daily' then date_trunc('day', _now) when 'weekly' then date_trunc('week', _now)
    when 'monthly' then date_trunc('month', _now) when 'yearly' then date_trunc('year', _now)
    else '-infinity'::timestamp end;
  _resets := case _period
    when 'daily' then _since + interval '1 day' when 'weekly' then _since + interval '1 week'
    when 'monthly' then _since + interval '1 month' when 'yearly' then _since + interval '1 year' end;
  if _period = 'monthly' then
    select coalesce(sum(quantity), 0) into _used from public.usage_tracking
     where user_id = p_user_id and resource_type = p_resource_type and billing_period = date_trunc('month', _now)::date;
  else
    select coalesce(sum(quantity), 0) into _used from public.usage_tracking
     where user_id = p_user_id and resource_type = p_resource_type and created_at >= _since at time zone 'utc';
  end if;

  if _limit is null or _limit = -1 then
    _allowed := true;
  elsif p_quantity = 1 and p_unit = 'count' then
    _allowed := public.check_usage_limit(p_user_id, p_resource_type);
  else
    _allowed := _used + p_quantity <= _limit;
  end if;
  if _allowed then
    insert into public.usage_tracking (user_id, resource_type, quantity, unit, resource_id)
    values (p_user_id, p_resource_type, p_quantity, p_unit, p_resource_id);
    if p_resource_type = 'storage_mb' then
      update public.profiles set storage_used_mb = ceil(_used + p_quantity) where id = p_user_id;
    end if;
  end if;
  return jsonb_build_object(
    'allowed', _allowed, 'name', p_resource_type, 'limit', coalesce(_limit, -1), 'used', _used,
    'remaining', case when _limit is null or _limit = -1 then null
                      else greatest(_limit - _used - case when _allowed then p_quantity else 0 end, 0) end,
    'resets_at', case when _resets is null then null else to_char(_resets, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') end,
    'reset_period', _period);
end $$;
revoke execute on function public.reserve_usage(uuid, text, numeric, uuid, text) from public;
grant execute on function public.reserve_usage(uuid, text, numeric, uuid, text) to authenticated, service_role;

-- Sets what a reservation finally counts (the real size of an upload); 0 releases it. Platform only:
-- a user must not be able to lower their own usage.
create or replace function public.settle_usage(p_resource_type text, p_resource_id uuid, p_quantity numeric) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _user uuid;
begin
  if not public.is_trusted_caller() then
    raise exception 'settle_usage is for the platform' using errcode = '42501';
  end if;
  select user_id into _user from public.usage_tracking where resource_type = p_resource_type and resource_id = p_resource_id limit 1;
  if not found then
    return;
  end if;
  perform 1 from public.profiles where id = _user for no key update;
  if p_quantity <= 0 then
    delete from public.usage_tracking where resource_type = p_resource_type and resource_id = p_resource_id;
  else
    update public.usage_tracking set quantity = p_quantity where resource_type = p_resource_type and resource_id = p_resource_id;
  end if;
  if p_resource_type = 'storage_mb' then
    update public.profiles set storage_used_mb = ceil(coalesce(
      (select sum(quantity) from public.usage_tracking where user_id = _user and resource_type = 'storage_mb'), 0))
     where id = _user;
  end if;
end $$;
revoke execute on function public.settle_usage(text, uuid, numeric) from public;
grant execute on function public.settle_usage(text, uuid, numeric) to service_role;

-- ---------------------------------------------------------------------------------------------
-- 6. Library uploads: the presigned PUT's reservation, until it is confirmed (it then becomes the
--    audio_library row with the same id), refused, cancelled or expired.
create table public.library_uploads (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  object_key text not null unique,
  file_name text not null check (length(file_name) between 1 and 255),
  content_type text not null,
  declared_size bigint not null check (declared_size > 0),
  reserved_mb numeric(10,3) not null check (reserved_mb > 0),
  parent_folder_id uuid,
  category text check (category in ('sample', 'loop', 'vocal', 'instrumental')),
  description text,
  tags text[] not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'completed', 'rejected', 'expired', 'cancelled')),
  error text,
  actual_size bigint check (actual_size >= 0),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  completed_at timestamptz,
  foreign key (parent_folder_id, user_id) references public.cloud_folders (id, user_id) on delete set null (parent_folder_id)
);
create index idx_library_uploads_user_created on public.library_uploads (user_id, created_at desc);
create index idx_library_uploads_pending on public.library_uploads (expires_at) where status = 'pending';
create index idx_library_uploads_parent_folder_id on public.library_uploads (parent_folder_id) where parent_folder_id is not null;
alter table public.library_uploads enable row level security;
-- Users start their uploads and see them; every later change is the platform's (it moves usage).
create policy library_uploads_select_own on public.library_uploads for select to authenticated using (user_id = (select auth.uid()));
create policy library_uploads_insert_own on public.library_uploads for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'pending');
revoke all on public.library_uploads from anon;

-- Deleting a library file gives its storage back, whoever deletes it (the user, a cascade).
create or replace function public.release_library_storage() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  delete from public.usage_tracking where resource_type = 'storage_mb' and resource_id = old.id;
  if found then
    update public.profiles set storage_used_mb = ceil(coalesce(
      (select sum(quantity) from public.usage_tracking where user_id = old.user_id and resource_type = 'storage_mb'), 0))
     where id = old.user_id;
  end if;
  return null;
end $$;
create trigger audio_library_release_storage after delete on public.audio_library
  for each row execute function public.release_library_storage();
revoke execute on function public.release_library_storage() from public;
