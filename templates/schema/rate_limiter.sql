{# The rate limiter every rate-limited table shares, in the private schema. Every migration
   that needs it writes the same definitions (`if not exists`, `create or replace`), and the
   rollback that deletes the last rule drops it. #}
{% macro counting_declarations(l) %}
  limit_rule {{ l.rules_sql }};
  now_at timestamptz := clock_timestamp();
  step interval;
  granted timestamptz;
  new_bucket boolean;
  due timestamptz;
{% endmacro %}
{# Counts one call of `action_key` by `subject_key` into `wait`: 0 when it is allowed, else the
   seconds until it would be. Written into each function that counts rather than called from
   them: a function call with a pinned search_path is a GUC change and back, on the path of
   every write. #}
{% macro count_call(l, action_key, subject_key) %}
select * into limit_rule from {{ l.rules_sql }} r where r.action = {{ action_key }};
if not found then
  raise exception 'no rate limit is named %', {{ action_key }} using errcode = '22023';
end if;
-- One call's share of the period in whole microseconds, rounded down: max_hits calls never
-- take more than the period.
step := floor(extract(epoch from limit_rule.period) * 1000000 / limit_rule.max_hits) * interval '1 microsecond';
-- The bucket's row lock makes concurrent calls of one caller take turns, so exactly max_hits
-- of a burst pass. A row version that replaces another keeps its lock (xmax): xmax = 0 means
-- this call created the bucket.
insert into {{ l.buckets_sql }} as b (action, subject, tat, sweep_at)
values ({{ action_key }}, {{ subject_key }}, now_at + step, date_bin(interval '1 hour', now_at + step, timestamptz 'epoch') + interval '2 hours')
on conflict (action, subject) do update
  set tat = greatest(b.tat, now_at) + step,
    sweep_at = date_bin(interval '1 hour', greatest(b.tat, now_at) + step, timestamptz 'epoch') + interval '2 hours'
  where greatest(b.tat, now_at) + step <= now_at + limit_rule.period
returning b.tat, b.xmax = 0 into granted, new_bucket;
if granted is null then
  select b.tat into due
  from {{ l.buckets_sql }} b
  where b.action = {{ action_key }} and b.subject = {{ subject_key }};
  wait := greatest(1, ceil(extract(epoch from due + step - limit_rule.period - now_at)))::integer;
else
  wait := 0;
  -- A new bucket: delete two that have been full for an hour or more, so the table holds the
  -- callers of about the last two hours whatever the number of callers over time.
  if new_bucket then
    delete from {{ l.buckets_sql }} d
    where (d.action, d.subject) in (
      select e.action, e.subject
      from {{ l.buckets_sql }} e
      where e.sweep_at < now_at
      order by e.sweep_at
      limit 2
      for update skip locked
    );
  end if;
end if;
{%- endmacro %}
{% macro create(l) %}
-- The rate limiter (shared by every rate-limited table; this migration creates it if it is the
-- first). Each limited action has a rule; each caller of an action has a bucket, counted with
-- GCRA, the token bucket kept as a single timestamp: `tat`, when the bucket will be full again.
-- A call is allowed when counting it keeps tat within one period of now, so up to max_hits
-- calls pass at once and then one per period / max_hits. A bucket whose tat has passed is full,
-- the same as no row: `sweep_at`, an hour or two after tat in whole hours, says when it may go,
-- and each new bucket deletes two such. (sweep_at changes once an hour at most, so counting a
-- call updates the row in place, with no new index entry.) Unlogged: a crash empties it (every
-- caller starts full), and counting writes no WAL. No API role may read or write either table;
-- only the functions below do.
create table if not exists {{ l.rules_sql }} (
  action text not null,
  max_hits integer not null,
  period interval not null,
  constraint rate_limit_rules_pkey primary key (action),
  constraint rate_limit_rules_max_hits_check check (max_hits > 0),
  constraint rate_limit_rules_period_check check (period > interval '0')
);

create unlogged table if not exists {{ l.buckets_sql }} (
  action text not null,
  subject text not null,
  tat timestamptz not null,
  sweep_at timestamptz not null,
  constraint rate_limit_buckets_pkey primary key (action, subject),
  constraint rate_limit_buckets_action_fkey foreign key (action) references {{ l.rules_sql }} (action) on delete cascade
);

-- Finds the buckets that may go, oldest first.
create index if not exists {{ l.buckets_sweep_index }} on {{ l.buckets_sql }} (sweep_at);

revoke all on table {{ l.rules_sql }}, {{ l.buckets_sql }} from public, anon, authenticated, service_role;

-- Enforces a write limit (tg_argv[0] names it) on every row a signed-in user writes. Not
-- counted: the service role and migrations (no user), and rows written by other triggers or
-- by foreign key actions (a cascade is part of the delete that was counted). A denied write
-- fails with PostgREST's `PGRST` error: HTTP 429, a Retry-After header, and the body's code
-- {{ l.error_code }} with the seconds to wait in `details`.
create or replace function {{ l.enforce_fn_sql }}()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- auth.uid(), inlined: a call of it costs more than counting the call.
  caller uuid := {{ l.caller_sql }};
  wait integer;
{{ counting_declarations(l) -}}
begin
  if caller is not null and pg_trigger_depth() = 1 then
    {{ count_call(l, "tg_argv[0]", "'user:' || caller") | indent(4) }}
    if wait > 0 then
      raise sqlstate '{{ l.error_sqlstate }}' using
        message = json_build_object(
          'code', '{{ l.error_code }}',
          'message', 'too many requests: ' || tg_argv[0],
          'details', wait::text,
          'hint', format('retry in %s seconds', wait)
        )::text,
        detail = json_build_object('status', 429, 'headers', json_build_object('Retry-After', wait::text))::text;
    end if;
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end;
$$;

revoke all on function {{ l.enforce_fn_sql }}() from public, anon, authenticated, service_role;

-- A read limit, asked for by the generated read for the signed-in caller: 0 when allowed,
-- else the seconds to wait. The caller is the JWT's user, never an argument, so nobody can
-- spend or reset another user's budget.
create or replace function {{ l.check_fn_sql }}(action_key text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- auth.uid(), inlined: a call of it costs more than counting the call.
  caller uuid := {{ l.caller_sql }};
  wait integer;
{{ counting_declarations(l) -}}
begin
  if caller is null then
    raise exception 'a rate limit per user needs a signed-in user' using errcode = '42501';
  end if;
  {{ count_call(l, "action_key", "'user:' || caller") | indent(2) }}
  return wait;
end;
$$;

revoke all on function {{ l.check_fn_sql }}(text) from public, anon, authenticated, service_role;
grant execute on function {{ l.check_fn_sql }}(text) to authenticated;

-- A read limit per client address, for anonymous readers: only trusted server code (the service
-- role) may name the address, since the API would let anyone name any. An IPv6 client usually
-- holds a whole /64, so the /64 is counted as one address.
create or replace function {{ l.check_ip_fn_sql }}(action_key text, client inet)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  client_subject text := 'ip:' || case when family(client) = 6 then network(set_masklen(client, 64))::text else host(client) end;
  wait integer;
{{ counting_declarations(l) -}}
begin
  {{ count_call(l, "action_key", "client_subject") | indent(2) }}
  return wait;
end;
$$;

revoke all on function {{ l.check_ip_fn_sql }}(text, inet) from public, anon, authenticated, service_role;
grant execute on function {{ l.check_ip_fn_sql }}(text, inet) to service_role;

-- The API's names of the two (security invoker: they run as the caller, who may run only the
-- function behind theirs). PL/pgSQL rather than SQL: a SQL function that cannot be inlined (a
-- pinned search_path) is planned again in every query that calls it.
create or replace function {{ l.check_fn_public_sql }}(action_key text)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
begin
  return {{ l.check_fn_sql }}(action_key);
end;
$$;

revoke all on function {{ l.check_fn_public_sql }}(text) from public, anon, authenticated, service_role;
grant execute on function {{ l.check_fn_public_sql }}(text) to authenticated;

create or replace function {{ l.check_ip_fn_public_sql }}(action_key text, client inet)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
begin
  return {{ l.check_ip_fn_sql }}(action_key, client);
end;
$$;

revoke all on function {{ l.check_ip_fn_public_sql }}(text, inet) from public, anon, authenticated, service_role;
grant execute on function {{ l.check_ip_fn_public_sql }}(text, inet) to service_role;
{% endmacro %}
{% macro drop_if_unused(l) %}
-- The rate limiter goes once no rule is left (other tables' limits may still use it).
do $$
begin
  if not exists (select from {{ l.rules_sql }}) then
    drop function {{ l.check_ip_fn_public_sql }}(text, inet);
    drop function {{ l.check_fn_public_sql }}(text);
    drop function {{ l.check_ip_fn_sql }}(text, inet);
    drop function {{ l.check_fn_sql }}(text);
    drop function {{ l.enforce_fn_sql }}();
    drop table {{ l.buckets_sql }};
    drop table {{ l.rules_sql }};
  end if;
end;
$$;
{% endmacro %}
