// Runs the generated data layer's list functions against the real database, for
// tests/postgres.rs: a PostgREST stand-in turns each request supabase-js makes into the SQL
// PostgREST would run, in PostgREST's shape, and answers as PostgREST answers.
//
// Usage: node list-driver.mjs DATABASE_URL   (run in the generated project's root)
// Then one JSON command per line on stdin, one JSON answer per line on stdout:
//   { "module": "/abs/lib/data/notes.ts", "fn": "listNotes", "user": "<uuid>" | null,
//     "input": { ... } }
//   → { "result": <what the function returned>, "urls": ["/rest/v1/notes?...", ...] }
//
// The stand-in follows PostgREST's own source (src/PostgREST/ApiRequest/QueryParams.hs,
// src/PostgREST/Query/SqlFragment.hs): the parameters it reads itself (select, columns,
// on_conflict, order, limit, offset, and, or) and every other as a filter `op.value`; logic
// trees with quoted values (`"..."`, `\` escaping the next character); every value sent as a
// parameter of unknown type, so PostgreSQL reads it as the column's type; `like`/`ilike` with
// `*` as `%`; `fts(config)` as `@@ to_tsquery(config, value)`; `in` as `= any(array)`; order
// terms with directions and nulls; `limit`/`offset`; `Prefer: count=...` as a count of the
// filtered rows and the total in `Content-Range`. Requests run as PostgREST runs them: one
// transaction, `set local role` to `authenticated` (or `anon`), the JWT claims in
// `request.jwt.claims`.
import { registerHooks } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// Packages come from the generated project's node_modules, as its own imports find them.
const project = pathToFileURL(join(process.cwd(), "package.json")).href;
const pg = createRequire(project)("pg");

let currentUser = null;
globalThis.__listDriverUser = () => currentUser;

const AUTH_MODULE = "list-driver:auth";
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === "server-only") {
      return { url: "list-driver:server-only", shortCircuit: true };
    }
    if (/^@\/lib\/data\/auth$/.test(specifier)) {
      return { url: AUTH_MODULE, shortCircuit: true };
    }
    if (specifier.startsWith("@/")) {
      const file = join(process.cwd(), `${specifier.slice(2)}.ts`);
      return nextResolve(pathToFileURL(file).href, context);
    }
    if (context.parentURL?.startsWith("list-driver:")) {
      return nextResolve(specifier, { ...context, parentURL: project });
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (url === "list-driver:server-only") {
      return { format: "module", source: "export {};", shortCircuit: true };
    }
    if (url === AUTH_MODULE) {
      return {
        format: "module",
        shortCircuit: true,
        source: `
          import { createClient } from "@supabase/supabase-js";
          export async function getSupabase() {
            return createClient("http://postgrest.test", "publishable", {
              auth: { persistSession: false, autoRefreshToken: false },
              global: { fetch: globalThis.__listDriverFetch },
            });
          }
          export async function getUserId() { return globalThis.__listDriverUser(); }
        `,
      };
    }
    return nextLoad(url, context);
  },
});

const client = new pg.Client({ connectionString: process.argv[2] });
await client.connect();
const urls = [];

globalThis.__listDriverFetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  urls.push(`${url.pathname}${url.search}`);
  const headers = new Headers(init?.headers);
  const table = url.pathname.replace(/^\/rest\/v1\//, "");
  try {
    const { text, values, countText } = readQuery(table, url.searchParams, headers);
    await client.query("begin");
    const claims = currentUser
      ? { sub: currentUser, role: "authenticated" }
      : { role: "anon" };
    await client.query(
      "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
      [claims.role, JSON.stringify(claims)],
    );
    const body = (await client.query(text, values)).rows[0].body;
    const total = countText
      ? (await client.query(countText, values)).rows[0].count
      : "*";
    await client.query("commit");
    const rows = JSON.parse(body);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const range = rows.length === 0 ? `*/${total}` : `${offset}-${offset + rows.length - 1}/${total}`;
    return new Response(body, {
      status: 200,
      headers: { "content-type": "application/json", "content-range": range },
    });
  } catch (error) {
    await client.query("rollback").catch(() => {});
    return new Response(
      JSON.stringify({
        code: error.code ?? "PGRST100",
        message: error.message,
        details: error.detail ?? null,
        hint: error.hint ?? null,
      }),
      { status: 400, headers: { "content-type": "application/json" } },
    );
  }
};

const RESERVED = ["select", "columns", "on_conflict", "order", "limit", "offset", "and", "or"];
const OPERATORS = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=", like: "like", ilike: "ilike" };
const FTS = { fts: "to_tsquery", plfts: "plainto_tsquery", phfts: "phraseto_tsquery", wfts: "websearch_to_tsquery" };

const ident = (name) => `"${name.replace(/"/g, '""')}"`;

/** The SQL PostgREST runs for a read of `table` with these parameters. */
function readQuery(table, params, headers) {
  const values = [];
  const param = (value) => {
    values.push(value);
    return `$${values.length}`;
  };
  const qualified = `"public".${ident(table)}`;
  const column = (name) => `${qualified}.${ident(name)}`;
  const select = (params.get("select") ?? "*")
    .split(",")
    .map((item) => {
      const [name, cast] = item.trim().split("::");
      if (name === "*") return `${qualified}.*`;
      return cast ? `cast(${column(name)} as ${cast}) as ${ident(name)}` : column(name);
    })
    .join(", ");
  const condition = (field, expression) => {
    let negated = false;
    let rest = expression;
    if (rest.startsWith("not.")) {
      negated = true;
      rest = rest.slice(4);
    }
    const dot = rest.indexOf(".");
    const op = rest.slice(0, dot);
    const value = rest.slice(dot + 1);
    const fts = /^(\w+)(?:\((\w+)\))?$/.exec(op);
    let sql;
    if (op === "is") {
      const known = { null: "null", true: "true", false: "false", unknown: "unknown", not_null: "not null" };
      sql = `${column(field)} is ${known[value.toLowerCase()]}`;
    } else if (op === "in") {
      const list = splitList(value.replace(/^\(|\)$/g, ""));
      sql = `${column(field)} = any (${param(`{${list.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`)})`;
    } else if (fts && FTS[fts[1]]) {
      const config = fts[2] ? `${param(fts[2])}, ` : "";
      sql = `${column(field)} @@ ${FTS[fts[1]]}(${config}${param(value)})`;
    } else if (OPERATORS[op]) {
      const v = op === "like" || op === "ilike" ? value.replace(/\*/g, "%") : value;
      sql = `${column(field)} ${OPERATORS[op]} ${param(v)}`;
    } else {
      throw Object.assign(new Error(`unknown operator ${op}`), { code: "PGRST100" });
    }
    return negated ? `not ${sql}` : sql;
  };
  const where = [];
  for (const [key, value] of params) {
    if (key === "or" || key === "and") {
      where.push(logicTree(`${key}${value}`, condition));
    } else if (!RESERVED.includes(key)) {
      where.push(condition(key, value));
    }
  }
  const order = params.get("order");
  const orderBy = order
    ? ` order by ${order
        .split(",")
        .map((term) => {
          const [name, ...mods] = term.split(".");
          const words = mods.map((m) => ({ asc: "asc", desc: "desc", nullsfirst: "nulls first", nullslast: "nulls last" })[m]);
          return [column(name), ...words].join(" ");
        })
        .join(", ")}`
    : "";
  const limit = params.get("limit");
  const range = limit === null ? "" : ` limit ${Number(limit)} offset ${Number(params.get("offset") ?? 0)}`;
  const filter = where.length > 0 ? ` where ${where.join(" and ")}` : "";
  const text = `select coalesce(json_agg(_postgrest_t), '[]')::text as body from (select ${select} from ${qualified}${filter}${orderBy}${range}) _postgrest_t`;
  const counted = /count=(exact|planned|estimated)/.test(headers.get("prefer") ?? "");
  const countText = counted ? `select count(*)::int as count from ${qualified}${filter}` : null;
  return { text, values, countText };
}

/** A PostgREST logic tree, `or(a.eq.1,and(b.lt."x",c.is.null))`, as SQL. */
function logicTree(text, condition) {
  let at = 0;
  const peek = (s) => text.startsWith(s, at);
  const parseTree = () => {
    let negated = false;
    if (peek("not.")) {
      negated = true;
      at += 4;
    }
    const op = peek("and(") ? "and" : peek("or(") ? "or" : null;
    if (op === null) throw new Error(`not a logic tree at ${at}: ${text}`);
    at += op.length + 1;
    const parts = [];
    for (;;) {
      parts.push(peek("and(") || peek("or(") || peek("not.and(") || peek("not.or(") ? parseTree() : parseFilter());
      if (peek(",")) {
        at += 1;
      } else if (peek(")")) {
        at += 1;
        break;
      } else {
        throw new Error(`expected , or ) at ${at}: ${text}`);
      }
    }
    return `${negated ? "not " : ""}(${parts.join(` ${op} `)})`;
  };
  const parseFilter = () => {
    const field = /^\s*([\w$ -]+?)\s*\./.exec(text.slice(at));
    if (!field) throw new Error(`expected a field at ${at}: ${text}`);
    at += field[0].length;
    let expression = "";
    // The operator (with `not.` and an fts config) up to the value's delimiter.
    const op = /^(not\.)?\w+(\(\w+\))?\./.exec(text.slice(at));
    if (!op) throw new Error(`expected an operator at ${at}: ${text}`);
    expression += op[0];
    at += op[0].length;
    if (peek('"')) {
      at += 1;
      let value = "";
      while (at < text.length && !peek('"')) {
        if (peek("\\")) at += 1;
        value += text[at];
        at += 1;
      }
      at += 1;
      expression += value;
    } else {
      const end = text.slice(at).search(/[,)]/);
      expression += text.slice(at, at + end);
      at += end;
    }
    return condition(field[1], expression);
  };
  return parseTree();
}

function splitList(text) {
  const items = [];
  let at = 0;
  while (at <= text.length) {
    if (text[at] === '"') {
      let value = "";
      at += 1;
      while (at < text.length && text[at] !== '"') {
        if (text[at] === "\\") at += 1;
        value += text[at];
        at += 1;
      }
      items.push(value);
      at += 2;
    } else {
      const end = text.indexOf(",", at);
      items.push(text.slice(at, end < 0 ? text.length : end));
      at = end < 0 ? text.length + 1 : end + 1;
    }
  }
  return items;
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  currentUser = command.user;
  urls.length = 0;
  try {
    const module = await import(pathToFileURL(command.module).href);
    const result = await module[command.fn](command.input);
    process.stdout.write(`${JSON.stringify({ result, urls })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ thrown: String(error?.stack ?? error), urls })}\n`);
  }
}
await client.end();
