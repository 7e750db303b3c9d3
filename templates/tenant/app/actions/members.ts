"use server";

import { revalidatePath } from "next/cache";
import * as z from "zod";

{{ ts_import(["type ActionResult", "fromDatabaseError", "invalid", "notFound", "ok", "unauthorized"], imports.action_result) }}
{{ ts_import(["createClient"], imports.server) }}
{{ ts_import(["type " ~ members.change_input, members.change_schema, "type " ~ members.row, "type " ~ members.input, members.schema], members.validation_import) }}

/** Changes a member's role; the database refuses raising your own role or acting above it. */
{{ ts_signature("export async function " ~ members.change, ["input: " ~ members.change_input], "Promise<ActionResult<" ~ members.row ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsed = {{ members.change_schema }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);

  const { data, error } = await supabase
    .from("{{ tenancy.members_table }}")
    .update({ role: parsed.data.role })
    .eq("{{ tenancy.fk_column }}", parsed.data.{{ members.id_key }})
    .eq("user_id", parsed.data.userId)
    .select()
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

  revalidatePath("{{ route }}");
  return ok(data);
}

/** Removes a member; admins and owners can, and the last owner cannot be removed. */
{{ ts_signature("export async function " ~ members.remove, ["input: " ~ members.input], "Promise<ActionResult<{ userId: string }>>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsed = {{ members.schema }}.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);

  const { data, error } = await supabase
    .from("{{ tenancy.members_table }}")
    .delete()
    .eq("{{ tenancy.fk_column }}", parsed.data.{{ members.id_key }})
    .eq("user_id", parsed.data.userId)
    .select("user_id")
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

  revalidatePath("{{ route }}");
  return ok({ userId: data.user_id });
}

/** Leaves {{ tenancy.singular | indefinite }}; its last owner cannot. */
{{ ts_signature("export async function " ~ members.leave, [members.id_key ~ ": string"], "Promise<ActionResult<{ " ~ members.id_key ~ ": string }>>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = z.uuid().safeParse({{ members.id_key }});
  if (!parsedId.success) return invalid(parsedId.error);

  const { data, error } = await supabase
    .from("{{ tenancy.members_table }}")
    .delete()
    .eq("{{ tenancy.fk_column }}", parsedId.data)
    .eq("user_id", auth.claims.sub)
    .select("{{ tenancy.fk_column }}")
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!data) return notFound();

  revalidatePath("{{ route }}");
  return ok({ {{ members.id_key }}: data.{{ tenancy.fk_column }} });
}
