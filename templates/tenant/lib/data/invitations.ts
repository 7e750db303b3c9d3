{% set ts = invitations.ts %}
{% set inv = invitations %}
import "server-only";

import { cache } from "react";
import * as z from "zod";

{{ ts_import(["type ActionResult", "fromDatabaseError", "invalid", "ok", "unauthorized"], imports.action_result) }}
{{ ts_import(["getSupabase", "getUserId"], imports.data_auth) }}
import type { Database, Tables } from "{{ imports.types }}";

/** An invitation as its {{ tenancy.singular }}'s admins read it: every column but the token's hash. */
{% set omit = "Omit<Tables<\"" ~ inv.table ~ "\">, \"token_hash\">" %}
{% if ts_fits("export type " ~ ts.row ~ " = " ~ omit ~ ";") %}
export type {{ ts.row }} = {{ omit }};
{% else %}
export type {{ ts.row }} = Omit<
  Tables<"{{ inv.table }}">,
  "token_hash"
>;
{% endif %}

/** An invitation as its invitee reads it, with the {{ tenancy.singular }}'s name and who invited them. */
{% set mine = "Database[\"public\"][\"Functions\"][\"" ~ inv.list_mine.name ~ "\"][\"Returns\"][number]" %}
{% if ts_fits("export type " ~ ts.mine_row ~ " = " ~ mine ~ ";") %}
export type {{ ts.mine_row }} = {{ mine }};
{% else %}
export type {{ ts.mine_row }} =
  {{ mine }};
{% endif %}

/** The columns admins read (not `*`: the token's hash is not theirs to read). */
{% if ts_fits("const COLUMNS = \"" ~ ts.columns ~ "\";") %}
const COLUMNS = "{{ ts.columns }}";
{% else %}
const COLUMNS =
  "{{ ts.columns }}";
{% endif %}

{{ ts_signature("async function " ~ ts.list_query, [members.id_key ~ ": string"], "Promise<ActionResult<" ~ ts.row ~ "[]>>") }}
  const userId = await getUserId();
  if (!userId) return unauthorized();

  const parsedId = z.uuid().safeParse({{ members.id_key }});
  if (!parsedId.success) return invalid(parsedId.error);

  const supabase = await getSupabase();
  const { data, error } = await supabase
    .from("{{ inv.table }}")
    .select(COLUMNS)
    .eq("{{ tenancy.fk_column }}", parsedId.data)
    .eq("status", "pending")
    .order("created_at", { ascending: true });
  if (error) return fromDatabaseError(error);

  return ok(data);
}

/**
 * Lists the pending invitations of {{ tenancy.singular | indefinite }}, oldest first, expired ones too (to
 * re-send): its admins and owners see them, anyone else an empty list. Calls for the same
 * {{ tenancy.singular }} in one request share one query (React's `cache`).
 */
{{ ts_call(0, "export const " ~ ts.list ~ " = ", "cache", [ts.list_query], ";") }}

{{ ts_signature("async function " ~ ts.list_mine_query, [], "Promise<ActionResult<" ~ ts.mine_row ~ "[]>>") }}
  const userId = await getUserId();
  if (!userId) return unauthorized();

  const supabase = await getSupabase();
  const { data, error } = await supabase.rpc("{{ inv.list_mine.name }}");
  if (error) return fromDatabaseError(error);

  return ok(data);
}

/**
 * Lists the signed-in user's pending, unexpired invitations, matched in the database by their
 * confirmed address (never by one the client sends). One query per request (React's `cache`).
 */
{{ ts_call(0, "export const " ~ ts.list_mine ~ " = ", "cache", [ts.list_mine_query], ";") }}
