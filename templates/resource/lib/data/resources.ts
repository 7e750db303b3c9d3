import "server-only";

import { cache } from "react";

{{ ts_import(selected.data_imports.result, imports.action_result) }}
{{ ts_import(selected.data_imports.auth, imports.data_auth) }}
{% if selected.data_imports.rate_limit %}
{{ ts_import(selected.data_imports.rate_limit, imports.data_rate_limit) }}
{% endif %}
{% if uploads %}
{{ ts_import(selected.data_imports.storage, uploads.storage_import) }}
{% endif %}
{% if selected.list %}
{{ ts_import(list.data_imports, imports.list) }}
{% endif %}
{{ ts_import(selected.data_imports.validation, imports.validation) }}
{% if row_columns %}

{% if row_decimals and list.search and list.search.words %}
/** The columns the reads select: numeric as text, for exact decimals; never search_vector. */
{% elif row_decimals %}
/** The columns the reads select: numeric as text, so the decimal comes back exactly. */
{% else %}
/** The columns the reads select: all but search_vector, which only searches read. */
{% endif %}
{% if ts_fits("const COLUMNS = " ~ row_columns ~ ";") %}
const COLUMNS = {{ row_columns }};
{% else %}
const COLUMNS =
  {{ row_columns }};
{% endif %}
{% endif %}
{% if selected.get %}

{{ ts_signature("async function " ~ actions.get_query, ["id: string"], "Promise<ActionResult<" ~ types.read_row ~ ">>") }}
{% if access.kind != "public-read" %}
  const userId = await getUserId();
  if (!userId) return unauthorized();

{% endif %}
  const parsedId = {{ schemas.id }}.safeParse(id);
  if (!parsedId.success) return invalid(parsedId.error);
{% if rate_limiting and rate_limiting.get_key %}

{% if access.kind == "public-read" %}
  const limited = await limitRead({{ rate_limiting.get_key | ts_string }}, await getUserId());
{% else %}
  const limited = await limitRead({{ rate_limiting.get_key | ts_string }}, userId);
{% endif %}
  if (limited) return limited;
{% endif %}

  const supabase = await getSupabase();
  const { data, error } = await supabase
    .from("{{ table }}")
    .select({{ "COLUMNS" if row_columns else "" }})
    .eq("id", parsedId.data)
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

{% if uploads %}
{{ ts_call(2, "return ok(", "await withSignedUrl", ["supabase.storage", uploads.map, "data"], ");") }}
{% else %}
  return ok(data);
{% endif %}
}

/**
 * {{ read_doc.get }}
 * Calls with the same id in one request share one query (React's `cache`).
 */
{{ ts_call(0, "export const " ~ actions.get ~ " = ", "cache", [actions.get_query], ";") }}
{% endif %}
{% if selected.list %}
{% if list.search %}

/** Where a search looks: {{ list.search.prose }}. */
const SEARCH: SearchFields = {
{% if list.search.words %}
  words: { column: "{{ list.search.words }}", config: "{{ list.search.config }}" },
{% endif %}
{% if list.search.substrings %}
{% set items = list.search.substrings | map("ts_string") | join(", ") %}
{% if ts_fits("  substrings: [" ~ items ~ "],") %}
  substrings: [{{ items }}],
{% else %}
  substrings: [
{% for c in list.search.substrings %}
    {{ c | ts_string }},
{% endfor %}
  ],
{% endif %}
{% endif %}
};
{% endif %}

{{ ts_signature("async function " ~ actions.list_query, ["query: " ~ list.query_type], "Promise<ActionResult<Page<" ~ types.read_row ~ ">>>") }}
{% if access.kind != "public-read" %}
  const userId = await getUserId();
  if (!userId) return unauthorized();

{% endif %}
{% if rate_limiting and rate_limiting.list_key %}
{% if access.kind == "public-read" %}
  const limited = await limitRead({{ rate_limiting.list_key | ts_string }}, await getUserId());
{% else %}
  const limited = await limitRead({{ rate_limiting.list_key | ts_string }}, userId);
{% endif %}
  if (limited) return limited;

{% endif %}
  const ascending = query.direction === "asc";
  const supabase = await getSupabase();
  let request = supabase
    .from("{{ table }}")
    .select({{ "COLUMNS" if row_columns else '"*"' }}, { count: query.total })
{% if access.kind == "workspace" %}
    .eq("workspace_id", query.workspaceId)
{% endif %}
    .order(query.sort, { ascending })
    .order("id", { ascending })
    .limit(query.pageSize + 1);
{% for f in list.filters %}
{% set value = "query.filter." ~ f.column %}
{% if f.kind == "range" %}
{% for bound, op in [("from", "gte"), ("to", "lte")] %}
{% set condition = "query.filter?." ~ f.column ~ "?." ~ bound ~ " !== undefined" %}
{% if ts_fits("  if (" ~ condition ~ ") {") %}
  if ({{ condition }}) {
{% else %}
  if (
    {{ condition }}
  ) {
{% endif %}
{% if f.in_or %}
{{ ts_call(4, "request = ", "request.or", ["`" ~ f.column ~ "." ~ op ~ ".${JSON.stringify(" ~ value ~ "." ~ bound ~ ")}`"], ";") }}
{% else %}
{{ ts_call(4, "request = ", "request." ~ op, ["\"" ~ f.column ~ "\"", value ~ "." ~ bound], ";") }}
{% endif %}
  }
{% endfor %}
{% else %}
{% set condition = "query.filter?." ~ f.column ~ " !== undefined" %}
{% if ts_fits("  if (" ~ condition ~ ") {") %}
  if ({{ condition }}) {
{% else %}
  if (
    {{ condition }}
  ) {
{% endif %}
{% if f.in_or %}
    // PostgREST reads `?{{ f.column }}=` as its own parameter: inside `or` it is a column.
{{ ts_call(4, "request = ", "request.or", ["`" ~ f.column ~ ".eq.${JSON.stringify(" ~ value ~ ")}`"], ";") }}
{% else %}
{{ ts_call(4, "request = ", "request.eq", ["\"" ~ f.column ~ "\"", value], ";") }}
{% endif %}
  }
{% endif %}
{% endfor %}
{% if list.search %}
  if (query.search !== undefined) {
    request = request.or(searchFilter(query.search, SEARCH));
  }
{% endif %}
  if (query.after !== undefined) {
    const [bound, past] = keyset(query.after);
    request = request.or(bound).or(past);
  }
  const { data, error, count } = await request;
  if (error) return fromDatabaseError(error);

{% if uploads %}
  const page = toPage(data, query, count);
{{ ts_call(2, "const items = ", "await withSignedUrls", ["supabase.storage", uploads.map, "page.items"], ";") }}
  return ok({ ...page, items });
{% else %}
  return ok(toPage(data, query, count));
{% endif %}
}

/**
 * Reads of the same page in one request share one query. `cache` compares arguments by
 * identity, so the parsed input travels as its JSON text.
 */
{% set cached_line = "const " ~ actions.list_cached ~ " = cache((query: string) => " ~ actions.list_query ~ "(JSON.parse(query)));" %}
{% if ts_fits(cached_line) %}
{{ cached_line }}
{% else %}
const {{ actions.list_cached }} = cache((query: string) =>
  {{ actions.list_query }}(JSON.parse(query)),
);
{% endif %}

/** {{ read_doc.list }} */
{{ ts_signature("export async function " ~ actions.list, ["input: " ~ types.list_input ~ (" = {}" if access.kind != "workspace" else "")], "Promise<ActionResult<Page<" ~ types.read_row ~ ">>>") }}
  const parsed = {{ schemas.list }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  return {{ actions.list_cached }}(JSON.stringify(parsed.data));
}
{% endif %}
{% if history %}
{% include "resource/lib/data/history.ts" %}
{% endif %}
