//! A table's shape: columns, constraints and indexes, each with the name PostgreSQL will know it
//! by. Every constraint and index is named here, never left to PostgreSQL's defaults, so a later
//! migration can find it by name.

use serde::{Serialize, Serializer};

/// A column as `create table` declares it; its keys and checks are [`Constraint`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name_sql: String,
    pub sql_type: String,
    pub not_null: bool,
    pub default_sql: Option<String>,
    /// `generated always as (<expression>) stored`: computed by the database, never written.
    pub generated_sql: Option<String>,
}

impl Column {
    pub fn new(name_sql: impl Into<String>, sql_type: impl Into<String>) -> Column {
        Column {
            name_sql: name_sql.into(),
            sql_type: sql_type.into(),
            not_null: true,
            default_sql: None,
            generated_sql: None,
        }
    }

    pub fn nullable(mut self) -> Column {
        self.not_null = false;
        self
    }

    pub fn default(mut self, sql: impl Into<String>) -> Column {
        self.default_sql = Some(sql.into());
        self
    }

    /// A stored generated column: `expression` is computed from the row's other columns.
    pub fn generated(mut self, expression: impl Into<String>) -> Column {
        self.generated_sql = Some(expression.into());
        self
    }
}

/// A named table constraint, written `constraint <name> <definition>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    /// Why it is there, written above it (lines of at most 100 characters).
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintKind {
    /// Columns already SQL identifiers.
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
    ForeignKey(ForeignKey),
    Check(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing columns, SQL identifiers.
    pub columns: Vec<String>,
    /// `public.projects`
    pub references_sql: String,
    /// The referenced columns, in the same order.
    pub references: Vec<String>,
    pub on_delete: FkAction,
}

/// What deleting the referenced row does to the referencing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FkAction {
    Cascade,
    Restrict,
    /// `set null`, or with columns `set null (a)`: only those of a composite key (PostgreSQL 15).
    SetNull(Vec<String>),
}

impl Constraint {
    pub fn new(name: impl Into<String>, kind: ConstraintKind) -> Constraint {
        Constraint {
            name: name.into(),
            kind,
            comment: None,
        }
    }

    pub fn commented(mut self, why: impl Into<String>) -> Constraint {
        self.comment = Some(why.into());
        self
    }

    /// `unique (user_id, slug)`, `foreign key (...) references ... on delete cascade`, ...
    pub fn definition(&self) -> String {
        let list = |columns: &[String]| columns.join(", ");
        match &self.kind {
            ConstraintKind::PrimaryKey(columns) => format!("primary key ({})", list(columns)),
            ConstraintKind::Unique(columns) => format!("unique ({})", list(columns)),
            ConstraintKind::Check(expr) => format!("check ({expr})"),
            ConstraintKind::ForeignKey(fk) => {
                let action = match &fk.on_delete {
                    FkAction::Cascade => "cascade".to_string(),
                    FkAction::Restrict => "restrict".to_string(),
                    FkAction::SetNull(columns) if columns.is_empty() => "set null".to_string(),
                    FkAction::SetNull(columns) => format!("set null ({})", list(columns)),
                };
                format!(
                    "foreign key ({}) references {} ({}) on delete {action}",
                    list(&fk.columns),
                    fk.references_sql,
                    list(&fk.references)
                )
            }
        }
    }
}

impl Serialize for Constraint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            name: &'a str,
            definition: String,
            /// A check constraint's expression, for prose that lists checks apart.
            check: Option<&'a str>,
            /// The comment's lines, each written after `-- `.
            comment: Vec<&'a str>,
        }
        View {
            name: &self.name,
            definition: self.definition(),
            check: match &self.kind {
                ConstraintKind::Check(expr) => Some(expr),
                ConstraintKind::PrimaryKey(_)
                | ConstraintKind::Unique(_)
                | ConstraintKind::ForeignKey(_) => None,
            },
            comment: self
                .comment
                .as_deref()
                .map_or_else(Vec::new, |c| c.lines().collect()),
        }
        .serialize(serializer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// `(user_id, created_at desc, id desc)`, or for GIN `(search_vector)`.
    pub columns: String,
    pub method: IndexMethod,
    /// Which query, policy or foreign key it serves.
    pub why: String,
}

/// How an index is built: a B-tree (ordered: equality, ranges, sorting), or GIN (the words of
/// a `tsvector`, the trigrams of a text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexMethod {
    Btree,
    Gin,
}

impl Index {
    /// A B-tree index.
    pub fn btree(name: String, columns: String, why: String) -> Index {
        Index {
            name,
            columns,
            method: IndexMethod::Btree,
            why,
        }
    }

    /// What follows `create index <name> on <table>`: `using gin (...)` or the column list.
    pub fn definition(&self) -> String {
        match self.method {
            IndexMethod::Btree => self.columns.clone(),
            IndexMethod::Gin => format!("using gin {}", self.columns),
        }
    }
}

impl Serialize for Index {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            name: &'a str,
            columns: &'a str,
            definition: String,
            why: &'a str,
        }
        View {
            name: &self.name,
            columns: &self.columns,
            definition: self.definition(),
            why: &self.why,
        }
        .serialize(serializer)
    }
}

/// An extension a table needs, created in Supabase's `extensions` schema when missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    pub name: &'static str,
    /// Why the table needs it, written above it.
    pub why: String,
}

/// `create type ... as enum (...)`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumType {
    pub type_sql: String,
    /// The labels, in order.
    pub values: Vec<String>,
    /// `'a', 'b'`
    pub values_sql: String,
}

impl EnumType {
    pub fn new(type_sql: String, values: &[String]) -> EnumType {
        EnumType {
            type_sql,
            values_sql: values
                .iter()
                .map(|v| crate::render::sql_string(v))
                .collect::<Vec<_>>()
                .join(", "),
            values: values.to_vec(),
        }
    }

    /// The type's name without its schema, as `alter type ... rename to` takes it.
    pub fn name_sql(&self) -> &str {
        self.type_sql
            .split_once('.')
            .map_or(self.type_sql.as_str(), |(_, name)| name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_are_written_as_table_constraints() {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases = [
            (ConstraintKind::PrimaryKey(strings(&["id"])), "primary key (id)"),
            (
                ConstraintKind::Unique(strings(&["user_id", "slug"])),
                "unique (user_id, slug)",
            ),
            (
                ConstraintKind::Check("char_length(title) <= 80".into()),
                "check (char_length(title) <= 80)",
            ),
            (
                ConstraintKind::ForeignKey(ForeignKey {
                    columns: strings(&["user_id", "parent_id"]),
                    references_sql: "public.tasks".into(),
                    references: strings(&["user_id", "id"]),
                    on_delete: FkAction::SetNull(strings(&["parent_id"])),
                }),
                "foreign key (user_id, parent_id) references public.tasks (user_id, id) on delete set null (parent_id)",
            ),
            (
                ConstraintKind::ForeignKey(ForeignKey {
                    columns: strings(&["user_id"]),
                    references_sql: "auth.users".into(),
                    references: strings(&["id"]),
                    on_delete: FkAction::SetNull(Vec::new()),
                }),
                "foreign key (user_id) references auth.users (id) on delete set null",
            ),
        ];
        for (kind, want) in cases {
            assert_eq!(Constraint::new("c", kind).definition(), want);
        }
    }
}
