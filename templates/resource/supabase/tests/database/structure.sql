select has_table('public', {{ table | sql_string }}, '{{ table }} exists');
select ok(
  (select relrowsecurity from pg_class where oid = '{{ table_sql }}'::regclass),
  'row level security is enabled on {{ table }}'
);
select policies_are(
  'public',
  {{ table | sql_string }},
  array[{{ test.policy_names }}],
  '{{ table }} has exactly the generated policies'
);
