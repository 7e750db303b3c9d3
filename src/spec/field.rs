//! One field of a resource, parsed from `NAME:TYPE[:MODIFIER...]`.

use std::fmt;

use serde::Serialize;

use super::formats;
use super::ident;
use crate::error::Error;
use crate::naming;

/// The types a field may have, as written on the command line.
pub const TYPES: &str =
    "text, int, bigint, numeric, float, bool, date, timestamptz, uuid, email, url, jsonb, enum=a,b,c, ref, ref=TABLE";
/// The modifiers a field may carry.
pub const MODIFIERS: &str =
    "optional, unique, index, default=VALUE, min=N, max=N, on-delete=cascade|restrict|set-null";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Int,
    Bigint,
    Numeric,
    Float,
    Bool,
    Date,
    Timestamptz,
    Uuid,
    Email,
    Url,
    Jsonb,
    Enum { values: Vec<String> },
    Ref { table: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnDelete {
    Cascade,
    Restrict,
    SetNull,
}

impl OnDelete {
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::Restrict => "restrict",
            OnDelete::SetNull => "set null",
        }
    }

    fn token(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::Restrict => "restrict",
            OnDelete::SetNull => "set-null",
        }
    }
}

/// A field as the user described it, validated: every combination here is one we can generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The name as typed (`project` for `project:ref`).
    pub name: String,
    pub ty: FieldType,
    pub optional: bool,
    pub unique: bool,
    pub index: bool,
    pub default: Option<String>,
    /// Lower bound: a length for text-like types, a value for numbers.
    pub min: Option<String>,
    pub max: Option<String>,
    pub on_delete: Option<OnDelete>,
    /// Whether the user wrote the ref target (`ref=TABLE`) rather than letting it be derived.
    #[serde(skip)]
    explicit_ref_table: bool,
}

impl FieldType {
    fn keyword(&self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Int => "int",
            FieldType::Bigint => "bigint",
            FieldType::Numeric => "numeric",
            FieldType::Float => "float",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Timestamptz => "timestamptz",
            FieldType::Uuid => "uuid",
            FieldType::Email => "email",
            FieldType::Url => "url",
            FieldType::Jsonb => "jsonb",
            FieldType::Enum { .. } => "enum",
            FieldType::Ref { .. } => "ref",
        }
    }

    /// Text-like types, whose `min`/`max` bound the length.
    pub fn is_textual(&self) -> bool {
        matches!(self, FieldType::Text | FieldType::Email | FieldType::Url)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float
        )
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, FieldType::Int | FieldType::Bigint)
    }
}

impl Field {
    /// The database column: refs get an `_id` suffix (`project:ref` → `project_id`).
    pub fn column(&self) -> String {
        match &self.ty {
            FieldType::Ref { .. } if !self.name.ends_with("_id") => format!("{}_id", self.name),
            _ => self.name.clone(),
        }
    }

    /// The `on delete` action of a ref: as given, else `cascade` for required refs and `set null` for optional ones.
    pub fn effective_on_delete(&self) -> OnDelete {
        self.on_delete.unwrap_or(if self.optional {
            OnDelete::SetNull
        } else {
            OnDelete::Cascade
        })
    }
}

/// Parses and validates one field token.
pub fn parse(token: &str) -> Result<Field, Error> {
    parse_inner(token).map_err(|why| Error::input(format!("invalid field `{token}`: {why}")))
}

fn parse_inner(token: &str) -> Result<Field, String> {
    let mut parts = token.split(':');
    let name = parts.next().unwrap_or_default();
    ident::check(name).map_err(|why| format!("`{name}` is not a valid field name: {why}"))?;
    let type_token = parts.next().ok_or_else(|| {
        format!("missing type; write NAME:TYPE, e.g. `{name}:text`. Types: {TYPES}")
    })?;
    let ty = parse_type(name, type_token)?;
    let mut field = Field {
        name: name.to_string(),
        explicit_ref_table: type_token.starts_with("ref="),
        ty,
        optional: false,
        unique: false,
        index: false,
        default: None,
        min: None,
        max: None,
        on_delete: None,
    };

    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        let modifier = rest[i];
        i += 1;
        let (key, value) = match modifier.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (modifier, None),
        };
        let repeated = || format!("`{key}` is given twice");
        match (key, value) {
            ("optional", None) if !field.optional => field.optional = true,
            ("unique", None) if !field.unique => field.unique = true,
            ("index", None) if !field.index => field.index = true,
            ("optional" | "unique" | "index", None) => return Err(repeated()),
            ("default", Some(value)) if field.default.is_none() => {
                // A default may itself contain colons (a URL, a time): it runs to the next modifier.
                let mut value = value.to_string();
                while i < rest.len() && !is_modifier(rest[i]) {
                    value.push(':');
                    value.push_str(rest[i]);
                    i += 1;
                }
                field.default = Some(value);
            }
            ("min", Some(value)) if field.min.is_none() => field.min = Some(value.to_string()),
            ("max", Some(value)) if field.max.is_none() => field.max = Some(value.to_string()),
            ("on-delete", Some(value)) if field.on_delete.is_none() => {
                field.on_delete = Some(match value {
                    "cascade" => OnDelete::Cascade,
                    "restrict" => OnDelete::Restrict,
                    "set-null" => OnDelete::SetNull,
                    other => {
                        return Err(format!(
                            "`on-delete={other}` is not an action; use on-delete=cascade, on-delete=restrict or on-delete=set-null"
                        ))
                    }
                })
            }
            ("default" | "min" | "max" | "on-delete", Some(_)) => return Err(repeated()),
            ("optional" | "unique" | "index", Some(_)) => {
                return Err(format!("`{modifier}`: `{key}` takes no value"))
            }
            ("default" | "min" | "max" | "on-delete", None) => {
                return Err(format!("`{key}` needs a value, e.g. `{key}={}`", example_value(key)))
            }
            _ => return Err(format!("unknown modifier `{modifier}`; modifiers: {MODIFIERS}")),
        }
    }
    validate(&field)?;
    Ok(field)
}

fn example_value(key: &str) -> &'static str {
    match key {
        "on-delete" => "cascade",
        "default" => "VALUE",
        _ => "0",
    }
}

fn is_modifier(segment: &str) -> bool {
    let key = segment.split_once('=').map_or(segment, |(key, _)| key);
    matches!(
        key,
        "optional" | "unique" | "index" | "default" | "min" | "max" | "on-delete"
    )
}

fn parse_type(name: &str, token: &str) -> Result<FieldType, String> {
    let (keyword, arg) = match token.split_once('=') {
        Some((keyword, arg)) => (keyword, Some(arg)),
        None => (token, None),
    };
    let simple = match keyword {
        "text" => Some(FieldType::Text),
        "int" => Some(FieldType::Int),
        "bigint" => Some(FieldType::Bigint),
        "numeric" => Some(FieldType::Numeric),
        "float" => Some(FieldType::Float),
        "bool" => Some(FieldType::Bool),
        "date" => Some(FieldType::Date),
        "timestamptz" => Some(FieldType::Timestamptz),
        "uuid" => Some(FieldType::Uuid),
        "email" => Some(FieldType::Email),
        "url" => Some(FieldType::Url),
        "jsonb" => Some(FieldType::Jsonb),
        _ => None,
    };
    match (simple, keyword, arg) {
        (Some(ty), _, None) => Ok(ty),
        (Some(_), _, Some(_)) => Err(format!("type `{keyword}` takes no `=` value")),
        (None, "enum", Some(list)) => parse_enum(list),
        (None, "enum", None) => Err("`enum` needs its values, e.g. `enum=draft,published`".into()),
        (None, "ref", None) => {
            let base = name.strip_suffix("_id").unwrap_or(name);
            Ok(FieldType::Ref {
                table: naming::pluralize(base),
            })
        }
        (None, "ref", Some(table)) => {
            ident::check(table).map_err(|why| {
                format!("`ref={table}`: `{table}` is not a valid table name: {why}")
            })?;
            Ok(FieldType::Ref {
                table: table.to_string(),
            })
        }
        _ => Err(format!("unknown type `{token}`; types: {TYPES}")),
    }
}

fn parse_enum(list: &str) -> Result<FieldType, String> {
    let mut values: Vec<String> = Vec::new();
    for value in list.split(',') {
        let well_formed = value.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !well_formed {
            return Err(format!(
                "enum value `{value}` is not allowed; values start with a-z and use a-z, 0-9, `_` and `-`"
            ));
        }
        if value.len() > ident::MAX_IDENT_BYTES {
            return Err(format!(
                "enum value `{value}` is longer than {} bytes",
                ident::MAX_IDENT_BYTES
            ));
        }
        if values.iter().any(|v| v == value) {
            return Err(format!("enum value `{value}` is listed twice"));
        }
        values.push(value.to_string());
    }
    Ok(FieldType::Enum { values })
}

fn validate(field: &Field) -> Result<(), String> {
    let ty = &field.ty;
    let kw = ty.keyword();
    for (key, bound) in [("min", &field.min), ("max", &field.max)] {
        let Some(bound) = bound else { continue };
        if ty.is_textual() {
            bound.parse::<u32>().map_err(|_| {
                format!("`{key}={bound}`: a {kw} length must be a whole number ≥ 0, e.g. {key}=200")
            })?;
        } else if ty.is_numeric() {
            let valid = if ty.is_integer() {
                bound.parse::<i64>().is_ok()
            } else {
                formats::is_decimal(bound)
            };
            if !valid {
                let what = if ty.is_integer() {
                    "a whole number"
                } else {
                    "a number"
                };
                return Err(format!(
                    "`{key}={bound}`: {kw} bounds must be {what}, e.g. {key}=0"
                ));
            }
            if *ty == FieldType::Int && bound.parse::<i32>().is_err() {
                return Err(format!(
                    "`{key}={bound}` is outside the range of int (32-bit)"
                ));
            }
        } else {
            return Err(format!(
                "`{key}=` does not apply to {kw}; it bounds the length of text, email and url and the value of int, bigint, numeric and float"
            ));
        }
    }
    let shortest = match ty {
        FieldType::Email => Some(("an email address", formats::SHORTEST_EMAIL)),
        FieldType::Url => Some(("a URL", formats::SHORTEST_URL)),
        _ => None,
    };
    if let (Some((what, example)), Some(max)) = (shortest, &field.max) {
        if max.parse::<usize>().is_ok_and(|max| max < example.len()) {
            return Err(format!(
                "`max={max}` leaves no valid value: {what} takes at least {} characters ({example})",
                example.len()
            ));
        }
    }
    if let (Some(min), Some(max)) = (&field.min, &field.max) {
        if formats::decimal_cmp(min, max).is_gt() {
            return Err(format!("`min={min}` is greater than `max={max}`"));
        }
    }
    let is_ref = matches!(ty, FieldType::Ref { .. });
    if field.on_delete.is_some() && !is_ref {
        return Err(format!("`on-delete` applies to ref fields only, not {kw}"));
    }
    if field.on_delete == Some(OnDelete::SetNull) && !field.optional {
        return Err(
            "`on-delete=set-null` needs the field to be `optional` (the column must accept null)"
                .into(),
        );
    }
    if field.index && field.unique {
        return Err("`index` is redundant: `unique` already creates an index".into());
    }
    if field.index && is_ref {
        return Err("`index` is redundant: ref columns always get an index".into());
    }
    if let Some(default) = &field.default {
        if is_ref {
            return Err("a ref cannot have a default; drop `default=`".into());
        }
        formats::check_default(field, default)
            .map_err(|why| format!("`default={default}` does not fit {kw}: {why}"))?;
    }
    Ok(())
}

/// Writes the field back as the token that produces it, with modifiers in canonical order.
impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.name)?;
        match &self.ty {
            FieldType::Enum { values } => write!(f, "enum={}", values.join(","))?,
            FieldType::Ref { table } if self.explicit_ref_table => write!(f, "ref={table}")?,
            other => f.write_str(other.keyword())?,
        }
        for (on, word) in [
            (self.optional, "optional"),
            (self.unique, "unique"),
            (self.index, "index"),
        ] {
            if on {
                write!(f, ":{word}")?;
            }
        }
        for (key, value) in [
            ("min", &self.min),
            ("max", &self.max),
            ("default", &self.default),
        ] {
            if let Some(value) = value {
                write!(f, ":{key}={value}")?;
            }
        }
        if let Some(action) = self.on_delete {
            write!(f, ":on-delete={}", action.token())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_grammar() {
        let f = parse("status:enum=active,archived:default=active").unwrap();
        assert_eq!(
            f.ty,
            FieldType::Enum {
                values: vec!["active".into(), "archived".into()]
            }
        );
        assert_eq!(f.default.as_deref(), Some("active"));

        let f = parse("project:ref:on-delete=restrict").unwrap();
        assert_eq!(
            f.ty,
            FieldType::Ref {
                table: "projects".into()
            }
        );
        assert_eq!(f.column(), "project_id");
        assert_eq!(f.effective_on_delete(), OnDelete::Restrict);

        let f = parse("owner_id:ref=people:optional").unwrap();
        assert_eq!(f.column(), "owner_id");
        assert_eq!(f.effective_on_delete(), OnDelete::SetNull);

        let f = parse("site:url:default=https://example.com:8080/x:optional").unwrap();
        assert_eq!(f.default.as_deref(), Some("https://example.com:8080/x"));
        assert!(f.optional);

        let f = parse("budget:numeric:min=0:max=1000.50").unwrap();
        assert_eq!(
            (f.min.as_deref(), f.max.as_deref()),
            (Some("0"), Some("1000.50"))
        );
    }

    #[test]
    fn round_trips_through_display() {
        for token in [
            "title:text:max=200",
            "status:enum=a,b:optional:default=a",
            "project:ref:optional:on-delete=set-null",
            "owner:ref=people",
            "code:text:unique:min=2:max=8",
            "at:timestamptz:default=now",
        ] {
            assert_eq!(parse(token).unwrap().to_string(), token);
        }
    }

    #[test]
    fn rejects_bad_fields_naming_the_token() {
        let cases: &[(&str, &str)] = &[
            ("title", "missing type"),
            ("title:txt", "unknown type `txt`"),
            ("Title:text", "`Title` is not a valid field name"),
            ("select:text", "reserved word"),
            ("user-table; drop:text", "not a valid field name"),
            ("title:text:nullable", "unknown modifier `nullable`"),
            ("title:text:optional:optional", "`optional` is given twice"),
            ("title:text:max=abc", "`max=abc`"),
            ("title:text:max=-1", "`max=-1`"),
            ("title:text:min=5:max=2", "`min=5` is greater than `max=2`"),
            ("done:bool:min=1", "does not apply to bool"),
            ("n:int:max=3000000000", "outside the range of int"),
            ("n:int:min=1.5", "whole number"),
            ("n:numeric:min=1e3", "must be a number"),
            ("kind:enum", "needs its values"),
            ("kind:enum=a,a", "`a` is listed twice"),
            ("kind:enum=A,b", "enum value `A`"),
            ("kind:enum=a,b:default=c", "`default=c` does not fit enum"),
            ("n:int:default=x", "`default=x` does not fit int"),
            ("n:int:min=0:default=-1", "`default=-1` does not fit int"),
            (
                "title:text:max=3:default=toolong",
                "`default=toolong` does not fit text",
            ),
            (
                "due:date:default=2024-02-30",
                "`default=2024-02-30` does not fit date",
            ),
            ("flag:bool:default=yes", "`default=yes` does not fit bool"),
            ("meta:jsonb:default={", "`default={` does not fit jsonb"),
            (
                "mail:email:default=nope",
                "`default=nope` does not fit email",
            ),
            (
                "site:url:default=ftp://x.org",
                "`default=ftp://x.org` does not fit url",
            ),
            ("key:uuid:default=123", "`default=123` does not fit uuid"),
            ("title:text:on-delete=cascade", "applies to ref fields only"),
            (
                "project:ref:on-delete=set-null",
                "needs the field to be `optional`",
            ),
            ("project:ref:on-delete=nothing", "`on-delete=nothing`"),
            ("project:ref:index", "ref columns always get an index"),
            ("project:ref:default=x", "cannot have a default"),
            (
                "code:text:unique:index",
                "`unique` already creates an index",
            ),
            ("owner:ref=Users", "`Users` is not a valid table name"),
            ("title:text:unique=yes", "takes no value"),
            ("title:text:max", "needs a value"),
            ("mail:email:max=5", "`max=5` leaves no valid value"),
            ("site:url:max=10", "`max=10` leaves no valid value"),
            ("n:text=5", "takes no `=` value"),
        ];
        for (token, want) in cases {
            let err = parse(token).expect_err(token).to_string();
            assert!(
                err.contains(want),
                "{token}: {err:?} should mention {want:?}"
            );
            assert!(
                err.contains(&format!("`{token}`")),
                "{token}: {err:?} should name the token"
            );
        }
    }
}
