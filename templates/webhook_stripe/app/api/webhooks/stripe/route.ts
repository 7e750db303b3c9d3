import Stripe from "stripe";

{{ ts_import(["type AdminClient"] + handlers, imports.sync) }}
{{ ts_import(["createAdminClient"], imports.admin) }}

/**
 * Stripe's webhook: verifies the signature, takes each event on once, and keeps the billing
 * tables in sync. It handles the event types listed in handlerFor below and acknowledges any
 * other; subscribe the endpoint in Stripe to the same list.
 *
 * Answers: 400 for a missing or invalid signature (nothing is read or written), 200 once an
 * event is processed or was before, 409 while another delivery of it is being processed and
 * 500 when processing fails, so that Stripe retries later. The signature is checked before
 * anything needs STRIPE_SECRET_KEY or the Supabase variables, so a forged request is refused
 * with 400 however the server is configured.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = process.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    console.error("STRIPE_WEBHOOK_SECRET is not set");
    return Response.json({ error: "Not configured." }, { status: 500 });
  }
  const signature = request.headers.get("stripe-signature");
  if (!signature) {
    return Response.json({ error: "Missing signature." }, { status: 400 });
  }

  // The signature covers the exact bytes Stripe sent: verify the raw body, not parsed JSON.
  // Checking it needs only the signing secret: no API key, so no Stripe client yet.
  const body = await request.text();
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(body, signature, secret);
  } catch {
    return Response.json({ error: "Invalid signature." }, { status: 400 });
  }

  const handle = handlerFor(event);
  if (!handle) return Response.json({ received: true });

  const supabase = createAdminClient();

  // Record the event before processing it: a redelivery is acknowledged, not processed twice.
  const { data: claimed, error: claimError } = await supabase.rpc(
    "claim_stripe_webhook_event",
    { event_id: event.id, event_type: event.type },
  );
  if (claimError) return failed(event, claimError);
  if (!claimed) {
    const { data: seen, error } = await supabase
      .from("stripe_webhook_events")
      .select("processed_at")
      .eq("id", event.id)
      .maybeSingle();
    if (error) return failed(event, error);
    if (seen?.processed_at) return Response.json({ received: true });
    return Response.json({ error: "Being processed." }, { status: 409 });
  }

  try {
    await handle(supabase);
  } catch (error) {
    // Release the claim, so that Stripe's retry processes the event again.
    await supabase
      .from("stripe_webhook_events")
      .delete()
      .eq("id", event.id)
      .is("processed_at", null);
    return failed(event, error);
  }

  // If this fails, the claim lapses after ten minutes and a retry processes the event again,
  // which the handlers' upserts make harmless.
  const { error } = await supabase
    .from("stripe_webhook_events")
    .update({ processed_at: new Date().toISOString() })
    .eq("id", event.id);
  if (error) return failed(event, error);
  return Response.json({ received: true });
}

/** The handler of a subscribed event type, or null for any other type. */
function handlerFor(
  event: Stripe.Event,
): ((supabase: AdminClient) => Promise<void>) | null {
  switch (event.type) {
{% for group in dispatch %}
{% for type in group.events %}
    case "{{ type }}":
{% endfor %}
      return (supabase) => {{ group.handler }}(supabase, event);
{% endfor %}
    default:
      return null;
  }
}

function failed(event: Stripe.Event, error: unknown): Response {
  console.error(`Stripe event ${event.id} (${event.type}) failed`, error);
  return Response.json({ error: "Processing failed." }, { status: 500 });
}
