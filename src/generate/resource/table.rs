//! The resource's table: its columns and their SQL types, defaults, check constraints, foreign
//! keys and indexes, the enum types it needs, and the `updated_at` trigger.

use serde::Serialize;

use crate::error::Error;
use crate::generate::{check_identifier, schema_identifier};
use crate::render;
use crate::schema::table::{Check, Column, EnumType, ForeignKey, Index};
use crate::spec::field::{Digits, NumberKind};
use crate::spec::formats::NOT_BLANK_PATTERN;
use crate::spec::value::{Bound, DefaultValue};
use crate::spec::{ident, Access, Field, FieldType, ResourceSpec};

/// Everything `create table` and its companions declare.
#[derive(Serialize)]
pub struct Table {
    pub enums: Vec<EnumType>,
    pub columns: Vec<Column>,
    pub checks: Vec<Check>,
    pub indexes: Vec<Index>,
    pub trigger: Trigger,
}

/// The trigger that keeps `updated_at` current.
#[derive(Serialize)]
pub struct Trigger {
    pub function_sql: String,
    pub name: &'static str,
}

impl Table {
    /// `tenant_word` is the singular of the tenant root, for the index comments.
    pub fn new(spec: &ResourceSpec, tenant_word: &str) -> Result<Table, Error> {
        let table = spec.table();
        let mut enums = Vec::new();
        let mut columns = Vec::new();
        let mut checks = Vec::new();
        let mut indexes = list_indexes(spec, tenant_word);
        for field in &spec.fields {
            let column = field.column();
            let column_sql = ident::quote(&column);
            let mut foreign_key = None;
            let sql_type = match &field.ty {
                FieldType::Enum { values } => {
                    let enum_type = enum_type(spec, &column, values);
                    let type_sql = enum_type.type_sql.clone();
                    enums.push(enum_type);
                    type_sql
                }
                FieldType::Ref { table: target } => {
                    foreign_key = Some(ForeignKey {
                        name: ident::quote(&check_identifier(
                            format!("{column}_fkey"),
                            &field.name,
                        )?),
                        references_sql: format!("public.{} (id)", ident::quote(target)),
                        on_delete: field.effective_on_delete().sql(),
                    });
                    indexes.push(Index {
                        name: index_name(format!("{table}_{column}_idx")),
                        columns: format!("({column_sql})"),
                        why: format!("Covers the foreign key {column} → {target}."),
                    });
                    "uuid".to_string()
                }
                FieldType::Text | FieldType::Email | FieldType::Url => "text".into(),
                FieldType::Int => "integer".into(),
                FieldType::Bigint => "bigint".into(),
                FieldType::Numeric => match field.digits() {
                    Some(Digits { precision, scale }) => format!("numeric({precision}, {scale})"),
                    None => "numeric".into(),
                },
                FieldType::Float => "double precision".into(),
                FieldType::Bool => "boolean".into(),
                FieldType::Date => "date".into(),
                FieldType::Timestamptz => "timestamptz".into(),
                FieldType::Uuid => "uuid".into(),
                FieldType::Jsonb => "jsonb".into(),
            };
            for (kind, expr) in check_exprs(field, &column_sql) {
                checks.push(Check {
                    name: ident::quote(&check_identifier(format!("{column}_{kind}"), &field.name)?),
                    expr,
                });
            }
            if field.index {
                indexes.push(Index {
                    name: index_name(format!("{table}_{column}_idx")),
                    columns: format!("({column_sql})"),
                    why: format!("Requested with `{}:index`.", field.name),
                });
            }
            columns.push(Column {
                name_sql: column_sql,
                sql_type,
                not_null: !field.optional,
                default_sql: field.default.as_ref().map(default_sql),
                unique: field.unique,
                foreign_key,
            });
        }
        let function = schema_identifier(format!("{table}_set_updated_at"));
        Ok(Table {
            enums,
            columns,
            checks,
            indexes,
            trigger: Trigger {
                function_sql: format!("public.{}", ident::quote(&function)),
                name: "set_updated_at",
            },
        })
    }
}

/// The index behind the policies' owner check and the newest-first list (and, for public
/// reads, the public list).
fn list_indexes(spec: &ResourceSpec, tenant_word: &str) -> Vec<Index> {
    let table = spec.table();
    let owner = spec.owner_column();
    let per_owner = Index {
        name: index_name(format!("{table}_{owner}_created_at_idx")),
        columns: format!("({owner}, created_at desc)"),
        why: "Backs the policies' owner check, the foreign key to auth.users and the newest-first list.".into(),
    };
    match spec.access {
        Access::Owner => vec![per_owner],
        Access::PublicRead => vec![
            per_owner,
            Index {
                name: index_name(format!("{table}_created_at_idx")),
                columns: "(created_at desc)".into(),
                why: "Backs the public newest-first list.".into(),
            },
        ],
        Access::Workspace { .. } => vec![Index {
            name: index_name(format!("{table}_workspace_id_created_at_idx")),
            columns: "(workspace_id, created_at desc)".into(),
            why: format!(
                "Backs the policies' {tenant_word} check, the foreign key and the newest-first list per {tenant_word}."
            ),
        }],
        Access::TenantRoot => vec![Index {
            name: index_name(format!("{table}_created_at_idx")),
            columns: "(created_at desc)".into(),
            why: "Backs the newest-first list.".into(),
        }],
    }
}

/// An index name as SQL: shortened to fit, quoted where needed.
fn index_name(name: String) -> String {
    ident::quote(&schema_identifier(name))
}

/// The enum type of an enum field: `public.<singular>_<column>`.
fn enum_type(spec: &ResourceSpec, column: &str, values: &[String]) -> EnumType {
    let type_name = schema_identifier(format!("{}_{column}", spec.names.singular));
    EnumType {
        type_sql: format!("public.{}", ident::quote(&type_name)),
        values_sql: values
            .iter()
            .map(|v| render::sql_string(v))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The check constraints of a field, as (name suffix, expression).
fn check_exprs(field: &Field, column: &str) -> Vec<(&'static str, String)> {
    let mut checks = Vec::new();
    if field.ty.kind().not_blank() {
        checks.push((
            "not_blank",
            format!("{column} ~ {}", render::sql_string(NOT_BLANK_PATTERN)),
        ));
    }
    if field.ty.number_kind() == Some(NumberKind::Decimal) {
        // numeric and double precision read the strings 'NaN' and '[-]Infinity' (PostgREST
        // passes a JSON string through), and NaN sorts above every number, so a min alone
        // would let it in.
        checks.push((
            "finite",
            format!("{column} not in ('NaN', 'Infinity', '-Infinity')"),
        ));
    }
    if let Some(format) = field.ty.kind().format() {
        checks.push((
            "format",
            format!("{column} ~ {}", render::sql_string(format.pattern())),
        ));
    }
    for (bound, side) in [(field.min, Side::Min), (field.max, Side::Max)] {
        let Some(bound) = bound else { continue };
        let (name, op) = match (bound, side) {
            (Bound::Length(_), Side::Min) => ("min_length", ">="),
            (Bound::Length(_), Side::Max) => ("max_length", "<="),
            (Bound::Value(_), Side::Min) => ("min", ">="),
            (Bound::Value(_), Side::Max) => ("max", "<="),
        };
        let subject = match bound {
            Bound::Length(_) => format!("char_length({column})"),
            Bound::Value(_) => column.to_string(),
        };
        checks.push((name, format!("{subject} {op} {bound}")));
    }
    checks
}

#[derive(Clone, Copy)]
enum Side {
    Min,
    Max,
}

fn default_sql(value: &DefaultValue) -> String {
    match value {
        DefaultValue::Literal(text) => render::sql_string(text),
        DefaultValue::Number(n) => n.to_string(),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Json(text) => format!("{}::jsonb", render::sql_string(text)),
        DefaultValue::Generated(generated) => generated.sql().to_string(),
    }
}
