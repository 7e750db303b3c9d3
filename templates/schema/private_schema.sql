{# scaffold's private schema: what the API must not reach (policy helpers, audit triggers, the
   rate limiter). Created by the first migration that needs it and dropped by the rollback that
   leaves it empty; usage goes with it, so that "it exists" always means "signed-in users may
   call what it grants them" and a rollback restores the schema exactly. #}
{% macro ensure(tenancy) %}
-- {{ tenancy.private_schema }} holds what the API must not reach directly: a schema the API does not
-- expose and that scaffold marks as its own. A schema of that name scaffold did not create stops
-- this migration rather than have its functions granted to signed-in users.
do $$
begin
  if to_regnamespace('{{ tenancy.private_schema }}') is null then
    create schema {{ tenancy.private_schema }};
    comment on schema {{ tenancy.private_schema }} is {{ tenancy.private_schema_comment | sql_string }};
  elsif obj_description(to_regnamespace('{{ tenancy.private_schema }}'), 'pg_namespace') is distinct from {{ tenancy.private_schema_comment | sql_string }} then
    raise exception 'schema {{ tenancy.private_schema }} exists and scaffold did not create it'
      using hint = 'scaffold keeps the helper functions of its policies there; rename or drop your schema, or comment it as scaffold''s if it is';
  end if;
end;
$$;
grant usage on schema {{ tenancy.private_schema }} to authenticated, service_role;
{% endmacro %}
{% macro drop_if_empty(tenancy) %}
-- {{ tenancy.private_schema }} goes too once empty (other resources' objects may live there).
do $$
begin
  if not exists (
    select from pg_catalog.pg_class where relnamespace = '{{ tenancy.private_schema }}'::regnamespace
    union all
    select from pg_catalog.pg_proc where pronamespace = '{{ tenancy.private_schema }}'::regnamespace
    union all
    select from pg_catalog.pg_type where typnamespace = '{{ tenancy.private_schema }}'::regnamespace
  ) then
    drop schema {{ tenancy.private_schema }};
  end if;
end;
$$;
{% endmacro %}
