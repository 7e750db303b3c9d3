//! Value formats shared by the spec's checks, the SQL constraints and the Zod schemas.
//!
//! The email and URL patterns are written once here and emitted verbatim into both the SQL
//! `check` constraints and the Zod schemas, so the database and the form validation accept
//! exactly the same strings. Both use only syntax that JavaScript, PostgreSQL's advanced regular
//! expressions and Rust's `regex` read alike (no lookaround, no backreferences).

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

use super::field::{Field, FieldType};

/// An address with a dot-atom local part and a domain with a top-level label of two or more letters.
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9_'+-]+(\.[A-Za-z0-9_'+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$";

/// An absolute http(s) URL on a domain name, with an optional port and no whitespace.
pub const URL_PATTERN: &str =
    r"^https?://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(:[0-9]{1,4})?([/?#]\S*)?$";

/// The shortest strings the email and URL patterns accept.
pub const SHORTEST_EMAIL: &str = "a@b.co";
pub const SHORTEST_URL: &str = "http://a.bc";

const UUID_PATTERN: &str =
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(EMAIL_PATTERN).expect("valid email pattern"));
static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(URL_PATTERN).expect("valid url pattern"));
static UUID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(UUID_PATTERN).expect("valid uuid pattern"));
static DECIMAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-?[0-9]+(\.[0-9]+)?$").expect("valid decimal pattern"));

/// A plain decimal number: `-12`, `0.5`. No exponent, no sign on zero-padded forms beyond `-`.
pub fn is_decimal(text: &str) -> bool {
    DECIMAL.is_match(text)
}

/// Orders two decimals given as text (both already checked with [`is_decimal`]).
pub fn decimal_cmp(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    parse(a).partial_cmp(&parse(b)).unwrap_or(Ordering::Equal)
}

/// Why `value` cannot be the default of `field`, if it cannot.
pub fn check_default(field: &Field, value: &str) -> Result<(), String> {
    match &field.ty {
        FieldType::Text | FieldType::Email | FieldType::Url => {
            if field.ty == FieldType::Email && !EMAIL.is_match(value) {
                return Err("not an email address like name@example.com".into());
            }
            if field.ty == FieldType::Url && !URL.is_match(value) {
                return Err("not an http(s) URL like https://example.com".into());
            }
            let length = value.chars().count().to_string();
            within_bounds(field, &length, "characters long")
        }
        FieldType::Int => value
            .parse::<i32>()
            .map_err(|_| "not a 32-bit whole number".to_string())
            .and_then(|_| within_bounds(field, value, "")),
        FieldType::Bigint => value
            .parse::<i64>()
            .map_err(|_| "not a 64-bit whole number".to_string())
            .and_then(|_| within_bounds(field, value, "")),
        FieldType::Numeric | FieldType::Float => {
            if is_decimal(value) {
                within_bounds(field, value, "")
            } else {
                Err("not a plain decimal number like 12.5".into())
            }
        }
        FieldType::Bool => match value {
            "true" | "false" => Ok(()),
            _ => Err("use true or false".into()),
        },
        FieldType::Date => match value {
            "today" => Ok(()),
            _ => value
                .parse::<jiff::civil::Date>()
                .map(|_| ())
                .map_err(|_| "not a calendar date YYYY-MM-DD (or `today`)".into()),
        },
        FieldType::Timestamptz => match value {
            "now" => Ok(()),
            _ => value.parse::<jiff::Timestamp>().map(|_| ()).map_err(|_| {
                "not an RFC 3339 timestamp with offset like 2024-01-31T12:00:00Z (or `now`)".into()
            }),
        },
        FieldType::Uuid => match value {
            "random" => Ok(()),
            _ if UUID.is_match(value) => Ok(()),
            _ => Err("not a UUID (or `random`)".into()),
        },
        FieldType::Jsonb => serde_json::from_str::<serde_json::Value>(value)
            .map(|_| ())
            .map_err(|e| format!("not valid JSON ({e})")),
        FieldType::Enum { values } => {
            if values.iter().any(|v| v == value) {
                Ok(())
            } else {
                Err(format!("not one of {}", values.join(", ")))
            }
        }
        FieldType::Ref { .. } => Err("refs take no default".into()),
    }
}

fn within_bounds(field: &Field, value: &str, unit: &str) -> Result<(), String> {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    if let Some(min) = &field.min {
        if decimal_cmp(value, min).is_lt() {
            return Err(format!("{value}{unit} is below min={min}"));
        }
    }
    if let Some(max) = &field.max {
        if decimal_cmp(value, max).is_gt() {
            return Err(format!("{value}{unit} is above max={max}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_url_patterns_accept_and_reject() {
        let emails: &[(&str, bool)] = &[
            (SHORTEST_EMAIL, true),
            ("first.last+tag@sub.example.com", true),
            ("o'neil@example.ie", true),
            ("a@b", false),
            (".a@b.co", false),
            ("a..b@b.co", false),
            ("a b@b.co", false),
            ("a@-b.co", false),
        ];
        for (text, ok) in emails {
            assert_eq!(EMAIL.is_match(text), *ok, "email {text}");
        }
        let urls: &[(&str, bool)] = &[
            ("https://example.com", true),
            (SHORTEST_URL, true),
            ("http://a.example.org:8080/p?q=1#f", true),
            ("ftp://example.com", false),
            ("https://localhost", false),
            ("https://exa mple.com", false),
            ("https://example.com/a b", false),
            ("javascript:alert(1)", false),
        ];
        for (text, ok) in urls {
            assert_eq!(URL.is_match(text), *ok, "url {text}");
        }
    }
}
