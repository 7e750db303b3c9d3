{# The rate limiter every rate-limited table shares, in the private schema. Every migration
   that needs it writes the same definitions (`if not exists`, `create or replace`), and the
   rollback that deletes the last rule drops it. #}
{% macro create(l) %}
-- The rate limiter (shared by every rate-limited table; this migration creates it if it is the
-- first). Each limited action has a rule; each caller of an action has a bucket, counted with
-- GCRA, the token bucket kept as a single timestamp: `tat`, when the bucket will be full again.
-- A call is allowed when counting it keeps tat within one period of now, so up to max_hits
-- calls pass at once and then one per period / max_hits; a bucket whose tat has passed is full,
-- the same as no row, so calls delete such rows as they go and the table holds only callers
-- still being counted. Unlogged: a crash empties it (every caller starts full), and counting a
-- call writes no WAL. No API role may read or write either table; only the functions below do.
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
  constraint rate_limit_buckets_pkey primary key (action, subject),
  constraint rate_limit_buckets_action_fkey foreign key (action) references {{ l.rules_sql }} (action) on delete cascade
);

-- Finds the buckets that are full again, oldest first, to delete them.
create index if not exists {{ l.buckets_tat_index }} on {{ l.buckets_sql }} (tat);

revoke all on table {{ l.rules_sql }}, {{ l.buckets_sql }} from public, anon, authenticated, service_role;

-- Counts one call of `action_key` by `subject` and answers 0 when it is allowed, else the
-- seconds until it would be. The bucket's row lock makes concurrent calls of one caller take
-- turns, so exactly max_hits of a burst pass. Callable by no API role: it trusts `subject`.
create or replace function {{ l.take_fn_sql }}(action_key text, subject_key text)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  limit_rule {{ l.rules_sql }};
  now_at timestamptz := clock_timestamp();
  -- One call's share of the period in whole microseconds, rounded down: max_hits calls never
  -- take more than the period.
  step interval;
  granted timestamptz;
  due timestamptz;
begin
  select * into limit_rule from {{ l.rules_sql }} r where r.action = action_key;
  if not found then
    raise exception 'no rate limit is named %', action_key using errcode = '22023';
  end if;
  step := floor(extract(epoch from limit_rule.period) * 1000000 / limit_rule.max_hits) * interval '1 microsecond';
  insert into {{ l.buckets_sql }} as b (action, subject, tat)
  values (action_key, subject_key, now_at + step)
  on conflict (action, subject) do update
    set tat = greatest(b.tat, now_at) + step
    where greatest(b.tat, now_at) + step <= now_at + limit_rule.period
  returning b.tat into granted;
  if granted is not null then
    delete from {{ l.buckets_sql }} d
    where (d.action, d.subject) in (
      select e.action, e.subject
      from {{ l.buckets_sql }} e
      where e.tat < now_at
      order by e.tat
      limit 2
      for update skip locked
    );
    return 0;
  end if;
  select b.tat into due
  from {{ l.buckets_sql }} b
  where b.action = action_key and b.subject = subject_key;
  return greatest(1, ceil(extract(epoch from due + step - limit_rule.period - now_at)))::integer;
end;
$$;

revoke all on function {{ l.take_fn_sql }}(text, text) from public, anon, authenticated, service_role;

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
  caller uuid := (select auth.uid());
  wait integer;
begin
  if caller is not null and pg_trigger_depth() = 1 then
    wait := {{ l.take_fn_sql }}(tg_argv[0], 'user:' || caller);
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
-- else the seconds to wait. The caller is auth.uid(), never an argument, so nobody can spend
-- or reset another user's budget.
create or replace function {{ l.check_fn_sql }}(action_key text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
begin
  if caller is null then
    raise exception 'a rate limit per user needs a signed-in user' using errcode = '42501';
  end if;
  return {{ l.take_fn_sql }}(action_key, 'user:' || caller);
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
begin
  return {{ l.take_fn_sql }}(
    action_key,
    'ip:' || case when family(client) = 6 then network(set_masklen(client, 64))::text else host(client) end
  );
end;
$$;

revoke all on function {{ l.check_ip_fn_sql }}(text, inet) from public, anon, authenticated, service_role;
grant execute on function {{ l.check_ip_fn_sql }}(text, inet) to service_role;

-- The API's names of the two (security invoker: they run as the caller, who may run only the
-- function behind theirs).
create or replace function {{ l.check_fn_public_sql }}(action_key text)
returns integer
language sql
security invoker
set search_path = ''
as $$
  select {{ l.check_fn_sql }}(action_key)
$$;

revoke all on function {{ l.check_fn_public_sql }}(text) from public, anon, authenticated, service_role;
grant execute on function {{ l.check_fn_public_sql }}(text) to authenticated;

create or replace function {{ l.check_ip_fn_public_sql }}(action_key text, client inet)
returns integer
language sql
security invoker
set search_path = ''
as $$
  select {{ l.check_ip_fn_sql }}(action_key, client)
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
    drop function {{ l.take_fn_sql }}(text, text);
    drop table {{ l.buckets_sql }};
    drop table {{ l.rules_sql }};
  end if;
end;
$$;
{% endmacro %}
