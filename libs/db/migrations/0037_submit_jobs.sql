-- 0037: several submissions in one statement (group commit of the accept path).
--
-- Measured (bench/results.md): with submit_job one submission is one round trip, and what is left per
-- submission is the round trip itself (the gateway's socket writes to Postgres, the backend's wake-up,
-- parse and plan of the statement) and one commit (a WAL flush). Under concurrent load the gateway
-- gathers the submissions that reach the database in the same turn of its event loop and sends them
-- here together: one round trip, one transaction, one commit for all of them.
--
-- Each entry is exactly one submit_job call (same identity switch, same RLS, same rows, same charge),
-- inside its own subtransaction, so an entry that is refused (no credits, a limit, a feature the plan
-- lacks, a bad reference) leaves nothing behind and does not touch the others: its outcome is
-- {state: 'error', error: {code, message, detail, hint, constraint, table, column, schema}}, which the
-- gateway raises as the error submit_job would have raised. The caller sends entries ordered by user,
-- so two batches lock profile rows in the same order and cannot deadlock on each other.
--
-- entries: [{claims, idempotency, resource_table, resource, job, charge}, …] (submit_job's arguments).
-- Returns the outcomes in the same order.

create function public.submit_jobs(entries jsonb) returns jsonb
language plpgsql set search_path = public, pg_temp as $$
declare
  _entry jsonb;
  _outcomes jsonb := '[]'::jsonb;
  _outcome jsonb;
  _code text;
  _message text;
  _detail text;
  _hint text;
  _constraint text;
  _table text;
  _column text;
  _schema text;
begin
  for _entry in select value from jsonb_array_elements(entries) loop
    begin
      -- a JSON null is SQL NULL here, as a NULL argument of submit_job
      _outcome := public.submit_job(_entry -> 'claims', nullif(_entry -> 'idempotency', 'null'), _entry ->> 'resource_table',
                                    nullif(_entry -> 'resource', 'null'), _entry -> 'job', _entry -> 'charge');
    exception when others then
      get stacked diagnostics _code = returned_sqlstate, _message = message_text, _detail = pg_exception_detail,
                              _hint = pg_exception_hint, _constraint = constraint_name, _table = table_name,
                              _column = column_name, _schema = schema_name;
      _outcome := jsonb_build_object('state', 'error', 'error', jsonb_strip_nulls(jsonb_build_object(
        'code', _code, 'message', _message, 'detail', nullif(_detail, ''), 'hint', nullif(_hint, ''),
        'constraint', nullif(_constraint, ''), 'table', nullif(_table, ''), 'column', nullif(_column, ''),
        'schema', nullif(_schema, ''))));
    end;
    -- submit_job made the rest of this transaction the caller's (role and claims, transaction-local):
    -- back to the platform's own role before the next entry, which may be another user's.
    perform set_config('role', 'none', true), set_config('request.jwt.claims', '', true);
    _outcomes := _outcomes || jsonb_build_array(_outcome);
  end loop;
  return _outcomes;
end $$;

revoke execute on function public.submit_jobs(jsonb) from public;
do $$
begin
  execute 'revoke execute on function public.submit_jobs(jsonb) from anon, authenticated';
exception when undefined_object then null;
end $$;
