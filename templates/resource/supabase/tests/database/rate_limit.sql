{% set limiter = rate_limiting.limiter %}
{% set key = rate_limiting.rules[0].action_sql %}

-- The rate limits of {{ table_sql }}: each caller has a budget of their own, spent by every
-- write however it arrives, and nobody reaches anyone's budget but through the limiter.
reset role;
set local request.jwt.claims to '';
select results_eq(
  $$ select action, max_hits, period from {{ limiter.rules_sql }} where action in ({{ rate_limiting.actions_sql }}) order by action $$,
  $$ values {% for r in rate_limiting.rules | sort(attribute="action") %}({{ r.action_sql }}, {{ r.max_hits }}, interval {{ r.period_sql }}){% if not loop.last %}, {% endif %}{% endfor %} $$,
  'the limits of {{ table }} are installed'
);
-- One call an hour for the rest of this transaction (rolled back at the end), from full buckets.
update {{ limiter.rules_sql }} set max_hits = 1, period = interval '1 hour' where action in ({{ rate_limiting.actions_sql }});
delete from {{ limiter.buckets_sql }} where action in ({{ rate_limiting.actions_sql }});

set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
{% if access.kind == "workspace" %}
{% set insert_columns = "id, workspace_id, " ~ test.columns %}
{% set logged_row = "'" ~ test.workspace ~ "', " ~ test.row_values.logged %}
{% set refused_row = "'" ~ test.workspace ~ "', " ~ test.row_values.refused %}
{% set server_row = "'" ~ test.workspace ~ "', " ~ test.row_values.server %}
{% set others_row = "'" ~ test.other_workspace ~ "', " ~ test.row_values.others %}
{% else %}
{% set insert_columns = "id, " ~ test.columns %}
{% set logged_row = test.row_values.logged %}
{% set refused_row = test.row_values.refused %}
{% set server_row = test.row_values.server %}
{% set others_row = test.row_values.others %}
{% endif %}
select lives_ok(
  $$ insert into {{ table_sql }} ({{ insert_columns }}) values ('{{ test.logged_row }}', {{ logged_row }}) $$,
  'a first {{ singular }} is within the budget'
);
{% if rate_limiting.create %}
select throws_ok(
  $$ insert into {{ table_sql }} ({{ insert_columns }}) values ('{{ test.refused_row }}', {{ refused_row }}) $$,
  '{{ limiter.error_sqlstate }}',
  null,
  'a second is refused: one create an hour'
);
select throws_like(
  $$ insert into {{ table_sql }} ({{ insert_columns }}) values ('{{ test.refused_row }}', {{ refused_row }}) $$,
  '%"{{ limiter.error_code }}"%',
  'with the code clients read as HTTP 429'
);
{% endif %}
set local request.jwt.claims to '{"sub":"{{ test.other }}","role":"authenticated"}';
select lives_ok(
  $$ insert into {{ table_sql }} ({{ insert_columns }}) values ('{{ test.others_row }}', {{ others_row }}) $$,
  'another user has a budget of their own'
);
{% if rate_limiting.update %}
select lives_ok(
  $$ update {{ table_sql }} set {{ test.update.keep }} where id = '{{ test.others_row }}' $$,
  'another user updates within their budget'
);

set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
select lives_ok(
  $$ update {{ table_sql }} set {{ test.update.keep }} where id = '{{ test.logged_row }}' $$,
  'an update is within the budget'
);
select throws_ok(
  $$ update {{ table_sql }} set {{ test.update.keep }} where id = '{{ test.logged_row }}' $$,
  '{{ limiter.error_sqlstate }}',
  null,
  'a second is refused: every row updated counts, changed or not'
);
{% endif %}
{% if rate_limiting.delete %}

set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
select lives_ok(
  $$ delete from {{ table_sql }} where id = '{{ test.logged_row }}' $$,
  'a delete is within the budget'
);

-- A row trusted server code writes for the owner (no signed-in user: not counted).
reset role;
set local request.jwt.claims to '';
{% if access.kind == "workspace" %}
insert into {{ table_sql }} ({{ insert_columns }}) values ('{{ test.server_row }}', {{ server_row }});
{% elif access.kind == "tenant-root" %}
insert into {{ table_sql }} (id, created_by, {{ test.columns }}) values ('{{ test.server_row }}', '{{ test.owner }}', {{ test.row_values.server }});
{% else %}
insert into {{ table_sql }} (id, {{ owner_column }}, {{ test.columns }}) values ('{{ test.server_row }}', '{{ test.owner }}', {{ test.row_values.server }});
{% endif %}

set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
select throws_ok(
  $$ delete from {{ table_sql }} where id = '{{ test.server_row }}' $$,
  '{{ limiter.error_sqlstate }}',
  null,
  'a second is refused'
);
select is(
  (select count(*)::int from {{ table_sql }} where id = '{{ test.server_row }}'),
  1,
  'and deletes nothing'
);
{% endif %}
{% if rate_limiting.read %}

-- A read limit, which the generated reads ask for.
set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.owner }}","role":"authenticated"}';
select is({{ limiter.check_fn_public_sql }}({{ rate_limiting.read }}), 0, 'a read within the budget waits 0 seconds');
select cmp_ok({{ limiter.check_fn_public_sql }}({{ rate_limiting.read }}), '>', 0, 'the next one is told how long to wait');
set local request.jwt.claims to '{"sub":"{{ test.other }}","role":"authenticated"}';
select is({{ limiter.check_fn_public_sql }}({{ rate_limiting.read }}), 0, 'another user''s reads are counted apart');

-- Anonymous reads, per client address, asked for by the server with the service role.
set local role service_role;
set local request.jwt.claims to '{"role":"service_role"}';
select is({{ limiter.check_ip_fn_public_sql }}({{ rate_limiting.read }}, '203.0.113.7'), 0, 'a first read from an address is within the budget');
select cmp_ok({{ limiter.check_ip_fn_public_sql }}({{ rate_limiting.read }}, '203.0.113.7'), '>', 0, 'a second is not');
select is({{ limiter.check_ip_fn_public_sql }}({{ rate_limiting.read }}, '203.0.113.8'), 0, 'another address has a budget of its own');
select is({{ limiter.check_ip_fn_public_sql }}({{ rate_limiting.read }}, '2001:db8::1'), 0, 'an IPv6 address is within the budget');
select cmp_ok({{ limiter.check_ip_fn_public_sql }}({{ rate_limiting.read }}, '2001:db8::2'), '>', 0, 'another address of its /64 shares it');
{% endif %}

-- Nobody reaches a budget but through the limiter, which counts the caller and nobody else.
set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ test.other }}","role":"authenticated"}';
select throws_ok(
  $$ insert into {{ limiter.buckets_sql }} (action, subject, tat, sweep_at) values ({{ key }}, 'user:{{ test.owner }}', now() + interval '1 day', now() + interval '1 day') $$,
  '42501',
  null,
  'a signed-in user cannot spend another user''s budget'
);
select throws_ok(
  $$ delete from {{ limiter.buckets_sql }} $$,
  '42501',
  null,
  'nor reset budgets'
);
select throws_ok(
  $$ select * from {{ limiter.buckets_sql }} $$,
  '42501',
  null,
  'nor read them'
);
select throws_ok(
  $$ update {{ limiter.rules_sql }} set max_hits = 1000000 $$,
  '42501',
  null,
  'nor change the limits'
);
select throws_ok(
  $$ select {{ limiter.check_ip_fn_public_sql }}({{ key }}, '203.0.113.9') $$,
  '42501',
  null,
  'nor name a client address'
);
set local role service_role;
set local request.jwt.claims to '{"role":"service_role"}';
select throws_ok(
  $$ delete from {{ limiter.buckets_sql }} $$,
  '42501',
  null,
  'the service role cannot reset budgets either'
);
set local role anon;
set local request.jwt.claims to '{"role":"anon"}';
select throws_ok(
  $$ select {{ limiter.check_fn_public_sql }}({{ key }}) $$,
  '42501',
  null,
  'an anonymous caller has no budget to ask about'
);

-- The limits as installed, full budgets and none of the rows written here, for the rest of the
-- test.
reset role;
set local request.jwt.claims to '';
{% for r in rate_limiting.rules %}
update {{ limiter.rules_sql }} set max_hits = {{ r.max_hits }}, period = interval {{ r.period_sql }} where action = {{ r.action_sql }};
{% endfor %}
delete from {{ limiter.buckets_sql }} where action in ({{ rate_limiting.actions_sql }});
{% if access.kind != "tenant-root" %}
delete from {{ table_sql }} where id in ('{{ test.logged_row }}', '{{ test.refused_row }}', '{{ test.others_row }}', '{{ test.server_row }}');
{% endif %}
