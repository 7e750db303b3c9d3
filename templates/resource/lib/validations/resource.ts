import * as z from "zod";

{% if row_decimals %}
import { decimal, type WithDecimals } from "{{ decimal_import }}";
{% endif %}
{% if uploads %}
import { fileInput, type FileLimits } from "{{ uploads.import }}";
{% endif %}
import type { FormFields } from "{{ imports.form_data }}";
import type { Tables } from "{{ imports.types }}";
{% if row_decimals %}

/**
 * A row of {{ table }}, as the actions and reads return it: {{ row_decimals.keys }} as exact
 * decimal strings (they select the column as text).
 */
{{ ts_alias("export type " ~ types.row, "WithDecimals", "Tables<\"" ~ table ~ "\">, " ~ row_decimals.keys) }}
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

export const {{ schemas.list }} = z.object({
{% if access.kind == "workspace" %}
  workspaceId: z.uuid(),
{% endif %}
  page: z.int().min(1).default(1),
  pageSize: z.int().min(1).max(100).default(20),
});

{{ ts_alias("export type " ~ types.create_input, "z.input", "typeof " ~ schemas.create) }}
{{ ts_alias("export type " ~ types.update_input, "z.input", "typeof " ~ schemas.update) }}
{{ ts_alias("export type " ~ types.list_input, "z.input", "typeof " ~ schemas.list) }}

/** How each field is read from a submitted form. */
export const {{ form_fields }}: FormFields = {
{% for f in zod_fields %}
  {{ f.key }}: "{{ f.form_kind }}",
{% endfor %}
};
{% if uploads %}

/**
 * The files of {{ singular | indefinite }}: each field's bucket and limits, which Storage enforces on the bytes.
 * A file field holds the path of its object, `<folder>/<uuid>`.
 */
export const {{ uploads.map }} = {
{% for f in uploads.entries %}
  {{ f.key }}: {
    bucket: "{{ f.bucket }}",
    maxBytes: {{ f.max_bytes }},
{{ f.accept_lines }}
  },
{% endfor %}
} as const satisfies Record<string, FileLimits>;

/** {{ singular | indefinite | capitalize }} as reads return it: with a short-lived signed URL for each file, or null. */
export type {{ types.read_row }} = {{ types.row }} & {
  signedUrls: Record<keyof typeof {{ uploads.map }}, string | null>;
};

/** A file to upload for {{ singular | indefinite }}: its field, size and media type. */
export const {{ uploads.schema }} = z.discriminatedUnion("field", [
{% for f in uploads.entries %}
{{ f.input_line }}
{% endfor %}
]);

{{ ts_alias("export type " ~ uploads.input, "z.input", "typeof " ~ uploads.schema) }}
{% endif %}
