{% if test.parents %}

-- The rows this table refers to: bare rows the owner can see, in tables that other tests prove.
-- Their own constraints are lifted for the length of this transaction (rolled back at the end),
-- so the rows need nothing but an id and an owner.
create function pg_temp.visible_row(target regclass, row_id uuid)
returns void
language plpgsql
as $fn$
declare
  item record;
  names text := 'id';
  vals text := quote_literal(row_id);
begin
  for item in
    select conname from pg_constraint where conrelid = target and contype in ('c', 'f')
  loop
    execute format('alter table %s drop constraint %I', target, item.conname);
  end loop;
  for item in
    select attname from pg_attribute
    where attrelid = target and attnum > 0 and not attisdropped and attnotnull and attname <> 'id'
  loop
    execute format('alter table %s alter column %I drop not null', target, item.attname);
  end loop;
  for item in
    select attname from pg_attribute
    where attrelid = target and not attisdropped and attname in ('user_id', 'created_by', 'workspace_id')
  loop
    names := names || ', ' || quote_ident(item.attname);
    vals := vals || ', ' || quote_literal(case item.attname
      when 'workspace_id' then '{{ test.workspace }}'
      else '{{ test.owner }}'
    end);
    if item.attname = 'workspace_id' then
      -- Rows of a workspace are visible to its members: make the owner one.
      for item in
        select conname from pg_constraint
        where conrelid = '{{ tenancy.members_table_sql }}'::regclass and contype = 'f'
          and confrelid = '{{ tenancy.table_sql }}'::regclass
      loop
        execute format('alter table {{ tenancy.members_table_sql }} drop constraint %I', item.conname);
      end loop;
      insert into {{ tenancy.members_table_sql }} ({{ tenancy.fk_column }}, user_id, role)
      values ('{{ test.workspace }}', '{{ test.owner }}', 'owner')
      on conflict do nothing;
    end if;
  end loop;
  execute format('insert into %s (%s) values (%s) on conflict do nothing', target, names, vals);
end;
$fn$;

do $$
begin
{% for parent in test.parents %}
  perform pg_temp.visible_row('{{ parent }}', '{{ test.first_parent_row }}');
  perform pg_temp.visible_row('{{ parent }}', '{{ test.second_parent_row }}');
{% endfor %}
end;
$$;
{% endif %}
