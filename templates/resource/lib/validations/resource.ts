import * as z from "zod";

{% if row_decimals %}
import { decimal, type WithDecimals } from "{{ decimal_import }}";
{% endif %}
{% if uploads %}
import { fileInput, type FileLimits } from "{{ uploads.import }}";
{% endif %}
import type { FormFields } from "{{ imports.form_data }}";
{{ ts_import(list.validation_imports, imports.list) }}
import type { Tables } from "{{ imports.types }}";
{% if row_omit %}

/** The columns of {{ table }} a read returns: all but search_vector, which only searches read. */
{{ ts_alias("type " ~ types.row ~ "Columns", "Omit", row_omit) }}
{% endif %}
{% if row_decimals %}

/**
 * A row of {{ table }}, as the actions and reads return it: {{ row_decimals.keys }} as exact
 * decimal strings (they select the column as text).
 */
{{ ts_alias("export type " ~ types.row, "WithDecimals", row_base ~ ", " ~ row_decimals.keys) }}
{% elif row_omit %}

/** A row of {{ table }}, as the actions and reads return it. */
export type {{ types.row }} = {{ types.row }}Columns;
{% else %}

/** A row of {{ table }}, as the database returns it. */
{{ ts_alias("export type " ~ types.row, "Tables", "\"" ~ table ~ "\"") }}
{% endif %}
{% for p in patterns %}

/** {{ p.doc }} */
const {{ p.name }} =
  /{{ p.regex }}/;
{% endfor %}
{% if not_blank_text %}

/** Text as typed, with a character that is not whitespace: the database's not-blank check. */
const NOT_BLANK_TEXT = z
  .string()
  .regex(NOT_BLANK, { error: "Must not be blank." });
{% endif %}
{% if json_value %}

/** Any JSON value but null: the column is not null, and PostgREST stores a JSON null as null. */
const JSON_VALUE = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.json()),
  z.record(z.string(), z.json()),
]);
{% endif %}
{% for e in enum_lists %}

{{ ts_array("export const " ~ e.name, e.values, " as const") }}
{% endfor %}

/** A new {{ singular }}: mirrors the columns and check constraints of {{ table }}. */
export const {{ schemas.create }} = z.object({
{% for f in zod_fields %}
{{ ts_chain(2, f.key ~ ": ", f.head, f.calls, ",") }}
{% endfor %}
});

{% if access.kind == "workspace" %}
/** Changes to {{ singular | indefinite }}: any subset of its fields, at least one; it stays in its workspace. */
{% else %}
/** Changes to {{ singular | indefinite }}: any subset of its fields, at least one. */
{% endif %}
{% set update_chain %}
{% if access.kind == "workspace" %}
.omit({ workspace_id: true })
{% endif %}
.partial()
.refine((values) => Object.values(values).some((v) => v !== undefined), {
  error: "Provide at least one field to change.",
});
{% endset %}
{% if ts_fits("export const " ~ schemas.update ~ " = " ~ schemas.create) %}
export const {{ schemas.update }} = {{ schemas.create }}
{{ update_chain | indent(2, first=true) }}
{% else %}
export const {{ schemas.update }} =
  {{ schemas.create }}
{{ update_chain | indent(4, first=true) }}
{% endif %}

export const {{ schemas.id }} = z.uuid();

{{ ts_array("export const " ~ list.sort_keys_name, list.sort_keys | map("ts_string") | list, " as const") }}

/** The value a cursor holds for each order: the sort column's, as a row returns it. */
export const {{ list.cursor_values_name }} = {
{% for v in list.cursor_values %}
{{ ts_chain(2, v.key ~ ": ", v.head, v.calls, ",") }}
{% endfor %}
};
{% if list.filters %}

/** What a list can be narrowed to: {{ list.filters | map(attribute="column") | join(", ") }}. */
export const {{ list.filter_schema }} = z.object({
{% for f in list.filters %}
{{ ts_chain(2, f.column ~ ": ", f.head, f.calls, ",") }}
{% endfor %}
});
{% endif %}

/**
 * A page of {{ table }}: newest first unless sorted otherwise, after the cursor of the page
 * before (`after`); no total unless asked for.
{% if list.search %}
 * A search looks in {{ list.search.prose }}.
{% endif %}
 */
export const {{ schemas.list }} = z
  .object({
{% if access.kind == "workspace" %}
    workspaceId: z.uuid(),
{% endif %}
    sort: z.enum({{ list.sort_keys_name }}).default("created_at"),
    direction: z.enum(DIRECTIONS).default("desc"),
    after: cursor().optional(),
    pageSize: z.int().min(1).max(100).default(20),
{% if list.search %}
    search: searchTerm().optional(),
{% endif %}
{% if list.filters %}
    filter: {{ list.filter_schema }}.optional(),
{% endif %}
    total: z.enum(TOTALS).optional(),
  })
  .superRefine(cursorFits({{ list.cursor_values_name }}));

{{ ts_alias("export type " ~ types.create_input, "z.input", "typeof " ~ schemas.create) }}
{{ ts_alias("export type " ~ types.update_input, "z.input", "typeof " ~ schemas.update) }}
{{ ts_alias("export type " ~ types.list_input, "z.input", "typeof " ~ schemas.list) }}
{{ ts_alias("export type " ~ list.query_type, "z.output", "typeof " ~ schemas.list) }}
{% if history %}
{% include "resource/lib/validations/history.ts" %}
{% endif %}

/** How each field is read from a submitted form. */
export const {{ form_fields }}: FormFields = {
{% for f in zod_fields %}
  {{ f.key }}: "{{ f.form_kind }}",
{% endfor %}
};
{% if uploads %}
{% include "resource/lib/validations/uploads.ts" %}
{% endif %}
