{# The files of file fields, in every access mode: who uploads, reads and removes objects in the
   resource's buckets, and what nobody can do. Storage runs a request's SQL as the caller, under
   row level security, and allows deletes in its own transactions (storage.allow_delete_query). #}

-- Files: each bucket is private and keeps its limits; the objects in a row's folder are read,
-- uploaded and deleted by those who read and write the row. The folder here:
-- {{ files.folder }}.
reset role;
set local storage.allow_delete_query to 'true';
insert into storage.buckets (id, name) values ('scaffold-pgtap-elsewhere', 'scaffold-pgtap-elsewhere');
{% for p in files.policies %}
select policy_cmd_is(
  'storage', 'objects', {{ p.name_sql }}, '{{ p.command }}',
  {{ (p.name ~ " is for " ~ p.command) | sql_string }}
);
select policy_roles_are(
  'storage', 'objects', {{ p.name_sql }}, {{ p.roles_sql }},
  {{ (p.name ~ " applies to " ~ p.roles) | sql_string }}
);
{% endfor %}
{% for b in files.buckets %}
select results_eq(
  $$ select public, file_size_limit, allowed_mime_types from storage.buckets where id = {{ b.id_sql }} $$,
  $$ values (false, {{ b.file_size_limit }}::bigint, {{ b.allowed_mime_types_sql }}::text[]) $$,
  'bucket {{ b.id }} is private and takes at most {{ b.file_size_limit }} bytes of {{ b.allowed_mime_types | join(", ") }}'
);
{% endfor %}
{% if files.public %}
-- A row that refers to its files, so that they are public.
insert into {{ table_sql }} (id, {{ owner_column }}, {{ test.columns }})
values ('{{ test.row }}', '{{ files.writer }}', {{ test.values }});
{% endif %}

-- Someone who may write the row's folder.
set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ files.writer }}","role":"authenticated"}';

{% for b in files.buckets %}
select lives_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values
     ({{ b.id_sql }}, '{{ files.folder }}/{{ test.object }}', '{{ files.writer }}'),
     ({{ b.id_sql }}, '{{ files.folder }}/{{ test.stray_object }}', '{{ files.writer }}') $$,
  '{{ b.column }}: a writer uploads to the row''s folder'
);
select throws_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values ({{ b.id_sql }}, '{{ files.outsider_folder }}/{{ test.object }}', '{{ files.writer }}') $$,
  '42501',
  null,
  '{{ b.column }}: nobody uploads to a folder they may not write'
);
select throws_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values ({{ b.id_sql }}, '{{ files.folder }}/photo.png', '{{ files.writer }}') $$,
  '42501',
  null,
  '{{ b.column }}: objects have generated names, never an uploader''s'
);
select throws_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values ('scaffold-pgtap-elsewhere', '{{ files.folder }}/{{ test.object }}', '{{ files.writer }}') $$,
  '42501',
  null,
  '{{ b.column }}: the policies open no other bucket'
);
-- Nobody overwrites, renames or moves an object, not even its writer: there is no update policy.
update storage.objects set metadata = '{"size": 1}' where bucket_id = {{ b.id_sql }};
update storage.objects set name = '{{ files.folder }}/{{ test.other_object }}' where bucket_id = {{ b.id_sql }};
update storage.objects set bucket_id = 'scaffold-pgtap-elsewhere' where bucket_id = {{ b.id_sql }};
select set_eq(
  $$ select name, metadata from storage.objects where bucket_id = {{ b.id_sql }} $$,
  $$ values ('{{ files.folder }}/{{ test.object }}', null::jsonb), ('{{ files.folder }}/{{ test.stray_object }}', null::jsonb) $$,
  '{{ b.column }}: the writer sees the folder''s objects, unchanged by updates'
);
{% if files.insert_columns %}
select throws_ok(
  $$ insert into {{ table_sql }} ({{ files.insert_columns }}) values ({{ b.outside_values }}) $$,
  '23514',
  null,
  '{{ b.column }}: a row refers only to objects in its own folder'
);
{% endif %}
{% endfor %}
-- Nor does anyone signed in change a bucket (checked at the end) or create one.
update storage.buckets set file_size_limit = null, allowed_mime_types = null;
select throws_ok(
  $$ insert into storage.buckets (id, name) values ('scaffold-pgtap-mine', 'scaffold-pgtap-mine') $$,
  '42501',
  null,
  'signed-in users create no bucket'
);
{% if files.reader %}

-- Someone who reads the folder{% if not files.reader_writes %} and may not write it{% endif %}.
set local request.jwt.claims to '{"sub":"{{ files.reader }}","role":"authenticated"}';

{% for b in files.buckets %}
select set_eq(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} $$,
  $$ values ('{{ files.folder }}/{{ test.object }}'), ('{{ files.folder }}/{{ test.stray_object }}') $$,
  '{{ b.column }}: a reader sees the folder''s objects'
);
{% if not files.reader_writes %}
select throws_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values ({{ b.id_sql }}, '{{ files.folder }}/{{ test.other_object }}', '{{ files.reader }}') $$,
  '42501',
  null,
  '{{ b.column }}: a reader without the write role cannot upload'
);
delete from storage.objects where bucket_id = {{ b.id_sql }};
{% endif %}
{% endfor %}
{% if not files.reader_writes %}
delete from storage.objects;
{% endif %}
{% endif %}

-- An outsider.
set local request.jwt.claims to '{"sub":"{{ files.outsider }}","role":"authenticated"}';

{% for b in files.buckets %}
{% if files.public %}
select results_eq(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} $$,
  $$ values ('{{ files.folder }}/{{ test.object }}') $$,
  '{{ b.column }}: anyone reads the object a row refers to, and nothing else of the folder'
);
{% else %}
select is_empty(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} $$,
  '{{ b.column }}: an outsider lists nothing'
);
{% endif %}
select throws_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values ({{ b.id_sql }}, '{{ files.folder }}/{{ test.other_object }}', '{{ files.outsider }}') $$,
  '42501',
  null,
  '{{ b.column }}: an outsider cannot upload to the folder'
);
select throws_ok(
  $$ insert into storage.objects (bucket_id, name, owner_id) values ({{ b.id_sql }}, '{{ files.folder }}/{{ test.object }}', '{{ files.outsider }}')
     on conflict (name, bucket_id) do update set metadata = excluded.metadata, owner_id = excluded.owner_id $$,
  '42501',
  null,
  '{{ b.column }}: an outsider cannot overwrite an object by upsert'
);
update storage.objects set name = '{{ files.outsider_folder }}/{{ test.object }}' where bucket_id = {{ b.id_sql }};
delete from storage.objects where bucket_id = {{ b.id_sql }};
{% endfor %}
-- Without a WHERE clause too: a statement that reads no column is not filtered by the select
-- policy, so only the delete policy stands in its way (checked below, as the writer).
delete from storage.objects;

-- An anonymous caller.
set local role anon;
set local request.jwt.claims to '{"role":"anon"}';

{% for b in files.buckets %}
{% if files.public %}
select results_eq(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} $$,
  $$ values ('{{ files.folder }}/{{ test.object }}') $$,
  '{{ b.column }}: an anonymous caller reads the object a row refers to, and nothing else'
);
{% else %}
select is_empty(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} $$,
  '{{ b.column }}: an anonymous caller lists nothing'
);
{% endif %}
select throws_ok(
  $$ insert into storage.objects (bucket_id, name) values ({{ b.id_sql }}, '{{ files.folder }}/{{ test.other_object }}') $$,
  '42501',
  null,
  '{{ b.column }}: an anonymous caller cannot upload'
);
delete from storage.objects where bucket_id = {{ b.id_sql }};
{% endfor %}

-- Back to the writer: what the others tried changed nothing; the writer removes the stray object.
set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ files.writer }}","role":"authenticated"}';

{% for b in files.buckets %}
select set_eq(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} $$,
  $$ values ('{{ files.folder }}/{{ test.object }}'), ('{{ files.folder }}/{{ test.stray_object }}') $$,
  '{{ b.column }}: others neither moved nor deleted the folder''s objects'
);
select lives_ok(
  $$ delete from storage.objects where bucket_id = {{ b.id_sql }} and name = '{{ files.folder }}/{{ test.stray_object }}' $$,
  '{{ b.column }}: a writer deletes an object of the folder'
);
select is_empty(
  $$ select name from storage.objects where bucket_id = {{ b.id_sql }} and name = '{{ files.folder }}/{{ test.stray_object }}' $$,
  '{{ b.column }}: the deleted object is gone'
);
{% endfor %}
reset role;
{% for b in files.buckets %}
select results_eq(
  $$ select file_size_limit, allowed_mime_types from storage.buckets where id = {{ b.id_sql }} $$,
  $$ values ({{ b.file_size_limit }}::bigint, {{ b.allowed_mime_types_sql }}::text[]) $$,
  '{{ b.column }}: signed-in users cannot change the bucket''s limits'
);
{% endfor %}
set local role authenticated;
set local request.jwt.claims to '{"sub":"{{ files.writer }}","role":"authenticated"}';
