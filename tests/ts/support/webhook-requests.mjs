// Requests to a running build of the project (`next start`), printed one JSON line each:
// `{ name, status, body }`. The Stripe webhook gets what a forger, a replayer or a sender with
// the wrong secret would send, each signed with the real `stripe` package's test helper, and a
// correctly signed event of a type the route does not handle; then the home page is fetched.
//
//   node tests/ts/support/webhook-requests.mjs <base URL> <signing secret>
import Stripe from "stripe";

const [base, secret] = process.argv.slice(2);
if (!base || !secret) throw new Error("usage: webhook-requests.mjs <base URL> <secret>");

const now = Math.floor(Date.now() / 1000);
const payload = JSON.stringify({
  id: "evt_scaffold_test",
  object: "event",
  type: "customer.created",
  api_version: Stripe.API_VERSION,
  created: now,
  data: { object: { id: "cus_scaffold_test", object: "customer" } },
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
});
const sign = (options) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, ...options });

const webhook = [
  ["a missing signature", payload, null],
  ["a malformed signature", payload, "not-a-signature"],
  ["a malformed timestamp", payload, "t=yesterday,v1=0123abcd"],
  ["a signature made with another secret", payload, sign({ secret: "whsec_someone_else" })],
  // Were the signature not checked, the route would process invoice.paid: Supabase, a 500.
  ["a tampered body", payload.replace("customer.created", "invoice.paid"), sign({})],
  ["a stale timestamp (ten minutes old)", payload, sign({ timestamp: now - 600 })],
  ["a valid signature on an event type the route does not handle", payload, sign({})],
];
for (const [name, body, signature] of webhook) {
  const headers = { "content-type": "application/json" };
  if (signature !== null) headers["stripe-signature"] = signature;
  const response = await fetch(`${base}/api/webhooks/stripe`, {
    method: "POST",
    headers,
    body,
  });
  console.log(JSON.stringify({ name, status: response.status, body: await response.text() }));
}

const home = await fetch(`${base}/`);
console.log(JSON.stringify({ name: "GET /", status: home.status, body: "" }));
