import "server-only";

import { cache } from "react";
import * as z from "zod";

{{ ts_import(["type ActionResult", "fromDatabaseError", "invalid", "ok", "unauthorized"], imports.action_result) }}
{{ ts_import(["getSupabase", "getUserId"], imports.data_auth) }}
import type { {{ members.row }} } from "{{ members.validation_import }}";

{{ ts_signature("async function " ~ members_data.list_query, [members.id_key ~ ": string"], "Promise<ActionResult<" ~ members.row ~ "[]>>") }}
  const userId = await getUserId();
  if (!userId) return unauthorized();

  const parsedId = z.uuid().safeParse({{ members.id_key }});
  if (!parsedId.success) return invalid(parsedId.error);

  const supabase = await getSupabase();
  const { data, error } = await supabase
    .from("{{ tenancy.members_table }}")
    .select()
    .eq("{{ tenancy.fk_column }}", parsedId.data)
    .order("created_at", { ascending: true });
  if (error) return fromDatabaseError(error);

  return ok(data);
}

/**
 * Lists the members of {{ tenancy.singular | indefinite }} the signed-in user belongs to, oldest first.
 * Calls for the same {{ tenancy.singular }} in one request share one query (React's `cache`).
 */
{{ ts_call(0, "export const " ~ members.list ~ " = ", "cache", [members_data.list_query], ";") }}
