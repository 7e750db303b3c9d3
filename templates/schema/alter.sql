{# One statement of an alter migration: a step from src/schema/diff.rs, on the table it alters.
   Policies, grants and triggers are laid out by the same macros as in a create migration. #}
{% import "schema/rls.sql" as rls %}
{% import "schema/triggers.sql" as triggers %}
{% import "schema/private_schema.sql" as private %}
{% import "schema/rate_limiter.sql" as limiter %}
{% import "schema/audit.sql" as audit_sql %}
{% import "schema/storage.sql" as storage %}
{% macro step(s, table_sql) %}
{% if s.step == "create_extension" %}
-- {{ s.extension.name }}, for {{ s.extension.why }}: in Supabase's extensions
-- schema, enabled here when missing.
create extension if not exists {{ s.extension.name }} with schema extensions;
{% elif s.step == "drop_extension" %}
-- {{ s.extension.name }} goes too once nothing uses it (other tables' indexes may).
do $$
begin
  drop extension if exists {{ s.extension.name }};
exception
  when dependent_objects_still_exist then null;
end;
$$;
{% elif s.step == "rename_type" %}
alter type {{ s.from_sql }} rename to {{ s.to }};
{% elif s.step == "rename_enum_value" %}
alter type {{ s.type_sql }} rename value {{ s.from }} to {{ s.to }};
{% elif s.step == "rename_column" %}
alter table {{ table_sql }} rename column {{ s.from }} to {{ s.to }};
{% elif s.step == "rename_constraint" %}
alter table {{ table_sql }} rename constraint {{ s.from }} to {{ s.to }};
{% elif s.step == "rename_index" %}
alter index public.{{ s.from }} rename to {{ s.to }};
{% elif s.step == "rename_policy" %}
alter policy {{ s.from_sql }} on {{ table_sql }} rename to {{ s.to_sql }};
{% elif s.step == "drop_policy" %}
{{ rls.drop_policy(s.policy, table_sql) -}}
{% elif s.step == "drop_trigger" %}
{{ triggers.drop(s.trigger, table_sql) -}}
{% elif s.step == "drop_index" %}
drop index public.{{ s.index.name }};
{% elif s.step == "drop_constraint" %}
alter table {{ table_sql }} drop constraint {{ s.name }};
{% elif s.step == "create_enum" %}
create type {{ s.enum_type.type_sql }} as enum ({{ s.enum_type.values_sql }});
{% elif s.step == "add_enum_value" %}
alter type {{ s.type_sql }} add value {{ s.value }}{% if s.before is not none %} before {{ s.before }}{% endif %};
{% elif s.step == "check_enum_values" %}
-- PostgreSQL cannot remove a label from an enum type: the column moves to a new type without
-- it, which no row may still hold. Rows are never changed or deleted here.
do $$
begin
  if exists (select from {{ table_sql }} where {{ s.column }}::text in ({{ s.values_sql }})) then
    raise exception '%', {{ ("rows of " ~ table_sql ~ " hold " ~ s.column ~ " = " ~ s.values ~ ", which this migration removes from " ~ s.type_sql) | sql_string }}
      using hint = 'change those rows to another value first, then run the migration again';
  end if;
end;
$$;
{% elif s.step == "add_column" and s.column.generated_sql is not none %}
alter table {{ table_sql }} add column {{ s.column.name_sql }} {{ s.column.sql_type }} generated always as (
  {{ s.column.generated_sql }}
) stored;
{% elif s.step == "add_column" %}
alter table {{ table_sql }} add column {{ s.column.name_sql }} {{ s.column.sql_type }}{% if s.column.not_null %} not null{% endif %}{% if s.column.default_sql is not none %} default {{ s.column.default_sql }}{% endif %};
{% elif s.step == "drop_default" %}
alter table {{ table_sql }} alter column {{ s.column }} drop default;
{% elif s.step == "alter_type" %}
alter table {{ table_sql }} alter column {{ s.column }} type {{ s.sql_type }} using {{ s.using }};
{% elif s.step == "set_default" %}
alter table {{ table_sql }} alter column {{ s.column }} set default {{ s.default_sql }};
{% elif s.step == "set_not_null" %}
alter table {{ table_sql }} alter column {{ s.column }} set not null;
{% elif s.step == "drop_not_null" %}
alter table {{ table_sql }} alter column {{ s.column }} drop not null;
{% elif s.step == "drop_column" %}
alter table {{ table_sql }} drop column {{ s.column }};
{% elif s.step == "drop_enum" %}
drop type {{ s.type_sql }};
{% elif s.step == "add_constraint" %}
{% for line in s.constraint.comment %}
-- {{ line }}
{% endfor %}
alter table {{ table_sql }} add constraint {{ s.constraint.name }} {{ s.constraint.definition }};
{% elif s.step == "create_index" %}
-- {{ s.index.why }}
create index {{ s.index.name }} on {{ table_sql }} {{ s.index.definition }};
{% elif s.step == "create_trigger" %}
{{ triggers.create(s.trigger, table_sql) -}}
{% elif s.step == "grants" %}
-- Each role gets exactly the privileges its policies use, on the columns a client may write.
revoke all on table {{ table_sql }} from public, anon, authenticated, service_role;
{% for g in s.grants %}
{{ rls.grant(g, table_sql) -}}
{% endfor %}
{% elif s.step == "create_policy" %}
{{ rls.create_policy(s.policy, table_sql) -}}
{% elif s.step == "ensure_private_schema" %}
{{ private.ensure(s.schema) -}}
{% elif s.step == "drop_private_schema_if_empty" %}
{{ private.drop_if_empty(s.schema) -}}
{% elif s.step == "create_rate_limiter" %}
{{ limiter.create(s.limiter) -}}
{% elif s.step == "drop_rate_limiter_if_unused" %}
{{ limiter.drop_if_unused(s.limiter) -}}
{% elif s.step == "add_rate_limit" %}
-- Rate limit of {{ table_sql }}, per signed-in user: {{ s.rule.action }} {{ s.rule.max_hits }} per {{ s.rule.per }}.
insert into {{ s.limiter.rules_sql }} (action, max_hits, period) values ({{ s.rule.action_sql }}, {{ s.rule.max_hits }}, {{ s.rule.period_sql }});
{% if s.rule.trigger %}

-- Every row a signed-in user {% if s.rule.trigger.event == "insert" %}inserts{% elif s.rule.trigger.event == "update" %}updates{% else %}deletes{% endif %} counts, whether through the generated action or the API.
create trigger {{ s.rule.trigger.name }}
before {{ s.rule.trigger.event }} on {{ table_sql }}
for each row execute function {{ s.limiter.enforce_fn_sql }}({{ s.rule.action_sql }});
{% endif %}
{% elif s.step == "change_rate_limit" %}
-- In place: the callers' buckets keep counting.
update {{ s.limiter.rules_sql }} set max_hits = {{ s.rule.max_hits }}, period = {{ s.rule.period_sql }} where action = {{ s.rule.action_sql }};
{% elif s.step == "drop_rate_limit" %}
{% if s.rule.trigger %}
drop trigger {{ s.rule.trigger.name }} on {{ table_sql }};

{% endif %}
delete from {{ s.limiter.rules_sql }} where action = {{ s.rule.action_sql }};
{% elif s.step == "create_audit_log" %}
{{ audit_sql.create(s.audit, table_sql) | trim }}
{% elif s.step == "drop_audit_log" %}
-- The log goes with its entries.
{{ audit_sql.drop(s.audit, table_sql) | trim }}
{% elif s.step == "alter_audit_log" %}
-- The audit log {{ s.audit.table_sql }} stays, with its entries: what changed around it is made again.
{% if s.old_policy %}
{{ rls.drop_policy(s.old_policy, s.audit.table_sql) -}}
{{ rls.create_policy(s.audit.policy, s.audit.table_sql) -}}
{% endif %}
{% if s.grants %}
revoke all on table {{ s.audit.table_sql }} from public, anon, authenticated, service_role;
{% for g in s.audit.grants %}
{{ rls.grant(g, s.audit.table_sql) -}}
{% endfor %}
{% endif %}
{% if s.functions %}
{% for t in s.audit.triggers %}
{% if not loop.first %}

{% endif %}
{{ audit_sql.function(s.audit, t, true) -}}
{% endfor %}
{% endif %}
{% elif s.step == "drop_storage_policy" %}
{{ rls.drop_policy(s.policy, "storage.objects") -}}
{% elif s.step == "drop_bucket" %}
{{ storage.drop_bucket(s.bucket) -}}
{% elif s.step == "create_bucket" %}
-- {{ s.bucket.column }}: at most {{ s.bucket.file_size_limit }} bytes, of {{ s.bucket.allowed_mime_types | join(", ") }}.
{{ storage.create_bucket(s.bucket) -}}
{% elif s.step == "update_bucket" %}
{{ storage.update_bucket(s.bucket) -}}
{% elif s.step == "create_storage_policy" %}
{{ rls.create_policy(s.policy, "storage.objects") -}}
{% endif %}
{% endmacro %}
