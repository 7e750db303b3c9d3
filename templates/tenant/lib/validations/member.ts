import * as z from "zod";

/** Roles in {{ tenancy.singular | indefinite }}, highest first, as the database's enum orders them. */
{{ ts_array("export const " ~ m.roles, ["\"owner\"", "\"admin\"", "\"member\""], " as const") }}

/** One membership: which user in which {{ tenancy.singular }}. */
export const {{ m.schema }} = z.object({
  {{ m.id_key }}: z.uuid(),
  userId: z.uuid(),
});

/** Adds an existing user, found by the email they signed up with. */
export const {{ m.add_schema }} = z.object({
  {{ m.id_key }}: z.uuid(),
  email: z.email(),
  role: z.enum({{ m.roles }}).default("member"),
});

/** A new role for one membership. */
export const {{ m.change_schema }} = z.object({
  {{ m.id_key }}: z.uuid(),
  userId: z.uuid(),
  role: z.enum({{ m.roles }}),
});

{{ ts_alias("export type " ~ m.input, "z.input", "typeof " ~ m.schema) }}
{{ ts_alias("export type " ~ m.add_input, "z.input", "typeof " ~ m.add_schema) }}
{{ ts_alias("export type " ~ m.change_input, "z.input", "typeof " ~ m.change_schema) }}
