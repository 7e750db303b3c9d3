{% import "schema/rls.sql" as rls %}
{% import "resource/supabase/migrations/invitation_display.sql" as display %}
{% set inv = invitations %}
{% set fk = tenancy.fk_column %}

-- Invitations: the only way into {{ tenancy.singular | indefinite }} besides creating it. An admin or owner invites an
-- email address with a role no higher than their own, and learns nothing about that address
-- (whether it has an account, whether it is a member already); the invitee accepts with the
-- token from the email while signed in with that address, confirmed. The token is random, stored
-- only as its sha256, single use, and expires; re-sending replaces it.
create type {{ inv.status_type_sql }} as enum ('pending', 'accepted', 'declined', 'revoked');

create table {{ inv.table_sql }} (
  id uuid not null default gen_random_uuid(),
  {{ fk }} uuid not null,
  email text not null,
  role {{ tenancy.role_type_sql }} not null default 'member',
  invited_by uuid not null,
  token_hash bytea not null,
  status {{ inv.status_type_sql }} not null default 'pending',
  expires_at timestamptz not null,
  -- The last email sent for the current token: Resend's id, or why sending failed.
  email_id text,
  email_error text,
  accepted_by uuid,
  accepted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint {{ inv.pkey }} primary key (id),
  constraint {{ fk }}_fkey foreign key ({{ fk }}) references {{ table_sql }} (id) on delete cascade,
  constraint invited_by_fkey foreign key (invited_by) references auth.users (id) on delete cascade,
  constraint accepted_by_fkey foreign key (accepted_by) references auth.users (id) on delete set null,
  constraint {{ inv.token_hash_key }} unique (token_hash),
  constraint token_hash_sha256 check (octet_length(token_hash) = 32),
{% for check in inv.email_checks %}
  constraint {{ check.name }} check ({{ check.expr }}),
{% endfor %}
  constraint email_id_length check (char_length(email_id) <= {{ inv.result_max_length }}),
  constraint email_error_length check (char_length(email_error) <= {{ inv.result_max_length }}),
  constraint accepted_when_accepted check ((status = 'accepted') = (accepted_at is not null))
);

-- Serves the admins' list (and its policy) and the foreign key to {{ table_sql }}.
create index {{ inv.tenant_index }} on {{ inv.table_sql }} ({{ fk }}, created_at);

-- One pending invitation per address and {{ tenancy.singular }}: invite again by re-sending it.
create unique index {{ inv.pending_email_key }} on {{ inv.table_sql }} ({{ fk }}, email) where status = 'pending';

-- Serves the invitee's list of their own pending invitations.
create index {{ inv.email_index }} on {{ inv.table_sql }} (email) where status = 'pending';

-- Back the foreign keys to auth.users.
create index {{ inv.invited_by_index }} on {{ inv.table_sql }} (invited_by);
create index {{ inv.accepted_by_index }} on {{ inv.table_sql }} (accepted_by);

-- Admins and owners read their {{ tenancy.singular }}'s invitations, every column but the token's hash.
-- Nobody writes them through the table: the functions below check who may do what.
alter table {{ inv.table_sql }} enable row level security;

{% for p in inv.policies %}
{{ rls.create_policy(p, inv.table_sql) }}
{% endfor %}
revoke all on table {{ inv.table_sql }} from public, anon, authenticated, service_role;
{% for g in inv.grants %}
{{ rls.grant(g, inv.table_sql) -}}
{% endfor %}

-- How long an invitation stays valid. Inviting and re-sending both read it here: to change it,
-- replace this function in a migration of your own.
create function {{ inv.ttl_fn_sql }}()
returns interval
language sql
immutable
set search_path = ''
as $$
  select interval {{ inv.ttl_sql }}
$$;

revoke all on function {{ inv.ttl_fn_sql }}() from public, anon, authenticated;

-- The functions below are security definer, in {{ tenancy.private_schema }} (not exposed by the API), and
-- check the caller themselves; each has a security invoker twin in public that the API exposes.
-- A new token is 64 hex digits from two random UUIDs (244 random bits, from PostgreSQL's strong
-- random source), returned once and stored only as its sha256.

{{ display.invite(inv, tenancy, table_sql, inv.name_sql, false) }}

{{ display.resend(inv, tenancy, table_sql, inv.name_sql, false) }}

-- Revokes a pending invitation: its token stops working. Same rule as inviting.
create function {{ inv.revoke.private_sql }}(target_invitation_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  revoked uuid;
begin
  update {{ inv.table_sql }} i
  set status = 'revoked', updated_at = now()
  where i.id = target_invitation_id
    and i.status = 'pending'
    and i.{{ fk }} in (select {{ tenancy.ids_fn_sql }}('admin'))
    and i.{{ fk }} in (select {{ tenancy.ids_fn_sql }}(i.role))
  returning i.id into revoked;
  if revoked is null then
    raise exception 'no pending invitation you can revoke has that id' using errcode = 'P0002';
  end if;
  return revoked;
end;
$$;

-- Records what sending the email for a token gave: Resend's id, or the error. Only the inviter
-- who holds the current token records it; a token that has been replaced since records nothing,
-- so a slow send never overwrites the result of a newer one. Returns whether it recorded.
create function {{ inv.record_email.private_sql }}(
  invitation_token text,
  sent_email_id text,
  send_error text
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update {{ inv.table_sql }} i
  set email_id = left(sent_email_id, {{ inv.result_max_length }}),
    email_error = left(send_error, {{ inv.result_max_length }}),
    updated_at = now()
  where i.token_hash = sha256(convert_to(invitation_token, 'UTF8'))
    and i.invited_by = (select auth.uid());
  return found;
end;
$$;

-- Accepts an invitation by its token, as the invitee: signed in with the invited address,
-- confirmed (auth.users.email_confirmed_at, never metadata the user can edit). Atomic: the
-- invitation row is locked, so of two accepts at once the second waits and sees the first's
-- outcome; accepting again while a member through it answers the same. An unknown, expired,
-- revoked, declined or used token fails alike, and so does one whose inviter no longer holds
-- a role as high as the invitation's (checked now, with their membership locked against a
-- concurrent change). Returns the {{ tenancy.singular }}'s id.
create function {{ inv.accept.private_sql }}(invitation_token text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  caller_email text;
  invitation {{ inv.table_sql }};
  inviter_role {{ tenancy.role_type_sql }};
begin
  select lower(u.email) into caller_email
  from auth.users u
  where u.id = caller and u.email_confirmed_at is not null;

  select * into invitation
  from {{ inv.table_sql }} i
  where i.token_hash = sha256(convert_to(invitation_token, 'UTF8'))
  for update;

  if invitation.status = 'accepted' and invitation.accepted_by = caller and exists (
    select 1 from {{ tenancy.members_table_sql }} m
    where m.{{ fk }} = invitation.{{ fk }} and m.user_id = caller
  ) then
    return invitation.{{ fk }};
  end if;

  if invitation.id is not null and invitation.status = 'pending' and invitation.expires_at > now() then
    select m.role into inviter_role
    from {{ tenancy.members_table_sql }} m
    where m.{{ fk }} = invitation.{{ fk }} and m.user_id = invitation.invited_by
    for share;
  end if;
  if inviter_role is null or inviter_role > 'admin' or inviter_role > invitation.role then
    raise exception 'no valid invitation has that token' using errcode = 'P0002';
  end if;

  if caller_email is null or caller_email <> invitation.email then
    raise exception 'sign in with the confirmed address this invitation was sent to'
      using errcode = '42501';
  end if;

  update {{ inv.table_sql }} i
  set status = 'accepted', accepted_by = caller, accepted_at = now(), updated_at = now()
  where i.id = invitation.id;
  -- Already a member: the membership stays as it is.
  if not exists (
    select 1 from {{ tenancy.members_table_sql }} m
    where m.{{ fk }} = invitation.{{ fk }} and m.user_id = caller
  ) then
    insert into {{ tenancy.members_table_sql }} ({{ fk }}, user_id, role)
    values (invitation.{{ fk }}, caller, invitation.role);
  end if;
  return invitation.{{ fk }};
end;
$$;

-- Declines a pending invitation, as the invitee (matched by their confirmed email).
create function {{ inv.decline.private_sql }}(target_invitation_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  declined uuid;
begin
  update {{ inv.table_sql }} i
  set status = 'declined', updated_at = now()
  where i.id = target_invitation_id
    and i.status = 'pending'
    and i.email = (
      select lower(u.email) from auth.users u
      where u.id = (select auth.uid()) and u.email_confirmed_at is not null
    )
  returning i.id into declined;
  if declined is null then
    raise exception 'no pending invitation for you has that id' using errcode = 'P0002';
  end if;
  return declined;
end;
$$;

{{ display.list_mine(inv, tenancy, table_sql, inv.name_sql, false) }}

revoke all on function {{ inv.invite.private_sql }}(uuid, text, {{ tenancy.role_type_sql }}) from public, anon;
revoke all on function {{ inv.resend.private_sql }}(uuid) from public, anon;
revoke all on function {{ inv.revoke.private_sql }}(uuid) from public, anon;
revoke all on function {{ inv.record_email.private_sql }}(text, text, text) from public, anon;
revoke all on function {{ inv.accept.private_sql }}(text) from public, anon;
revoke all on function {{ inv.decline.private_sql }}(uuid) from public, anon;
revoke all on function {{ inv.list_mine.private_sql }}() from public, anon;
grant execute on function {{ inv.invite.private_sql }}(uuid, text, {{ tenancy.role_type_sql }}) to authenticated;
grant execute on function {{ inv.resend.private_sql }}(uuid) to authenticated;
grant execute on function {{ inv.revoke.private_sql }}(uuid) to authenticated;
grant execute on function {{ inv.record_email.private_sql }}(text, text, text) to authenticated;
grant execute on function {{ inv.accept.private_sql }}(text) to authenticated;
grant execute on function {{ inv.decline.private_sql }}(uuid) to authenticated;
grant execute on function {{ inv.list_mine.private_sql }}() to authenticated;

-- What the API exposes: security invoker functions that call the ones above.
create function {{ inv.invite.public_sql }}(
  target_{{ fk }} uuid,
  invitee_email text,
  invitee_role {{ tenancy.role_type_sql }} default 'member'
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
language sql
security invoker
set search_path = ''
as $$
  select * from {{ inv.invite.private_sql }}(target_{{ fk }}, invitee_email, invitee_role)
$$;

create function {{ inv.resend.public_sql }}(target_invitation_id uuid)
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
language sql
security invoker
set search_path = ''
as $$
  select * from {{ inv.resend.private_sql }}(target_invitation_id)
$$;

create function {{ inv.revoke.public_sql }}(target_invitation_id uuid)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select {{ inv.revoke.private_sql }}(target_invitation_id)
$$;

create function {{ inv.record_email.public_sql }}(
  invitation_token text,
  sent_email_id text default null,
  send_error text default null
)
returns boolean
language sql
security invoker
set search_path = ''
as $$
  select {{ inv.record_email.private_sql }}(invitation_token, sent_email_id, send_error)
$$;

create function {{ inv.accept.public_sql }}(invitation_token text)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select {{ inv.accept.private_sql }}(invitation_token)
$$;

create function {{ inv.decline.public_sql }}(target_invitation_id uuid)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select {{ inv.decline.private_sql }}(target_invitation_id)
$$;

create function {{ inv.list_mine.public_sql }}()
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
security invoker
set search_path = ''
as $$
  select * from {{ inv.list_mine.private_sql }}()
$$;

revoke all on function {{ inv.invite.public_sql }}(uuid, text, {{ tenancy.role_type_sql }}) from public, anon;
revoke all on function {{ inv.resend.public_sql }}(uuid) from public, anon;
revoke all on function {{ inv.revoke.public_sql }}(uuid) from public, anon;
revoke all on function {{ inv.record_email.public_sql }}(text, text, text) from public, anon;
revoke all on function {{ inv.accept.public_sql }}(text) from public, anon;
revoke all on function {{ inv.decline.public_sql }}(uuid) from public, anon;
revoke all on function {{ inv.list_mine.public_sql }}() from public, anon;
grant execute on function {{ inv.invite.public_sql }}(uuid, text, {{ tenancy.role_type_sql }}) to authenticated;
grant execute on function {{ inv.resend.public_sql }}(uuid) to authenticated;
grant execute on function {{ inv.revoke.public_sql }}(uuid) to authenticated;
grant execute on function {{ inv.record_email.public_sql }}(text, text, text) to authenticated;
grant execute on function {{ inv.accept.public_sql }}(text) to authenticated;
grant execute on function {{ inv.decline.public_sql }}(uuid) to authenticated;
grant execute on function {{ inv.list_mine.public_sql }}() to authenticated;
