
/** An entry of the audit log of {{ table | replace("_", " ") }}: who changed what, and when. */
{{ ts_alias("export type " ~ history.entry_type, "Tables", "\"" ~ history.table ~ "\"") }}

/**
 * A page of the audit log, newest first: `before` is the `next` of the page before (entries
 * older than that one), `limit` how many.
 */
export const {{ history.history_schema }} = z.object({
  before: z.int().positive().optional(),
  limit: z.int().min(1).max(100).default(20),
});
{% if history.of_workspace %}

/** A page of a workspace's recent activity. */
{% if ts_fits("export const " ~ history.activity_schema ~ " = " ~ history.history_schema ~ ".extend({") %}
export const {{ history.activity_schema }} = {{ history.history_schema }}.extend({
  workspaceId: z.uuid(),
});
{% else %}
export const {{ history.activity_schema }} =
  {{ history.history_schema }}.extend({ workspaceId: z.uuid() });
{% endif %}
{% endif %}

{{ ts_alias("export type " ~ history.history_input, "z.input", "typeof " ~ history.history_schema) }}
{{ ts_alias("export type " ~ history.activity_input, "z.input", "typeof " ~ (history.activity_schema if history.of_workspace else history.history_schema)) }}
