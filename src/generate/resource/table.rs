//! The resource's table: its columns and their SQL types, defaults, named constraints (keys,
//! foreign keys, checks) and indexes, the enum types it needs, and its triggers.

use serde::Serialize;

use super::files;
use super::refs::{ReadCheck, Ref, Relation};
use super::tenancy::Tenancy;
use crate::error::Error;
use crate::generate::{check_identifier, schema_identifier};
use crate::render;
use crate::schema::model::Model;
use crate::schema::table::{
    Column, Constraint, ConstraintKind, EnumType, Extension, FkAction, ForeignKey, Index,
};
use crate::schema::trigger::{Trigger, TriggerAction};
use crate::schema::{Grant, Policy};
use crate::spec::field::{Digits, NumberKind};
use crate::spec::formats::{NOT_BLANK_PATTERN, OBJECT_PATH_PATTERN};
use crate::spec::value::{Bound, DefaultValue};
use crate::spec::{ident, Access, Field, FieldType, OnDelete, ResourceSpec, Unique};

/// Everything `create table` and its companions declare.
#[derive(Serialize)]
pub struct Table {
    /// Extensions the table's indexes need, created when missing.
    pub extensions: Vec<Extension>,
    pub enums: Vec<EnumType>,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub indexes: Vec<Index>,
    /// The trigger that keeps `updated_at` current.
    pub trigger: Trigger,
    /// Checks, for references to the table itself, that the referenced row is readable.
    pub ref_triggers: Vec<Trigger>,
}

impl Table {
    pub fn new(spec: &ResourceSpec, refs: &[Ref], tenancy: &Tenancy) -> Result<Table, Error> {
        let tenant_word = &tenancy.singular;
        let table = spec.table();
        let owner = spec.owner_column();
        let mut enums = Vec::new();
        let mut columns = vec![Column::new("id", "uuid").default("gen_random_uuid()")];
        let mut constraints = vec![Constraint::new(
            schema_identifier(format!("{table}_pkey")),
            ConstraintKind::PrimaryKey(vec!["id".into()]),
        )];
        let mut indexes = Vec::new();
        let mut ref_triggers = Vec::new();
        let key = |columns: &[&str]| columns.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let owner_fk = |references_sql: String, on_delete| {
            Constraint::new(
                format!("{owner}_fkey"),
                ConstraintKind::ForeignKey(ForeignKey {
                    columns: key(&[owner]),
                    references_sql,
                    references: key(&["id"]),
                    on_delete,
                }),
            )
        };
        match spec.access {
            Access::Owner | Access::PublicRead => {
                columns.push(Column::new(owner, "uuid").default("auth.uid()"));
                constraints.push(owner_fk("auth.users".into(), FkAction::Cascade));
                constraints.push(
                    Constraint::new(
                        schema_identifier(format!("{table}_{owner}_id_key")),
                        ConstraintKind::Unique(key(&[owner, "id"])),
                    )
                    .commented(
                        "Other tables refer to a row together with its owner, so that a reference never\ncrosses owners.",
                    ),
                );
            }
            Access::Workspace { .. } => {
                columns.push(Column::new(owner, "uuid"));
                constraints.push(owner_fk(tenancy.table_sql.clone(), FkAction::Cascade));
                constraints.push(
                    Constraint::new(
                        schema_identifier(format!("{table}_{owner}_id_key")),
                        ConstraintKind::Unique(key(&[owner, "id"])),
                    )
                    .commented(format!(
                        "Other tables refer to a row together with its {tenant_word}, so that a reference never\ncrosses {}.",
                        tenancy.plural
                    )),
                );
            }
            Access::TenantRoot => {
                columns.push(Column::new(owner, "uuid").nullable().default("auth.uid()"));
                constraints.push(owner_fk("auth.users".into(), FkAction::SetNull(Vec::new())));
            }
        }
        for field in &spec.fields {
            let column = field.column();
            let column_sql = ident::quote(&column);
            let sql_type = match &field.ty {
                FieldType::Enum { values } => {
                    let enum_type = enum_type(spec, &column, values);
                    let type_sql = enum_type.type_sql.clone();
                    enums.push(enum_type);
                    type_sql
                }
                FieldType::Ref { .. } => "uuid".to_string(),
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
                // The object's path in the field's bucket.
                FieldType::File => "text".into(),
            };
            let mut column_def = Column::new(column_sql.clone(), sql_type);
            column_def.not_null = !field.optional;
            column_def.default_sql = field.default.as_ref().map(default_sql);
            columns.push(column_def);
            if let Some(scope) = field.unique {
                constraints.push(unique(spec, field, &column_sql, scope));
            }
            if field.ty == FieldType::File {
                constraints.extend(file_constraints(spec, field, &column_sql)?);
            }
            if let Some(reference) = refs.iter().find(|r| r.column == column) {
                let (fk, index) = foreign_key(spec, field, reference)?;
                constraints.push(fk);
                indexes.push(index);
                if reference.read_check() == ReadCheck::Trigger {
                    ref_triggers.push(Trigger {
                        name: check_identifier(format!("check_{column}"), &field.name)?,
                        function_sql: format!(
                            "public.{}",
                            ident::quote(&schema_identifier(format!("{table}_check_{column}")))
                        ),
                        action: TriggerAction::CheckReadable {
                            column: column_sql.clone(),
                            singular: spec.names.singular.replace('_', " "),
                        },
                    });
                }
            }
            for (kind, expr) in check_exprs(field, &column_sql) {
                constraints.push(Constraint::new(
                    check_identifier(format!("{column}_{kind}"), &field.name)?,
                    ConstraintKind::Check(expr),
                ));
            }
            if field.index {
                indexes.push(Index::btree(
                    index_name(format!("{table}_{column}_idx")),
                    format!("({column_sql})"),
                    format!("Requested with `{}:index`.", field.name),
                ));
            }
        }
        columns.push(Column::new("created_at", "timestamptz").default("now()"));
        columns.push(Column::new("updated_at", "timestamptz").default("now()"));
        columns.extend(super::list::search_column(spec));
        // The list's indexes first: the first one backs the policies too.
        let mut all_indexes = super::list::indexes(spec, tenant_word);
        all_indexes.extend(indexes);
        let function = schema_identifier(format!("{table}_set_updated_at"));
        Ok(Table {
            extensions: super::list::extensions(spec),
            enums,
            columns,
            constraints,
            indexes: all_indexes,
            trigger: Trigger {
                name: "set_updated_at".to_string(),
                function_sql: format!("public.{}", ident::quote(&function)),
                action: TriggerAction::SetUpdatedAt,
            },
            ref_triggers,
        })
    }
}

impl Table {
    /// The table as the database holds it, with its policies and grants: what alter
    /// migrations compare.
    pub fn model(&self, table_sql: &str, policies: &[Policy], grants: &[Grant]) -> Model {
        let mut triggers = vec![self.trigger.clone()];
        triggers.extend(self.ref_triggers.iter().cloned());
        Model::new(
            table_sql,
            &self.enums,
            &self.columns,
            &self.constraints,
            &self.indexes,
            &triggers,
            policies,
            grants,
            &self.extensions,
        )
    }
}

/// `unique`, per owner or workspace unless `unique=global`, with what a global one reveals.
fn unique(spec: &ResourceSpec, field: &Field, column_sql: &str, scope: Unique) -> Constraint {
    let name = schema_identifier(format!("{}_{}_key", spec.table(), field.column()));
    let owner = spec.owner_column();
    let whose = match spec.access {
        Access::Owner | Access::PublicRead => "owner",
        Access::Workspace { .. } | Access::TenantRoot => "workspace",
    };
    match scope {
        Unique::Scoped => Constraint::new(
            name,
            ConstraintKind::Unique(vec![owner.to_string(), column_sql.to_string()]),
        )
        .commented(format!(
            "Unique per {whose}: values collide only within one {whose}'s rows, so nobody learns or takes\nanother {whose}'s."
        )),
        Unique::Global => {
            let reveals = match spec.access {
                Access::PublicRead => "Unique across the whole table: every value is public anyway, but anyone signed in\ncan take a value first.",
                Access::Owner | Access::Workspace { .. } | Access::TenantRoot => "Unique across the whole table (`unique=global`): anyone who can insert learns whether\na value is taken, even in rows they cannot read, and can take a value first.",
            };
            Constraint::new(name, ConstraintKind::Unique(vec![column_sql.to_string()]))
                .commented(reveals)
        }
    }
}

/// A file column's constraints: one row per object, so removing the object when its row changes
/// never breaks another row (and the index behind the policy that lets anyone read what a
/// public row refers to); and a path in the row's own folder, under a generated name, so a row
/// can only ever refer to an object its writers may upload and remove.
fn file_constraints(
    spec: &ResourceSpec,
    field: &Field,
    column_sql: &str,
) -> Result<Vec<Constraint>, Error> {
    let column = field.column();
    let folder = files::folder_column(spec.access);
    let bucket = format!("{}.{column}", spec.table());
    Ok(vec![
        Constraint::new(
            schema_identifier(format!("{}_{column}_key", spec.table())),
            ConstraintKind::Unique(vec![column_sql.to_string()]),
        )
        .commented(format!(
            "One row per object in bucket {bucket}: removing it with its row never breaks another."
        )),
        Constraint::new(
            check_identifier(format!("{column}_path"), &field.name)?,
            ConstraintKind::Check(format!(
                "{column_sql} ~ {} and split_part({column_sql}, '/', 1) = {folder}::text",
                render::sql_string(OBJECT_PATH_PATTERN)
            )),
        )
        .commented(format!(
            "A generated name in the row's folder of bucket {bucket}: <{folder}>/<uuid>."
        )),
    ])
}

/// The foreign key of a ref, including the owner or workspace column when both rows share it,
/// and the index that covers it.
fn foreign_key(
    spec: &ResourceSpec,
    field: &Field,
    reference: &Ref,
) -> Result<(Constraint, Index), Error> {
    let table = spec.table();
    let column = ident::quote(&reference.column);
    let target = reference.target.table();
    let shared = match reference.relation {
        Relation::SameOwner => Some("user_id"),
        Relation::SameWorkspace { .. } => Some("workspace_id"),
        Relation::Crossing => None,
    };
    let (columns, references) = match shared {
        Some(shared) => (
            vec![shared.to_string(), column.clone()],
            vec![shared.to_string(), "id".to_string()],
        ),
        None => (vec![column.clone()], vec!["id".to_string()]),
    };
    let on_delete = match reference.on_delete {
        OnDelete::Cascade => FkAction::Cascade,
        OnDelete::Restrict => FkAction::Restrict,
        // Never the owner or workspace column: only the reference is cleared.
        OnDelete::SetNull if shared.is_some() => FkAction::SetNull(vec![column.clone()]),
        OnDelete::SetNull => FkAction::SetNull(Vec::new()),
    };
    let word = &reference.word;
    let why = match (reference.relation, reference.on_delete) {
        (Relation::SameOwner, _) => format!("The {word} must be the same user's."),
        (Relation::SameWorkspace { .. }, _) => format!("The {word} must be in the same workspace."),
        (Relation::Crossing, OnDelete::Cascade) => format!(
            "The {word} may be someone else's: deleting it deletes the rows pointing at it, and\nwhoever may delete it may delete those one by one too (see the delete policy)."
        ),
        (Relation::Crossing, OnDelete::SetNull | OnDelete::Restrict) => format!(
            "The {word} may be someone else's: deleting it only clears the reference here."
        ),
    };
    let constraint = Constraint::new(
        check_identifier(format!("{}_fkey", reference.column), &field.name)?,
        ConstraintKind::ForeignKey(ForeignKey {
            columns: columns.clone(),
            references_sql: format!("public.{}", ident::quote(target)),
            references,
            on_delete,
        }),
    )
    .commented(why);
    let index = Index::btree(
        index_name(format!("{table}_{}_idx", reference.column)),
        format!("({})", columns.join(", ")),
        format!("Covers the foreign key {} → {target}.", reference.column),
    );
    Ok((constraint, index))
}

/// An index name as SQL: shortened to fit, quoted where needed.
fn index_name(name: String) -> String {
    ident::quote(&schema_identifier(name))
}

/// The enum type of an enum field: `public.<singular>_<column>`.
fn enum_type(spec: &ResourceSpec, column: &str, values: &[String]) -> EnumType {
    let type_name = schema_identifier(format!("{}_{column}", spec.names.singular));
    EnumType::new(format!("public.{}", ident::quote(&type_name)), values)
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
            // A file's size is its bucket's limit, which Storage enforces on the bytes.
            (Bound::Size(_), Side::Min | Side::Max) => continue,
        };
        let subject = match bound {
            Bound::Length(_) => format!("char_length({column})"),
            Bound::Value(_) | Bound::Size(_) => column.to_string(),
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
