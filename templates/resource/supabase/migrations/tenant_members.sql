-- Who belongs to which {{ tenancy.singular }}, with which role.
create table {{ tenancy.members_table_sql }} (
  {{ tenancy.fk_column }} uuid not null,
  user_id uuid not null,
  role {{ tenancy.role_type_sql }} not null default 'member',
  created_at timestamptz not null default now(),
  constraint {{ tenancy.members_pkey }} primary key ({{ tenancy.fk_column }}, user_id),
  constraint {{ tenancy.fk_column }}_fkey foreign key ({{ tenancy.fk_column }}) references {{ table_sql }} (id) on delete cascade,
  constraint user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade
);

-- The primary key serves lookups by {{ tenancy.singular }}; this one serves "my {{ tenancy.plural }}" and the foreign key to auth.users.
create index {{ tenancy.members_user_index }} on {{ tenancy.members_table_sql }} (user_id, {{ tenancy.fk_column }});

-- Backs the foreign key to auth.users.
create index {{ tenancy.created_by_index }} on {{ table_sql }} (created_by);

-- The caller's {{ tenancy.singular }} ids, optionally only those where their role is at least
-- min_role. Policies call it as `id = any (array(select ...))`, so it runs once per query.
-- security definer: it reads the members table without going through that table's own policies.
create function {{ tenancy.ids_fn_sql }}(min_role {{ tenancy.role_type_sql }} default 'member')
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.{{ tenancy.fk_column }}
  from {{ tenancy.members_table_sql }} m
  where m.user_id = (select auth.uid())
    and m.role <= min_role
$$;

revoke all on function {{ tenancy.ids_fn_sql }}({{ tenancy.role_type_sql }}) from public, anon;
grant execute on function {{ tenancy.ids_fn_sql }}({{ tenancy.role_type_sql }}) to authenticated, service_role;

-- Makes the creator of {{ tenancy.singular | indefinite }} its first owner, in the same transaction.
create function {{ tenancy.add_creator_fn_sql }}()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.created_by is not null then
    insert into {{ tenancy.members_table_sql }} ({{ tenancy.fk_column }}, user_id, role)
    values (new.id, new.created_by, 'owner');
  end if;
  return new;
end;
$$;

revoke all on function {{ tenancy.add_creator_fn_sql }}() from public, anon, authenticated;

create trigger add_creator_as_owner
after insert on {{ table_sql }}
for each row execute function {{ tenancy.add_creator_fn_sql }}();

-- Enforces, in the database, what policies alone cannot: nobody joins without creating the
-- {{ tenancy.singular }} or accepting an invitation, raises their own role, grants or changes a role above
-- their own, or leaves {{ tenancy.singular | indefinite }} without an owner. Requests without a signed-in user
-- (the service role, migrations) are trusted.
create function {{ tenancy.guard_fn_sql }}()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  caller_role {{ tenancy.role_type_sql }};
  target {{ tenancy.members_table_sql }};
begin
  if caller is null then
    return coalesce(new, old);
  end if;
  if tg_op = 'DELETE' then
    target := old;
  else
    target := new;
  end if;

  select m.role into caller_role
  from {{ tenancy.members_table_sql }} m
  where m.{{ tenancy.fk_column }} = target.{{ tenancy.fk_column }} and m.user_id = caller;

  if tg_op = 'INSERT' then
    -- The creator's own first membership, added by {{ tenancy.add_creator_fn_sql }}.
    if caller_role is null and new.user_id = caller and new.role = 'owner' and not exists (
      select 1 from {{ tenancy.members_table_sql }} m where m.{{ tenancy.fk_column }} = new.{{ tenancy.fk_column }}
    ) then
      return new;
    end if;
    -- The caller's own membership, added by {{ invitations.accept.private_sql }} in this
    -- transaction, with the role of the invitation it has just marked accepted by them. Nothing
    -- else writes accepted_by, and accepted_at = now() only within the transaction that accepted.
    if caller_role is null and new.user_id = caller and exists (
      select 1 from {{ invitations.table_sql }} i
      where i.{{ tenancy.fk_column }} = new.{{ tenancy.fk_column }} and i.accepted_by = caller and i.role = new.role
        and i.status = 'accepted' and i.accepted_at = now()
    ) then
      return new;
    end if;
    raise exception 'memberships come from creating {{ tenancy.singular | indefinite }} or accepting an invitation'
      using errcode = '42501';
  end if;

  if tg_op = 'UPDATE' then
    if new.{{ tenancy.fk_column }} <> old.{{ tenancy.fk_column }} or new.user_id <> old.user_id then
      raise exception 'a membership cannot move to another {{ tenancy.singular }} or user' using errcode = '42501';
    end if;
    if old.user_id = caller and new.role < old.role then
      raise exception 'nobody can raise their own role' using errcode = '42501';
    end if;
    if caller_role is null or new.role < caller_role or old.role < caller_role then
      raise exception 'only an owner can grant or change the owner role' using errcode = '42501';
    end if;
  end if;

  if tg_op = 'DELETE' then
    -- The whole {{ tenancy.singular }} is being deleted: its memberships go with it.
    if not exists (select 1 from {{ table_sql }} w where w.id = old.{{ tenancy.fk_column }}) then
      return old;
    end if;
    if old.user_id <> caller and (caller_role is null or old.role < caller_role) then
      raise exception 'only an owner can remove an owner' using errcode = '42501';
    end if;
  end if;

  if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner') then
    -- Two owners leaving at once must not each count the other as the owner who stays: lock the
    -- {{ tenancy.singular }} first, so the second waits until the first commits and then counts again.
    -- (`for no key update` does not conflict with the key-share locks foreign key checks take,
    -- so rows keep being added to the {{ tenancy.singular }} meanwhile.)
    perform from {{ table_sql }} w where w.id = old.{{ tenancy.fk_column }} for no key update;
    if not exists (
      select 1 from {{ tenancy.members_table_sql }} m
      where m.{{ tenancy.fk_column }} = old.{{ tenancy.fk_column }} and m.role = 'owner' and m.user_id <> old.user_id
    ) then
      raise exception '{{ tenancy.singular | indefinite }} needs at least one owner' using errcode = '42501';
    end if;
  end if;
  return coalesce(new, old);
end;
$$;

revoke all on function {{ tenancy.guard_fn_sql }}() from public, anon, authenticated;

create trigger guard_roles
before insert or update or delete on {{ tenancy.members_table_sql }}
for each row execute function {{ tenancy.guard_fn_sql }}();

