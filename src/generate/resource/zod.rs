//! The Zod side of the resource: one schema field per column, mirroring its SQL type, bounds,
//! patterns and nullability, and how each is read from `FormData`.

use serde::Serialize;

use crate::spec::formats::{EMAIL_PATTERN, NOT_BLANK_PATTERN, OBJECT_PATH_PATTERN, URL_PATTERN};
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
    /// The module of `decimal()` and `withDecimals()`, where a field is numeric.
    pub decimal_import: Option<String>,
    /// How the actions read and write numeric columns exactly, where there are any.
    pub row_decimals: Option<RowDecimals>,
    /// The file fields' limits and the schema of a file to upload, where there are any.
    pub uploads: Option<ZodFiles>,
    /// `"id, user_id, title, budget::text, created_at, updated_at"`, as a TypeScript string: the
    /// columns every read selects, where `*` would not do (numeric columns read as text, a
    /// generated search column left out).
    pub row_columns: Option<String>,
    /// `Tables<"notes">, "search_vector"`: what `Omit<...>` takes to make the row without its
    /// search column, where there is one (the base of the row type, as `<Pascal>Columns`).
    pub row_omit: Option<String>,
    /// What the row type is built from: `Tables<"notes">` or `NoteColumns`.
    pub row_base: String,
}

/// `noteFiles` (each file field's bucket and limits) and `noteUploadSchema` (a file to upload,
/// checked against them before an upload URL is signed).
#[derive(Serialize)]
pub struct ZodFiles {
    /// The module of `fileInput` and `FileLimits`.
    pub import: String,
    /// The server-only module of the Storage helpers actions and reads use.
    pub storage_import: String,
    /// `"cover, scan"`, as a TypeScript string: the file columns, as an update reads them.
    pub columns: String,
    pub map: String,
    pub schema: String,
    pub input: String,
    pub entries: Vec<FileEntry>,
}

#[derive(Serialize)]
pub struct FileEntry {
    /// The column, a TypeScript key and the `field` of an upload.
    pub key: String,
    pub bucket: String,
    pub max_bytes: u64,
    /// `    accept: ["image/png", "image/jpeg"],` as Prettier lays it out.
    pub accept_lines: String,
    /// `  fileInput("cover", noteFiles.cover),` as Prettier lays it out.
    pub input_line: String,
}

/// Numeric columns travel as decimal strings both ways: reads cast them to text (PostgREST
/// writes numeric as a JSON number, which JavaScript rounds to a double), and writes send the
/// strings the schema checked (PostgREST reads a JSON string into numeric exactly).
#[derive(Serialize)]
pub struct RowDecimals {
    /// `"budget" | "total"`: the row type's decimal columns.
    pub keys: String,
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
    head: String,
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
    /// What reads return: the row, with a signed URL for each file where it has file fields.
    pub read_row: String,
    pub create_input: String,
    pub update_input: String,
    pub list_input: String,
}

impl Zod {
    /// `decimal_import`, `file_import` and `storage_import`: the import specifiers of the
    /// project's `decimal.ts`, `file.ts` and `storage.ts`.
    pub fn new(
        spec: &ResourceSpec,
        decimal_import: String,
        file_import: String,
        storage_import: String,
    ) -> Zod {
        let names = &spec.names;
        let (pascal, plural) = (&names.pascal, &names.pascal_plural);
        let mut zod_fields = Vec::new();
        match spec.access {
            Access::Workspace { .. } => zod_fields.push(ZodField {
                key: "workspace_id".into(),
                head: "z".into(),
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
                let name = enum_list_name(spec, &column);
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
        if uses(FieldType::File) {
            patterns.push(Pattern {
                name: "OBJECT_PATH",
                doc: "A file's path, `<folder>/<uuid>`, as the upload action names it and the database checks.",
                regex: js_regex(OBJECT_PATH_PATTERN),
            });
        }
        let decimals: Vec<String> = spec
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::Numeric)
            .map(Field::column)
            .collect();
        let searched = spec
            .fields
            .iter()
            .any(|f| f.search() == Some(crate::spec::Search::Words));
        let row_columns = (!decimals.is_empty() || searched).then(|| {
            let fields = spec.fields.iter().map(|f| {
                let column = f.column();
                if f.ty == FieldType::Numeric {
                    format!("{column}::text")
                } else {
                    column
                }
            });
            let columns: Vec<String> = ["id".to_string(), spec.owner_column().to_string()]
                .into_iter()
                .chain(fields)
                .chain(["created_at".to_string(), "updated_at".to_string()])
                .collect();
            crate::render::ts_string(&columns.join(", "))
        });
        let row_decimals = (!decimals.is_empty()).then(|| RowDecimals {
            keys: decimals
                .iter()
                .map(|c| crate::render::ts_string(c))
                .collect::<Vec<_>>()
                .join(" | "),
        });
        let table = crate::render::ts_string(spec.table());
        let row_omit = searched.then(|| {
            format!(
                "Tables<{table}>, {}",
                crate::render::ts_string(crate::spec::SEARCH_VECTOR)
            )
        });
        let row_base = if searched {
            format!("{pascal}Columns")
        } else {
            format!("Tables<{table}>")
        };
        let map = format!("{}Files", names.camel);
        let entries: Vec<FileEntry> = spec
            .fields
            .iter()
            .filter_map(|field| {
                let (size, types) = field.file_limits()?;
                let key = field.column();
                let types: Vec<String> = types
                    .iter()
                    .map(|t| crate::render::ts_string(&t.to_string()))
                    .collect();
                let flat = format!("    accept: [{}],", types.join(", "));
                let accept_lines = if crate::ts_layout::fits(&flat) {
                    flat
                } else {
                    let items: String = types.iter().map(|t| format!("      {t},\n")).collect();
                    format!("    accept: [\n{items}    ],")
                };
                Some(FileEntry {
                    bucket: format!("{}.{key}", spec.table()),
                    max_bytes: size.bytes(),
                    accept_lines,
                    input_line: crate::ts_layout::call(
                        2,
                        "",
                        "fileInput",
                        &[crate::render::ts_string(&key), format!("{map}.{key}")],
                        ",",
                    ),
                    key,
                })
            })
            .collect();
        let columns: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
        let has_files = !entries.is_empty();
        let uploads = has_files.then(|| ZodFiles {
            import: file_import,
            storage_import,
            columns: crate::render::ts_string(&columns.join(", ")),
            schema: format!("{}UploadSchema", names.camel),
            input: format!("{pascal}UploadInput"),
            map,
            entries,
        });
        Zod {
            uploads,
            decimal_import: row_decimals.as_ref().map(|_| decimal_import),
            row_decimals,
            row_columns,
            row_omit,
            row_base,
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
                read_row: if has_files {
                    format!("{pascal}WithFiles")
                } else {
                    pascal.clone()
                },
                row: pascal.clone(),
                create_input: format!("Create{pascal}Input"),
                update_input: format!("Update{pascal}Input"),
                list_input: format!("List{plural}Input"),
            },
        }
    }
}

/// `projectStatusValues`: the constant of an enum field's values in the validation module.
pub fn enum_list_name(spec: &ResourceSpec, column: &str) -> String {
    format!(
        "{}{}Values",
        spec.names.camel,
        heck::AsUpperCamelCase(column)
    )
}

fn zod_field(field: &Field, column: &str, enum_list: Option<&str>) -> ZodField {
    let presence: Option<String> = if field.optional {
        Some("nullish()".into())
    } else if field.default.is_some() {
        Some("optional()".into())
    } else {
        None
    };
    let mut head = "z".to_string();
    let mut bounds_as_calls = true;
    let mut calls: Vec<String> = match &field.ty {
        // Kept as typed (never trimmed), so both sides judge and store the same string.
        FieldType::Text => {
            head = "NOT_BLANK_TEXT".into();
            vec![]
        }
        FieldType::Email => vec!["email({ pattern: EMAIL_PATTERN })".into()],
        FieldType::Url => vec!["url()".into(), "regex(URL_PATTERN)".into()],
        FieldType::Int => vec!["int32()".into()],
        FieldType::Bigint => vec!["int()".into()],
        // Exact both ways: a decimal string (see lib/validations/decimal.ts), bounds included.
        FieldType::Numeric => {
            head = decimal_call(field, column, presence.as_slice());
            bounds_as_calls = false;
            vec![]
        }
        FieldType::Float => vec!["number()".into()],
        FieldType::Bool => vec!["boolean()".into()],
        FieldType::Date => {
            head = "z.iso".into();
            vec!["date()".into()]
        }
        FieldType::Timestamptz => {
            head = "z.iso".into();
            vec!["datetime({ offset: true })".into()]
        }
        FieldType::Uuid | FieldType::Ref { .. } => vec!["uuid()".into()],
        // z.json() accepts null, which a not-null jsonb column rejects (PostgREST stores JSON
        // null as SQL null); JSON_VALUE is every other JSON value, in the input type too.
        FieldType::Jsonb if !field.optional => {
            head = "JSON_VALUE".into();
            vec![]
        }
        FieldType::Jsonb => vec!["json()".into()],
        FieldType::Enum { .. } => vec![format!("enum({})", enum_list.unwrap_or_default())],
        // The path the upload action issued; `max=` is the bucket's limit, checked on upload.
        FieldType::File => {
            bounds_as_calls = false;
            vec!["string()".into(), "regex(OBJECT_PATH)".into()]
        }
    };
    if bounds_as_calls {
        for (bound, call) in [(field.min, "min"), (field.max, "max")] {
            if let Some(bound) = bound {
                calls.push(format!("{call}({bound})"));
            }
        }
    }
    calls.extend(presence);
    ZodField {
        key: column.to_string(),
        head,
        calls,
        form_kind: match field.ty {
            FieldType::Int | FieldType::Bigint | FieldType::Float => FormKind::Number,
            FieldType::Bool => FormKind::Boolean,
            FieldType::Jsonb => FormKind::Json,
            // A numeric field keeps the decimal as typed: a JavaScript number would round it.
            FieldType::Text
            | FieldType::Numeric
            | FieldType::Email
            | FieldType::Url
            | FieldType::Date
            | FieldType::Timestamptz
            | FieldType::Uuid
            | FieldType::Ref { .. }
            | FieldType::Enum { .. }
            | FieldType::File => FormKind::Text,
        },
    }
}

/// `decimal({ precision: 12, scale: 2, min: "0" })`, the rules of a numeric field, laid out as
/// Prettier lays out the object when `  key: decimal({...}).calls,` is too long for a line.
fn decimal_call(field: &Field, column: &str, calls: &[String]) -> String {
    let mut rules: Vec<String> = Vec::new();
    if let Some(digits) = field.digits() {
        rules.push(format!("precision: {}", digits.precision));
        rules.push(format!("scale: {}", digits.scale));
    }
    let (min, max) = field.value_bounds();
    for (key, bound) in [("min", min), ("max", max)] {
        if let Some(bound) = bound {
            rules.push(format!(
                "{key}: {}",
                crate::render::ts_string(&bound.to_string())
            ));
        }
    }
    if rules.is_empty() {
        return "decimal()".into();
    }
    let flat = format!("decimal({{ {} }})", rules.join(", "));
    let tail: String = calls.iter().map(|c| format!(".{c}")).collect();
    if crate::ts_layout::fits(&format!("  {column}: {flat}{tail},")) {
        return flat;
    }
    let lines: String = rules.iter().map(|r| format!("\n    {r},")).collect();
    format!("decimal({{{lines}\n  }})")
}

/// A pattern as the body of a JavaScript regex literal.
pub(super) fn js_regex(pattern: &str) -> String {
    pattern.replace('/', r"\/")
}
