import "server-only";

import Stripe from "stripe";

/**
 * The Stripe API client, for server code only. No `apiVersion`: the SDK pins the version its
 * types describe (`Stripe.API_VERSION`), so the types always match the responses.
 */
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
