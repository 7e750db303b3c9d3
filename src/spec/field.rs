//! One field of a resource, parsed from `NAME:TYPE[:MODIFIER...]`.

use std::fmt;

use super::file::{self, MediaType, Size};
use super::formats;
use super::ident;
use super::value::{self, Bound, DefaultValue};
use crate::error::Error;
use crate::naming;

/// The types a field may have, as written on the command line.
pub const TYPES: &str =
    "text, int, bigint, numeric, float, bool, date, timestamptz, uuid, email, url, jsonb, enum=a,b,c, ref, ref=TABLE, file";
/// The modifiers a field may carry.
pub const MODIFIERS: &str =
    "optional, unique, unique=global, index, sortable, searchable, sensitive (audit logs it changed, never its value), default=VALUE, min=N, max=N, precision=N, scale=N (numeric), on-delete=cascade|restrict|set-null, max=SIZE and accept=TYPE,... (file)";

/// The largest precision PostgreSQL accepts in `numeric(precision, scale)`.
pub const MAX_NUMERIC_PRECISION: u32 = 1000;

/// A field's type, with what the type itself needs (an enum's values, a ref's table).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Enum {
        values: Vec<String>,
    },
    Ref {
        table: String,
    },
    /// An object in Supabase Storage: the row keeps its path; the field's `max=` and `accept=`
    /// (in [`Field`]) are its bucket's limits.
    File,
}

/// The kinds of field, without their arguments: what TYPE names on the command line, and what
/// the wizard offers. Every question about a type is an exhaustive match on this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
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
    Enum,
    Ref,
    File,
}

/// What `min=` and `max=` bound for a kind of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    Length,
    Value(NumberKind),
    /// A file's size (`max=` only).
    Size,
}

/// How a number type's values are held, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// `int`: 32 bits.
    Int32,
    /// `bigint`: 64 bits.
    Int64,
    /// `numeric` and `float`: written as plain decimals.
    Decimal,
}

/// Text the database checks against a pattern shared with the Zod schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    Url,
}

impl Format {
    pub fn pattern(self) -> &'static str {
        match self {
            Format::Email => formats::EMAIL_PATTERN,
            Format::Url => formats::URL_PATTERN,
        }
    }

    /// What a value is, in a message, and the shortest value the pattern accepts.
    pub fn shortest(self) -> (&'static str, &'static str) {
        match self {
            Format::Email => ("an email address", formats::SHORTEST_EMAIL),
            Format::Url => ("a URL", formats::SHORTEST_URL),
        }
    }
}

/// How a `searchable` field is searched, by what its values are (see
/// `generate::resource::list`). Free text is searched by words, through a generated `tsvector`
/// column and its GIN index: word prefixes (`proj` finds "Project Apollo"), any word order, and
/// an index that stays small for long text. Emails and URLs are searched by substring
/// (`ilike '%acme%'`) through a trigram index: the text search parser keeps an address or a
/// URL whole as one token, so a part of it (`acme` in `bob@acme.com`) would never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    Words,
    Substring,
}

impl FieldKind {
    /// Every kind, in the order of the command line's help.
    pub const ALL: [FieldKind; 15] = [
        FieldKind::Text,
        FieldKind::Int,
        FieldKind::Bigint,
        FieldKind::Numeric,
        FieldKind::Float,
        FieldKind::Bool,
        FieldKind::Date,
        FieldKind::Timestamptz,
        FieldKind::Uuid,
        FieldKind::Email,
        FieldKind::Url,
        FieldKind::Jsonb,
        FieldKind::Enum,
        FieldKind::Ref,
        FieldKind::File,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Int => "int",
            FieldKind::Bigint => "bigint",
            FieldKind::Numeric => "numeric",
            FieldKind::Float => "float",
            FieldKind::Bool => "bool",
            FieldKind::Date => "date",
            FieldKind::Timestamptz => "timestamptz",
            FieldKind::Uuid => "uuid",
            FieldKind::Email => "email",
            FieldKind::Url => "url",
            FieldKind::Jsonb => "jsonb",
            FieldKind::Enum => "enum",
            FieldKind::Ref => "ref",
            FieldKind::File => "file",
        }
    }

    /// What the type becomes, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Int => "integer (32-bit)",
            FieldKind::Bigint => "bigint (64-bit)",
            FieldKind::Numeric => "exact decimal",
            FieldKind::Float => "double precision",
            FieldKind::Bool => "boolean",
            FieldKind::Date => "calendar date",
            FieldKind::Timestamptz => "timestamp with time zone",
            FieldKind::Uuid => "uuid",
            FieldKind::Email => "text checked as an email address",
            FieldKind::Url => "text checked as an http(s) URL",
            FieldKind::Jsonb => "JSON document",
            FieldKind::Enum => "one of a list of values",
            FieldKind::Ref => "a foreign key to another table",
            FieldKind::File => "a file in Supabase Storage (the row keeps its path)",
        }
    }

    /// What `min=`/`max=` bound, if they apply.
    pub fn bounds(self) -> Option<Bounds> {
        match self {
            FieldKind::Text | FieldKind::Email | FieldKind::Url => Some(Bounds::Length),
            FieldKind::Int => Some(Bounds::Value(NumberKind::Int32)),
            FieldKind::Bigint => Some(Bounds::Value(NumberKind::Int64)),
            FieldKind::Numeric | FieldKind::Float => Some(Bounds::Value(NumberKind::Decimal)),
            FieldKind::File => Some(Bounds::Size),
            FieldKind::Bool
            | FieldKind::Date
            | FieldKind::Timestamptz
            | FieldKind::Uuid
            | FieldKind::Jsonb
            | FieldKind::Enum
            | FieldKind::Ref => None,
        }
    }

    /// The pattern the value must match, for text checked as a format.
    pub fn format(self) -> Option<Format> {
        match self {
            FieldKind::Email => Some(Format::Email),
            FieldKind::Url => Some(Format::Url),
            FieldKind::Text
            | FieldKind::Int
            | FieldKind::Bigint
            | FieldKind::Numeric
            | FieldKind::Float
            | FieldKind::Bool
            | FieldKind::Date
            | FieldKind::Timestamptz
            | FieldKind::Uuid
            | FieldKind::Jsonb
            | FieldKind::Enum
            | FieldKind::Ref
            | FieldKind::File => None,
        }
    }

    /// Whether a value must not be blank (empty or only whitespace; see
    /// [`formats::NOT_BLANK_PATTERN`]): free text, whether required or optional (none is
    /// null, never an empty string). Emails and URLs are held to their patterns instead.
    pub fn not_blank(self) -> bool {
        match self {
            FieldKind::Text => true,
            FieldKind::Int
            | FieldKind::Bigint
            | FieldKind::Numeric
            | FieldKind::Float
            | FieldKind::Bool
            | FieldKind::Date
            | FieldKind::Timestamptz
            | FieldKind::Uuid
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Jsonb
            | FieldKind::Enum
            | FieldKind::Ref
            | FieldKind::File => false,
        }
    }

    /// Whether a list may be sorted by the field: values with a meaningful order (an enum's is
    /// the order its values are listed in). Not a yes/no value (a filter), a uuid, a reference,
    /// a JSON document or a file (its path is a generated name).
    pub fn sortable(self) -> bool {
        match self {
            FieldKind::Text
            | FieldKind::Int
            | FieldKind::Bigint
            | FieldKind::Numeric
            | FieldKind::Float
            | FieldKind::Date
            | FieldKind::Timestamptz
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Enum => true,
            FieldKind::Bool
            | FieldKind::Uuid
            | FieldKind::Jsonb
            | FieldKind::Ref
            | FieldKind::File => false,
        }
    }

    /// How a `searchable` field of this kind is searched; `None` where search means nothing.
    pub fn search(self) -> Option<Search> {
        match self {
            FieldKind::Text => Some(Search::Words),
            FieldKind::Email | FieldKind::Url => Some(Search::Substring),
            FieldKind::Int
            | FieldKind::Bigint
            | FieldKind::Numeric
            | FieldKind::Float
            | FieldKind::Bool
            | FieldKind::Date
            | FieldKind::Timestamptz
            | FieldKind::Uuid
            | FieldKind::Jsonb
            | FieldKind::Enum
            | FieldKind::Ref
            | FieldKind::File => None,
        }
    }

    /// Whether `unique` makes sense: not for a yes/no value or a JSON document, nor for a file,
    /// whose path is unique anyway.
    pub fn can_be_unique(self) -> bool {
        match self {
            FieldKind::Bool | FieldKind::Jsonb | FieldKind::File => false,
            FieldKind::Text
            | FieldKind::Int
            | FieldKind::Bigint
            | FieldKind::Numeric
            | FieldKind::Float
            | FieldKind::Date
            | FieldKind::Timestamptz
            | FieldKind::Uuid
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Enum
            | FieldKind::Ref => true,
        }
    }

    /// The values the database computes that `default=` accepts besides literals.
    pub fn default_hint(self) -> &'static str {
        match self {
            FieldKind::Date => " (a date, or `today`)",
            FieldKind::Timestamptz => " (a timestamp, or `now`)",
            FieldKind::Uuid => " (a uuid, or `random`)",
            FieldKind::Text
            | FieldKind::Int
            | FieldKind::Bigint
            | FieldKind::Numeric
            | FieldKind::Float
            | FieldKind::Bool
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Jsonb
            | FieldKind::Enum
            | FieldKind::Ref
            | FieldKind::File => "",
        }
    }
}

/// The digits a `numeric(precision, scale)` column holds: `precision` in all, `scale` of them
/// after the point. A value with more digits after the point is rounded by the database (and
/// refused by the Zod schema); one with more than `precision - scale` before it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digits {
    pub precision: u32,
    pub scale: u32,
}

impl Digits {
    /// The most digits a value may have before the point.
    pub fn integer_digits(self) -> u32 {
        self.precision - self.scale
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    Restrict,
    SetNull,
}

impl OnDelete {
    pub const ALL: [OnDelete; 3] = [OnDelete::Cascade, OnDelete::Restrict, OnDelete::SetNull];

    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::Restrict => "restrict",
            OnDelete::SetNull => "set null",
        }
    }

    pub fn token(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::Restrict => "restrict",
            OnDelete::SetNull => "set-null",
        }
    }
}

/// What `unique` spans. Scoped by default: a table-wide unique lets anyone who can insert learn
/// whether a value is taken (in rows they cannot read) and take values first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// `unique`: unique per owner (`user_id`) or per workspace.
    Scoped,
    /// `unique=global`: unique across the whole table.
    Global,
}

/// A field as the user described it, validated: every combination here is one we can generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name as typed (`project` for `project:ref`).
    pub name: String,
    pub ty: FieldType,
    pub optional: bool,
    pub unique: Option<Unique>,
    pub index: bool,
    /// The audit log records that the column changed, never its value (`--audit`).
    pub sensitive: bool,
    /// Lists may be sorted by it (keyset pages over an index of its own).
    pub sortable: bool,
    /// Lists may search it (see [`Search`]).
    pub searchable: bool,
    pub default: Option<DefaultValue>,
    /// Lower bound: a length for text-like types, a value for numbers.
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    /// `precision=` and `scale=` of a numeric field, as given (see [`Field::digits`]).
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    pub on_delete: Option<OnDelete>,
    /// The media types a file field accepts (`accept=`); empty for every other type.
    pub accept: Vec<MediaType>,
    /// Whether the user wrote the ref target (`ref=TABLE`) rather than letting it be derived.
    explicit_ref_table: bool,
}

impl FieldType {
    pub fn kind(&self) -> FieldKind {
        match self {
            FieldType::Text => FieldKind::Text,
            FieldType::Int => FieldKind::Int,
            FieldType::Bigint => FieldKind::Bigint,
            FieldType::Numeric => FieldKind::Numeric,
            FieldType::Float => FieldKind::Float,
            FieldType::Bool => FieldKind::Bool,
            FieldType::Date => FieldKind::Date,
            FieldType::Timestamptz => FieldKind::Timestamptz,
            FieldType::Uuid => FieldKind::Uuid,
            FieldType::Email => FieldKind::Email,
            FieldType::Url => FieldKind::Url,
            FieldType::Jsonb => FieldKind::Jsonb,
            FieldType::Enum { .. } => FieldKind::Enum,
            FieldType::Ref { .. } => FieldKind::Ref,
            FieldType::File => FieldKind::File,
        }
    }

    pub fn keyword(&self) -> &'static str {
        self.kind().keyword()
    }

    /// Text-like types, whose `min`/`max` bound the length.
    pub fn is_textual(&self) -> bool {
        self.kind().bounds() == Some(Bounds::Length)
    }

    /// How a number type holds its values; `None` for other types.
    pub fn number_kind(&self) -> Option<NumberKind> {
        match self.kind().bounds() {
            Some(Bounds::Value(kind)) => Some(kind),
            Some(Bounds::Length | Bounds::Size) | None => None,
        }
    }
}

impl Field {
    /// The database column: refs get an `_id` suffix (`project:ref` → `project_id`).
    pub fn column(&self) -> String {
        if self.ref_table().is_some() && !self.name.ends_with("_id") {
            format!("{}_id", self.name)
        } else {
            self.name.clone()
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

    /// The table a ref points at, for refs.
    pub fn ref_table(&self) -> Option<&str> {
        if let FieldType::Ref { table } = &self.ty {
            Some(table)
        } else {
            None
        }
    }

    /// The digits of a numeric field with `precision=` or `scale=`: a scale alone keeps the
    /// largest precision (`numeric(1000, 2)`), a precision alone means whole numbers
    /// (`numeric(12)` is `numeric(12, 0)`). `None`: a plain `numeric`.
    pub fn digits(&self) -> Option<Digits> {
        match (self.precision, self.scale) {
            (None, None) => None,
            (precision, scale) => Some(Digits {
                precision: precision.unwrap_or(MAX_NUMERIC_PRECISION),
                scale: scale.unwrap_or(0),
            }),
        }
    }

    /// A file field's largest size and the media types it accepts: its bucket's limits.
    pub fn file_limits(&self) -> Option<(Size, &[MediaType])> {
        match (&self.ty, self.max) {
            (FieldType::File, Some(Bound::Size(size))) => Some((size, &self.accept)),
            _ => None,
        }
    }

    /// How lists search the field, when it is `searchable`.
    pub fn search(&self) -> Option<Search> {
        self.ty.kind().search().filter(|_| self.searchable)
    }

    /// The lower and upper length bounds of a text-like field.
    pub fn length_bounds(&self) -> (Option<u32>, Option<u32>) {
        let length = |b: Option<Bound>| match b {
            Some(Bound::Length(n)) => Some(n),
            _ => None,
        };
        (length(self.min), length(self.max))
    }

    /// The lower and upper value bounds of a numeric field.
    pub fn value_bounds(&self) -> (Option<value::Number>, Option<value::Number>) {
        let number = |b: Option<Bound>| match b {
            Some(Bound::Value(n)) => Some(n),
            _ => None,
        };
        (number(self.min), number(self.max))
    }
}

/// Parses and validates one field token.
pub fn parse(token: &str) -> Result<Field, Error> {
    super::check_printable(token, "field")?;
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
        unique: None,
        index: false,
        sensitive: false,
        sortable: false,
        searchable: false,
        default: None,
        min: None,
        max: None,
        precision: None,
        scale: None,
        on_delete: None,
        accept: Vec::new(),
    };
    let mut default: Option<String> = None;

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
            ("unique", None) if field.unique.is_none() => field.unique = Some(Unique::Scoped),
            ("unique", Some("global")) if field.unique.is_none() => {
                field.unique = Some(Unique::Global)
            }
            ("unique", Some(other)) if field.unique.is_none() => {
                return Err(format!(
                    "`unique={other}` is not a scope; use `unique` (per owner or workspace) or `unique=global` (across the whole table)"
                ))
            }
            ("index", None) if !field.index => field.index = true,
            ("sortable", None) if !field.sortable => field.sortable = true,
            ("searchable", None) if !field.searchable => field.searchable = true,
            ("sensitive", None) if !field.sensitive => field.sensitive = true,
            ("optional" | "index" | "sortable" | "searchable" | "sensitive", None)
            | ("unique", _) => return Err(repeated()),
            ("default", Some(value)) if default.is_none() => {
                // A default may itself contain colons (a URL, a time): it runs to the next modifier.
                let mut value = value.to_string();
                while i < rest.len() && !is_modifier(rest[i]) {
                    value.push(':');
                    value.push_str(rest[i]);
                    i += 1;
                }
                default = Some(value);
            }
            ("min", Some(value)) if field.min.is_none() => {
                field.min = Some(value::parse_bound(&field.ty, key, value)?)
            }
            ("max", Some(value)) if field.max.is_none() => {
                field.max = Some(value::parse_bound(&field.ty, key, value)?)
            }
            ("precision", Some(value)) if field.precision.is_none() => {
                field.precision = Some(parse_digits(key, value, 1)?)
            }
            ("scale", Some(value)) if field.scale.is_none() => {
                field.scale = Some(parse_digits(key, value, 0)?)
            }
            ("accept", Some(value)) if field.accept.is_empty() => {
                field.accept = file::parse_accept(value)?
            }
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
            ("default" | "min" | "max" | "precision" | "scale" | "on-delete" | "accept", Some(_)) => {
                return Err(repeated())
            }
            ("optional" | "index" | "sortable" | "searchable" | "sensitive", Some(_)) => {
                return Err(format!("`{modifier}`: `{key}` takes no value"))
            }
            ("default" | "min" | "max" | "precision" | "scale" | "on-delete" | "accept", None) => {
                return Err(format!("`{key}` needs a value, e.g. `{key}={}`", example_value(key)))
            }
            _ => return Err(format!("unknown modifier `{modifier}`; modifiers: {MODIFIERS}")),
        }
    }
    validate(&field)?;
    if let Some(text) = default {
        if field.ref_table().is_some() {
            return Err("a ref cannot have a default; drop `default=`".into());
        }
        let kw = field.ty.keyword();
        let value = value::parse_default(&field.ty, &text)
            .and_then(|value| value::check_bounds(&value, field.min, field.max).map(|()| value))
            .and_then(|value| value::check_digits(&value, field.digits()).map(|()| value))
            .map_err(|why| format!("`default={text}` does not fit {kw}: {why}"))?;
        field.default = Some(value);
    }
    Ok(field)
}

fn example_value(key: &str) -> &'static str {
    match key {
        "on-delete" => "cascade",
        "default" => "VALUE",
        "precision" => "12",
        "scale" => "2",
        "accept" => "image/png,image/jpeg",
        _ => "0",
    }
}

fn is_modifier(segment: &str) -> bool {
    let key = segment.split_once('=').map_or(segment, |(key, _)| key);
    matches!(
        key,
        "optional"
            | "unique"
            | "index"
            | "sensitive"
            | "sortable"
            | "searchable"
            | "default"
            | "min"
            | "max"
            | "precision"
            | "scale"
            | "on-delete"
            | "accept"
    )
}

/// A `precision=` (from 1) or `scale=` (from 0), at most PostgreSQL's 1000.
fn parse_digits(key: &str, text: &str, least: u32) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|n| (least..=MAX_NUMERIC_PRECISION).contains(n))
        .ok_or_else(|| {
            format!("`{key}={text}`: a numeric {key} is a whole number from {least} to {MAX_NUMERIC_PRECISION}")
        })
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
        "file" => Some(FieldType::File),
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
    let kw = field.ty.keyword();
    let shortest = field.ty.kind().format().map(Format::shortest);
    if let (Some((what, example)), (_, Some(max))) = (shortest, field.length_bounds()) {
        if (max as usize) < example.len() {
            return Err(format!(
                "`max={max}` leaves no valid value: {what} takes at least {} characters ({example})",
                example.len()
            ));
        }
    }
    let inverted = match (field.min, field.max) {
        (Some(Bound::Length(min)), Some(Bound::Length(max))) => min > max,
        (Some(Bound::Value(min)), Some(Bound::Value(max))) => min > max,
        _ => false,
    };
    if let (true, Some(min), Some(max)) = (inverted, field.min, field.max) {
        return Err(format!("`min={min}` is greater than `max={max}`"));
    }
    if field.precision.is_some() || field.scale.is_some() {
        if field.ty != FieldType::Numeric {
            let key = if field.precision.is_some() {
                "precision"
            } else {
                "scale"
            };
            return Err(format!("`{key}` applies to numeric fields only, not {kw}"));
        }
        if let (Some(precision), Some(scale)) = (field.precision, field.scale) {
            if scale > precision {
                return Err(format!(
                    "`scale={scale}` is greater than `precision={precision}`: the scale counts digits of the precision"
                ));
            }
        }
    }
    if let Some(digits) = field.digits() {
        for (key, bound) in [("min", field.min), ("max", field.max)] {
            if let Some(Bound::Value(n)) = bound {
                value::check_feasible(key, n, digits)?;
            }
        }
    }
    let is_ref = field.ref_table().is_some();
    if field.on_delete.is_some() && !is_ref {
        return Err(format!("`on-delete` applies to ref fields only, not {kw}"));
    }
    if field.on_delete == Some(OnDelete::SetNull) && !field.optional {
        return Err(
            "`on-delete=set-null` needs the field to be `optional` (the column must accept null)"
                .into(),
        );
    }
    if field.unique.is_some() && !field.ty.kind().can_be_unique() {
        return Err(format!("`unique` does not apply to {kw}"));
    }
    if field.index && field.unique.is_some() {
        return Err("`index` is redundant: `unique` already creates an index".into());
    }
    if field.index && is_ref {
        return Err("`index` is redundant: ref columns always get an index".into());
    }
    let is_file = field.ty == FieldType::File;
    if !field.accept.is_empty() && !is_file {
        return Err(format!("`accept` applies to file fields only, not {kw}"));
    }
    if is_file {
        if field.index {
            return Err("`index` is redundant: a file's path is unique, so already indexed".into());
        }
        if field.max.is_none() || field.accept.is_empty() {
            return Err(
                "a file needs its bucket's limits: `max=SIZE` (its largest size) and `accept=TYPE,...` (the media types it takes), e.g. `avatar:file:max=5mb:accept=image/png,image/jpeg`"
                    .into(),
            );
        }
    }
    if field.sortable {
        if !field.ty.kind().sortable() {
            return Err(format!(
                "`sortable` does not apply to {kw}; sortable types: text, int, bigint, numeric, float, date, timestamptz, email, url, enum"
            ));
        }
        if field.optional {
            return Err("`sortable` needs a required field: a page of a sorted list starts after the last row's value, and null has no place in that order; drop `optional` (a `default=` keeps it easy to fill) or `sortable`".into());
        }
        if field.index {
            return Err("`index` is redundant: `sortable` already creates an index".into());
        }
    }
    if field.searchable && field.ty.kind().search().is_none() {
        return Err(format!(
            "`searchable` does not apply to {kw}; searchable types: text (by words), email, url (by substring)"
        ));
    }
    Ok(())
}

/// Writes the field back as the token that produces it, with modifiers in canonical order.
impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.name)?;
        if let FieldType::Enum { values } = &self.ty {
            write!(f, "enum={}", values.join(","))?;
        } else if let (Some(table), true) = (self.ref_table(), self.explicit_ref_table) {
            write!(f, "ref={table}")?;
        } else {
            f.write_str(self.ty.keyword())?;
        }
        let unique = self.unique.map(|scope| match scope {
            Unique::Scoped => "unique",
            Unique::Global => "unique=global",
        });
        for word in [
            self.optional.then_some("optional"),
            unique,
            self.index.then_some("index"),
            self.sortable.then_some("sortable"),
            self.searchable.then_some("searchable"),
            self.sensitive.then_some("sensitive"),
        ]
        .into_iter()
        .flatten()
        {
            write!(f, ":{word}")?;
        }
        if let Some(precision) = self.precision {
            write!(f, ":precision={precision}")?;
        }
        if let Some(scale) = self.scale {
            write!(f, ":scale={scale}")?;
        }
        if let Some(min) = self.min {
            write!(f, ":min={min}")?;
        }
        if let Some(max) = self.max {
            write!(f, ":max={max}")?;
        }
        if !self.accept.is_empty() {
            let types: Vec<String> = self.accept.iter().map(ToString::to_string).collect();
            write!(f, ":accept={}", types.join(","))?;
        }
        if let Some(default) = &self.default {
            write!(f, ":default={default}")?;
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
        assert_eq!(f.default, Some(DefaultValue::Literal("active".into())));

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
        assert_eq!(
            f.default,
            Some(DefaultValue::Literal("https://example.com:8080/x".into()))
        );
        assert!(f.optional);

        let f = parse("budget:numeric:min=0:max=1000.50").unwrap();
        assert_eq!(
            (f.min.unwrap().to_string(), f.max.unwrap().to_string()),
            ("0".to_string(), "1000.5".to_string())
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
            "slug:text:unique=global",
            "at:timestamptz:default=now",
            "amount:numeric:precision=12:scale=2:min=0",
            "price:numeric:optional:scale=2:default=9.99",
            "tax_id:text:optional:unique:sensitive:max=20",
            "avatar:file:max=5mb:accept=image/png,image/jpeg",
            "scan:file:optional:max=500kb:accept=application/pdf,image/*",
            "title:text:sortable:searchable:max=200",
            "site:url:unique:searchable",
            "due:date:sortable:default=today",
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
                "title:text:default=",
                "`default=` does not fit text: text must not be blank",
            ),
            (
                "title:text:default=  ",
                "`default=  ` does not fit text: text must not be blank",
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
            ("title:text:unique=yes", "`unique=yes` is not a scope"),
            ("title:text:unique:unique=global", "`unique` is given twice"),
            ("title:text:index=yes", "takes no value"),
            ("ssn:text:sensitive:sensitive", "`sensitive` is given twice"),
            (
                "ssn:text:sensitive=yes",
                "`sensitive=yes`: `sensitive` takes no value",
            ),
            ("title:text:sortable=yes", "takes no value"),
            ("title:text:sortable:sortable", "`sortable` is given twice"),
            (
                "title:text:searchable:searchable",
                "`searchable` is given twice",
            ),
            ("done:bool:sortable", "`sortable` does not apply to bool"),
            ("project:ref:sortable", "`sortable` does not apply to ref"),
            ("meta:jsonb:sortable", "`sortable` does not apply to jsonb"),
            (
                "due:date:optional:sortable",
                "`sortable` needs a required field",
            ),
            (
                "code:text:index:sortable",
                "`sortable` already creates an index",
            ),
            ("n:int:searchable", "`searchable` does not apply to int"),
            (
                "kind:enum=a,b:searchable",
                "`searchable` does not apply to enum",
            ),
            ("done:bool:unique", "`unique` does not apply to bool"),
            ("title:text:max", "needs a value"),
            ("mail:email:max=5", "`max=5` leaves no valid value"),
            ("site:url:max=10", "`max=10` leaves no valid value"),
            ("n:text=5", "takes no `=` value"),
            (
                "n:float:scale=2",
                "`scale` applies to numeric fields only, not float",
            ),
            (
                "n:int:precision=5",
                "`precision` applies to numeric fields only, not int",
            ),
            (
                "n:numeric:precision=0",
                "`precision=0`: a numeric precision is a whole number from 1 to 1000",
            ),
            ("n:numeric:scale=1001", "`scale=1001`"),
            ("n:numeric:scale=x", "`scale=x`"),
            (
                "n:numeric:precision=2:scale=3",
                "`scale=3` is greater than `precision=2`",
            ),
            ("n:numeric:scale", "`scale` needs a value, e.g. `scale=2`"),
            ("n:numeric:scale=2:scale=3", "`scale` is given twice"),
            (
                "n:numeric:precision=4:scale=2:min=100",
                "`min=100` leaves no valid value: numeric(4, 2) holds less than 100",
            ),
            (
                "n:numeric:precision=4:scale=2:max=-100",
                "`max=-100` leaves no valid value: numeric(4, 2) holds more than -100",
            ),
            (
                "n:numeric:scale=2:default=1.005",
                "`default=1.005` does not fit numeric: more than 2 digits after the point",
            ),
            ("avatar:file", "a file needs its bucket's limits"),
            ("avatar:file:max=5mb", "a file needs its bucket's limits"),
            (
                "avatar:file:accept=image/png",
                "a file needs its bucket's limits",
            ),
            (
                "avatar:file:max=5:accept=image/png",
                "`max=5`: a file's size is a whole number and a unit",
            ),
            (
                "avatar:file:min=1kb:max=5mb:accept=image/png",
                "`min=` does not apply to file",
            ),
            (
                "avatar:file:max=5mb:accept=img/png",
                "`img` is not a top-level media type",
            ),
            (
                "avatar:file:max=5mb:accept=image/png:accept=image/gif",
                "`accept` is given twice",
            ),
            (
                "avatar:file:max=5mb:accept",
                "`accept` needs a value, e.g. `accept=image/png,image/jpeg`",
            ),
            (
                "avatar:file:max=5mb:accept=image/png:unique",
                "`unique` does not apply to file",
            ),
            (
                "avatar:file:max=5mb:accept=image/png:index",
                "a file's path is unique",
            ),
            (
                "avatar:file:max=5mb:accept=image/png:default=x",
                "`default=x` does not fit file",
            ),
            (
                "title:text:accept=image/png",
                "`accept` applies to file fields only, not text",
            ),
            (
                "n:numeric:precision=4:scale=2:default=100",
                "`default=100` does not fit numeric: more than 2 digits before the point",
            ),
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
