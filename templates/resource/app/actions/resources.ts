"use server";

{% if selected.revalidate %}
import { revalidatePath } from "next/cache";

{% endif %}
{{ ts_import(selected.result_imports, imports.action_result) }}
{{ ts_import(["createClient"], imports.server) }}
{% if selected.parse_input %}
{{ ts_import(["parseInput"], imports.form_data) }}
{% endif %}
{{ ts_import(selected.validation_imports, imports.validation) }}
{% if row_decimals %}
{{ ts_import(["type WithDecimals"] + (["withDecimals"] if selected.create or selected.update else []), decimal_import) }}
{% set db_types = ["Tables"] + (["TablesInsert"] if selected.create else []) + (["TablesUpdate"] if selected.update else []) %}
import type { {{ db_types | join(", ") }} } from "{{ imports.types }}";

/** A row as the actions return it: {{ row_decimals.keys }} as exact decimal strings. */
{{ ts_alias("export type " ~ types.row, "WithDecimals", "Tables<\"" ~ table ~ "\">, " ~ row_decimals.keys) }}

/** The columns the actions read: numeric as text, so the decimal comes back exactly. */
{% if ts_fits("const COLUMNS = " ~ row_decimals.columns ~ ";") %}
const COLUMNS = {{ row_decimals.columns }};
{% else %}
const COLUMNS =
  {{ row_decimals.columns }};
{% endif %}
{% if selected.create %}

/** What create writes: the schema's decimal strings, which the database reads exactly. */
{{ ts_alias("const toInsert", "withDecimals", "TablesInsert<\"" ~ table ~ "\">, " ~ row_decimals.keys) }}
{% endif %}
{% if selected.update %}

/** What update writes: the schema's decimal strings, which the database reads exactly. */
{{ ts_alias("const toUpdate", "withDecimals", "TablesUpdate<\"" ~ table ~ "\">, " ~ row_decimals.keys) }}
{% endif %}
{% else %}
import type { Tables } from "{{ imports.types }}";

{{ ts_alias("export type " ~ types.row, "Tables", "\"" ~ table ~ "\"") }}
{% endif %}
{% if selected.create %}

/** {{ create_doc }} */
{{ ts_signature("export async function " ~ actions.create, ["input: " ~ types.create_input ~ " | FormData"], "Promise<ActionResult<" ~ types.row ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

{{ ts_call(2, "const parsed = ", "parseInput", [schemas.create, "input", form_fields], ";") }}
  if (!parsed.success) return invalid(parsed.error);

{% if access.kind == "tenant-root" %}
  // The creator becomes a member when the insert statement ends, so the row is read back
  // afterwards instead of being returned by the insert.
  const id = crypto.randomUUID();
  const { error: insertError } = await supabase
    .from("{{ table }}")
{% if row_decimals %}
    .insert(toInsert({ ...parsed.data, id, created_by: auth.claims.sub }));
{% else %}
    .insert({ ...parsed.data, id, created_by: auth.claims.sub });
{% endif %}
  if (insertError) return fromDatabaseError(insertError);

  const { data, error } = await supabase
    .from("{{ table }}")
    .select({{ "COLUMNS" if row_decimals else "" }})
    .eq("id", id)
    .single();
  if (error) return fromDatabaseError(error);
{% elif access.kind == "workspace" %}
  // Row level security rejects a workspace the caller may not write to.
  const { data, error } = await supabase
    .from("{{ table }}")
    .insert({{ "toInsert(parsed.data)" if row_decimals else "parsed.data" }})
    .select({{ "COLUMNS" if row_decimals else "" }})
    .single();
  if (error) return fromDatabaseError(error);
{% else %}
  const { data, error } = await supabase
    .from("{{ table }}")
{% if row_decimals %}
    .insert(toInsert({ ...parsed.data, {{ owner_column }}: auth.claims.sub }))
{% else %}
    .insert({ ...parsed.data, {{ owner_column }}: auth.claims.sub })
{% endif %}
    .select({{ "COLUMNS" if row_decimals else "" }})
    .single();
  if (error) return fromDatabaseError(error);
{% endif %}

  revalidatePath("{{ route }}");
  return ok(data);
}
{% endif %}
{% if selected.update %}

/** {{ update_doc }} */
{{ ts_signature("export async function " ~ actions.update, ["id: string", "input: " ~ types.update_input ~ " | FormData"], "Promise<ActionResult<" ~ types.row ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = {{ schemas.id }}.safeParse(id);
  if (!parsedId.success) return invalid(parsedId.error);
{{ ts_call(2, "const parsed = ", "parseInput", [schemas.update, "input", form_fields], ";") }}
  if (!parsed.success) return invalid(parsed.error);

  const { data, error } = await supabase
    .from("{{ table }}")
    .update({{ "toUpdate(parsed.data)" if row_decimals else "parsed.data" }})
    .eq("id", parsedId.data)
    .select({{ "COLUMNS" if row_decimals else "" }})
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

  revalidatePath("{{ route }}");
  revalidatePath(`{{ route }}/${data.id}`);
  return ok(data);
}
{% endif %}
{% if selected.delete %}

/** {{ delete_doc }} */
{{ ts_signature("export async function " ~ actions.delete, ["id: string"], "Promise<ActionResult<{ id: string }>>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = {{ schemas.id }}.safeParse(id);
  if (!parsedId.success) return invalid(parsedId.error);

  const { data, error } = await supabase
    .from("{{ table }}")
    .delete()
    .eq("id", parsedId.data)
    .select("id")
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

  revalidatePath("{{ route }}");
  revalidatePath(`{{ route }}/${data.id}`);
  return ok(data);
}
{% endif %}
{% if selected.get %}

/** {{ read_doc.get }} */
{{ ts_signature("export async function " ~ actions.get, ["id: string"], "Promise<ActionResult<" ~ types.row ~ ">>") }}
  const supabase = await createClient();
{% if access.kind != "public-read" %}
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();
{% endif %}

  const parsedId = {{ schemas.id }}.safeParse(id);
  if (!parsedId.success) return invalid(parsedId.error);

  const { data, error } = await supabase
    .from("{{ table }}")
    .select({{ "COLUMNS" if row_decimals else "" }})
    .eq("id", parsedId.data)
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

  return ok(data);
}
{% endif %}
{% if selected.list %}

/** {{ read_doc.list }} */
{{ ts_signature("export async function " ~ actions.list, ["input: " ~ types.list_input ~ (" = {}" if access.kind != "workspace" else "")], "Promise<ActionResult<Page<" ~ types.row ~ ">>>") }}
  const supabase = await createClient();
{% if access.kind != "public-read" %}
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();
{% endif %}

  const parsed = {{ schemas.list }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
{% if access.kind == "workspace" %}
  const { workspaceId, page, pageSize } = parsed.data;
{% else %}
  const { page, pageSize } = parsed.data;
{% endif %}
  const from = (page - 1) * pageSize;

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

  return ok({ items: data, page, pageSize, total: count ?? 0 });
}
{% endif %}
