-- 0035: a job submission in one round trip.
--
-- The accept path used to be five round trips (begin + identity, domain row, job row, charge, commit),
-- and on this platform's hardware each round trip costs the gateway more CPU (loopback socket writes,
-- a context switch to the backend) than everything else it does per request. submit_job does the same
-- work in one statement: the caller's identity, the idempotency claim (or the replay of the stored
-- response), the domain row, the job row (a real INSERT, so every trigger on jobs fires: jobs_enqueue
-- writes the outbox row), the plan's limits and the debit (charge_job), and the stored response.
-- Called as one autocommit statement it is one transaction: a raised error leaves nothing behind.
--
-- It runs with the caller's identity and RLS: the first thing it does is what asUser() does (the
-- claims into request.jwt.claims, the role `authenticated`, both local to the transaction), so every
-- statement after runs as the caller. Because the claims are a parameter, only the platform's own
-- login role may call it (never anon or authenticated: they could name another user).
--
-- resource_table / resource: the domain row (columns as a JSON object; columns left out take their
-- defaults); its id becomes the job's resource_id. job: the job row's columns, likewise (user_id is
-- the caller's). charge: {prices, reason, slot_kinds, count_generation, api_key_id?} as charge_job takes
-- them; an API key's mode chooses the balance (sandbox keys pay test credits, local provider only).
-- idempotency: null, or {key, method, path, hash}.
--
-- Returns {state: 'new', status: 202, body} | {state: 'replay', status, body} | {state: 'mismatch'}.
-- body is the public job resource (present_job), the same bytes the replay of this key will return.

create function public.present_job(j public.jobs) returns jsonb
language sql stable set search_path = public, pg_temp as $$
  -- The JobResource of libs/platform presentJob(): timestamps as JavaScript's toISOString() writes them.
  select jsonb_build_object(
    'id', j.id,
    'kind', j.kind,
    'status', j.status,
    'progress', j.progress,
    'resource', case when j.resource_type is not null and j.resource_id is not null
                     then jsonb_build_object('type', j.resource_type, 'id', j.resource_id) end,
    'provider', j.provider,
    'attempts', j.attempts,
    'error', j.error,
    'result', j.result,
    'created_at', to_char(j.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updated_at', to_char(j.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'completed_at', to_char(j.completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;

create function public.submit_job(
  claims jsonb, idempotency jsonb, resource_table text, resource jsonb, job jsonb, charge jsonb
) returns jsonb
language plpgsql set search_path = public, pg_temp as $$
declare
  _user uuid := (claims ->> 'sub')::uuid;
  _claimed text;
  _existing record;
  _resource_id uuid;
  _cols text;
  _job public.jobs;
  _credit_kind text := 'production';
  _body jsonb;
begin
  if _user is null or claims ->> 'role' is distinct from 'authenticated' then
    raise exception 'submit_job needs the claims of an authenticated user' using errcode = '22023';
  end if;
  -- From here on this transaction is the caller's: RLS applies to everything below.
  perform set_config('request.jwt.claims', claims::text, true), set_config('role', 'authenticated', true);

  if idempotency is not null then
    insert into public.idempotency_keys as k (user_id, key, request_method, request_path, request_hash)
    values (_user, idempotency ->> 'key', idempotency ->> 'method', idempotency ->> 'path', idempotency ->> 'hash')
    on conflict (user_id, key) do update
       set request_method = excluded.request_method, request_path = excluded.request_path,
           request_hash = excluded.request_hash, response_status = null, response_body = null,
           created_at = now(), expires_at = now() + interval '24 hours'
     where k.expires_at < now()
    returning k.key into _claimed;
    if _claimed is null then
      -- Held by an earlier request (a concurrent one was waited for on the row lock): same request → replay.
      select request_method, request_path, request_hash, response_status, response_body into _existing
        from public.idempotency_keys where user_id = _user and key = idempotency ->> 'key';
      if _existing.request_hash is distinct from idempotency ->> 'hash'
         or _existing.request_method is distinct from idempotency ->> 'method'
         or _existing.request_path is distinct from idempotency ->> 'path' then
        return jsonb_build_object('state', 'mismatch');
      end if;
      return jsonb_build_object('state', 'replay', 'status', coalesce(_existing.response_status, 202),
                                'body', coalesce(_existing.response_body, '{}'::jsonb));
    end if;
  end if;

  if resource_table is not null then
    select string_agg(quote_ident(c), ', ') into _cols from jsonb_object_keys(resource) c;
    execute format('insert into public.%I (%s) select %s from jsonb_populate_record(null::public.%I, $1) returning id',
                   resource_table, _cols, _cols, resource_table)
       into _resource_id using resource;
    job := job || jsonb_build_object('resource_id', _resource_id);
  end if;

  job := job || jsonb_build_object('user_id', _user);
  select string_agg(quote_ident(c), ', ') into _cols from jsonb_object_keys(job) c;
  execute format('insert into public.jobs (%s) select %s from jsonb_populate_record(null::public.jobs, $1) returning *', _cols, _cols)
     into _job using job;

  if charge ? 'api_key_id' then
    select case when k.mode = 'test' then 'test' else 'production' end into _credit_kind
      from public.api_keys k where k.id = (charge ->> 'api_key_id')::uuid and k.user_id = _user;
    _credit_kind := coalesce(_credit_kind, 'production');
    if _credit_kind = 'test' and _job.provider is not null and _job.provider <> 'local' then
      raise exception 'sandbox keys run the local provider only, not %', _job.provider using errcode = 'P0001';
    end if;
  end if;
  perform public.charge_job(_user, _job.id, charge -> 'prices', charge ->> 'reason',
                            array(select jsonb_array_elements_text(coalesce(charge -> 'slot_kinds', '[]'::jsonb))),
                            coalesce((charge ->> 'count_generation')::boolean, false), _credit_kind);

  _body := public.present_job(_job);
  if idempotency is not null then
    update public.idempotency_keys set response_status = 202, response_body = _body
     where user_id = _user and key = idempotency ->> 'key';
  end if;
  return jsonb_build_object('state', 'new', 'status', 202, 'body', _body);
end $$;

revoke execute on function public.submit_job(jsonb, jsonb, text, jsonb, jsonb, jsonb) from public;
do $$
begin
  -- The roles of the Supabase-style design exist in every database migrated here; be explicit anyway.
  execute 'revoke execute on function public.submit_job(jsonb, jsonb, text, jsonb, jsonb, jsonb) from anon, authenticated';
exception when undefined_object then null;
end $$;
