// The generated billing actions (`scaffold webhook stripe`): startCheckout and
// openBillingPortal, with the user's Supabase client, the admin client and the Stripe API
// replaced by recording test doubles. Runs next to webhook-stripe.test.ts (see there).
import { beforeEach, describe, expect, it, vi } from "vitest";

import { requestHeaders } from "@/tests/next-mocks";

vi.hoisted(() => {
  process.env.STRIPE_SECRET_KEY = "sk_test_scaffold";
});

const db = vi.hoisted(() => {
  type Row = Record<string, unknown>;
  type Call = {
    client: "user" | "admin";
    table: string;
    op: "select" | "upsert";
    values?: unknown;
    filters: Record<string, unknown>;
  };
  const tables = new Map<string, Row[]>();
  const calls: Call[] = [];
  let claims: { sub: string; email?: string } | null = null;

  const rows = (table: string): Row[] => {
    if (!tables.has(table)) tables.set(table, []);
    return tables.get(table)!;
  };

  function from(client: Call["client"], table: string) {
    const call: Call = { client, table, op: "select", filters: {} };
    const builder = {
      select: () => builder,
      eq(column: string, value: unknown) {
        call.filters[column] = value;
        return builder;
      },
      upsert(values: Row, options: { onConflict: string }) {
        Object.assign(call, { op: "upsert", values });
        if (
          !rows(table).some(
            (r) => r[options.onConflict] === values[options.onConflict],
          )
        )
          rows(table).push(values);
        return builder;
      },
      maybeSingle: () => builder,
      then<T>(resolve: (result: { data: unknown; error: null }) => T) {
        calls.push(call);
        const hit = rows(table).find((row) =>
          Object.entries(call.filters).every(([k, v]) => row[k] === v),
        );
        return Promise.resolve(
          resolve({
            data: call.op === "select" ? (hit ?? null) : null,
            error: null,
          }),
        );
      },
    };
    return builder;
  }

  return {
    rows,
    calls,
    signIn(sub: string | null) {
      claims = sub === null ? null : { sub, email: "owner@example.com" };
    },
    user: {
      auth: {
        getClaims: async () => ({
          data: claims === null ? null : { claims },
          error: null,
        }),
      },
      from: (table: string) => from("user", table),
    },
    admin: { from: (table: string) => from("admin", table) },
    reset() {
      tables.clear();
      calls.length = 0;
      claims = null;
    },
  };
});

vi.mock("@/lib/supabase/server", () => ({ createClient: async () => db.user }));
vi.mock("@/lib/supabase/admin", () => ({ createAdminClient: () => db.admin }));

import { openBillingPortal, startCheckout } from "@/app/actions/billing";
import { getStripe } from "@/lib/stripe/server";

const USER_ID = "11111111-1111-4111-8111-111111111111";
const ORIGIN = "https://app.example.com";

function stubStripe() {
  return {
    customers: vi
      .spyOn(getStripe().customers, "create")
      .mockResolvedValue({ id: "cus_new" } as never),
    checkout: vi
      .spyOn(getStripe().checkout.sessions, "create")
      .mockResolvedValue({
        id: "cs_1",
        url: "https://checkout.stripe.com/c/cs_1",
      } as never),
    portal: vi
      .spyOn(getStripe().billingPortal.sessions, "create")
      .mockResolvedValue({
        id: "bps_1",
        url: "https://billing.stripe.com/p/1",
      } as never),
  };
}

beforeEach(() => {
  db.reset();
  vi.restoreAllMocks();
  vi.spyOn(console, "error").mockImplementation(() => {});
  requestHeaders.set("origin", ORIGIN);
  db.rows("prices").push({ id: "price_1", type: "recurring" });
});

describe("startCheckout", () => {
  it("creates and stores the customer on first use, then starts Checkout", async () => {
    db.signIn(USER_ID);
    const stripeCalls = stubStripe();

    const result = await startCheckout("price_1");

    expect(result).toEqual({
      ok: true,
      data: { url: "https://checkout.stripe.com/c/cs_1" },
    });
    expect(stripeCalls.customers).toHaveBeenCalledWith(
      { email: "owner@example.com", metadata: { supabase_user_id: USER_ID } },
      { idempotencyKey: `customer-for-user-${USER_ID}` },
    );
    expect(db.rows("customers")).toEqual([
      { user_id: USER_ID, stripe_customer_id: "cus_new" },
    ]);
    expect(
      db.calls.filter((c) => c.op === "upsert").map((c) => c.client),
    ).toEqual(["admin"]);
    expect(stripeCalls.checkout).toHaveBeenCalledWith({
      mode: "subscription",
      customer: "cus_new",
      client_reference_id: USER_ID,
      line_items: [{ price: "price_1", quantity: 1 }],
      success_url: `${ORIGIN}/billing?checkout=success`,
      cancel_url: `${ORIGIN}/billing`,
    });
  });

  it("reuses the stored customer", async () => {
    db.signIn(USER_ID);
    db.rows("customers").push({
      user_id: USER_ID,
      stripe_customer_id: "cus_old",
    });
    const stripeCalls = stubStripe();

    await startCheckout("price_1");

    expect(stripeCalls.customers).not.toHaveBeenCalled();
    expect(stripeCalls.checkout).toHaveBeenCalledWith(
      expect.objectContaining({ customer: "cus_old" }),
    );
  });

  const refusals: [string, string | null, string, string][] = [
    ["a signed-out caller", null, "price_1", "unauthorized"],
    ["an id that is not a price id", USER_ID, "prod_1", "validation"],
    ["a price that is not for sale", USER_ID, "price_gone", "not_found"],
  ];
  it.each(refusals)(
    "refuses %s without calling Stripe",
    async (_, user, priceId, code) => {
      db.signIn(user);
      const stripeCalls = stubStripe();

      const result = await startCheckout(priceId);

      expect(result).toMatchObject({ ok: false, error: { code } });
      expect(stripeCalls.customers).not.toHaveBeenCalled();
      expect(stripeCalls.checkout).not.toHaveBeenCalled();
      expect(db.calls.filter((c) => c.op === "upsert")).toEqual([]);
    },
  );

  it("reports a Stripe failure as unexpected", async () => {
    db.signIn(USER_ID);
    stubStripe().checkout.mockRejectedValue(new Error("Stripe is down"));

    const result = await startCheckout("price_1");

    expect(result).toMatchObject({ ok: false, error: { code: "unexpected" } });
  });
});

describe("openBillingPortal", () => {
  it("opens the portal for the user's customer", async () => {
    db.signIn(USER_ID);
    db.rows("customers").push({
      user_id: USER_ID,
      stripe_customer_id: "cus_old",
    });
    const stripeCalls = stubStripe();

    const result = await openBillingPortal();

    expect(result).toEqual({
      ok: true,
      data: { url: "https://billing.stripe.com/p/1" },
    });
    expect(stripeCalls.portal).toHaveBeenCalledWith({
      customer: "cus_old",
      return_url: `${ORIGIN}/billing`,
    });
  });

  const refusals: [string, string | null, string][] = [
    ["a signed-out caller", null, "unauthorized"],
    ["a user who never checked out", USER_ID, "not_found"],
  ];
  it.each(refusals)(
    "refuses %s without calling Stripe",
    async (_, user, code) => {
      db.signIn(user);
      const stripeCalls = stubStripe();

      const result = await openBillingPortal();

      expect(result).toMatchObject({ ok: false, error: { code } });
      expect(stripeCalls.portal).not.toHaveBeenCalled();
    },
  );
});
