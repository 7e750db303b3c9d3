import * as z from "zod";

/**
 * One page of a list: its rows, the cursor of the next page (null on the last one), and the
 * number of matching rows when the list was asked for one (`total`), else null.
 */
export type Page<T> = {
  items: T[];
  nextCursor: string | null;
  total: number | null;
};

export const DIRECTIONS = ["asc", "desc"] as const;

/**
 * The totals a list may ask for: none by default (counting every matching row costs a scan
 * of them all); `estimated` counts exactly up to PostgREST's row limit and takes the planner's
 * estimate beyond it; `exact` counts them all.
 */
export const TOTALS = ["estimated", "exact"] as const;

/** Where a page starts: after the row with this id and this value of the sort column. */
export type Cursor = {
  sort: string;
  direction: (typeof DIRECTIONS)[number];
  value: string | number;
  id: string;
};

const CURSOR = z.object(
  {
    sort: z.string(),
    direction: z.enum(DIRECTIONS),
    value: z.union([z.string(), z.number()]),
    id: z.uuid(),
  },
  { error: "Not a cursor of this list: start again from the first page." },
);

/** A cursor as `Page.nextCursor` gives it, decoded: base64url JSON, URL-safe as it is. */
export function cursor() {
  return z.string().max(4096).transform(fromBase64Url).pipe(CURSOR);
}

/** Refuses a cursor of another order, or whose value is not one of the sort column's. */
export function cursorFits(values: Record<string, z.ZodType>) {
  return (
    input: { sort: string; direction: string; after?: Cursor },
    ctx: z.RefinementCtx,
  ) => {
    const { after } = input;
    if (after === undefined) return;
    const value = values[input.sort];
    const fits =
      after.sort === input.sort &&
      after.direction === input.direction &&
      value !== undefined &&
      value.safeParse(after.value).success;
    if (!fits) {
      ctx.addIssue({
        code: "custom",
        path: ["after"],
        message:
          "This cursor belongs to another order: start from the first page.",
      });
    }
  };
}

/** Dates from `from` to `to`, both included; either may be left out. */
export function dateRange() {
  return range(z.iso.date());
}

/** Times from `from` to `to` (with their offsets), both included; either may be left out. */
export function timeRange() {
  return range(z.iso.datetime({ offset: true }));
}

function range<T extends z.ZodType>(value: T) {
  return z.object({ from: value.optional(), to: value.optional() });
}

/** Letters and digits: what both searches match on. */
const WORD = /[\p{L}\p{N}]+/gu;

/** A search as typed (trimmed), with at least one letter or digit. */
export function searchTerm() {
  return z
    .string()
    .trim()
    .max(100)
    .regex(/[\p{L}\p{N}]/u, { error: "Search for a letter or a digit." });
}

/** The columns a list's search looks in: a generated `tsvector`, and text by substring. */
export type SearchFields = {
  words?: { column: string; config: string };
  substrings?: readonly string[];
};

/**
 * The PostgREST `or` filter of a search: a row matches when any searchable field does. The
 * words of free text match as prefixes, every word (`proj apo` finds "Apollo project"); an
 * email or URL matches anywhere (`%`, `_` and `\` as themselves; `*` is PostgREST's wildcard).
 */
export function searchFilter(term: string, fields: SearchFields): string {
  const conditions: string[] = [];
  if (fields.words) {
    const { column, config } = fields.words;
    const words = (term.match(WORD) ?? []).map((word) => `'${word}':*`);
    conditions.push(`${column}.fts(${config}).${quoted(words.join(" & "))}`);
  }
  const pattern = `*${term.replace(/[\\%_]/g, "\\$&")}*`;
  for (const column of fields.substrings ?? []) {
    conditions.push(`${column}.ilike.${quoted(pattern)}`);
  }
  return conditions.join(",");
}

/**
 * The PostgREST `or` filters of the rows after a cursor, in its order: the bound that lets
 * the index start at the cursor (`created_at <= value`), and the rows past it, ties on the
 * sort column broken by id (`created_at < value`, or equal and `id < id`).
 */
export function keyset(after: Cursor): [bound: string, past: string] {
  const { sort, value, id } = after;
  const [past, bound] =
    after.direction === "asc" ? ["gt", "gte"] : ["lt", "lte"];
  const v = quoted(value);
  return [
    `${sort}.${bound}.${v}`,
    `${sort}.${past}.${v},and(${sort}.eq.${v},id.${past}.${quoted(id)})`,
  ];
}

/**
 * The page of rows a list query returned: it asks for one row more than the page holds, and
 * that row, when there, says a next page exists, which starts after the page's last row.
 */
export function toPage<T extends { id: string }>(
  rows: T[],
  query: {
    sort: keyof T & string;
    direction: Cursor["direction"];
    pageSize: number;
  },
  total: number | null,
): Page<T> {
  const items = rows.slice(0, query.pageSize);
  const last = items.at(-1);
  if (rows.length <= query.pageSize || last === undefined) {
    return { items, nextCursor: null, total };
  }
  const value = last[query.sort];
  if (typeof value !== "string" && typeof value !== "number") {
    throw new Error(
      `${query.sort} is not a sort column: it holds ${typeof value}`,
    );
  }
  const cursor: Cursor = {
    sort: query.sort,
    direction: query.direction,
    value,
    id: last.id,
  };
  return { items, nextCursor: toBase64Url(JSON.stringify(cursor)), total };
}

/** A value inside a PostgREST `or` filter: quoted, `"` and `\` escaped, so any text is one value. */
function quoted(value: string | number): string {
  return `"${String(value).replace(/[\\"]/g, "\\$&")}"`;
}

function toBase64Url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary)
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** The JSON a cursor holds, or undefined for text that is not one. */
function fromBase64Url(text: string): unknown {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}
