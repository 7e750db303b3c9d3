//! What the generated pgTAP tests share: fixed ids, so a failing test names the same rows every
//! run, and sample values that satisfy a field's constraints.

use serde::Serialize;

use crate::render;
use crate::spec::field::{Bounds, Field, FieldType, Format};
use crate::spec::value::Number;

/// The users and rows every generated test uses.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TestIds {
    pub owner: &'static str,
    pub other: &'static str,
    pub row: &'static str,
    pub admin: &'static str,
    pub member: &'static str,
    pub newcomer: &'static str,
    /// A user who signs up after being invited.
    pub latecomer: &'static str,
    pub workspace: &'static str,
    pub other_workspace: &'static str,
    /// Another workspace the owner owns, to move rows to.
    pub second_workspace: &'static str,
    /// Rows of referenced tables the owner can see.
    pub first_parent_row: &'static str,
    pub second_parent_row: &'static str,
    /// Rows the audit log and rate limit checks write: one the owner writes, one they are
    /// refused, another user's, and one written for the owner by trusted server code.
    pub logged_row: &'static str,
    pub refused_row: &'static str,
    pub others_row: &'static str,
    pub server_row: &'static str,
    /// Objects of file fields: the one a row refers to, the one an update switches it to, and
    /// one no row refers to.
    pub object: &'static str,
    pub other_object: &'static str,
    pub stray_object: &'static str,
}

pub const IDS: TestIds = TestIds {
    owner: "11111111-1111-4111-8111-111111111111",
    other: "22222222-2222-4222-8222-222222222222",
    row: "33333333-3333-4333-8333-333333333333",
    admin: "66666666-6666-4666-8666-666666666666",
    member: "77777777-7777-4777-8777-777777777777",
    newcomer: "88888888-8888-4888-8888-888888888888",
    latecomer: "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee",
    workspace: "99999999-9999-4999-8999-999999999999",
    other_workspace: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    second_workspace: "dddddddd-dddd-4ddd-8ddd-dddddddddddd",
    first_parent_row: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
    second_parent_row: "cccccccc-cccc-4ccc-8ccc-cccccccccccc",
    logged_row: "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee",
    refused_row: "ffffffff-ffff-4fff-8fff-ffffffffffff",
    others_row: "12121212-1212-4212-8212-121212121212",
    server_row: "13131313-1313-4313-8313-131313131313",
    object: "14141414-1414-4414-8414-141414141414",
    other_object: "15151515-1515-4515-8515-151515151515",
    stray_object: "16161616-1616-4616-8616-161616161616",
};

/// Two different values the field's constraints accept, as SQL literals. `folder` is the folder
/// of the row's files (its owner, workspace or own id).
pub fn sample_values(field: &Field, folder: &str) -> (String, String) {
    let quoted = |a: &str, b: &str| (render::sql_string(a), render::sql_string(b));
    match &field.ty {
        FieldType::Text => {
            let (min, max) = field.length_bounds();
            let length = fit_length(6, min, max);
            quoted(&"a".repeat(length), &"b".repeat(length))
        }
        FieldType::Email => formatted_samples(field, Format::Email),
        FieldType::Url => formatted_samples(field, Format::Url),
        FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float => {
            let (first, second) = number_samples(field);
            (first.to_string(), second.to_string())
        }
        FieldType::Bool => ("true".into(), "false".into()),
        FieldType::Date => quoted("2024-01-31", "2024-02-29"),
        FieldType::Timestamptz => quoted("2024-01-31T12:00:00Z", "2024-02-29T12:00:00Z"),
        FieldType::Uuid => quoted(
            "44444444-4444-4444-8444-444444444444",
            "55555555-5555-4555-8555-555555555555",
        ),
        FieldType::Ref { .. } => quoted(IDS.first_parent_row, IDS.second_parent_row),
        FieldType::Jsonb => (r#"'{"sample": 1}'"#.into(), r#"'{"sample": 2}'"#.into()),
        FieldType::Enum { values } => {
            let first = &values[0];
            quoted(first, values.get(1).unwrap_or(first))
        }
        FieldType::File => quoted(
            &format!("{folder}/{}", IDS.object),
            &format!("{folder}/{}", IDS.other_object),
        ),
    }
}

fn formatted_samples(field: &Field, format: Format) -> (String, String) {
    let sample = |letter| render::sql_string(&bounded_sample(field, format, letter));
    (sample('a'), sample('b'))
}

/// 1 if the bounds allow it, else the nearest bound; then a neighbour of it, exactly.
fn number_samples(field: &Field) -> (Number, Number) {
    let Some(Bounds::Value(kind)) = field.ty.kind().bounds() else {
        unreachable!("number samples of a {} field", field.ty.keyword());
    };
    let (min, max) = field.value_bounds();
    let clamp = |v: Number| {
        let v = min.map_or(v, |min| v.max(min));
        max.map_or(v, |max| v.min(max))
    };
    let first = clamp(Number::whole(1, kind));
    let second = first
        .offset(1)
        .map(clamp)
        .filter(|v| *v != first)
        .or_else(|| first.offset(-1).map(clamp))
        .unwrap_or(first);
    (first, second)
}

/// `wanted` moved into `[min, max]` (a `max` below `min` counts as `min`).
fn fit_length(wanted: usize, min: Option<u32>, max: Option<u32>) -> usize {
    let min = min.map_or(0, |m| m as usize);
    let max = max.map_or(usize::MAX, |m| m as usize);
    wanted.clamp(min, max.max(min))
}

/// An email address or URL of a length within the field's bounds, made of `letter`s.
fn bounded_sample(field: &Field, format: Format, letter: char) -> String {
    let (min, max) = field.length_bounds();
    let fill = |n: usize| letter.to_string().repeat(n);
    match format {
        Format::Email => {
            let length = fit_length(17, min, max);
            match length.checked_sub("@example.com".len()) {
                Some(local) if local > 0 => format!("{}@example.com", fill(local)),
                _ => format!("{}@b.co", fill(length.saturating_sub("@b.co".len()).max(1))),
            }
        }
        Format::Url => {
            let length = fit_length(21, min, max);
            match length.checked_sub("https://example.com/".len()) {
                Some(path) => format!("https://example.com/{}", fill(path)),
                None => format!(
                    "http://{}.bc",
                    fill(length.saturating_sub("http://.bc".len()).max(1))
                ),
            }
        }
    }
}

/// Whether a sample fits the field, as the database's checks see it.
#[cfg(test)]
fn fits(field: &Field, sample: &str) -> bool {
    let (min, max) = field.length_bounds();
    let length = sample.chars().count();
    let within =
        min.is_none_or(|m| length >= m as usize) && max.is_none_or(|m| length <= m as usize);
    let format = match field.ty.kind().format() {
        Some(Format::Email) => crate::spec::formats::is_email(sample),
        Some(Format::Url) => crate::spec::formats::is_url(sample),
        None => true,
    };
    within && format
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::field;

    #[test]
    fn email_and_url_samples_fit_their_bounds() {
        for token in [
            "m:email",
            "m:email:max=6",
            "m:email:max=9",
            "m:email:min=40",
            "m:email:min=8:max=8",
            "u:url",
            "u:url:max=11",
            "u:url:max=15",
            "u:url:min=60",
            "u:url:min=20:max=20",
        ] {
            let field = field::parse(token).unwrap();
            let format = field.ty.kind().format().unwrap();
            for letter in ['a', 'b'] {
                let sample = bounded_sample(&field, format, letter);
                assert!(fits(&field, &sample), "{token}: {sample}");
            }
        }
    }

    #[test]
    fn number_samples_are_exact_and_within_bounds() {
        let cases: &[(&str, &str, &str)] = &[
            ("n:int", "1", "2"),
            ("n:int:min=0:max=1", "1", "0"),
            ("n:int:min=5:max=5", "5", "5"),
            (
                "n:bigint:min=9007199254740993",
                "9007199254740993",
                "9007199254740994",
            ),
            (
                "n:bigint:min=9223372036854775807",
                "9223372036854775807",
                "9223372036854775807",
            ),
            ("n:numeric:min=0.5:max=99.95", "1", "2"),
            (
                "n:numeric:min=0.30000000000000001:max=0.30000000000000002",
                "0.30000000000000002",
                "0.30000000000000001",
            ),
            ("n:float:min=0:max=1", "1", "0"),
            ("n:numeric:max=-7.25", "-7.25", "-8.25"),
        ];
        for (token, first, second) in cases {
            let field = field::parse(token).unwrap();
            let (a, b) = sample_values(&field, IDS.owner);
            assert_eq!((a.as_str(), b.as_str()), (*first, *second), "{token}");
        }
    }
}
