{# Triggers, laid out the same way wherever a migration creates or drops one: a trigger from
   src/schema/trigger.rs, and the table it is on. `replace` writes `create or replace function`
   (an alter migration replacing a function in place). #}
{% macro create_function(t, table_sql, replace=false) %}
{% if t.action.kind == "set_updated_at" %}
-- Keeps updated_at current on every update.
create {% if replace %}or replace {% endif %}function {{ t.function_sql }}()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
{% elif t.action.kind == "check_readable" %}
-- {{ t.action.column }} may only name {{ t.action.singular | indefinite }} the caller can read: the foreign key alone
-- would accept any existing one, revealing that it exists. A policy cannot read its own table
-- (infinite recursion), so this trigger does, as the caller (security invoker) and before the
-- foreign key check, so an unreadable id and a missing one are refused alike.
create {% if replace %}or replace {% endif %}function {{ t.function_sql }}()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if new.{{ t.action.column }} is not null
    and (tg_op = 'INSERT' or new.{{ t.action.column }} is distinct from old.{{ t.action.column }})
    and not exists (select 1 from {{ table_sql }} referenced where referenced.id = new.{{ t.action.column }})
  then
    raise exception '{{ t.action.column }}: no {{ t.action.singular }} you can read has that id' using errcode = '42501';
  end if;
  return new;
end;
$$;
{% endif %}
{% endmacro %}
{% macro create(t, table_sql) %}
{{ create_function(t, table_sql) }}
revoke all on function {{ t.function_sql }}() from public, anon, authenticated;

create trigger {{ t.name }}
{% if t.action.kind == "set_updated_at" %}
before update on {{ table_sql }}
{% elif t.action.kind == "check_readable" %}
before insert or update of {{ t.action.column }} on {{ table_sql }}
{% endif %}
for each row execute function {{ t.function_sql }}();
{% endmacro %}
{% macro drop(t, table_sql) %}
drop trigger {{ t.name }} on {{ table_sql }};

drop function {{ t.function_sql }}();
{% endmacro %}
