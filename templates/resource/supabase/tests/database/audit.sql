
-- The audit log, {{ audit.table_sql }}: what one row's life leaves in it, who reads it, and that
-- nobody writes it but the triggers.
reset role;
select has_table('public', {{ audit.table | sql_string }}, '{{ audit.table }} exists');
select ok(
  (select relrowsecurity from pg_class where oid = '{{ audit.table_sql }}'::regclass),
  'row level security is enabled on {{ audit.table }}'
);
select policies_are(
  'public',
  {{ audit.table | sql_string }},
  array[{{ audit.policy_names }}],
  '{{ audit.table }} has exactly the generated policies'
);

set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';

{% if access.kind == "workspace" %}
insert into {{ table_sql }} (id, workspace_id, {{ test.columns }}) values ('{{ test.logged_row }}', '{{ test.workspace }}', {{ test.row_values.logged }});
{% else %}
insert into {{ table_sql }} (id, {{ test.columns }}) values ('{{ test.logged_row }}', {{ test.row_values.logged }});
{% endif %}
select is(
  (select new_values from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' and operation = 'insert'),
  (select to_jsonb(t){% if audit.omitted_sql %} - {{ audit.omitted_sql }}{% endif %}{% if audit.sensitive_sql %} - {{ audit.sensitive_sql }}{% endif %} from {{ table_sql }} t where id = '{{ test.logged_row }}'),
  'an insert is logged with the whole row{% if audit.sensitive %}, but for the values of {{ audit.sensitive | join(", ") }}{% endif %}'
);
{% if access.kind == "tenant-root" %}
-- A plain member of the new {{ tenancy.singular }}: as the database owner, since nobody joins but by
-- creating it or accepting an invitation.
reset role;
set local request.jwt.claims to '';
insert into {{ tenancy.members_table_sql }} ({{ tenancy.fk_column }}, user_id, role) values ('{{ test.logged_row }}', '{{ test.member }}', 'member');
set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
{% endif %}
update {{ table_sql }} set {{ test.update.set }} where id = '{{ test.logged_row }}';
select is(
  (select row(changed, old_values, new_values)::text from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' and operation = 'update'),
{% if test.first_sensitive %}
  row(array[{{ test.first_column }}], '{}'::jsonb, '{}'::jsonb)::text,
  'an update is logged with the columns it changed, without the values of a sensitive one'
{% else %}
  (select row(
     array[{{ test.first_column }}],
     jsonb_build_object({{ test.first_column }}, (select new_values from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' and operation = 'insert') -> {{ test.first_column }}),
     jsonb_build_object({{ test.first_column }}, to_jsonb(t) -> {{ test.first_column }})
   )::text from {{ table_sql }} t where id = '{{ test.logged_row }}'),
  'an update is logged with the columns it changed, before and after'
{% endif %}
);
update {{ table_sql }} set {{ test.update.keep }} where id = '{{ test.logged_row }}';
select is(
  (select count(*)::int from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' and operation = 'update'),
  1,
  'an update that changes nothing is not logged'
);

-- Readers: {{ audit.policy.name }}, nobody else.
set local request.jwt.claims to '{"sub":"{{ test.other }}","role":"authenticated"}';
select is_empty(
  $$ select id from {{ audit.table_sql }} $$,
  'another user reads none of the log'
);
{% if access.kind == "workspace" or access.kind == "tenant-root" %}
set local request.jwt.claims to '{"sub":"{{ test.member }}","role":"authenticated"}';
select is_empty(
  $$ select id from {{ audit.table_sql }} $$,
  'a plain member of the {{ tenancy.singular }} reads none of its log'
);
{% endif %}
select throws_ok(
  $$ insert into {{ audit.table_sql }} (row_id, {{ audit.scope_column | ident }}, operation, changed, actor_role) values ('{{ test.logged_row }}', '{% if access.kind == "workspace" %}{{ test.workspace }}{% elif access.kind == "tenant-root" %}{{ test.logged_row }}{% else %}{{ test.owner }}{% endif %}', 'delete', '{}', 'authenticated') $$,
  '42501',
  null,
  'a signed-in user cannot write the log'
);
set local role anon;
set local request.jwt.claims to '{"role":"anon"}';
select throws_ok(
  $$ select id from {{ audit.table_sql }} $$,
  '42501',
  null,
  'an anonymous caller cannot read the log{% if access.kind == "public-read" %}: the rows are public, their history is not{% endif %}'
);

set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
select throws_ok(
  $$ update {{ audit.table_sql }} set actor_id = null where row_id = '{{ test.logged_row }}' $$,
  '42501',
  null,
  'not even the row''s owner can change its log'
);
select throws_ok(
  $$ delete from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' $$,
  '42501',
  null,
  'nor delete it'
);
delete from {{ table_sql }} where id = '{{ test.logged_row }}';
select is(
  (select old_values - 'updated_at' from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' and operation = 'delete'),
  (select (i.new_values || u.new_values) - 'updated_at'
   from {{ audit.table_sql }} i, {{ audit.table_sql }} u
   where i.row_id = '{{ test.logged_row }}' and i.operation = 'insert'
     and u.row_id = '{{ test.logged_row }}' and u.operation = 'update'),
  'a delete is logged with the whole row'
);
{% if access.kind == "tenant-root" %}
select is_empty(
  $$ select id from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' $$,
  'once the {{ tenancy.singular }} is gone, nobody is its admin: its log stays, read by the service role only'
);
{% endif %}

-- The service role reads the log, and writes it no more than anyone.
set local role service_role;
set local request.jwt.claims to '{"role":"service_role"}';
select results_eq(
  $$ select operation, actor_id, actor_role, changed from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}' order by id $$,
  $$ values
    ('insert', '{{ test.owner }}'::uuid, 'authenticated', {{ test.all_columns }}),
    ('update', '{{ test.owner }}'::uuid, 'authenticated', array[{{ test.first_column }}]),
    ('delete', '{{ test.owner }}'::uuid, 'authenticated', {{ test.all_columns }}) $$,
  'the log keeps the deleted row''s history: who did what, in order'
);
select throws_ok(
  $$ delete from {{ audit.table_sql }} $$,
  '42501',
  null,
  'the service role cannot delete the log'
);
select throws_ok(
  $$ update {{ audit.table_sql }} set changed = '{}' $$,
  '42501',
  null,
  'nor change it'
);
{% if access.kind != "tenant-root" %}

set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
select is(
  (select count(*)::int from {{ audit.table_sql }} where row_id = '{{ test.logged_row }}'),
  3,
  '{% if access.kind == "workspace" %}a workspace owner reads the history of a deleted row of its workspace{% else %}the owner reads the history of their deleted row{% endif %}'
);
{% endif %}
