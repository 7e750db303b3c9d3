import * as z from "zod";

import type { Tables } from "{{ imports.types }}";

/** A membership row, as the database returns it. */
{{ ts_alias("export type " ~ members.row, "Tables", "\"" ~ tenancy.members_table ~ "\"") }}

/** Roles in {{ tenancy.singular | indefinite }}, highest first, as the database's enum orders them. */
{{ ts_array("export const " ~ members.roles, ["\"owner\"", "\"admin\"", "\"member\""], " as const") }}

/** One membership: which user in which {{ tenancy.singular }}. */
export const {{ members.schema }} = z.object({
  {{ members.id_key }}: z.uuid(),
  userId: z.uuid(),
});

/** A new role for one membership. */
export const {{ members.change_schema }} = z.object({
  {{ members.id_key }}: z.uuid(),
  userId: z.uuid(),
  role: z.enum({{ members.roles }}),
});

{{ ts_alias("export type " ~ members.input, "z.input", "typeof " ~ members.schema) }}
{{ ts_alias("export type " ~ members.change_input, "z.input", "typeof " ~ members.change_schema) }}
