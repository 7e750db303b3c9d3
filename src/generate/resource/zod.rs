//! The Zod side of the resource: one schema field per column, mirroring its SQL type, bounds,
//! patterns and nullability, and how each is read from `FormData`.

use serde::Serialize;

use crate::spec::formats::{EMAIL_PATTERN, NOT_BLANK_PATTERN, URL_PATTERN};
use crate::spec::{Access, Field, FieldType, ResourceSpec};

/// Everything the validation module declares.
#[derive(Serialize)]
pub struct Zod {
    pub patterns: Vec<Pattern>,
    /// Whether the schema needs `JSON_VALUE`, any JSON but null (a not-null jsonb field).
    pub json_value: bool,
    /// Whether the schema needs `NOT_BLANK_TEXT`, a string with a character that is not
    /// whitespace (free text).
    pub not_blank_text: bool,
    pub enum_lists: Vec<EnumList>,
    pub zod_fields: Vec<ZodField>,
    pub form_fields: String,
    pub schemas: Schemas,
    pub types: Types,
}

/// A regular expression shared with the database's check constraint.
#[derive(Serialize)]
pub struct Pattern {
    name: &'static str,
    doc: &'static str,
    regex: String,
}

/// `export const <name> = [...] as const`: an enum's values.
#[derive(Serialize)]
pub struct EnumList {
    name: String,
    values: Vec<String>,
}

/// `key: head.call().call()`
#[derive(Serialize)]
pub struct ZodField {
    key: String,
    head: &'static str,
    calls: Vec<String>,
    form_kind: FormKind,
}

/// How `lib/validations/form-data.ts` reads a field from a submitted form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormKind {
    /// Free text, a date, a timestamp, a uuid, an email, a URL or an enum value, as typed.
    Text,
    Number,
    Boolean,
    Json,
}

#[derive(Serialize)]
pub struct Schemas {
    pub create: String,
    pub update: String,
    pub id: String,
    pub list: String,
}

#[derive(Serialize)]
pub struct Types {
    pub row: String,
    pub create_input: String,
    pub update_input: String,
    pub list_input: String,
}

impl Zod {
    pub fn new(spec: &ResourceSpec) -> Zod {
        let names = &spec.names;
        let (pascal, plural) = (&names.pascal, &names.pascal_plural);
        let mut zod_fields = Vec::new();
        match spec.access {
            Access::Workspace { .. } => zod_fields.push(ZodField {
                key: "workspace_id".into(),
                head: "z",
                calls: vec!["uuid()".into()],
                form_kind: FormKind::Text,
            }),
            Access::Owner | Access::PublicRead | Access::TenantRoot => {}
        }
        let mut enum_lists = Vec::new();
        for field in &spec.fields {
            let column = field.column();
            let mut enum_list = None;
            if let FieldType::Enum { values } = &field.ty {
                let name = format!("{}{}Values", names.camel, heck::AsUpperCamelCase(&column));
                enum_lists.push(EnumList {
                    name: name.clone(),
                    values: values.iter().map(|v| crate::render::ts_string(v)).collect(),
                });
                enum_list = Some(name);
            }
            zod_fields.push(zod_field(field, &column, enum_list.as_deref()));
        }
        let uses = |ty: FieldType| spec.fields.iter().any(|f| f.ty == ty);
        let mut patterns = Vec::new();
        if spec.fields.iter().any(|f| f.ty.kind().not_blank()) {
            patterns.push(Pattern {
                name: "NOT_BLANK",
                doc: "A character that is not whitespace, as the database's not-blank check lists them.",
                regex: js_regex(NOT_BLANK_PATTERN),
            });
        }
        if uses(FieldType::Email) {
            patterns.push(Pattern {
                name: "EMAIL_PATTERN",
                doc: "The pattern the database's check constraint uses, so both accept the same addresses.",
                regex: js_regex(EMAIL_PATTERN),
            });
        }
        if uses(FieldType::Url) {
            patterns.push(Pattern {
                name: "URL_PATTERN",
                doc: "The pattern the database's check constraint uses: absolute http(s) URLs on a domain.",
                regex: js_regex(URL_PATTERN),
            });
        }
        Zod {
            not_blank_text: spec.fields.iter().any(|f| f.ty.kind().not_blank()),
            patterns,
            json_value: spec
                .fields
                .iter()
                .any(|f| f.ty == FieldType::Jsonb && !f.optional),
            enum_lists,
            zod_fields,
            form_fields: format!("{}FormFields", names.camel),
            schemas: Schemas {
                create: format!("create{pascal}Schema"),
                update: format!("update{pascal}Schema"),
                id: format!("{}IdSchema", names.camel),
                list: format!("list{plural}Schema"),
            },
            types: Types {
                row: pascal.clone(),
                create_input: format!("Create{pascal}Input"),
                update_input: format!("Update{pascal}Input"),
                list_input: format!("List{plural}Input"),
            },
        }
    }
}

fn zod_field(field: &Field, column: &str, enum_list: Option<&str>) -> ZodField {
    let mut head = "z";
    let mut calls: Vec<String> = match &field.ty {
        // Kept as typed (never trimmed), so both sides judge and store the same string.
        FieldType::Text => {
            head = "NOT_BLANK_TEXT";
            vec![]
        }
        FieldType::Email => vec!["email({ pattern: EMAIL_PATTERN })".into()],
        FieldType::Url => vec!["url()".into(), "regex(URL_PATTERN)".into()],
        FieldType::Int => vec!["int32()".into()],
        FieldType::Bigint => vec!["int()".into()],
        FieldType::Numeric | FieldType::Float => vec!["number()".into()],
        FieldType::Bool => vec!["boolean()".into()],
        FieldType::Date => {
            head = "z.iso";
            vec!["date()".into()]
        }
        FieldType::Timestamptz => {
            head = "z.iso";
            vec!["datetime({ offset: true })".into()]
        }
        FieldType::Uuid | FieldType::Ref { .. } => vec!["uuid()".into()],
        // z.json() accepts null, which a not-null jsonb column rejects (PostgREST stores JSON
        // null as SQL null); JSON_VALUE is every other JSON value, in the input type too.
        FieldType::Jsonb if !field.optional => {
            head = "JSON_VALUE";
            vec![]
        }
        FieldType::Jsonb => vec!["json()".into()],
        FieldType::Enum { .. } => vec![format!("enum({})", enum_list.unwrap_or_default())],
    };
    for (bound, call) in [(field.min, "min"), (field.max, "max")] {
        if let Some(bound) = bound {
            calls.push(format!("{call}({bound})"));
        }
    }
    if field.optional {
        calls.push("nullish()".into());
    } else if field.default.is_some() {
        calls.push("optional()".into());
    }
    ZodField {
        key: column.to_string(),
        head,
        calls,
        form_kind: match field.ty {
            FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float => {
                FormKind::Number
            }
            FieldType::Bool => FormKind::Boolean,
            FieldType::Jsonb => FormKind::Json,
            FieldType::Text
            | FieldType::Email
            | FieldType::Url
            | FieldType::Date
            | FieldType::Timestamptz
            | FieldType::Uuid
            | FieldType::Ref { .. }
            | FieldType::Enum { .. } => FormKind::Text,
        },
    }
}

/// A pattern as the body of a JavaScript regex literal.
fn js_regex(pattern: &str) -> String {
    pattern.replace('/', r"\/")
}
