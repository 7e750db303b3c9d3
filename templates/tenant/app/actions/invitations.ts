{% set ts = invitations.ts %}
{% set inv = invitations %}
"use server";

import { revalidatePath } from "next/cache";

{{ ts_import(["type ActionResult", "failure", "fromDatabaseError", "invalid", "ok", "unauthorized"], imports.action_result) }}
{{ ts_import(["renderInvitationEmail"], imports.invitation_email) }}
{{ ts_import(["type EmailDelivery", "sendEmail"], imports.email) }}
{{ ts_import(["type FormState", "toFormState"], imports.form_state) }}
{{ ts_import(["createClient"], imports.server) }}
{{ ts_import(["parseInput"], imports.form_data) }}
{{ ts_import(["type " ~ ts.invite_input, ts.invite_fields, ts.invite_schema, ts.id_schema, ts.token_schema], ts.validation_import) }}
import type { Database } from "{{ imports.types }}";

/** An invitation as inviting or re-sending returns it, with its token: never sent to a browser. */
{% set issued = "Database[\"public\"][\"Functions\"][\"" ~ inv.invite.name ~ "\"][\"Returns\"][number]" %}
{% if ts_fits('type Issued = ' ~ issued ~ ';') %}
type Issued = {{ issued }};
{% else %}
type Issued =
  {{ issued }};
{% endif %}
type Supabase = Awaited<ReturnType<typeof createClient>>;

/** What inviting and re-sending answer: the invitation (never its token) and its email. */
export type {{ ts.sent }} = {
  id: string;
  {{ members.id_key }}: string;
  email: string;
  role: Issued["role"];
  expiresAt: string;
  /** Resend's id of the email, or why it was not sent: re-send the invitation to try again. */
  delivery: EmailDelivery;
};

/** What accepting answers: the {{ tenancy.singular }} joined. */
export type {{ ts.accepted }} = { {{ members.id_key }}: string };

/**
 * Invites an address to {{ tenancy.singular | indefinite }} with a role; admins and owners can, up to their own
 * role. The answer is the same whether or not the address has an account: nothing about other
 * users is revealed, and nobody becomes a member until they accept. The invitation is committed
 * before its email is sent; what sending gave is recorded on it and answered in `delivery`.
 */
{{ ts_declare("export async function " ~ ts.invite, ["input: " ~ ts.invite_input], "Promise<ActionResult<" ~ ts.sent ~ ">>") }}
/**
 * The same, as a form action:
 * `useActionState({{ ts.invite }}, initialFormState)`.
 */
{{ ts_declare("export async function " ~ ts.invite, ["state: FormState<" ~ ts.sent ~ ">", "formData: FormData"], "Promise<FormState<" ~ ts.sent ~ ">>") }}
{{ ts_signature("export async function " ~ ts.invite, ["input: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
{{ ts_call(4, "return ", "toFormState", ["await invite(formData)", "formData", ts.invite_fields], ";") }}
  }
  return invite(input);
}

{{ ts_signature("async function invite", ["input: unknown"], "Promise<ActionResult<" ~ ts.sent ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

{{ ts_call(2, "const parsed = ", "parseInput", [ts.invite_schema, "input", ts.invite_fields], ";") }}
  if (!parsed.success) return invalid(parsed.error);

  const { data, error } = await supabase
    .rpc("{{ inv.invite.name }}", {
      target_{{ tenancy.fk_column }}: parsed.data.{{ members.id_key }},
      invitee_email: parsed.data.email,
      invitee_role: parsed.data.role,
    })
    .single();
  if (error?.code === "23505") {
    return failure(
      "conflict",
      "This address has a pending invitation: re-send it.",
    );
  }
  if (error) return fromDatabaseError(error);

  revalidatePath("{{ route }}");
  return ok(await deliver(supabase, data));
}

/**
 * Re-sends a pending invitation (expired or not) with a new token, which invalidates the old
 * link, and a new expiry; admins and owners can, up to their own role.
 */
{{ ts_declare("export async function " ~ ts.resend, ["invitationId: string"], "Promise<ActionResult<" ~ ts.sent ~ ">>") }}
/**
 * The same, as a form action:
 * `useActionState({{ ts.resend }}.bind(null, invitationId), initialFormState)`.
 */
{{ ts_declare("export async function " ~ ts.resend, ["invitationId: string", "state: FormState<" ~ ts.sent ~ ">", "formData: FormData"], "Promise<FormState<" ~ ts.sent ~ ">>") }}
{{ ts_signature("export async function " ~ ts.resend, ["invitationId: unknown", "state?: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
    return toFormState(await resend(invitationId), formData, {});
  }
  return resend(invitationId);
}

{{ ts_signature("async function resend", ["invitationId: unknown"], "Promise<ActionResult<" ~ ts.sent ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = {{ ts.id_schema }}.safeParse(invitationId);
  if (!parsedId.success) return invalid(parsedId.error);

  const { data, error } = await supabase
    .rpc("{{ inv.resend.name }}", { target_invitation_id: parsedId.data })
    .single();
  if (error) return fromDatabaseError(error);

  revalidatePath("{{ route }}");
  return ok(await deliver(supabase, data));
}

/** Revokes a pending invitation: its link stops working. Admins and owners can, up to their role. */
{{ ts_declare("export async function " ~ ts.revoke, ["invitationId: string"], "Promise<ActionResult<{ id: string }>>") }}
/**
 * The same, as a form action:
 * `useActionState({{ ts.revoke }}.bind(null, invitationId), initialFormState)`.
 */
{{ ts_declare("export async function " ~ ts.revoke, ["invitationId: string", "state: FormState<{ id: string }>", "formData: FormData"], "Promise<FormState<{ id: string }>>") }}
{{ ts_signature("export async function " ~ ts.revoke, ["invitationId: unknown", "state?: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
    return toFormState(await revoke(invitationId), formData, {});
  }
  return revoke(invitationId);
}

{{ ts_signature("async function revoke", ["invitationId: unknown"], "Promise<ActionResult<{ id: string }>>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = {{ ts.id_schema }}.safeParse(invitationId);
  if (!parsedId.success) return invalid(parsedId.error);

  const { data, error } = await supabase.rpc("{{ inv.revoke.name }}", {
    target_invitation_id: parsedId.data,
  });
  if (error) return fromDatabaseError(error);

  revalidatePath("{{ route }}");
  return ok({ id: data });
}

/**
 * Accepts the invitation of a link's token, as the signed-in user: they must be signed in with
 * the confirmed address it was sent to. Accepting again answers the same.
 */
{{ ts_declare("export async function " ~ ts.accept, ["token: string"], "Promise<ActionResult<" ~ ts.accepted ~ ">>") }}
/**
 * The same, as a form action:
 * `useActionState({{ ts.accept }}.bind(null, token), initialFormState)`.
 */
{{ ts_declare("export async function " ~ ts.accept, ["token: string", "state: FormState<" ~ ts.accepted ~ ">", "formData: FormData"], "Promise<FormState<" ~ ts.accepted ~ ">>") }}
{{ ts_signature("export async function " ~ ts.accept, ["token: unknown", "state?: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
    return toFormState(await accept(token), formData, {});
  }
  return accept(token);
}

{{ ts_signature("async function accept", ["token: unknown"], "Promise<ActionResult<" ~ ts.accepted ~ ">>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedToken = {{ ts.token_schema }}.safeParse(token);
  if (!parsedToken.success) return invalid(parsedToken.error);

  const { data, error } = await supabase.rpc("{{ inv.accept.name }}", {
    invitation_token: parsedToken.data,
  });
  // Unknown, expired, revoked, declined and used invitations are refused alike.
  if (error?.code === "P0002") {
    return failure("not_found", "This invitation is no longer valid.");
  }
  if (error?.code === "42501") {
    return failure(
      "forbidden",
      "Sign in with the confirmed address this invitation was sent to.",
    );
  }
  if (error) return fromDatabaseError(error);

  revalidatePath("{{ route }}");
  return ok({ {{ members.id_key }}: data });
}

/** Declines an invitation to the signed-in user's confirmed address. */
{{ ts_declare("export async function " ~ ts.decline, ["invitationId: string"], "Promise<ActionResult<{ id: string }>>") }}
/**
 * The same, as a form action:
 * `useActionState({{ ts.decline }}.bind(null, invitationId), initialFormState)`.
 */
{{ ts_declare("export async function " ~ ts.decline, ["invitationId: string", "state: FormState<{ id: string }>", "formData: FormData"], "Promise<FormState<{ id: string }>>") }}
{{ ts_signature("export async function " ~ ts.decline, ["invitationId: unknown", "state?: unknown", "formData?: unknown"], "") }}
  if (formData instanceof FormData) {
    return toFormState(await decline(invitationId), formData, {});
  }
  return decline(invitationId);
}

{{ ts_signature("async function decline", ["invitationId: unknown"], "Promise<ActionResult<{ id: string }>>") }}
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsedId = {{ ts.id_schema }}.safeParse(invitationId);
  if (!parsedId.success) return invalid(parsedId.error);

  const { data, error } = await supabase.rpc("{{ inv.decline.name }}", {
    target_invitation_id: parsedId.data,
  });
  if (error) return fromDatabaseError(error);

  return ok({ id: data });
}

/**
 * Sends the email of a just issued invitation and records what sending gave on it (only while
 * its token is the current one). A failed send leaves the invitation as it is, to re-send.
 */
{{ ts_signature("async function deliver", ["supabase: Supabase", "invitation: Issued"], "Promise<" ~ ts.sent ~ ">") }}
  const delivery = await sendInvitation(invitation);
  const { error } = await supabase.rpc("{{ inv.record_email.name }}", {
    invitation_token: invitation.token,
    ...(delivery.sent
      ? { sent_email_id: delivery.id }
      : { send_error: delivery.error }),
  });
  if (error) console.error("Recording an invitation's email failed", error);
  return {
    id: invitation.id,
    {{ members.id_key }}: invitation.{{ tenancy.fk_column }},
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expires_at,
    delivery,
  };
}

/**
 * The invitation email: only the link, the {{ tenancy.singular }}'s name and the inviter's address. The
 * link is on `SITE_URL`, never on a host taken from the request.
 */
async function sendInvitation(invitation: Issued): Promise<EmailDelivery> {
  const site = process.env.SITE_URL;
  if (!site) return { sent: false, error: "SITE_URL is not set" };
  const url = `${site.replace(/\/+$/, "")}{{ ts.route }}/${invitation.token}`;
  try {
    const email = await renderInvitationEmail({
      joining: invitation.{{ inv.name_output }} || "{{ ts.unnamed }}",
      inviter: invitation.invited_by_email,
      url,
    });
    return await sendEmail({ to: invitation.email, ...email });
  } catch (cause) {
    const error = cause instanceof Error ? cause.message : String(cause);
    return { sent: false, error };
  }
}
