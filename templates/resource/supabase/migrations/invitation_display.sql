{# The invitation functions that show the tenant by its display column (`name_sql`, e.g. `w.name`).
   PostgreSQL does not follow a rename or a drop into a function's body, so an alter migration that
   changes that column replaces them with these same macros (`replace`), and so does its rollback.
   `create or replace` keeps a function's owner and grants. #}
{% macro invite(inv, tenancy, table_sql, name_sql, replace) %}
{% set fk = tenancy.fk_column %}
-- Invites an address to {{ tenancy.singular | indefinite }}: the caller must be an admin or owner of it, and
-- at least the role they invite to. The answer never depends on the address. No membership is
-- created: the invitee accepts, or not.
create{% if replace %} or replace{% endif %} function {{ inv.invite.private_sql }}(
  target_{{ fk }} uuid,
  invitee_email text,
  invitee_role {{ tenancy.role_type_sql }}
)
returns table (
  id uuid,
  {{ fk }} uuid,
  email text,
  role {{ tenancy.role_type_sql }},
  expires_at timestamptz,
  token text,
  {{ inv.name_output }} text,
  invited_by_email text
)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  caller uuid := (select auth.uid());
  new_token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
  invitation {{ inv.table_sql }};
begin
  if not (
    target_{{ fk }} in (select {{ tenancy.ids_fn_sql }}('admin'))
    and target_{{ fk }} in (select {{ tenancy.ids_fn_sql }}(invitee_role))
  ) then
    raise exception 'only admins and owners invite, and to a role no higher than their own'
      using errcode = '42501';
  end if;
  insert into {{ inv.table_sql }} ({{ fk }}, email, role, invited_by, token_hash, expires_at)
  values (
    target_{{ fk }},
    lower(invitee_email),
    invitee_role,
    caller,
    sha256(convert_to(new_token, 'UTF8')),
    now() + {{ inv.ttl_fn_sql }}()
  )
  returning * into invitation;
  return query
    select invitation.id, invitation.{{ fk }}, invitation.email, invitation.role,
      invitation.expires_at, new_token, {{ name_sql }}, u.email::text
    from {{ table_sql }} w, auth.users u
    where w.id = invitation.{{ fk }} and u.id = caller;
end;
$$;
{%- endmacro %}

{% macro resend(inv, tenancy, table_sql, name_sql, replace) %}
{% set fk = tenancy.fk_column %}
-- Re-sends a pending invitation (expired or not): a new token, which invalidates the old one, a
-- new expiry, and the caller as its inviter. Same rule as inviting.
create{% if replace %} or replace{% endif %} function {{ inv.resend.private_sql }}(target_invitation_id uuid)
returns table (
  id uuid,
  {{ fk }} uuid,
  email text,
  role {{ tenancy.role_type_sql }},
  expires_at timestamptz,
  token text,
  {{ inv.name_output }} text,
  invited_by_email text
)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  caller uuid := (select auth.uid());
  new_token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
  invitation {{ inv.table_sql }};
begin
  update {{ inv.table_sql }} i
  set token_hash = sha256(convert_to(new_token, 'UTF8')),
    expires_at = now() + {{ inv.ttl_fn_sql }}(),
    invited_by = caller,
    email_id = null,
    email_error = null,
    updated_at = now()
  where i.id = target_invitation_id
    and i.status = 'pending'
    and i.{{ fk }} in (select {{ tenancy.ids_fn_sql }}('admin'))
    and i.{{ fk }} in (select {{ tenancy.ids_fn_sql }}(i.role))
  returning * into invitation;
  if invitation.id is null then
    raise exception 'no pending invitation you can re-send has that id' using errcode = 'P0002';
  end if;
  return query
    select invitation.id, invitation.{{ fk }}, invitation.email, invitation.role,
      invitation.expires_at, new_token, {{ name_sql }}, u.email::text
    from {{ table_sql }} w, auth.users u
    where w.id = invitation.{{ fk }} and u.id = caller;
end;
$$;
{%- endmacro %}

{% macro list_mine(inv, tenancy, table_sql, name_sql, replace) %}
{% set fk = tenancy.fk_column %}
-- The signed-in user's pending, unexpired invitations (matched by their confirmed email), with
-- what the invitation email shows: the {{ tenancy.singular }}'s name and the inviter's address.
create{% if replace %} or replace{% endif %} function {{ inv.list_mine.private_sql }}()
returns table (
  id uuid,
  {{ fk }} uuid,
  {{ inv.name_output }} text,
  role {{ tenancy.role_type_sql }},
  invited_by_email text,
  expires_at timestamptz,
  created_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select i.id, i.{{ fk }}, {{ name_sql }}, i.role, inviter.email::text, i.expires_at, i.created_at
  from {{ inv.table_sql }} i
  join {{ table_sql }} w on w.id = i.{{ fk }}
  join auth.users inviter on inviter.id = i.invited_by
  where i.status = 'pending'
    and i.expires_at > now()
    and i.email = (
      select lower(u.email) from auth.users u
      where u.id = (select auth.uid()) and u.email_confirmed_at is not null
    )
  order by i.created_at
$$;
{%- endmacro %}

{% macro redefine(inv, tenancy, table_sql, name_sql) %}
-- The invitation functions show the {{ tenancy.singular }} by {{ name_sql }} from now on.
{{ invite(inv, tenancy, table_sql, name_sql, true) }}

{{ resend(inv, tenancy, table_sql, name_sql, true) }}

{{ list_mine(inv, tenancy, table_sql, name_sql, true) }}
{%- endmacro %}
