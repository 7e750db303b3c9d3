import "server-only";

import Stripe from "stripe";

let client: Stripe | undefined;

/**
 * The Stripe API client, for server code only. It is created on first use because
 * `new Stripe()` throws without a key, and a module that throws on import breaks `next build`
 * wherever STRIPE_SECRET_KEY is not set. No `apiVersion`: the SDK pins the version its types
 * describe (`Stripe.API_VERSION`), so the types always match the responses.
 */
export function getStripe(): Stripe {
  client ??= new Stripe(process.env.STRIPE_SECRET_KEY!);
  return client;
}
