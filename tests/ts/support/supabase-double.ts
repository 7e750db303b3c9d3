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
// Requests to Storage (`/storage/v1/...`: signing upload and download URLs, removing objects)
// are recorded apart (`storageRequests`) and answered by a fake Storage with what the real one
// sends when the caller is allowed, or with the reply a test scripted (`storageReply`): one of
// Storage's own error payloads (`storageErrors`) or a network failure. The fake knows the
// buckets of the real database and fails the test when the generated code names another.
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

/** A request the generated code sent to Storage. */
export type StorageRequest = {
  method: string;
  /** `object/upload/sign` (an upload URL), `object/sign` (download URLs) or `object` (remove). */
  route: string;
  bucket: string;
  /** The object's path in the URL, for routes about one object. */
  path: string | null;
  body: unknown;
  headers: Record<string, string>;
  /** Where the generated code called `.storage.from(bucket)`. */
  calledFrom: string;
};

/** Storage's error body, as its HTTP API renders it. */
export type StorageErrorPayload = {
  statusCode: string;
  code: string;
  error: string;
  message: string;
};

/** What the fake Storage answers to the next Storage request. */
export type StorageReply =
  | { status: number; error: StorageErrorPayload }
  | { json: unknown }
  | { network: Error };

/**
 * Storage's error replies, as its HTTP API sends them (supabase/storage
 * src/http/error-handler.ts, src/internal/errors/codes.ts, src/storage/database/errors.ts): a
 * 4xx is sent with HTTP status 400 and its own status in the body's `statusCode`; the body's
 * `error` is the legacy name where the error has one, else its code.
 */
export const storageErrors = {
  /** Row level security refused the statement (a 42501 from the database). */
  rlsDenied: (): StorageReply => ({
    status: 400,
    error: {
      statusCode: "403",
      code: "AccessDenied",
      error: "Unauthorized",
      message: "new row violates row-level security policy",
    },
  }),
  objectNotFound: (): StorageReply => ({
    status: 400,
    error: {
      statusCode: "404",
      code: "NoSuchKey",
      error: "not_found",
      message: "Object not found",
    },
  }),
  bucketNotFound: (): StorageReply => ({
    status: 400,
    error: {
      statusCode: "404",
      code: "NoSuchBucket",
      error: "Bucket not found",
      message: "Bucket not found",
    },
  }),
  databaseTimeout: (): StorageReply => ({
    status: 400,
    error: {
      statusCode: "544",
      code: "DatabaseTimeout",
      error: "DatabaseTimeout",
      message: "The connection to the database timed out",
    },
  }),
  internal: (): StorageReply => ({
    status: 500,
    error: {
      statusCode: "500",
      code: "InternalError",
      error: "InternalError",
      message: "Internal server error",
    },
  }),
  /** Storage not reached at all. */
  networkFailure: (): StorageReply => ({
    network: Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.2:443"), {
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
  storageRequests: StorageRequest[] = [];
  private expiredToken = false;
  private replies: Reply[] = [];
  private storageReplies: StorageReply[] = [];
  private buckets: string[] = [];
  private lastStorageCall = "";
  private tokens = 0;
  private columns: Columns = {};
  private lastFromCall = "";

  /** The tables and columns of the real database. */
  useSchema(columns: Columns): void {
    this.columns = columns;
  }

  /** The Storage buckets of the real database. */
  useBuckets(buckets: string[]): void {
    this.buckets = buckets;
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
    this.storageRequests = [];
    this.storageReplies = [];
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

  /** Queues the replies to the next Storage requests, in order. */
  storageReply(...replies: StorageReply[]): void {
    this.storageReplies.push(...replies);
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
    const bucket = client.storage.from.bind(client.storage);
    client.storage.from = ((id: string) => {
      this.lastStorageCall = callerOutsideLibraries(new Error().stack ?? "");
      return bucket(id);
    }) as typeof client.storage.from;
    return client;
  }

  private async fetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    if (url.pathname.startsWith("/storage/v1/")) {
      return this.storageFetch(url, init, headers);
    }
    const path = url.pathname.replace(/^\/rest\/v1\//, "");
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

  /** Storage's routes the generated code uses, answered as Storage answers an allowed caller. */
  private storageFetch(
    url: URL,
    init: RequestInit | undefined,
    headers: Record<string, string>,
  ): Response {
    const rest = decodeURIComponent(
      url.pathname.replace(/^\/storage\/v1\//, ""),
    );
    const route = ["object/upload/sign/", "object/sign/", "object/"].find((r) =>
      rest.startsWith(r),
    );
    if (!route) throw new Error(`the fake Storage has no route for ${rest}`);
    const [bucket = "", ...path] = rest.slice(route.length).split("/");
    const text = typeof init?.body === "string" ? init.body : undefined;
    const request: StorageRequest = {
      method: init?.method ?? "GET",
      route: route.slice(0, -1),
      bucket,
      path: path.length > 0 ? path.join("/") : null,
      body: text === undefined || text === "" ? undefined : JSON.parse(text),
      headers,
      calledFrom: this.lastStorageCall,
    };
    this.storageRequests.push(request);
    if (!this.buckets.includes(bucket)) {
      this.schemaErrors.push(
        `${request.calledFrom || "(unknown caller)"}: bucket ${bucket} does not exist (there are ${this.buckets.join(", ")})`,
      );
    }
    const reply = this.storageReplies.shift();
    if (reply && "network" in reply) throw reply.network;
    if (reply && "error" in reply) return json(reply.status, reply.error);
    if (reply) return json(200, reply.json);
    const token = () => `token-${(this.tokens += 1)}`;
    switch (request.route) {
      case "object/upload/sign": {
        const signed = `/object/upload/sign/${bucket}/${request.path}?token=${token()}`;
        return json(200, {
          url: signed,
          token: new URL(signed, url).searchParams.get("token"),
        });
      }
      case "object/sign": {
        if (request.path !== null) {
          return json(200, {
            signedURL: `/object/sign/${bucket}/${request.path}?token=${token()}`,
          });
        }
        const { paths } = request.body as { paths: string[] };
        return json(
          200,
          paths.map((p) => ({
            error: null,
            path: p,
            signedURL: `/object/sign/${bucket}/${p}?token=${token()}`,
          })),
        );
      }
      default: {
        // remove(): the objects deleted, as rows of storage.objects.
        const { prefixes } = request.body as { prefixes: string[] };
        return json(
          200,
          prefixes.map((name) => ({
            name,
            bucket_id: bucket,
            id: crypto.randomUUID(),
            owner: null,
            owner_id: null,
            version: "1",
            created_at: CREATED,
            updated_at: CREATED,
            last_accessed_at: CREATED,
            metadata: { size: 1, mimetype: "application/octet-stream" },
            user_metadata: null,
          })),
        );
      }
    }
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

const CREATED = "2025-01-01T09:30:00.000Z";

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
