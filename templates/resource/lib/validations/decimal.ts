import * as z from "zod";

/** A plain decimal: an optional minus, digits, and an optional point followed by digits. */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** What a numeric column without a precision holds: digits before and after the point. */
const MAX_INTEGER_DIGITS = 131072;
const MAX_SCALE = 16383;

/**
 * `numeric(precision, scale)`: at most `precision - scale` digits before the point and `scale`
 * after it (the database rounds more; trailing zeros do not count, they change no value), and
 * `min`/`max` as decimals, compared exactly.
 */
export type DecimalRules = {
  precision?: number;
  scale?: number;
  min?: string;
  max?: string;
};

/**
 * An exact decimal, as a string both ways: the database reads a JSON string into numeric
 * without a JavaScript number in between, and reads cast numeric to text (`amount::text`).
 */
export function decimal({ precision, scale, min, max }: DecimalRules = {}) {
  const digits =
    precision === undefined
      ? "a number the database can hold"
      : `at most ${precision - (scale ?? 0)} digits before the point and ${scale ?? 0} after it`;
  let schema = z
    .string()
    .regex(DECIMAL, { error: "Must be a decimal number like 12.50." })
    .refine((value) => fits(value, precision, scale ?? 0), {
      error: `Must be ${digits}.`,
    });
  if (min !== undefined) {
    schema = schema.refine(
      (value) => !DECIMAL.test(value) || compareDecimals(value, min) >= 0,
      { error: `Must be at least ${min}.` },
    );
  }
  if (max !== undefined) {
    schema = schema.refine(
      (value) => !DECIMAL.test(value) || compareDecimals(value, max) <= 0,
      { error: `Must be at most ${max}.` },
    );
  }
  return schema;
}

/** Compares two decimals exactly: negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareDecimals(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  // Without leading zeros, more digits before the point is larger; with as many, the digit
  // strings (padded to the same places) compare as numbers do.
  const [dx, dy] = [digitsOf(x, y), digitsOf(y, x)];
  const magnitude =
    x.integer.length !== y.integer.length
      ? x.integer.length - y.integer.length
      : dx < dy
        ? -1
        : dx > dy
          ? 1
          : 0;
  return x.negative ? -magnitude : magnitude;
}

/** Whether the column holds `value` without refusing or rounding it (not a decimal: the pattern says so). */
function fits(
  value: string,
  precision: number | undefined,
  scale: number,
): boolean {
  if (!DECIMAL.test(value)) return true;
  const { integer, decimals, fraction } = parts(value);
  if (precision === undefined) {
    return integer.length <= MAX_INTEGER_DIGITS && fraction.length <= MAX_SCALE;
  }
  return integer.length <= precision - scale && decimals.length <= scale;
}

type Parts = {
  negative: boolean;
  /** Digits before the point, without leading zeros. */
  integer: string;
  /** Digits after the point, without trailing zeros. */
  decimals: string;
  /** Digits after the point, as written. */
  fraction: string;
};

function parts(value: string): Parts {
  const negative = value.startsWith("-");
  const [whole = "", fraction = ""] = value.slice(negative ? 1 : 0).split(".");
  const integer = whole.replace(/^0+/, "");
  const decimals = fraction.replace(/0+$/, "");
  return {
    negative: negative && integer + decimals !== "",
    integer,
    decimals,
    fraction,
  };
}

/** The digits of `x`, its decimals padded to as many places as `y` has. */
function digitsOf(x: Parts, y: Parts): string {
  const places = Math.max(x.decimals.length, y.decimals.length);
  return x.integer + x.decimals.padEnd(places, "0");
}

/** A row with the numeric columns `K` as decimal strings, as reads that cast them to text return them. */
export type WithDecimals<Row, K extends keyof Row> = {
  [C in keyof Row]: C extends K ? DecimalString<Row[C]> : Row[C];
};

type DecimalString<T> = T extends number ? string : T;

/**
 * Hands a row whose numeric columns `K` are decimal strings to the typed client: the database
 * reads each string exactly, where the generated types (numeric as `number`) would send a
 * rounded JavaScript number. Only the type changes.
 */
export function withDecimals<Row, K extends keyof Row>(
  row: WithDecimals<Row, K>,
): Row {
  return row as unknown as Row;
}
