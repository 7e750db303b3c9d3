//! Bounds and defaults, parsed once into exact values: integers as integers, decimals as
//! decimals (never floating point), lengths as counts. Every later comparison, SQL literal, Zod
//! call and pgTAP sample reads these, so a default can never be accepted here and then violate
//! its own check constraint in the database.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use super::field::{Bounds, Digits, FieldType, NumberKind};
use super::file::Size;
use super::formats;

/// An exact number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    /// `int` and `bigint` values.
    Integer(i64),
    /// `numeric` and `float` values, as written (no binary rounding).
    Decimal(Decimal),
}

impl Number {
    fn as_decimal(self) -> Decimal {
        match self {
            Number::Integer(n) => Decimal::from(n),
            Number::Decimal(d) => d,
        }
    }

    /// `self + delta`, in the same kind; `None` on overflow.
    pub fn offset(self, delta: i64) -> Option<Number> {
        match self {
            Number::Integer(n) => n.checked_add(delta).map(Number::Integer),
            Number::Decimal(d) => d.checked_add(Decimal::from(delta)).map(Number::Decimal),
        }
    }

    /// A small whole number held as `kind` holds its values.
    pub fn whole(n: i64, kind: NumberKind) -> Number {
        match kind {
            NumberKind::Int32 | NumberKind::Int64 => Number::Integer(n),
            NumberKind::Decimal => Number::Decimal(Decimal::from(n)),
        }
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (self, other) {
            (Number::Integer(a), Number::Integer(b)) => a.cmp(b),
            // i64 fits a Decimal's 96-bit mantissa exactly.
            _ => self.as_decimal().cmp(&other.as_decimal()),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// As JavaScript, Prettier and PostgreSQL all read it: no leading zeros, no trailing fraction
/// zeros, no `-0`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Integer(n) => write!(f, "{n}"),
            Number::Decimal(d) => write!(f, "{}", d.normalize()),
        }
    }
}

/// A `min=` or `max=`: a length for text-like types, a value for numbers, a size for files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Length(u32),
    Value(Number),
    Size(Size),
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Length(n) => write!(f, "{n}"),
            Bound::Value(n) => write!(f, "{n}"),
            Bound::Size(size) => write!(f, "{size}"),
        }
    }
}

/// A value the database computes when a row is inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// `date:default=today`
    Today,
    /// `timestamptz:default=now`
    Now,
    /// `uuid:default=random`
    RandomUuid,
}

impl Generated {
    pub fn token(self) -> &'static str {
        match self {
            Generated::Today => "today",
            Generated::Now => "now",
            Generated::RandomUuid => "random",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            Generated::Today => "current_date",
            Generated::Now => "now()",
            Generated::RandomUuid => "gen_random_uuid()",
        }
    }
}

/// A `default=`, checked against the field's type and bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    /// Text, an email, a URL, a date, a timestamp, a uuid or an enum member, as written: a SQL
    /// string literal.
    Literal(String),
    Number(Number),
    Bool(bool),
    /// A JSON document, as written.
    Json(String),
    Generated(Generated),
}

impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Literal(text) | DefaultValue::Json(text) => f.write_str(text),
            DefaultValue::Number(n) => write!(f, "{n}"),
            DefaultValue::Bool(b) => write!(f, "{b}"),
            DefaultValue::Generated(g) => f.write_str(g.token()),
        }
    }
}

/// Parses a `min=`/`max=` value for a field of type `ty`.
pub fn parse_bound(ty: &FieldType, key: &str, text: &str) -> Result<Bound, String> {
    let kw = ty.keyword();
    if ty.kind().bounds() == Some(Bounds::Size) {
        return match key {
            "max" => Size::parse(text).map(Bound::Size),
            _ => Err(format!(
                "`{key}=` does not apply to file; a file takes `max=SIZE`, its largest size"
            )),
        };
    }
    if ty.is_textual() {
        return text.parse::<u32>().map(Bound::Length).map_err(|_| {
            format!("`{key}={text}`: a {kw} length must be a whole number ≥ 0, e.g. {key}=200")
        });
    }
    let Some(kind) = ty.number_kind() else {
        return Err(format!(
            "`{key}=` does not apply to {kw}; it bounds the length of text, email and url, the value of int, bigint, numeric and float, and the size of a file"
        ));
    };
    parse_number(kind, text).map(Bound::Value).map_err(|why| {
        let what = match kind {
            NumberKind::Int32 | NumberKind::Int64 => "a whole number",
            NumberKind::Decimal => "a number",
        };
        match why {
            NumberError::Syntax => {
                format!("`{key}={text}`: {kw} bounds must be {what}, e.g. {key}=0")
            }
            NumberError::Range(range) => format!("`{key}={text}` is outside the range of {range}"),
        }
    })
}

enum NumberError {
    Syntax,
    /// Names the range the value does not fit.
    Range(&'static str),
}

/// A plain decimal (`-12`, `0.5`; no exponent, no `+`, no bare `.5`), held exactly as `kind`.
fn parse_number(kind: NumberKind, text: &str) -> Result<Number, NumberError> {
    if !is_plain_decimal(text) {
        return Err(NumberError::Syntax);
    }
    match kind {
        NumberKind::Int32 | NumberKind::Int64 if text.contains('.') => Err(NumberError::Syntax),
        NumberKind::Int32 => text
            .parse::<i32>()
            .map(|n| Number::Integer(n.into()))
            .map_err(|_| NumberError::Range("int (32-bit)")),
        NumberKind::Int64 => text
            .parse::<i64>()
            .map(Number::Integer)
            .map_err(|_| NumberError::Range("bigint (64-bit)")),
        NumberKind::Decimal => Decimal::from_str_exact(text)
            .map(Number::Decimal)
            .map_err(|_| NumberError::Range("an exact decimal of at most 28 significant digits")),
    }
}

/// `-?[0-9]+(\.[0-9]+)?`, without a regular expression.
fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

/// Parses a `default=` value for a field of type `ty`; `Err` says why it does not fit the type
/// (the caller checks the bounds with [`check_bounds`]).
pub fn parse_default(ty: &FieldType, text: &str) -> Result<DefaultValue, String> {
    let literal = || Ok(DefaultValue::Literal(text.to_string()));
    match ty {
        FieldType::Text if formats::is_blank(text) => {
            Err("text must not be blank (empty or only whitespace)".into())
        }
        FieldType::Text => literal(),
        FieldType::Email if formats::is_email(text) => literal(),
        FieldType::Email => Err("not an email address like name@example.com".into()),
        FieldType::Url if formats::is_url(text) => literal(),
        FieldType::Url => Err("not an http(s) URL like https://example.com".into()),
        FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float => {
            let kind = ty.number_kind().expect("a number type");
            parse_number(kind, text)
                .map(DefaultValue::Number)
                .map_err(|why| match (why, kind) {
                    (_, NumberKind::Int32) => "not a 32-bit whole number".to_string(),
                    (_, NumberKind::Int64) => "not a 64-bit whole number".to_string(),
                    (NumberError::Syntax, NumberKind::Decimal) => {
                        "not a plain decimal number like 12.5".to_string()
                    }
                    (NumberError::Range(range), NumberKind::Decimal) => format!("not {range}"),
                })
        }
        FieldType::Bool => match text {
            "true" => Ok(DefaultValue::Bool(true)),
            "false" => Ok(DefaultValue::Bool(false)),
            _ => Err("use true or false".into()),
        },
        FieldType::Date => match text {
            "today" => Ok(DefaultValue::Generated(Generated::Today)),
            _ => text
                .parse::<jiff::civil::Date>()
                .map(|_| DefaultValue::Literal(text.to_string()))
                .map_err(|_| "not a calendar date YYYY-MM-DD (or `today`)".into()),
        },
        FieldType::Timestamptz => match text {
            "now" => Ok(DefaultValue::Generated(Generated::Now)),
            _ => text
                .parse::<jiff::Timestamp>()
                .map(|_| DefaultValue::Literal(text.to_string()))
                .map_err(|_| {
                    "not an RFC 3339 timestamp with offset like 2024-01-31T12:00:00Z (or `now`)"
                        .into()
                }),
        },
        FieldType::Uuid => match text {
            "random" => Ok(DefaultValue::Generated(Generated::RandomUuid)),
            _ if formats::is_uuid(text) => literal(),
            _ => Err("not a UUID (or `random`)".into()),
        },
        FieldType::Jsonb => serde_json::from_str::<serde_json::Value>(text)
            .map(|_| DefaultValue::Json(text.to_string()))
            .map_err(|e| format!("not valid JSON ({e})")),
        FieldType::Enum { values } => {
            if values.iter().any(|v| v == text) {
                literal()
            } else {
                Err(format!("not one of {}", values.join(", ")))
            }
        }
        FieldType::Ref { .. } => Err("refs take no default".into()),
        FieldType::File => Err("a file takes no default: its path is the object uploaded".into()),
    }
}

/// Why `default` violates `min`/`max`, if it does: lengths in characters (code points, as
/// PostgreSQL's `char_length` counts), numbers exactly.
pub fn check_bounds(
    default: &DefaultValue,
    min: Option<Bound>,
    max: Option<Bound>,
) -> Result<(), String> {
    let (value, unit): (Measure, &str) = match default {
        DefaultValue::Literal(text) => (
            Measure::Length(text.chars().count() as u64),
            " characters long",
        ),
        DefaultValue::Number(n) => (Measure::Number(*n), ""),
        DefaultValue::Bool(_) | DefaultValue::Json(_) | DefaultValue::Generated(_) => return Ok(()),
    };
    if let Some(min) = min {
        if value.cmp_bound(min).is_lt() {
            return Err(format!("{value}{unit} is below min={min}"));
        }
    }
    if let Some(max) = max {
        if value.cmp_bound(max).is_gt() {
            return Err(format!("{value}{unit} is above max={max}"));
        }
    }
    Ok(())
}

/// `10^exp`, where a `Decimal` holds it (up to 10^28).
fn power_of_ten(exp: u32) -> Option<Decimal> {
    (exp <= 28).then(|| Decimal::from_i128_with_scale(10_i128.pow(exp), 0))
}

/// Why a `min=`/`max=` leaves a `numeric(precision, scale)` field no value, if it does: the
/// column holds less than `10^(precision - scale)` in absolute value.
pub fn check_feasible(key: &str, bound: Number, digits: Digits) -> Result<(), String> {
    let Some(limit) = power_of_ten(digits.integer_digits()) else {
        return Ok(()); // beyond any bound a Decimal can hold
    };
    let Digits { precision, scale } = digits;
    let value = bound.as_decimal();
    match key {
        "min" if value >= limit => Err(format!(
            "`min={bound}` leaves no valid value: numeric({precision}, {scale}) holds less than {limit}"
        )),
        "max" if value <= -limit => Err(format!(
            "`max={bound}` leaves no valid value: numeric({precision}, {scale}) holds more than -{limit}"
        )),
        _ => Ok(()),
    }
}

/// Why a default does not fit `numeric(precision, scale)` as written, if it does not: the
/// database would round it (more digits after the point than the scale, trailing zeros aside)
/// or refuse it (more digits before the point than `precision - scale`).
pub fn check_digits(default: &DefaultValue, digits: Option<Digits>) -> Result<(), String> {
    let (DefaultValue::Number(n), Some(digits)) = (default, digits) else {
        return Ok(());
    };
    let value = n.as_decimal().normalize();
    if value.scale() > digits.scale {
        return Err(format!("more than {} digits after the point", digits.scale));
    }
    if power_of_ten(digits.integer_digits()).is_some_and(|limit| value.abs() >= limit) {
        return Err(format!(
            "more than {} digits before the point",
            digits.integer_digits()
        ));
    }
    Ok(())
}

/// What a bound is compared with.
enum Measure {
    Length(u64),
    Number(Number),
}

impl Measure {
    fn cmp_bound(&self, bound: Bound) -> Ordering {
        match (self, bound) {
            (Measure::Length(length), Bound::Length(b)) => length.cmp(&u64::from(b)),
            (Measure::Number(n), Bound::Value(b)) => n.cmp(&b),
            // Bounds are parsed for the field's own type, so the kinds always agree (and files
            // take no default to compare).
            (Measure::Length(_), Bound::Value(_) | Bound::Size(_))
            | (Measure::Number(_), Bound::Length(_) | Bound::Size(_)) => {
                unreachable!("a bound of another kind than its field")
            }
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Length(n) => write!(f, "{n}"),
            Measure::Number(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_and_written_as_javascript_writes_them() {
        let cases: &[(FieldType, &str, &str)] = &[
            (FieldType::Numeric, "0", "0"),
            (FieldType::Numeric, "007", "7"),
            (FieldType::Numeric, "1000.50", "1000.5"),
            (FieldType::Numeric, "-0.0", "0"),
            (FieldType::Numeric, "-3.10", "-3.1"),
            (FieldType::Float, "10", "10"),
            (FieldType::Bigint, "9007199254740993", "9007199254740993"),
            (
                FieldType::Bigint,
                "-9223372036854775808",
                "-9223372036854775808",
            ),
            (FieldType::Int, "-2147483648", "-2147483648"),
        ];
        for (ty, text, want) in cases {
            let Ok(Bound::Value(n)) = parse_bound(ty, "min", text) else {
                panic!("{text} parses as a {ty:?} bound");
            };
            assert_eq!(n.to_string(), *want, "{text}");
        }
    }

    #[test]
    fn comparisons_never_round() {
        let n = |ty: &FieldType, text: &str| match parse_bound(ty, "min", text) {
            Ok(Bound::Value(n)) => n,
            other => panic!("{text}: {other:?}"),
        };
        let bigint = FieldType::Bigint;
        let numeric = FieldType::Numeric;
        // Both round to the same f64.
        assert!(n(&bigint, "9007199254740992") < n(&bigint, "9007199254740993"));
        assert!(n(&numeric, "0.3") < n(&numeric, "0.30000000000000001"));
        assert_eq!(
            n(&numeric, "1.50").cmp(&Number::Decimal(Decimal::new(15, 1))),
            Ordering::Equal
        );
    }

    /// (type, default, min, max, the complaint)
    type BoundsCase = (
        FieldType,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );

    #[test]
    fn defaults_are_checked_against_bounds_exactly() {
        let cases: &[BoundsCase] = &[
            (
                FieldType::Bigint,
                "9007199254740992",
                Some("9007199254740993"),
                None,
                Some("9007199254740992 is below min=9007199254740993"),
            ),
            (
                FieldType::Numeric,
                "0.3",
                Some("0.30000000000000001"),
                None,
                Some("0.3 is below min=0.30000000000000001"),
            ),
            (FieldType::Numeric, "99.95", None, Some("99.95"), None),
            (
                FieldType::Int,
                "-1",
                Some("0"),
                None,
                Some("-1 is below min=0"),
            ),
            (
                FieldType::Text,
                "toolong",
                None,
                Some("3"),
                Some("7 characters long is above max=3"),
            ),
            (FieldType::Text, "ééé", None, Some("3"), None),
        ];
        for (ty, default, min, max, want) in cases {
            let bound = |b: &Option<&str>, key| b.map(|b| parse_bound(ty, key, b).unwrap());
            let value = parse_default(ty, default).unwrap();
            let got = check_bounds(&value, bound(min, "min"), bound(max, "max")).err();
            assert_eq!(got.as_deref(), *want, "{ty:?} default={default}");
        }
    }

    #[test]
    fn only_plain_decimals_are_numbers() {
        for (text, ok) in [
            ("12", true),
            ("-12.50", true),
            ("1e3", false),
            (".5", false),
            ("5.", false),
            ("+5", false),
            ("1_000", false),
            ("-", false),
            ("", false),
            ("0x10", false),
        ] {
            assert_eq!(is_plain_decimal(text), ok, "{text}");
        }
        let too_precise = "1.23456789012345678901234567890";
        let err = parse_bound(&FieldType::Numeric, "max", too_precise).unwrap_err();
        assert!(err.contains("at most 28 significant digits"), "{err}");
    }
}
