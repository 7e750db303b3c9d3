import "server-only";

import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import type Stripe from "stripe";
import * as z from "zod";

{{ ts_import(["getStripe"], imports.stripe) }}
import type { Database, TablesInsert } from "{{ imports.types }}";

/**
 * Handlers that keep the billing tables in sync with Stripe, one per kind of event; the
 * webhook at {{ paths.route }} calls them with the service-role client.
 *
 * Stripe may deliver an event more than once and in any order. Every write is an upsert, so a
 * repeat changes nothing, and carries the event's `created` time as `last_event_at`: the
 * tables' skip_stale_update triggers ignore a write from an older event than the row's.
 */

/** The service-role client the handlers write with. */
export type AdminClient = SupabaseClient<Database>;

/** `last_event_at` of a placeholder row: older than any event. */
const NEVER = new Date(0).toISOString();

/** A Stripe timestamp (seconds since the epoch) as an ISO date for a timestamptz column. */
function toTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function toTimestampOrNull(seconds: number | null): string | null {
  return seconds === null ? null : toTimestamp(seconds);
}

/** The id of an expandable field, whether Stripe sent the id or the whole object. */
function idOf(value: string | { id: string }): string {
  return typeof value === "string" ? value : value.id;
}

/** Fails the event on a database error, so the webhook answers 500 and Stripe retries. */
function check(error: PostgrestError | null, what: string): void {
  if (error) throw new Error(`${what}: ${error.message} (${error.code})`);
}

/**
 * A completed Checkout: links the user to the Stripe customer when that is not known yet (the
 * billing actions store it before Checkout starts), then syncs the new subscription.
 */
export async function syncCheckoutSession(
  supabase: AdminClient,
  event: Stripe.CheckoutSessionCompletedEvent,
): Promise<void> {
  const session = event.data.object;
  const userId = z.uuid().safeParse(session.client_reference_id);
  if (userId.success && session.customer) {
    const { error } = await supabase
      .from("customers")
      .upsert(
        { user_id: userId.data, stripe_customer_id: idOf(session.customer) },
        { onConflict: "user_id", ignoreDuplicates: true },
      );
    check(error, `linking customer ${idOf(session.customer)}`);
  }
  if (session.mode === "subscription" && session.subscription) {
    const subscription = await getStripe().subscriptions.retrieve(
      idOf(session.subscription),
    );
    await upsertSubscription(supabase, subscription, event.created);
  }
}

/** A subscription's own events carry its state. */
export async function syncSubscription(
  supabase: AdminClient,
  event:
    | Stripe.CustomerSubscriptionCreatedEvent
    | Stripe.CustomerSubscriptionUpdatedEvent
    | Stripe.CustomerSubscriptionDeletedEvent
    | Stripe.CustomerSubscriptionPausedEvent
    | Stripe.CustomerSubscriptionResumedEvent
    | Stripe.CustomerSubscriptionTrialWillEndEvent,
): Promise<void> {
  await upsertSubscription(supabase, event.data.object, event.created);
}

/**
 * A paid or failed invoice changes its subscription's status: fetch the subscription and sync
 * it. The invoice names it in `parent.subscription_details` (API version 2025-03-31 removed
 * `invoice.subscription`); one-off invoices have none.
 */
export async function syncInvoiceSubscription(
  supabase: AdminClient,
  event: Stripe.InvoicePaidEvent | Stripe.InvoicePaymentFailedEvent,
): Promise<void> {
  const invoice = event.data.object;
  const parent = invoice.parent?.subscription_details?.subscription;
  if (!parent) return;
  const subscription = await getStripe().subscriptions.retrieve(idOf(parent));
  await upsertSubscription(supabase, subscription, event.created);
}

/** Products are kept when deleted, inactive, because subscriptions may refer to their prices. */
export async function syncProduct(
  supabase: AdminClient,
  event:
    | Stripe.ProductCreatedEvent
    | Stripe.ProductUpdatedEvent
    | Stripe.ProductDeletedEvent,
): Promise<void> {
  const product = event.data.object;
  const row: TablesInsert<"products"> = {
    id: product.id,
    active: product.active && event.type !== "product.deleted",
    name: product.name,
    description: product.description,
    image: product.images[0] ?? null,
    metadata: product.metadata,
    last_event_at: toTimestamp(event.created),
  };
  const { error } = await supabase
    .from("products")
    .upsert(row, { onConflict: "id" });
  check(error, `syncing product ${product.id}`);
}

/** Prices are kept when deleted, inactive, because subscriptions may refer to them. */
export async function syncPrice(
  supabase: AdminClient,
  event:
    | Stripe.PriceCreatedEvent
    | Stripe.PriceUpdatedEvent
    | Stripe.PriceDeletedEvent,
): Promise<void> {
  const price = event.data.object;
  const active = price.active && event.type !== "price.deleted";
  await upsertPrice(supabase, price, active, event.created);
}

async function upsertPrice(
  supabase: AdminClient,
  price: Stripe.Price,
  active: boolean,
  eventCreated: number,
): Promise<void> {
  const productId = idOf(price.product);
  // A price can arrive before its product: hold the product's place with an inactive row that
  // the product's own events overwrite.
  const { error: productError } = await supabase
    .from("products")
    .upsert(
      { id: productId, active: false, name: productId, last_event_at: NEVER },
      { onConflict: "id", ignoreDuplicates: true },
    );
  check(productError, `adding product ${productId}`);

  const row: TablesInsert<"prices"> = {
    id: price.id,
    product_id: productId,
    active,
    currency: price.currency,
    unit_amount: price.unit_amount,
    type: price.type,
    recurring_interval: price.recurring?.interval ?? null,
    recurring_interval_count: price.recurring?.interval_count ?? null,
    lookup_key: price.lookup_key,
    metadata: price.metadata,
    last_event_at: toTimestamp(eventCreated),
  };
  const { error } = await supabase
    .from("prices")
    .upsert(row, { onConflict: "id" });
  check(error, `syncing price ${price.id}`);
}

async function upsertSubscription(
  supabase: AdminClient,
  subscription: Stripe.Subscription,
  eventCreated: number,
): Promise<void> {
  const customerId = idOf(subscription.customer);
  const { data: customer, error: customerError } = await supabase
    .from("customers")
    .select("user_id")
    .eq("stripe_customer_id", customerId)
    .maybeSingle();
  check(customerError, `finding customer ${customerId}`);
  if (!customer) {
    // Not created by this app's billing actions: there is no user to give it to.
    console.warn(
      `Stripe customer ${customerId} belongs to no user; subscription ${subscription.id} not synced`,
    );
    return;
  }

  // The billing period moved to the subscription items in API version 2025-03-31.
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscription.id} has no items`);
  await upsertPrice(supabase, item.price, item.price.active, eventCreated);

  const row: TablesInsert<"subscriptions"> = {
    id: subscription.id,
    user_id: customer.user_id,
    status: subscription.status,
    price_id: item.price.id,
    quantity: item.quantity ?? null,
    cancel_at_period_end: subscription.cancel_at_period_end,
    cancel_at: toTimestampOrNull(subscription.cancel_at),
    canceled_at: toTimestampOrNull(subscription.canceled_at),
    ended_at: toTimestampOrNull(subscription.ended_at),
    trial_start: toTimestampOrNull(subscription.trial_start),
    trial_end: toTimestampOrNull(subscription.trial_end),
    current_period_start: toTimestamp(item.current_period_start),
    current_period_end: toTimestamp(item.current_period_end),
    metadata: subscription.metadata,
    created: toTimestamp(subscription.created),
    last_event_at: toTimestamp(eventCreated),
  };
  const { error } = await supabase
    .from("subscriptions")
    .upsert(row, { onConflict: "id" });
  check(error, `syncing subscription ${subscription.id}`);
}
