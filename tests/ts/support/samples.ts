// Tables of values per field, from the spec the user typed and the SQL the migration writes for
// it: `accepted` values the column takes (the schema must accept them), `rejected` values the
// database refuses (the schema must refuse them, so they never reach it), and `stricter`
// values the database would take but the schema refuses on purpose (documented, and checked
// too, so a change of mind is a visible change).

export type FieldSpec = {
  column: string;
  type: string;
  enumValues: string[] | null;
  optional: boolean;
  unique: boolean;
  default: string | null;
  min: string | null;
  max: string | null;
  /** `precision=` and `scale=` of a numeric field. */
  precision: string | null;
  scale: string | null;
  /** A file field's media types (`accept=`). */
  accept: string[] | null;
  /** Set once on create, never changed by an update (a workspace resource's workspace_id). */
  fixed: boolean;
  /** Lists may be sorted by it. */
  sortable?: boolean;
  /** Lists may search it. */
  searchable?: boolean;
};

export type Sample = {
  value: unknown;
  /** Why: the SQL rule (or JSON/JS limit) that decides. */
  because: string;
};

export type Samples = {
  accepted: Sample[];
  rejected: Sample[];
  stricter: Sample[];
};

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;

/** `count` copies of `unit` (a string of `count` characters when unit is one character). */
const repeat = (unit: string, count: number) => unit.repeat(Math.max(count, 0));

export function samplesFor(field: FieldSpec): Samples {
  const c = field.column;
  const s: Samples = { accepted: [], rejected: [], stricter: [] };
  const ok = (value: unknown, because: string) =>
    s.accepted.push({ value, because });
  const no = (value: unknown, because: string) =>
    s.rejected.push({ value, because });
  const strict = (value: unknown, because: string) =>
    s.stricter.push({ value, because });
  const min = field.min === null ? null : Number(field.min);
  const max = field.max === null ? null : Number(field.max);

  // Presence and null: `not null` unless optional; a default lets the key be left out.
  if (field.optional) {
    ok(null, `${c} is nullable (optional)`);
  } else {
    no(null, `${c} is not null`);
  }

  switch (field.type) {
    case "text": {
      ok("plain text", `${c} is text`);
      no(42, `${c} is text, not a number`);
      no(["a"], `${c} is text, not an array`);
      // Never blank, and kept as typed: the check and the schema see the same string.
      no("", `${c}_not_blank: empty`);
      no(" \t\n", `${c}_not_blank: only whitespace`);
      no("\u00a0\u3000\ufeff", `${c}_not_blank: only Unicode whitespace`);
      if ((min ?? 0) <= 3 && (max ?? 3) >= 3) {
        ok(" a ", `${c}_not_blank: a character between spaces, kept as typed`);
      }
      if (min !== null && min > 0) {
        ok(repeat("a", min), `char_length(${c}) >= ${min}`);
        if (min > 0) no(repeat("a", min - 1), `char_length(${c}) >= ${min}`);
      }
      // char_length counts code points, as Zod 4 does: an emoji is one character, not two
      // UTF-16 units, and "e" + a combining accent is two.
      if (min !== null && min >= 2) {
        ok(repeat("😀", min), `char_length(${c}) >= ${min} (code points)`);
        no(repeat("😀", min - 1), `char_length(${c}) >= ${min} (code points)`);
        if (min >= 3) {
          no(
            repeat("e\u0301", Math.floor((min - 1) / 2)),
            `char_length(${c}) >= ${min} (a combining accent counts)`,
          );
        }
      }
      if (max !== null) {
        ok(repeat("a", max), `char_length(${c}) <= ${max}`);
        no(repeat("a", max + 1), `char_length(${c}) <= ${max}`);
        ok(repeat("😀", max), `char_length(${c}) <= ${max} (code points)`);
        no(repeat("😀", max + 1), `char_length(${c}) <= ${max} (code points)`);
        if (max >= 2) {
          no(
            repeat("e\u0301", Math.floor(max / 2) + 1),
            `char_length(${c}) <= ${max} (a combining accent counts)`,
          );
        }
      } else {
        ok(repeat("long text ", 1000), `${c} is text without a maximum`);
      }
      const unicode = "Grüße, 世界 ".repeat(Math.ceil((min ?? 0) / 10) || 1);
      const fitted = max === null ? unicode : unicode.slice(0, max);
      ok(fitted, `${c} is UTF-8 text`);
      break;
    }
    case "email": {
      ok("ada@example.com", `${c}_format: the email pattern`);
      ok("o'brien+news@mail.example.co.uk", `${c}_format: the email pattern`);
      no("ada", `${c}_format: no @`);
      no("ada@example", `${c}_format: no top-level domain`);
      no("ada@localhost", `${c}_format: no dot in the domain`);
      no("ada lovelace@example.com", `${c}_format: space`);
      no("ada@-example.com", `${c}_format: label starts with -`);
      no("ada@example.c", `${c}_format: one-letter top-level domain`);
      if (max !== null) {
        const at = "@example.com";
        ok(repeat("a", max - at.length) + at, `char_length(${c}) <= ${max}`);
        no(
          repeat("a", max + 1 - at.length) + at,
          `char_length(${c}) <= ${max}`,
        );
      }
      break;
    }
    case "url": {
      ok("https://example.com", `${c}_format: the url pattern`);
      ok(
        "http://docs.example.co.uk:8080/a/b?q=1#top",
        `${c}_format: the url pattern`,
      );
      no("example.com", `${c}_format: no scheme`);
      no("ftp://example.com", `${c}_format: only http(s)`);
      no("javascript:alert(1)", `${c}_format: only http(s)`);
      no("https://localhost", `${c}_format: needs a dotted domain`);
      no("https://exa mple.com", `${c}_format: space`);
      break;
    }
    case "int":
    case "bigint": {
      const [lo, hi] =
        field.type === "int"
          ? [INT4_MIN, INT4_MAX]
          : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      const type = field.type === "int" ? "integer" : "bigint";
      ok(min ?? 0, `${c} is ${type}`);
      ok(max ?? 7, `${c} is ${type}`);
      if (min === null) ok(lo, `${type} minimum`);
      if (max === null) ok(hi, `${type} maximum`);
      if (field.type === "int") {
        if (min === null) no(lo - 1, "out of range for integer");
        if (max === null) no(hi + 1, "out of range for integer");
      } else {
        strict(
          2 ** 53,
          "bigint holds it, but a JS number cannot represent every integer past 2^53 - 1",
        );
      }
      no(1.5, `${c} is ${type}: invalid input syntax for type ${type}`);
      no("12", `${c} is ${type}, not text`);
      no(Number.NaN, `${c} is ${type}: NaN is no integer`);
      if (min !== null) no(min - 1, `${c} >= ${min}`);
      if (max !== null) no(max + 1, `${c} <= ${max}`);
      break;
    }
    case "numeric": {
      // Exact both ways: a decimal string in and out, never a JavaScript number.
      const scale =
        field.scale === null
          ? field.precision === null
            ? null
            : 0
          : Number(field.scale);
      const integerDigits =
        field.precision === null
          ? null
          : Number(field.precision) - (scale ?? 0);
      const within = (v: number) =>
        (min === null || v >= min) && (max === null || v <= max);
      /** A sample's digits before the point, as many as the precision leaves room for. */
      const fit = (digits: string) =>
        integerDigits === null
          ? digits
          : digits.slice(0, Math.max(integerDigits, 0)) || "0";
      const fraction = scale === 0 ? "" : ".5";
      ok(field.min ?? `-${fit("12")}${fraction}`, `${c} is numeric`);
      ok(field.max ?? `${fit("1234")}${fraction}`, `${c} is numeric`);
      if (within(0.3) && scale === null) {
        ok("0.30000000000000001", `${c} is exact: a double would make it 0.3`);
      }
      if (field.min !== null) no(String(min! - 1), `${c} >= ${field.min}`);
      if (field.max !== null) no(String(max! + 1), `${c} <= ${field.max}`);
      if (scale !== null && within(1) && (integerDigits ?? 1) >= 1) {
        ok(`1.${repeat("0", scale + 2)}`, `trailing zeros change no value`);
      }
      if (scale !== null && within(1.5)) {
        strict(
          `1.${repeat("0", scale)}1`,
          `numeric(${field.precision ?? 1000}, ${scale}) rounds it; the schema refuses a value the database would change`,
        );
      }
      if (integerDigits !== null && integerDigits < 20) {
        no(`1${repeat("0", integerDigits)}`, "numeric field overflow");
      }
      strict(
        within(12.5) ? 12.5 : (min ?? max ?? 0),
        "Postgres reads a JSON number too, but JavaScript numbers are doubles",
      );
      strict(
        "1e3",
        "Postgres reads exponents; the schema asks for plain decimals",
      );
      strict(" 1", "Postgres ignores surrounding spaces; the schema does not");
      no("abc", "invalid input syntax for type numeric");
      no("NaN", `${c}_finite`);
      no("Infinity", `${c}_finite`);
      no("", "invalid input syntax for type numeric");
      break;
    }
    case "float": {
      const type = "double precision";
      ok(min ?? -12.5, `${c} is ${type}`);
      ok(max ?? 1234.5678, `${c} is ${type}`);
      if (min !== null && max !== null)
        ok((min + max) / 2, `between the bounds`);
      if (min !== null) no(min - 0.01, `${c} >= ${min}`);
      if (max !== null) no(max + 0.01, `${c} <= ${max}`);
      no("1.5", `${c} is ${type}, not text`);
      strict(
        Number.POSITIVE_INFINITY,
        "Postgres takes 'Infinity', but JSON cannot carry it",
      );
      no(Number.NaN, "NaN is not a number a form means");
      break;
    }
    case "bool": {
      ok(true, `${c} is boolean`);
      ok(false, `${c} is boolean`);
      no("yes", `${c} is boolean, not text`);
      no(1, `${c} is boolean, not a number`);
      break;
    }
    case "date": {
      ok("2025-01-31", `${c} is date (ISO 8601)`);
      ok("2024-02-29", "a leap day");
      no("2025-02-29", "date/time field value out of range (not a leap year)");
      no("2025-13-01", "date/time field value out of range (month 13)");
      no("2025-01-32", "date/time field value out of range (day 32)");
      strict(
        "2025-1-5",
        "Postgres reads it, but the schema asks for ISO 8601 YYYY-MM-DD",
      );
      strict("2025-01-31T10:00:00Z", "a timestamp, not a date");
      no("tomorrow please", "invalid input syntax for type date");
      break;
    }
    case "timestamptz": {
      ok("2025-01-31T12:34:56Z", `${c} is timestamptz (ISO 8601, UTC)`);
      ok("2025-01-31T12:34:56.789+02:00", `${c} is timestamptz (with offset)`);
      strict(
        "2025-01-31T12:34:56",
        "Postgres would read it in the session time zone; the schema wants an offset",
      );
      strict("2025-01-31", "a date, not an instant");
      no("2025-02-30T00:00:00Z", "date/time field value out of range");
      no(
        "half past noon",
        "invalid input syntax for type timestamp with time zone",
      );
      break;
    }
    case "uuid":
    case "ref": {
      ok("0b8f2a5e-3c1d-4e6f-9a7b-1c2d3e4f5a6b", `${c} is uuid (v4)`);
      ok("0190f7c1-8a6d-7e3b-b4c2-5d6e7f8091a2", `${c} is uuid (v7)`);
      no("not-a-uuid", "invalid input syntax for type uuid");
      no(
        "0b8f2a5e-3c1d-4e6f-9a7b-1c2d3e4f5a6",
        "invalid input syntax for type uuid (too short)",
      );
      no(42, `${c} is uuid, not a number`);
      strict(
        "0b8f2a5e3c1d4e6f9a7b1c2d3e4f5a6b",
        "Postgres reads uuids without hyphens; the schema wants the canonical form",
      );
      break;
    }
    case "jsonb": {
      ok({}, `${c} is jsonb`);
      ok(
        { tags: ["a", "b"], nested: { n: 1, ok: true, none: null } },
        `${c} is jsonb`,
      );
      ok([1, "two", null], `${c} is jsonb (an array)`);
      ok("text", `${c} is jsonb (a string)`);
      ok(0, `${c} is jsonb (a number)`);
      strict(Number.NaN, "NaN is not JSON (JSON.stringify would send null)");
      strict(
        { at: new Date(0) },
        "a Date is not JSON (JSON.stringify would send a string)",
      );
      strict(
        () => 1,
        "a function is not JSON (JSON.stringify would drop the key)",
      );
      break;
    }
    case "enum": {
      const values = field.enumValues ?? [];
      for (const v of values) ok(v, `a value of the ${c} enum`);
      no("not-a-value", `invalid input value for enum: ${values.join(", ")}`);
      if (values[0]) {
        no(values[0].toUpperCase() + "_", "enum values are case-sensitive");
      }
      no("", "invalid input value for enum");
      break;
    }
    case "file": {
      // The object's path as the upload action issues it; `max=` is the bucket's size limit,
      // which Storage enforces on the bytes (the upload-URL action checks it before signing).
      const folder = "0b8f2a5e-3c1d-4e6f-9a7b-1c2d3e4f5a6b";
      const object = "2b0e5a5c-7d1f-4c8e-9a3b-6f4d2c1e0a9b";
      ok(`${folder}/${object}`, `${c}_path: <folder>/<uuid>`);
      no(
        `${folder}/photo.png`,
        `${c}_path: names are generated, never the file's`,
      );
      no(`${folder}/${object.toUpperCase()}`, `${c}_path: lower-case UUIDs`);
      no(`${folder}/../${object}`, `${c}_path: no parent-folder step`);
      no(object, `${c}_path: a folder, then the name`);
      no("", `${c}_path: empty`);
      no(42, `${c} is text, not a number`);
      break;
    }
    default:
      throw new Error(`samples: unknown field type ${field.type} for ${c}`);
  }
  return s;
}

/** A value the column takes, for building a valid object (the first accepted non-null). */
export function validValue(field: FieldSpec): unknown {
  const sample = samplesFor(field).accepted.find((x) => x.value !== null);
  if (!sample) throw new Error(`no valid sample for ${field.column}`);
  return sample.value;
}

/** JSON that round-trips through JSON.stringify unchanged. */
function isJson(value: unknown): boolean {
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean"
  ) {
    return true;
  }
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.values(value as object).every(isJson);
  }
  return false;
}

/**
 * How a browser form would submit the value for a field read as `kind`, or undefined when a
 * form cannot express it (a number typed into a text input is text; null is an empty input,
 * and only for a field that takes null: elsewhere an empty input means "not given").
 */
export function formText(
  value: unknown,
  kind: string,
  nullable = true,
): string | undefined {
  // An empty input is none (null), of any kind.
  if (value === null) return nullable ? "" : undefined;
  switch (kind) {
    case "text":
      // Blank text is not a value a form can send: an empty input means none.
      return typeof value === "string" && value.trim() !== ""
        ? value
        : undefined;
    case "number":
      return typeof value === "number" ? String(value) : undefined;
    case "boolean":
      return typeof value === "boolean" ? String(value) : undefined;
    case "json":
      return isJson(value) ? JSON.stringify(value) : undefined;
    default:
      throw new Error(`unknown form kind ${kind}`);
  }
}

/** A short printable form of a sample value for test names. */
export function show(value: unknown): string {
  if (typeof value === "string") {
    // Characters as Postgres' char_length counts them: code points.
    const chars = [...value];
    return chars.length > 40
      ? `${JSON.stringify(chars.slice(0, 12).join(""))}… (${chars.length} characters)`
      : JSON.stringify(value);
  }
  if (typeof value === "function") return "a function";
  if (typeof value === "number") return String(value);
  if (value instanceof Date) return "a Date";
  try {
    return (
      JSON.stringify(value, (_k, v) => (v instanceof Date ? "Date" : v)) ??
      String(value)
    );
  } catch {
    return String(value);
  }
}
