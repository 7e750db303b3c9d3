{% set ts = invitations.ts %}
"use client";

import { useActionState } from "react";

import { {{ ts.accept }} } from "{{ ts.actions_import }}";
import { initialFormState } from "{{ imports.form_state }}";

/** Accepts the invitation of `token` as the signed-in user. */
export function {{ ts.form }}({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState(
    {{ ts.accept }}.bind(null, token),
    initialFormState,
  );
  if (state.status === "success") {
    return (
      <p role="status">
        You joined. <a href="{{ route }}">Open your {{ tenancy.plural }}</a>
      </p>
    );
  }
  return (
    <form action={formAction}>
      <p>Signed in with the invited address? Accept to join.</p>
      <button type="submit" disabled={pending}>
        Accept the invitation
      </button>
      {state.status === "error" ? <p role="alert">{state.message}</p> : null}
    </form>
  );
}
