{% set ts = invitations.ts %}
import * as z from "zod";

import type { FormFields } from "{{ imports.form_data }}";
{{ ts_import([members.roles], members.validation_import) }}

/** The pattern the database's check constraint uses, so both accept the same addresses. */
const EMAIL_PATTERN =
  /{{ ts.email_regex }}/;

/**
 * An invitation to {{ tenancy.singular | indefinite }}: the address and the role it grants. The database keeps
 * the address in lower case and refuses a role above the inviter's own.
 */
export const {{ ts.invite_schema }} = z.object({
  {{ members.id_key }}: z.uuid(),
  email: z.email({ pattern: EMAIL_PATTERN }).max({{ ts.email_max_length }}),
  role: z.enum({{ members.roles }}).default("member"),
});

export const {{ ts.id_schema }} = z.uuid();

/** The token of an invitation link: 64 hex digits. */
export const {{ ts.token_schema }} = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: "This invitation link is not valid." });

{{ ts_alias("export type " ~ ts.invite_input, "z.input", "typeof " ~ ts.invite_schema) }}

/** How each field of the invitation form is read. */
export const {{ ts.invite_fields }}: FormFields = {
  {{ members.id_key }}: "text",
  email: "text",
  role: "text",
};
