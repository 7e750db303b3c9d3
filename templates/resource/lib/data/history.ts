{#- The body of a read of log entries: those whose `column` equals the TypeScript `value`,
    newest first, `limit` of them before the id `before`, and the id the next page starts at. -#}
{% macro entries_page(column, value) %}
  const userId = await getUserId();
  if (!userId) return unauthorized();

  const supabase = await getSupabase();
  let query = supabase
    .from("{{ history.table }}")
    .select()
    .eq("{{ column }}", {{ value }})
    .order("id", { ascending: false })
    .limit(limit + 1);
  if (before !== undefined) query = query.lt("id", before);
  const { data, error } = await query;
  if (error) return fromDatabaseError(error);

  const items = data.slice(0, limit);
  return ok({ items, next: data.length > limit ? items[limit - 1]!.id : null });
{% endmacro %}
{% if history.of_workspace %}
{% set activity_params = ["workspaceId: string", "before: number | undefined", "limit: number"] %}
{% set activity_args = ["workspaceId", "before", "limit"] %}
{% else %}
{% set activity_params = ["before: number | undefined", "limit: number"] %}
{% set activity_args = ["before", "limit"] %}
{% endif %}
{% set entries = "Promise<ActionResult<CursorPage<" ~ history.entry_type ~ ">>>" %}

{{ ts_signature("async function " ~ history.history_query, ["id: string", "before: number | undefined", "limit: number"], entries) }}
{{ entries_page("row_id", "id") }}}

{{ ts_call(0, "const " ~ history.history_cached ~ " = ", "cache", [history.history_query], ";") }}

/**
{% if history.outlives_rows %}
 * The history of one {{ singular }}, newest first, a page at a time: who changed what, and when,
 * also after the {{ singular }} is deleted.
{% else %}
 * The history of one {{ singular }}, newest first, a page at a time: who changed what, and when.
{% endif %}
 * Who reads it: {{ history.readers }}.
 */
{{ ts_signature("export async function " ~ history.history, ["id: string", "input: " ~ history.history_input ~ " = {}"], entries) }}
  const parsedId = {{ schemas.id }}.safeParse(id);
  if (!parsedId.success) return invalid(parsedId.error);
  const parsed = {{ history.history_schema }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { before, limit } = parsed.data;
{{ ts_call(2, "return ", history.history_cached, ["parsedId.data", "before", "limit"], ";") }}
}

{{ ts_signature("async function " ~ history.activity_query, activity_params, entries) }}
{{ entries_page(history.scope_column, "workspaceId" if history.of_workspace else "userId") }}}

{{ ts_call(0, "const " ~ history.activity_cached ~ " = ", "cache", [history.activity_query], ";") }}

{% if history.of_workspace %}
/**
 * The recent changes to {{ table | replace("_", " ") }} in a workspace, newest first, a page at a time.
 * Who reads them: {{ history.readers }}.
 */
{% else %}
/** The signed-in user's recent changes to their {{ table | replace("_", " ") }}, newest first, a page at a time. */
{% endif %}
{{ ts_signature("export async function " ~ history.activity, ["input: " ~ history.activity_input ~ (" = {}" if not history.of_workspace else "")], entries) }}
  const parsed = {{ history.activity_schema if history.of_workspace else history.history_schema }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
{% if history.of_workspace %}
  const { workspaceId, before, limit } = parsed.data;
{% else %}
  const { before, limit } = parsed.data;
{% endif %}
{{ ts_call(2, "return ", history.activity_cached, activity_args, ";") }}
}
