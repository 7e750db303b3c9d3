{% import "schema/rls.sql" as rls %}

-- Members see who else belongs; admins and owners add, change and remove members (the trigger
-- above keeps owners above admins); anyone may remove themselves, which is how they leave.
alter table {{ tenancy.members_table_sql }} enable row level security;

{% for p in members.policies %}
{{ rls.create_policy(p, tenancy.members_table_sql) }}
{% endfor %}
revoke all on table {{ tenancy.members_table_sql }} from public, anon, authenticated, service_role;
-- A membership's workspace and user never change; only its role does.
{% for g in members.grants %}
{{ rls.grant(g, tenancy.members_table_sql) -}}
{% endfor %}

-- The user id behind an email, answered only to an admin or owner of the {{ tenancy.singular }}:
-- auth.users stays unexposed, and this security definer function lives outside the API schema.
create function {{ tenancy.lookup_fn_sql }}(target_{{ tenancy.fk_column }} uuid, member_email text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select u.id
  from auth.users u
  where lower(u.email) = lower(member_email)
    and target_{{ tenancy.fk_column }} = any (array(select {{ tenancy.ids_fn_sql }}('admin')))
$$;

revoke all on function {{ tenancy.lookup_fn_sql }}(uuid, text) from public, anon;
grant execute on function {{ tenancy.lookup_fn_sql }}(uuid, text) to authenticated;

-- Adds an existing user by email. security invoker: the caller's policies and the role guard
-- apply to the insert exactly as if they had inserted the row themselves.
create function {{ tenancy.add_member_fn_sql }}(
  target_{{ tenancy.fk_column }} uuid,
  member_email text,
  member_role {{ tenancy.role_type_sql }} default 'member'
)
returns {{ tenancy.members_table_sql }}
language plpgsql
security invoker
set search_path = ''
as $$
declare
  member_id uuid := {{ tenancy.lookup_fn_sql }}(target_{{ tenancy.fk_column }}, member_email);
  added {{ tenancy.members_table_sql }};
begin
  if member_id is null then
    raise exception 'no user with that email in reach' using errcode = 'P0002';
  end if;
  insert into {{ tenancy.members_table_sql }} ({{ tenancy.fk_column }}, user_id, role)
  values (target_{{ tenancy.fk_column }}, member_id, member_role)
  returning * into added;
  return added;
end;
$$;

revoke all on function {{ tenancy.add_member_fn_sql }}(uuid, text, {{ tenancy.role_type_sql }}) from public, anon;
grant execute on function {{ tenancy.add_member_fn_sql }}(uuid, text, {{ tenancy.role_type_sql }}) to authenticated;
