"use server";

import { revalidatePath } from "next/cache";

{{ ts_import(selected.action_imports.result, imports.action_result) }}
{% if selected.forms %}
{{ ts_import(selected.action_imports.form_state, imports.form_state) }}
{% endif %}
{% if selected.uploads or selected.removes_files %}
{{ ts_import(selected.action_imports.storage, uploads.storage_import) }}
{% endif %}
{{ ts_import(["createClient"], imports.server) }}
{% if selected.forms %}
{{ ts_import(["parseInput"], imports.form_data) }}
{% endif %}
{{ ts_import(selected.action_imports.validation, imports.validation) }}
{% if selected.removes_files and selected.update %}

/** The file columns an update reads first, to remove the objects it replaces. */
{% if ts_fits("const FILE_COLUMNS = " ~ uploads.columns ~ ";") %}
const FILE_COLUMNS = {{ uploads.columns }};
{% else %}
const FILE_COLUMNS =
  {{ uploads.columns }};
{% endif %}
{% endif %}
{% if row_decimals and selected.forms %}
{{ ts_import(["withDecimals"], decimal_import) }}
{% set db_types = (["TablesInsert"] if selected.create else []) + (["TablesUpdate"] if selected.update else []) %}
import type { {{ db_types | join(", ") }} } from "{{ imports.types }}";
{% endif %}
{% if row_columns and selected.forms %}

{% if row_decimals %}
/** The columns create and update read back: numeric as text, so the decimal comes back exactly. */
{% else %}
/** The columns create and update read back: all but search_vector, which only searches read. */
{% endif %}
{% if ts_fits("const COLUMNS = " ~ row_columns ~ ";") %}
const COLUMNS = {{ row_columns }};
{% else %}
const COLUMNS =
  {{ row_columns }};
{% endif %}
{% endif %}
{% if row_decimals and selected.forms %}
{% if selected.create %}

/** What create writes: the schema's decimal strings, which the database reads exactly. */
{{ ts_alias("const toInsert", "withDecimals", "TablesInsert<\"" ~ table ~ "\">, " ~ row_decimals.keys) }}
{% endif %}
{% if selected.update %}

/** What update writes: the schema's decimal strings, which the database reads exactly. */
{{ ts_alias("const toUpdate", "withDecimals", "TablesUpdate<\"" ~ table ~ "\">, " ~ row_decimals.keys) }}
{% endif %}
{% endif %}
{% if selected.create %}

/** {{ create_doc }} */
{{ ts_declare("export async function " ~ actions.create, ["input: " ~ types.create_input], "Promise<ActionResult<" ~ types.row ~ ">>") }}
/**
 * The same, as a form action:
 * `useActionState({{ actions.create }}, initialFormState)`.
 */
{{ ts_declare("export async function " ~ actions.create, ["state: FormState<" ~ types.row ~ ">", "formData: FormData"], "Promise<FormState<" ~ types.row ~ ">>") }}
{{ ts_signature("export async function " ~ actions.create, ["input: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
{{ ts_call(4, "return ", "toFormState", ["await create(formData)", "formData", form_fields], ";") }}
  }
  return create(input);
}

{{ ts_signature("async function create", ["input: unknown"], "Promise<ActionResult<" ~ types.row ~ ">>") }}
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
    .select({{ "COLUMNS" if row_columns else "" }})
    .eq("id", id)
    .single();
  if (error) return fromDatabaseError(error);
{% elif access.kind == "workspace" %}
  // Row level security rejects a workspace the caller may not write to.
  const { data, error } = await supabase
    .from("{{ table }}")
    .insert({{ "toInsert(parsed.data)" if row_decimals else "parsed.data" }})
    .select({{ "COLUMNS" if row_columns else "" }})
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
    .select({{ "COLUMNS" if row_columns else "" }})
    .single();
  if (error) return fromDatabaseError(error);
{% endif %}

  revalidatePath("{{ route }}");
  return ok(data);
}
{% endif %}
{% if selected.update %}

/** {{ update_doc }} */
{{ ts_declare("export async function " ~ actions.update, ["id: string", "input: " ~ types.update_input], "Promise<ActionResult<" ~ types.row ~ ">>") }}
/**
 * The same, as a form action:
 * `useActionState({{ actions.update }}.bind(null, id), initialFormState)`.
 */
{{ ts_declare("export async function " ~ actions.update, ["id: string", "state: FormState<" ~ types.row ~ ">", "formData: FormData"], "Promise<FormState<" ~ types.row ~ ">>") }}
{{ ts_signature("export async function " ~ actions.update, ["id: unknown", "input: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
{{ ts_call(4, "return ", "toFormState", ["await update(id, formData)", "formData", form_fields], ";") }}
  }
  return update(id, input);
}

{{ ts_signature("async function update", ["id: unknown", "input: unknown"], "Promise<ActionResult<" ~ types.row ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = {{ schemas.id }}.safeParse(id);
  if (!parsedId.success) return invalid(parsedId.error);
{{ ts_call(2, "const parsed = ", "parseInput", [schemas.update, "input", form_fields], ";") }}
  if (!parsed.success) return invalid(parsed.error);
{% if selected.removes_files %}

  // The files it replaces, removed once the change is saved.
  const before = setsFile({{ uploads.map }}, parsed.data)
    ? await supabase
        .from("{{ table }}")
        .select(FILE_COLUMNS)
        .eq("id", parsedId.data)
        .maybeSingle()
    : null;
  if (before?.error) return fromDatabaseError(before.error);
{% endif %}

  const { data, error } = await supabase
    .from("{{ table }}")
    .update({{ "toUpdate(parsed.data)" if row_decimals else "parsed.data" }})
    .eq("id", parsedId.data)
    .select({{ "COLUMNS" if row_columns else "" }})
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();
{% if selected.removes_files %}

  if (before?.data) {
{{ ts_call(4, "await ", "removeFiles", ["supabase.storage", uploads.map, "replaced(before.data, data)"], ";") }}
  }
{% endif %}

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
    .select({{ "" if selected.removes_files else '"id"' }})
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();
{% if selected.removes_files %}

  // Its files go after it (a failure is logged; the row stays deleted).
  await removeFiles(supabase.storage, {{ uploads.map }}, data);
{% endif %}

  revalidatePath("{{ route }}");
  revalidatePath(`{{ route }}/${data.id}`);
  return ok({{ "{ id: data.id }" if selected.removes_files else "data" }});
}
{% endif %}
{% if selected.uploads %}
{% include "resource/app/actions/upload.ts" %}
{% endif %}
