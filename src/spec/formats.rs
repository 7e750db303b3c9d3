//! Value formats shared by the spec's checks, the SQL constraints and the Zod schemas.
//!
//! The email and URL patterns are written once here and emitted verbatim into both the SQL
//! `check` constraints and the Zod schemas, so the database and the form validation accept
//! exactly the same strings. Both use only syntax that JavaScript, PostgreSQL's advanced regular
//! expressions and Rust's `regex` read alike (no lookaround, no backreferences).

use std::sync::LazyLock;

use regex::Regex;

/// An address with a dot-atom local part and a domain with a top-level label of two or more letters.
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9_'+-]+(\.[A-Za-z0-9_'+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$";

/// An absolute http(s) URL on a domain name, with an optional port and no whitespace.
pub const URL_PATTERN: &str =
    r"^https?://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(:[0-9]{1,4})?([/?#]\S*)?$";

/// A character that is not whitespace: text matching it is not blank. Whitespace is exactly
/// what JavaScript's `\s` and `String.prototype.trim` treat as such (the Unicode space
/// separators, tab, line feed, vertical tab, form feed, carriage return, the line and paragraph
/// separators and the byte order mark), listed here because PostgreSQL's `\s` follows the
/// database's locale.
pub const NOT_BLANK_PATTERN: &str =
    r"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]";

/// The path of an object a file field refers to, as the upload action names it:
/// `<folder>/<object>`, both lower-case UUIDs, the folder being the row's owner, workspace or
/// (for a tenant root) the row itself. Generated, never the uploader's file name: no traversal,
/// no collisions, nothing a user typed in a URL.
pub const OBJECT_PATH_PATTERN: &str = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// The shortest strings the email and URL patterns accept.
pub const SHORTEST_EMAIL: &str = "a@b.co";
pub const SHORTEST_URL: &str = "http://a.bc";

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(EMAIL_PATTERN).expect("valid email pattern"));
static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(URL_PATTERN).expect("valid url pattern"));
static NOT_BLANK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(NOT_BLANK_PATTERN).expect("valid not-blank pattern"));

/// Whether the database's email check accepts `text` (the pattern is compiled on first use).
pub fn is_email(text: &str) -> bool {
    EMAIL.is_match(text)
}

/// Whether the database's URL check accepts `text` (the pattern is compiled on first use).
pub fn is_url(text: &str) -> bool {
    URL.is_match(text)
}

/// Whether `text` is empty or only whitespace, as the database's not-blank check sees it.
pub fn is_blank(text: &str) -> bool {
    !NOT_BLANK.is_match(text)
}

/// A UUID as PostgreSQL's `uuid` input reads it in canonical form: 8-4-4-4-12 hex digits.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_empty_or_only_whitespace_as_javascript_sees_it() {
        for (text, blank) in [
            ("", true),
            ("   ", true),
            ("\t\n\u{b}\u{c}\r", true),
            (
                "\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}",
                true,
            ),
            (" a ", false),
            ("\u{200b}", false), // a zero-width space is not whitespace to JavaScript either
            ("😀", false),
        ] {
            assert_eq!(is_blank(text), blank, "{text:?}");
        }
    }

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
            assert_eq!(is_email(text), *ok, "email {text}");
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
            assert_eq!(is_url(text), *ok, "url {text}");
        }
    }

    #[test]
    fn uuids_are_five_groups_of_hex_digits() {
        for (text, ok) in [
            ("44444444-4444-4444-8444-444444444444", true),
            ("ABCDEFAB-cdef-4abc-8def-0123456789ab", true),
            ("44444444-4444-4444-8444-44444444444", false),
            ("44444444444444444444444444444444", false),
            ("4444444g-4444-4444-8444-444444444444", false),
            ("123", false),
        ] {
            assert_eq!(is_uuid(text), ok, "{text}");
        }
    }
}
