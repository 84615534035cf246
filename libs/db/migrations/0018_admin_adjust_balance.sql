-- One admin adjustment for both balances: admin_adjust_credits (0010) and admin_adjust_test_credits
-- (0017) were the same function over two columns. admin_adjust_balance takes the balance kind
-- ('production' → credits_remaining, 'test' → test_credits_remaining); the two old names stay as thin
-- wrappers so nothing that calls them changes.
create or replace function public.admin_adjust_balance(user_uuid uuid, delta integer, reason text, balance_kind text)
returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _balance integer;
  _current integer;
  _test boolean := balance_kind = 'test';
begin
  if not (public.is_trusted_caller() or public.has_role(auth.uid(), 'admin')) then
    raise exception 'admin role required' using errcode = '42501';
  end if;
  if balance_kind is null or balance_kind not in ('production', 'test') then
    raise exception 'balance kind must be production or test' using errcode = '22023';
  end if;
  if delta is null or delta = 0 then
    raise exception 'delta must be a non-zero number of credits' using errcode = '22023';
  end if;
  update public.profiles p
     set credits_remaining = case when _test then p.credits_remaining else p.credits_remaining + delta end,
         test_credits_remaining = case when _test then p.test_credits_remaining + delta else p.test_credits_remaining end
   where p.id = user_uuid
     and (case when _test then p.test_credits_remaining else p.credits_remaining end) + delta >= 0
  returning case when _test then p.test_credits_remaining else p.credits_remaining end into _balance;
  if not found then
    select case when _test then test_credits_remaining else credits_remaining end into _current
      from public.profiles where id = user_uuid;
    if not found then
      raise exception 'profile % not found', user_uuid using errcode = 'P0002';
    end if;
    raise exception 'insufficient credits: % %remaining, cannot remove %', _current,
      case when _test then 'test credits ' else '' end, -delta using errcode = 'P0001';
  end if;
  insert into public.credit_transactions (user_id, amount, balance_after, reason, kind)
  values (user_uuid, delta, _balance, coalesce(nullif(reason, ''), 'admin_adjustment'), balance_kind);
  return _balance;
end $$;

create or replace function public.admin_adjust_credits(user_uuid uuid, delta integer, reason text) returns integer
language sql security definer set search_path = public, pg_temp as $$
  select public.admin_adjust_balance(user_uuid, delta, reason, 'production')
$$;

create or replace function public.admin_adjust_test_credits(user_uuid uuid, delta integer, reason text) returns integer
language sql security definer set search_path = public, pg_temp as $$
  select public.admin_adjust_balance(user_uuid, delta, reason, 'test')
$$;

revoke execute on function public.admin_adjust_balance(uuid, integer, text, text) from public;
grant execute on function public.admin_adjust_balance(uuid, integer, text, text) to authenticated, service_role;
