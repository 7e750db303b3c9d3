// A recording test double of the generated `@/lib/supabase/server` module. Test files replace
// that module with this one:
//
//   vi.mock("@/lib/supabase/server", () => import("../support/supabase-double"));
//
// `createClient()` returns a real supabase-js client whose `fetch` is a fake PostgREST: every
// request the generated code makes is recorded (table, filters, body, headers) and answered
// with the reply the test scripted, as PostgREST would send it: a row, an empty result (406
// PGRST116 for `.single()`), an error payload with its HTTP status, or a network failure.
// So the real query builder, `.single()`/`.maybeSingle()` handling and error parsing run.
// Only `auth.getClaims()` is stubbed: it returns the claims of `supabase.signIn(...)`, or no
// data for a signed-out caller.
//
// The fake also knows every table's columns (from the real database, see tests/typescript.rs)
// and fails the request, and the test, when the generated code names a column or table that
// does not exist, pointing at the line of the generated `.from(...)` call.
//
// Calls of the rate limiter (`rpc/check_rate_limit`, `rpc/check_ip_rate_limit`) are answered
// apart from the scripted replies, with `rateLimitWait` (0: within the budget), and recorded in
// `rateLimitCalls`, so the tests of what a read does see only its own queries.
import {
  AuthInvalidJwtError,
  createClient as createSupabaseClient,
} from "@supabase/supabase-js";
import { vi } from "vitest";

export const SUPABASE_URL = "https://project-ref.supabase.co";

export type PostgrestErrorPayload = {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
};

/** What the fake PostgREST answers to the next request. */
export type Reply =
  | { rows: Record<string, unknown>[]; total?: number }
  /** A function's scalar result, as PostgREST answers `rpc/<function>`: `"<uuid>"`, `true`. */
  | { value: string | number | boolean | null }
  | { status: number; error: PostgrestErrorPayload }
  | { network: Error };

export type RecordedRequest = {
  method: string;
  /** The table, or `rpc/<function>` for a function call. */
  table: string;
  /** The query string: `select`, filters such as `id=eq.<uuid>`, `order`, `offset`, `limit`. */
  params: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  /** Where the generated code called `.from(table)`: `app/actions/notes.ts:47`. */
  calledFrom: string;
};

export type Claims = {
  sub: string;
  role: string;
  aud: string;
  email: string;
  exp: number;
  iat: number;
  iss: string;
  session_id: string;
  is_anonymous: boolean;
  aal: "aal1";
};

/** Realistic PostgREST error replies, as the HTTP API sends them. */
export const postgrest = {
  uniqueViolation: (table: string, column: string): Reply => ({
    status: 409,
    error: {
      code: "23505",
      message: `duplicate key value violates unique constraint "${table}_${column}_key"`,
      details: `Key (${column})=(taken) already exists.`,
      hint: null,
    },
  }),
  foreignKeyViolation: (table: string): Reply => ({
    status: 409,
    error: {
      code: "23503",
      message: `insert or update on table "${table}" violates foreign key constraint "${table}_ref_fkey"`,
      details: 'Key is not present in table "parent".',
      hint: null,
    },
  }),
  checkViolation: (table: string): Reply => ({
    status: 400,
    error: {
      code: "23514",
      message: `new row for relation "${table}" violates check constraint "${table}_check"`,
      details: "Failing row contains (...).",
      hint: null,
    },
  }),
  rlsDenied: (table: string): Reply => ({
    status: 403,
    error: {
      code: "42501",
      message: `new row violates row-level security policy for table "${table}"`,
      details: null,
      hint: null,
    },
  }),
  nulInText: (): Reply => ({
    status: 400,
    error: {
      code: "22P05",
      message: "unsupported Unicode escape sequence",
      details: "\\u0000 cannot be converted to text.",
      hint: null,
    },
  }),
  /** A write refused by a rate limit (scaffold's limiter raises PostgREST's `PGRST`). */
  rateLimited: (action: string, seconds: number): Reply => ({
    status: 429,
    error: {
      code: "PT429",
      message: `too many requests: ${action}`,
      details: String(seconds),
      hint: `retry in ${seconds} seconds`,
    },
  }),
  statementTimeout: (): Reply => ({
    status: 500,
    error: {
      code: "57014",
      message: "canceling statement due to statement timeout",
      details: null,
      hint: null,
    },
  }),
  networkFailure: (): Reply => ({
    network: Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
        code: "ECONNREFUSED",
      }),
    }),
  }),
};

type Columns = Record<string, string[]>;

class SupabaseDouble {
  claims: Claims | null = null;
  requests: RecordedRequest[] = [];
  /** Generated code that named a missing table or column. */
  schemaErrors: string[] = [];
  clientsCreated = 0;
  /** The auth methods the generated code called, in order. */
  authCalls: string[] = [];
  /** What the rate limiter answers: the seconds to wait, 0 within the budget. */
  rateLimitWait = 0;
  /** The rate limiter's calls, with the key (`apikey`) of the client that made each. */
  rateLimitCalls: RecordedRequest[] = [];
  private expiredToken = false;
  private replies: Reply[] = [];
  private columns: Columns = {};
  private lastFromCall = "";

  /** The tables and columns of the real database. */
  useSchema(columns: Columns): void {
    this.columns = columns;
  }

  reset(): void {
    this.claims = null;
    this.requests = [];
    this.schemaErrors = [];
    this.replies = [];
    this.clientsCreated = 0;
    this.authCalls = [];
    this.expiredToken = false;
    this.rateLimitWait = 0;
    this.rateLimitCalls = [];
  }

  signIn(userId: string): Claims {
    const now = Math.floor(Date.now() / 1000);
    this.claims = {
      sub: userId,
      role: "authenticated",
      aud: "authenticated",
      email: "owner@example.com",
      exp: now + 3600,
      iat: now,
      iss: `${SUPABASE_URL}/auth/v1`,
      session_id: "7a4e3c52-7d2f-4c55-9a39-0f1f5d1e2b6a",
      is_anonymous: false,
      aal: "aal1",
    };
    return this.claims;
  }

  /** Signed out: no session, or (`expired`) a session whose token fails verification. */
  signOut(expired = false): void {
    this.claims = null;
    this.expiredToken = expired;
  }

  /** Queues the replies to the next requests, in order. */
  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  /** A client with the publishable key, or (`admin`) with the secret key, as
   * `createAdminClient` of `@/lib/supabase/admin` makes one. */
  client(admin = false) {
    this.clientsCreated += 1;
    const key = admin ? "sb_secret_test" : "sb_publishable_test";
    const client = createSupabaseClient(SUPABASE_URL, key, {
      auth: {
        persistSession: false,
        autoRefreshToken: false,
        detectSessionInUrl: false,
      },
      global: { fetch: (input, init) => this.fetch(input, init) },
    });
    vi.spyOn(client.auth, "getClaims").mockImplementation(async () => {
      this.authCalls.push("getClaims");
      if (this.claims) {
        return {
          data: {
            claims: this.claims,
            header: { alg: "ES256", typ: "JWT", kid: "test-key" },
            signature: new Uint8Array(64),
          },
          error: null,
        };
      }
      // No session, or a token that fails verification.
      return this.expiredToken
        ? { data: null, error: new AuthInvalidJwtError("JWT has expired") }
        : { data: null, error: null };
    });
    // Identity comes from getClaims only: getSession's user is not verified on the server.
    for (const method of ["getSession", "getUser"] as const) {
      const original = client.auth[method].bind(client.auth);
      vi.spyOn(client.auth, method).mockImplementation(((...args: never[]) => {
        this.authCalls.push(method);
        return (original as (...a: never[]) => unknown)(...args);
      }) as never);
    }
    const from = client.from.bind(client);
    client.from = ((table: string) => {
      this.lastFromCall = callerOutsideLibraries(new Error().stack ?? "");
      return from(table);
    }) as typeof client.from;
    return client;
  }

  private async fetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input);
    const path = url.pathname.replace(/^\/rest\/v1\//, "");
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const text = typeof init?.body === "string" ? init.body : undefined;
    const request: RecordedRequest = {
      method: init?.method ?? "GET",
      table: path,
      params: url.searchParams,
      headers,
      body: text === undefined || text === "" ? undefined : JSON.parse(text),
      calledFrom: this.lastFromCall,
    };
    this.checkSchema(request);
    if (["rpc/check_rate_limit", "rpc/check_ip_rate_limit"].includes(path)) {
      this.rateLimitCalls.push(request);
      return json(200, this.rateLimitWait);
    }
    this.requests.push(request);

    const reply = this.replies.shift() ?? { rows: [] };
    if ("network" in reply) throw reply.network;
    if ("error" in reply) return json(reply.status, reply.error);
    if ("value" in reply) return json(200, reply.value);
    const rows = reply.rows;
    const representation = headers["prefer"]?.includes("return=representation");
    const write =
      !["GET", "HEAD"].includes(request.method) && !path.startsWith("rpc/");
    if (write && !representation) {
      // An insert, update or delete without `.select()`: PostgREST returns no body.
      return new Response(null, {
        status: request.method === "POST" ? 201 : 204,
      });
    }
    const single = headers["accept"]?.startsWith(
      "application/vnd.pgrst.object+json",
    );
    if (single) {
      if (rows.length !== 1) {
        return json(406, {
          code: "PGRST116",
          message: "Cannot coerce the result to a single JSON object",
          details: `The result contains ${rows.length} rows`,
          hint: null,
        });
      }
      return json(request.method === "POST" ? 201 : 200, rows[0]);
    }
    const range: Record<string, string> = {};
    if (/count=(exact|estimated|planned)/.test(headers["prefer"] ?? "")) {
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const total = reply.total ?? rows.length;
      range["content-range"] =
        rows.length === 0
          ? `*/${total}`
          : `${offset}-${offset + rows.length - 1}/${total}`;
    }
    return json(request.method === "POST" ? 201 : 200, rows, range);
  }

  private checkSchema(request: RecordedRequest): void {
    const known = this.columns[request.table];
    const where = request.calledFrom || "(unknown caller)";
    if (!known) {
      this.schemaErrors.push(
        request.table.startsWith("rpc/")
          ? `${where}: function public.${request.table.slice(4)} does not exist`
          : `${where}: table public.${request.table} does not exist`,
      );
      return;
    }
    const used = new Set<string>();
    for (const [key, value] of request.params) {
      if (key === "select" || key === "columns") {
        // `amount::text` selects the column amount, cast.
        for (const c of value.split(",")) {
          if (c !== "*") used.add(c.split("::")[0]!.trim());
        }
      } else if (key === "order") {
        for (const c of value.split(",")) used.add(c.split(".")[0] ?? c);
      } else if (key === "or" || key === "and") {
        // A logic tree: `(a.lt."v",and(a.eq."v",id.lt."w"))`; quoted values left out.
        const unquoted = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        for (const [, c] of unquoted.matchAll(
          /(?:^|[(,])\s*(\w+)\.(?:not\.)?\w+/g,
        )) {
          if (c) used.add(c);
        }
      } else if (key !== "offset" && key !== "limit") {
        used.add(key);
      }
    }
    const rows = Array.isArray(request.body) ? request.body : [request.body];
    for (const row of rows) {
      if (row && typeof row === "object") {
        for (const key of Object.keys(row)) used.add(key);
      }
    }
    for (const column of used) {
      if (!known.includes(column)) {
        this.schemaErrors.push(
          `${where}: column ${column} of public.${request.table} does not exist (it has ${known.join(", ")})`,
        );
      }
    }
  }
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** The first stack frame outside node_modules and this file, as `path:line`. */
function callerOutsideLibraries(stack: string): string {
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes("node_modules") || line.includes("supabase-double")) {
      continue;
    }
    const match = /\(?((?:\/|[A-Za-z]:)[^():]+):(\d+):\d+\)?\s*$/.exec(line);
    if (match?.[1] && match[2]) {
      return `${match[1].replace(`${process.cwd()}/`, "")}:${match[2]}`;
    }
  }
  return "";
}

/** The double every test controls; reset before each test by the resource suite. */
export const supabase = new SupabaseDouble();

/** Replaces `createClient` of the generated `@/lib/supabase/server`. */
export async function createClient() {
  return supabase.client();
}

/** Replaces `createAdminClient` of `@/lib/supabase/admin` (a test file mocks it with this). */
export function createAdminClient() {
  return supabase.client(true);
}
