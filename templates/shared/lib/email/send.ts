import "server-only";

import { Resend } from "resend";

/** One email, as Resend sends it: both an HTML and a plain-text body. */
export type Email = {
  to: string;
  subject: string;
  html: string;
  text: string;
};

/** What sending gave: Resend's id of the email, or why it was not sent. */
export type EmailDelivery =
  { sent: true; id: string } | { sent: false; error: string };

/** How long Resend may take before the send counts as failed. */
const TIMEOUT_MS = 10_000;

/**
 * Sends one email through Resend, from `EMAIL_FROM`, with the key in `RESEND_API_KEY`. It never
 * throws: a missing setting, a refusal by Resend, a network failure or a timeout comes back as
 * `{ sent: false, error }`, for the caller to record next to the work the email reports, which
 * stays done. Send only after that work is committed.
 */
export async function sendEmail(email: Email): Promise<EmailDelivery> {
  const apiKey = process.env.RESEND_API_KEY;
  const from = process.env.EMAIL_FROM;
  if (!apiKey) return { sent: false, error: "RESEND_API_KEY is not set" };
  if (!from) return { sent: false, error: "EMAIL_FROM is not set" };
  try {
    // A client per email: the SDK reads RESEND_BASE_URL when it is made.
    const resend = new Resend(apiKey);
    const { data, error } = await resend.emails.send(
      { from, ...email },
      { signal: AbortSignal.timeout(TIMEOUT_MS) },
    );
    if (error) return { sent: false, error: `${error.name}: ${error.message}` };
    return { sent: true, id: data.id };
  } catch (cause) {
    const error = cause instanceof Error ? cause.message : String(cause);
    return { sent: false, error };
  }
}
