{# Storage buckets, laid out the same way by a create migration and an alter: a bucket from
   src/schema/storage.rs. #}
{% macro create_bucket(b) %}
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ({{ b.id_sql }}, {{ b.id_sql }}, false, {{ b.file_size_limit }}, {{ b.allowed_mime_types_sql }});
{% endmacro %}
{% macro update_bucket(b) %}
-- {{ b.column }}: at most {{ b.file_size_limit }} bytes, of {{ b.allowed_mime_types | join(", ") }}.
-- Storage checks a bucket's limits when an upload's bytes arrive: the objects there stay.
update storage.buckets
set file_size_limit = {{ b.file_size_limit }}, allowed_mime_types = {{ b.allowed_mime_types_sql }}
where id = {{ b.id_sql }};
{% endmacro %}
{% macro drop_bucket(b) %}
-- Bucket {{ b.id }} is dropped only empty: an object's bytes live in Storage, outside the
-- database, and deleting its row here would orphan them. So this stops the migration while it
-- holds objects; empty it through the Storage API first (the dashboard, or
-- `storage.emptyBucket(id)` with the secret key). Storage refuses direct deletes
-- (storage.protect_delete) unless the transaction allows them, as the Storage API does.
do $$
declare
  allowed text := current_setting('storage.allow_delete_query', true);
begin
  if exists (select from storage.objects where bucket_id = {{ b.id_sql }}) then
    raise exception 'bucket % still holds objects: dropping it would orphan their bytes', {{ b.id_sql }}
      using hint = 'Empty it through the Storage API (the dashboard, or storage.emptyBucket with the secret key), then run the migration again.';
  end if;
  perform set_config('storage.allow_delete_query', 'true', true);
  delete from storage.buckets where id = {{ b.id_sql }};
  perform set_config('storage.allow_delete_query', coalesce(allowed, ''), true);
end;
$$;
{% endmacro %}
