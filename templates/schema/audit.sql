{# An audited table's log (src/schema/audit.rs), laid out the same way in a create migration and
   an alter migration: the log table, its policy and grants, and the statement triggers that
   write it, on the table `table_sql`. `replace` writes `create or replace function` (an alter
   migration changing what the functions log). #}
{% import "schema/rls.sql" as rls %}
{% import "schema/table.sql" as tables %}
{% macro function(audit, t, replace=false) %}
create {% if replace %}or replace {% endif %}function {{ t.function_sql }}()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- Columns below are always qualified: a bare name is one of these variables.
#variable_conflict use_variable
declare
  -- auth.uid(), inlined: a call of it costs more than the rest of this function.
  actor_id uuid := {{ audit.caller_sql }};
  -- The role the statement runs as: a security definer function changes current_user, not
  -- the role setting; without one (a direct connection), the session's user.
  actor_role text := case current_setting('role') when 'none' then session_user::text else current_setting('role') end;
begin
{% if t.command == "insert" %}
  insert into {{ audit.table_sql }} (row_id, {{ audit.scope_column | ident }}, operation, changed, new_values, actor_id, actor_role)
  select n.id, n.{{ audit.scope_source | ident }}, 'insert', array(select k from jsonb_object_keys(r.new_row) k order by k collate "C"),
    r.new_row{% if audit.sensitive_sql %} - {{ audit.sensitive_sql }}{% endif %}, actor_id, actor_role
  from new_rows n
  cross join lateral (select to_jsonb(n){% if audit.omitted_sql %} - {{ audit.omitted_sql }}{% endif %} as new_row) r;
{% elif t.command == "update" %}
  insert into {{ audit.table_sql }} (row_id, {{ audit.scope_column | ident }}, operation, changed, old_values, new_values, actor_id, actor_role)
  select coalesce(n.id, o.id), coalesce(n.{{ audit.scope_source | ident }}, o.{{ audit.scope_source | ident }}), 'update', d.changed,
    d.old_values{% if audit.sensitive_sql %} - {{ audit.sensitive_sql }}{% endif %}, d.new_values{% if audit.sensitive_sql %} - {{ audit.sensitive_sql }}{% endif %}, actor_id, actor_role
  from new_rows n
  full join old_rows o on o.id = n.id
  cross join lateral (select to_jsonb(o){% if audit.omitted_sql %} - {{ audit.omitted_sql }}{% endif %} as old_row, to_jsonb(n){% if audit.omitted_sql %} - {{ audit.omitted_sql }}{% endif %} as new_row) r
  cross join lateral (
    select
      array_agg(k.key order by k.key collate "C") as changed,
      jsonb_object_agg(k.key, r.old_row -> k.key) as old_values,
      jsonb_object_agg(k.key, r.new_row -> k.key) as new_values
    from jsonb_object_keys(coalesce(r.new_row, r.old_row)) k(key)
    where k.key <> 'updated_at' and (r.new_row -> k.key) is distinct from (r.old_row -> k.key)
  ) d
  where d.changed is not null;
{% else %}
  insert into {{ audit.table_sql }} (row_id, {{ audit.scope_column | ident }}, operation, changed, old_values, actor_id, actor_role)
  select o.id, o.{{ audit.scope_source | ident }}, 'delete', array(select k from jsonb_object_keys(r.old_row) k order by k collate "C"),
    r.old_row{% if audit.sensitive_sql %} - {{ audit.sensitive_sql }}{% endif %}, actor_id, actor_role
  from old_rows o
  cross join lateral (select to_jsonb(o){% if audit.omitted_sql %} - {{ audit.omitted_sql }}{% endif %} as old_row) r;
{% endif %}
  return null;
end;
$$;
{% endmacro %}
{% macro create(audit, table_sql) %}

-- The audit log of {{ table_sql }}: one entry per row inserted, updated or deleted, written by
-- the statement triggers below (no API role may write it).
--   who:   actor_id, auth.uid() (null for the service role and migrations), and actor_role, the
--          role the statement ran as
--   what:  operation; changed, the columns an update gave new values (every column on insert
--          and delete), by name; old_values and new_values, their values{% if audit.sensitive %} (never those of
--          {{ audit.sensitive | join(", ") }}: sensitive, logged as changed only){% endif %}

--   when:  changed_at, the transaction's time
--   whose: {{ audit.scope_column }}, {{ audit.whose }}: the log is split by tenant like the rows
-- No foreign key points at the row: its history stays when it is deleted. The triggers read rows
-- as JSON, so a column added later is logged as it is, and one dropped stops appearing.
{{ tables.create(audit.table_sql, audit.columns, audit.constraints, audit.indexes) }}
alter table {{ audit.table_sql }} enable row level security;

{{ rls.create_policy(audit.policy, audit.table_sql) }}
-- Append-only: readers select, and no API role writes, not even the service role (which
-- bypasses row level security, so only the missing grant stops it). Only the triggers write.
revoke all on table {{ audit.table_sql }} from public, anon, authenticated, service_role;
revoke all on sequence {{ audit.sequence_sql }} from public, anon, authenticated, service_role;
{% for g in audit.grants %}
{{ rls.grant(g, audit.table_sql) -}}
{% endfor %}
{% for t in audit.triggers %}

{% if t.command == "insert" %}
-- Logs inserted rows whole. security definer: it writes the log, which no caller may.
{% elif t.command == "update" %}
-- Logs the columns an update gave new values (updated_at aside: the entry has its own time); an
-- update that changes nothing is not logged. Rows are paired by id, and one whose id changed
-- (only the service role can change it) is logged under both ids.
{% else %}
-- Logs deleted rows whole, cascades included.
{% endif %}
{{ function(audit, t) }}
revoke all on function {{ t.function_sql }}() from public, anon, authenticated, service_role;

create trigger {{ t.name }}
after {{ t.command }} on {{ table_sql }}
{{ t.referencing }}
for each statement execute function {{ t.function_sql }}();
{% endfor %}
{% endmacro %}
{% macro drop(audit, table_sql) %}
{% for t in audit.triggers | reverse %}

drop trigger {{ t.name }} on {{ table_sql }};

drop function {{ t.function_sql }}();
{% endfor %}

{{ rls.drop_policy(audit.policy, audit.table_sql) }}
drop table {{ audit.table_sql }};
{% endmacro %}
