// The generated Stripe webhook (`scaffold webhook stripe`), called the way Stripe calls it:
// requests signed by the real `stripe` package's test-signature helper, against a recording
// in-memory stand-in for the Supabase admin client.
//
// Runs inside a copy of fixtures/next-app holding the generated files and a `types/supabase.ts`
// generated from the migrated schema (see tests/webhook_stripe.rs, which copies this file to
// the copy's tests/ folder).
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.STRIPE_SECRET_KEY = "sk_test_scaffold";
});

const db = vi.hoisted(() => {
  type Row = Record<string, unknown>;
  type Filter = { column: string; value: unknown };
  /** One query as the route made it. */
  type Call = {
    table: string;
    op: "select" | "upsert" | "update" | "delete" | "rpc";
    values?: unknown;
    options?: unknown;
    filters: Filter[];
  };
  type Failure = { message: string; code: string };

  const tables = new Map<string, Row[]>();
  const calls: Call[] = [];
  let fail: (call: Call) => Failure | null = () => null;

  const rows = (table: string): Row[] => {
    if (!tables.has(table)) tables.set(table, []);
    return tables.get(table)!;
  };
  const matches = (row: Row, filters: Filter[]) =>
    filters.every((f) => (row[f.column] ?? null) === f.value);

  /** Runs a recorded query against the in-memory tables, PostgREST-style. */
  function run(call: Call, single: boolean): { data: unknown; error: unknown } {
    calls.push(call);
    const failure = fail(call);
    if (failure) return { data: null, error: failure };
    const table = rows(call.table);
    const hits = table.filter((row) => matches(row, call.filters));
    switch (call.op) {
      case "select":
        return { data: single ? (hits[0] ?? null) : hits, error: null };
      case "upsert": {
        const { onConflict = "id", ignoreDuplicates = false } =
          (call.options as {
            onConflict?: string;
            ignoreDuplicates?: boolean;
          }) ?? {};
        const row = call.values as Row;
        const existing = table.find((r) => r[onConflict] === row[onConflict]);
        if (!existing) table.push({ ...row });
        else if (!ignoreDuplicates) Object.assign(existing, row);
        return { data: null, error: null };
      }
      case "update":
        hits.forEach((row) => Object.assign(row, call.values as Row));
        return { data: null, error: null };
      case "delete":
        tables.set(
          call.table,
          table.filter((row) => !hits.includes(row)),
        );
        return { data: null, error: null };
      case "rpc":
        throw new Error("rpc calls are run by rpc()");
    }
  }

  function from(table: string) {
    const call: Call = { table, op: "select", filters: [] };
    let single = false;
    const builder = {
      select(_columns?: string) {
        return builder;
      },
      upsert(values: unknown, options?: unknown) {
        Object.assign(call, { op: "upsert", values, options });
        return builder;
      },
      update(values: unknown) {
        Object.assign(call, { op: "update", values });
        return builder;
      },
      delete() {
        call.op = "delete";
        return builder;
      },
      eq(column: string, value: unknown) {
        call.filters.push({ column, value });
        return builder;
      },
      is(column: string, value: unknown) {
        call.filters.push({ column, value });
        return builder;
      },
      maybeSingle() {
        single = true;
        return builder;
      },
      then<T>(
        resolve: (result: { data: unknown; error: unknown }) => T,
        reject?: (reason: unknown) => T,
      ) {
        return Promise.resolve()
          .then(() => run(call, single))
          .then(resolve, reject);
      },
    };
    return builder;
  }

  /** The claim function of the migration: insert, or take over a claim older than 10 min. */
  async function rpc(name: string, args: Record<string, string>) {
    const call: Call = { table: name, op: "rpc", values: args, filters: [] };
    calls.push(call);
    const failure = fail(call);
    if (failure) return { data: null, error: failure };
    const events = rows("stripe_webhook_events");
    const seen = events.find((e) => e.id === args.event_id);
    const now = Date.now();
    if (!seen) {
      events.push({
        id: args.event_id,
        type: args.event_type,
        claimed_at: now,
        processed_at: null,
      });
      return { data: true, error: null };
    }
    if (
      seen.processed_at === null &&
      (seen.claimed_at as number) < now - 600_000
    ) {
      seen.claimed_at = now;
      return { data: true, error: null };
    }
    return { data: false, error: null };
  }

  return {
    client: { from, rpc },
    calls,
    rows,
    reset() {
      tables.clear();
      calls.length = 0;
      fail = () => null;
    },
    failWhen(predicate: (call: Call) => Failure | null) {
      fail = predicate;
    },
    writes() {
      return calls.filter((c) => c.op !== "select");
    },
  };
});

vi.mock("@/lib/supabase/admin", () => ({
  createAdminClient: () => db.client,
}));

import { POST } from "@/app/api/webhooks/stripe/route";
import { getStripe } from "@/lib/stripe/server";

const SECRET = "whsec_scaffold_test_secret";
const USER_ID = "11111111-1111-4111-8111-111111111111";
const now = () => Math.floor(Date.now() / 1000);

function eventPayload(
  type: string,
  object: Record<string, unknown>,
  id = "evt_1",
  created = now(),
): string {
  return JSON.stringify({
    id,
    object: "event",
    api_version: Stripe.API_VERSION,
    created,
    type,
    data: { object },
  });
}

function signed(
  payload: string,
  options: { secret?: string; timestamp?: number; body?: string } = {},
): Request {
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? now(),
  });
  return delivery(options.body ?? payload, header);
}

function delivery(body: string, signature: string | null): Request {
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set("stripe-signature", signature);
  return new Request("http://localhost/api/webhooks/stripe", {
    method: "POST",
    headers,
    body,
  });
}

const product = {
  id: "prod_1",
  object: "product",
  active: true,
  name: "Pro",
  description: "Everything",
  images: ["https://example.com/pro.png"],
  metadata: {},
};

const price = {
  id: "price_1",
  object: "price",
  active: true,
  currency: "usd",
  unit_amount: 1200,
  type: "recurring",
  recurring: { interval: "month", interval_count: 1 },
  lookup_key: null,
  metadata: {},
  product: "prod_1",
};

const subscription = {
  id: "sub_1",
  object: "subscription",
  customer: "cus_1",
  status: "active",
  cancel_at_period_end: false,
  cancel_at: null,
  canceled_at: null,
  ended_at: null,
  trial_start: null,
  trial_end: null,
  created: 1_735_689_600,
  metadata: {},
  items: {
    object: "list",
    data: [
      {
        id: "si_1",
        object: "subscription_item",
        quantity: 1,
        current_period_start: 1_735_689_600,
        current_period_end: 1_738_368_000,
        price,
      },
    ],
  },
};

beforeEach(() => {
  db.reset();
  vi.stubEnv("STRIPE_WEBHOOK_SECRET", SECRET);
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("signature checks", () => {
  const payload = eventPayload("product.created", product);
  const cases: [string, () => Request][] = [
    ["a missing Stripe-Signature header", () => delivery(payload, null)],
    ["a malformed header", () => delivery(payload, "not-a-signature")],
    ["a header without a v1 signature", () => delivery(payload, `t=${now()}`)],
    [
      "a tampered body",
      () => signed(payload, { body: payload.replace("Pro", "Free") }),
    ],
    ["the wrong secret", () => signed(payload, { secret: "whsec_other" })],
    [
      "a timestamp older than five minutes",
      () => signed(payload, { timestamp: now() - 6 * 60 }),
    ],
  ];

  it.each(cases)(
    "rejects %s with 400 and touches nothing",
    async (_, request) => {
      const response = await POST(request());
      expect(response.status).toBe(400);
      expect(db.calls).toEqual([]);
    },
  );

  it("answers 500 without touching anything when the secret is not set", async () => {
    vi.stubEnv("STRIPE_WEBHOOK_SECRET", "");
    const response = await POST(signed(payload));
    expect(response.status).toBe(500);
    expect(db.calls).toEqual([]);
  });
});

describe("delivery", () => {
  it("processes an event once across two deliveries", async () => {
    const payload = eventPayload("product.created", product);

    const first = await POST(signed(payload));
    expect(first.status).toBe(200);
    const second = await POST(signed(payload));
    expect(second.status).toBe(200);

    const upserts = db.calls.filter((c) => c.op === "upsert");
    expect(upserts).toHaveLength(1);
    expect(db.rows("products")).toEqual([
      {
        id: "prod_1",
        active: true,
        name: "Pro",
        description: "Everything",
        image: "https://example.com/pro.png",
        metadata: {},
        last_event_at: expect.any(String),
      },
    ]);
    expect(db.rows("stripe_webhook_events")).toEqual([
      expect.objectContaining({
        id: "evt_1",
        processed_at: expect.any(String),
      }),
    ]);
  });

  it("acknowledges an event type it does not handle, without writing", async () => {
    const payload = eventPayload("customer.created", { id: "cus_9" });
    const response = await POST(signed(payload));
    expect(response.status).toBe(200);
    expect(db.calls).toEqual([]);
  });

  it("answers 500 when processing fails, and processes the retry", async () => {
    const payload = eventPayload("product.updated", product);
    db.failWhen((call) =>
      call.table === "products" && call.op === "upsert"
        ? { message: "connection reset", code: "08006" }
        : null,
    );

    const failed = await POST(signed(payload));
    expect(failed.status).toBe(500);
    expect(db.rows("products")).toEqual([]);
    expect(db.rows("stripe_webhook_events")).toEqual([]);

    db.failWhen(() => null);
    const retried = await POST(signed(payload));
    expect(retried.status).toBe(200);
    expect(db.rows("products")).toHaveLength(1);
  });

  it("answers 409 while another delivery of the event is being processed", async () => {
    db.rows("stripe_webhook_events").push({
      id: "evt_1",
      type: "product.created",
      claimed_at: Date.now(),
      processed_at: null,
    });
    const response = await POST(
      signed(eventPayload("product.created", product)),
    );
    expect(response.status).toBe(409);
    expect(db.writes().filter((c) => c.op !== "rpc")).toEqual([]);
  });

  it("answers 500 when the event cannot be recorded", async () => {
    db.failWhen((call) =>
      call.op === "rpc" ? { message: "timeout", code: "57014" } : null,
    );
    const response = await POST(
      signed(eventPayload("product.created", product)),
    );
    expect(response.status).toBe(500);
    expect(db.rows("products")).toEqual([]);
  });
});

describe("handlers", () => {
  it("holds a product's place when its price arrives first", async () => {
    const response = await POST(signed(eventPayload("price.created", price)));
    expect(response.status).toBe(200);
    expect(db.rows("products")).toEqual([
      {
        id: "prod_1",
        active: false,
        name: "prod_1",
        last_event_at: new Date(0).toISOString(),
      },
    ]);
    expect(db.rows("prices")).toEqual([
      expect.objectContaining({
        id: "price_1",
        product_id: "prod_1",
        active: true,
        unit_amount: 1200,
        recurring_interval: "month",
      }),
    ]);
  });

  it("keeps deleted prices, inactive", async () => {
    await POST(signed(eventPayload("price.deleted", price)));
    expect(db.rows("prices")).toEqual([
      expect.objectContaining({ id: "price_1", active: false }),
    ]);
  });

  it("syncs a subscription with the billing period of its first item", async () => {
    db.rows("customers").push({
      user_id: USER_ID,
      stripe_customer_id: "cus_1",
    });
    const created = 1_735_700_000;
    const response = await POST(
      signed(
        eventPayload(
          "customer.subscription.updated",
          subscription,
          "evt_2",
          created,
        ),
      ),
    );
    expect(response.status).toBe(200);
    expect(db.rows("subscriptions")).toEqual([
      expect.objectContaining({
        id: "sub_1",
        user_id: USER_ID,
        status: "active",
        price_id: "price_1",
        current_period_start: "2025-01-01T00:00:00.000Z",
        current_period_end: "2025-02-01T00:00:00.000Z",
        last_event_at: new Date(created * 1000).toISOString(),
      }),
    ]);
    expect(db.rows("prices")).toHaveLength(1);
  });

  it("skips the subscription of a customer that is no user's", async () => {
    const response = await POST(
      signed(eventPayload("customer.subscription.created", subscription)),
    );
    expect(response.status).toBe(200);
    expect(db.rows("subscriptions")).toEqual([]);
  });

  it("refreshes the subscription of a paid invoice from invoice.parent", async () => {
    db.rows("customers").push({
      user_id: USER_ID,
      stripe_customer_id: "cus_1",
    });
    const retrieve = vi
      .spyOn(getStripe().subscriptions, "retrieve")
      .mockResolvedValue(subscription as never);
    const invoice = {
      id: "in_1",
      object: "invoice",
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { subscription: "sub_1", metadata: {} },
      },
    };
    const response = await POST(signed(eventPayload("invoice.paid", invoice)));
    expect(response.status).toBe(200);
    expect(retrieve).toHaveBeenCalledWith("sub_1");
    expect(db.rows("subscriptions")).toHaveLength(1);
  });

  it("links the customer of a completed checkout and syncs its subscription", async () => {
    const retrieve = vi
      .spyOn(getStripe().subscriptions, "retrieve")
      .mockResolvedValue(subscription as never);
    const session = {
      id: "cs_1",
      object: "checkout.session",
      mode: "subscription",
      client_reference_id: USER_ID,
      customer: "cus_1",
      subscription: "sub_1",
    };
    const response = await POST(
      signed(eventPayload("checkout.session.completed", session)),
    );
    expect(response.status).toBe(200);
    expect(retrieve).toHaveBeenCalledWith("sub_1");
    expect(db.rows("customers")).toEqual([
      { user_id: USER_ID, stripe_customer_id: "cus_1" },
    ]);
    expect(db.rows("subscriptions")).toEqual([
      expect.objectContaining({ id: "sub_1", user_id: USER_ID }),
    ]);
  });
});
