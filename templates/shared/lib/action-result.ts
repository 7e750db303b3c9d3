import type { PostgrestError } from "@supabase/supabase-js";
import * as z from "zod";

export type ActionErrorCode =
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "unexpected";

/** A failure the caller can act on; validation failures say which fields are wrong. */
export type ActionError = {
  code: ActionErrorCode;
  message: string;
  fieldErrors?: Partial<Record<string, string[]>>;
};

/**
 * What every generated server action returns. Expected failures are values, not exceptions:
 * Next.js hides the message of a thrown error in production.
 */
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; error: ActionError };

export function ok<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

export function failure(
  code: ActionErrorCode,
  message: string,
): ActionResult<never> {
  return { ok: false, error: { code, message } };
}

export function unauthorized(): ActionResult<never> {
  return failure("unauthorized", "Sign in to continue.");
}

export function notFound(): ActionResult<never> {
  return failure("not_found", "Not found.");
}

/** A validation failure, with Zod's messages per field. */
export function invalid(error: z.ZodError): ActionResult<never> {
  const { formErrors, fieldErrors } = z.flattenError(error);
  return {
    ok: false,
    error: {
      code: "validation",
      message: formErrors[0] ?? "Check the highlighted fields.",
      fieldErrors,
    },
  };
}

/**
 * Maps a PostgREST error to the failure the caller sees. Row level security hides other
 * users' rows, so a row that is not there and a row that is not yours both read as not found.
 */
export function fromDatabaseError(error: PostgrestError): ActionResult<never> {
  switch (error.code) {
    case "23505":
      return failure("conflict", "A record with these values already exists.");
    case "23503":
      return failure(
        "conflict",
        "A related record is missing or still in use.",
      );
    case "23502":
    case "23514":
    case "22001":
    case "22003":
    case "22007":
    case "22008":
    case "22P02":
    case "22P05":
      return failure("validation", "Some values are not allowed.");
    case "42501":
      return failure("forbidden", "You are not allowed to do that.");
    case "PGRST116":
    case "P0002":
      return notFound();
    default:
      console.error("Unexpected database error", error);
      return failure("unexpected", "Something went wrong. Please try again.");
  }
}
