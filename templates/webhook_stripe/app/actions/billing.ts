"use server";

import { headers } from "next/headers";
import * as z from "zod";

{{ ts_import(["type ActionResult", "failure", "fromDatabaseError", "invalid", "notFound", "ok", "unauthorized"], imports.action_result) }}
{{ ts_import(["getStripe"], imports.stripe) }}
{{ ts_import(["createAdminClient"], imports.admin) }}
{{ ts_import(["createClient"], imports.server) }}

/** Where Stripe sends the user back to from Checkout and the billing portal. */
const RETURN_PATH = "/billing";

const priceIdSchema = z.string().startsWith("price_").max(255);

type Redirect = { url: string };

/**
 * Starts Stripe Checkout for the signed-in user and one of the active recurring prices,
 * creating their Stripe customer on first use. Send the browser to the returned URL; the
 * webhook records the subscription when the payment goes through.
 */
export async function startCheckout(
  priceId: string,
): Promise<ActionResult<Redirect>> {
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const parsed = priceIdSchema.safeParse(priceId);
  if (!parsed.success) return invalid(parsed.error);

  // Row level security shows active prices only: an archived one reads as not found.
  const { data: price, error } = await supabase
    .from("prices")
    .select("id")
    .eq("id", parsed.data)
    .eq("type", "recurring")
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!price) return notFound();

  const origin = (await headers()).get("origin");
  if (!origin) return failure("validation", "Unknown origin.");

  try {
    const customer = await customerFor(
      supabase,
      auth.claims.sub,
      auth.claims.email,
    );
    const session = await getStripe().checkout.sessions.create({
      mode: "subscription",
      customer,
      client_reference_id: auth.claims.sub,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: `${origin}${RETURN_PATH}?checkout=success`,
      cancel_url: `${origin}${RETURN_PATH}`,
    });
    if (!session.url) throw new Error(`session ${session.id} has no URL`);
    return ok({ url: session.url });
  } catch (error) {
    console.error("Starting Stripe Checkout failed", error);
    return failure("unexpected", "Could not start checkout. Please try again.");
  }
}

/**
 * Opens the Stripe billing portal, where the signed-in user manages their subscription,
 * payment methods and invoices. Send the browser to the returned URL.
 */
export async function openBillingPortal(): Promise<ActionResult<Redirect>> {
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getClaims();
  if (!auth) return unauthorized();

  const { data: customer, error } = await supabase
    .from("customers")
    .select("stripe_customer_id")
    .eq("user_id", auth.claims.sub)
    .maybeSingle();
  if (error) return fromDatabaseError(error);
  if (!customer) return notFound();

  const origin = (await headers()).get("origin");
  if (!origin) return failure("validation", "Unknown origin.");

  try {
    const session = await getStripe().billingPortal.sessions.create({
      customer: customer.stripe_customer_id,
      return_url: `${origin}${RETURN_PATH}`,
    });
    return ok({ url: session.url });
  } catch (error) {
    console.error("Opening the Stripe billing portal failed", error);
    return failure("unexpected", "Could not open billing. Please try again.");
  }
}

/**
 * The user's Stripe customer id: read through their own client (row level security), created
 * and stored with the admin client on first use, since users cannot write customers.
 */
async function customerFor(
  supabase: Awaited<ReturnType<typeof createClient>>,
  userId: string,
  email: string | undefined,
): Promise<string> {
  const { data: existing, error } = await supabase
    .from("customers")
    .select("stripe_customer_id")
    .eq("user_id", userId)
    .maybeSingle();
  if (error) throw new Error(`reading customers: ${error.message}`);
  if (existing) return existing.stripe_customer_id;

  // The idempotency key makes two concurrent first checkouts create one customer, not two.
  const customer = await getStripe().customers.create(
    { email, metadata: { supabase_user_id: userId } },
    { idempotencyKey: `customer-for-user-${userId}` },
  );
  const { error: insertError } = await createAdminClient()
    .from("customers")
    .upsert(
      { user_id: userId, stripe_customer_id: customer.id },
      { onConflict: "user_id", ignoreDuplicates: true },
    );
  if (insertError) throw new Error(`storing customer: ${insertError.message}`);
  return customer.id;
}
