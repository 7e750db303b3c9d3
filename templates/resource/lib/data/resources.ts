import "server-only";

import { cache } from "react";

{{ ts_import(selected.data_imports.result, imports.action_result) }}
{{ ts_import(selected.data_imports.auth, imports.data_auth) }}
{% if uploads %}
{{ ts_import(selected.data_imports.storage, uploads.storage_import) }}
{% endif %}
{{ ts_import(selected.data_imports.validation, imports.validation) }}
{% if row_decimals %}

/** The columns the reads select: numeric as text, so the decimal comes back exactly. */
{% if ts_fits("const COLUMNS = " ~ row_decimals.columns ~ ";") %}
const COLUMNS = {{ row_decimals.columns }};
{% else %}
const COLUMNS =
  {{ row_decimals.columns }};
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

  const supabase = await getSupabase();
  const { data, error } = await supabase
    .from("{{ table }}")
    .select({{ "COLUMNS" if row_decimals else "" }})
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
{% if access.kind == "workspace" %}
{% set page_params = ["workspaceId: string", "page: number", "pageSize: number"] %}
{% set page_args = ["workspaceId", "page", "pageSize"] %}
{% else %}
{% set page_params = ["page: number", "pageSize: number"] %}
{% set page_args = ["page", "pageSize"] %}
{% endif %}

{{ ts_signature("async function " ~ actions.list_query, page_params, "Promise<ActionResult<Page<" ~ types.read_row ~ ">>>") }}
{% if access.kind != "public-read" %}
  const userId = await getUserId();
  if (!userId) return unauthorized();

{% endif %}
  const from = (page - 1) * pageSize;
  const supabase = await getSupabase();
  const { data, error, count } = await supabase
    .from("{{ table }}")
    .select({{ "COLUMNS" if row_decimals else '"*"' }}, { count: "exact" })
{% if access.kind == "workspace" %}
    .eq("workspace_id", workspaceId)
{% endif %}
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .range(from, from + pageSize - 1);
  if (error) return fromDatabaseError(error);

{% if uploads %}
{{ ts_call(2, "const items = ", "await withSignedUrls", ["supabase.storage", uploads.map, "data"], ";") }}
  return ok({ items, page, pageSize, total: count ?? 0 });
{% else %}
  return ok({ items: data, page, pageSize, total: count ?? 0 });
{% endif %}
}

/** Calls for the same page in one request share one query (`cache` compares each argument). */
{{ ts_call(0, "const " ~ actions.list_cached ~ " = ", "cache", [actions.list_query], ";") }}

/** {{ read_doc.list }} */
{{ ts_signature("export async function " ~ actions.list, ["input: " ~ types.list_input ~ (" = {}" if access.kind != "workspace" else "")], "Promise<ActionResult<Page<" ~ types.read_row ~ ">>>") }}
  const parsed = {{ schemas.list }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
{% if access.kind == "workspace" %}
  const { workspaceId, page, pageSize } = parsed.data;
{% else %}
  const { page, pageSize } = parsed.data;
{% endif %}
{{ ts_call(2, "return ", actions.list_cached, page_args, ";") }}
}
{% endif %}
