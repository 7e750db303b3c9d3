//! A table's shape: columns, constraints and indexes, with the names PostgreSQL will know them by.

use serde::Serialize;

/// A column as `create table` declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name_sql: String,
    pub sql_type: String,
    pub not_null: bool,
    pub default_sql: Option<String>,
    pub unique: bool,
    pub foreign_key: Option<ForeignKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    pub name: String,
    /// `public.projects (id)`
    pub references_sql: String,
    /// `cascade`, `restrict` or `set null`
    pub on_delete: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub expr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Index {
    pub name: String,
    /// `(user_id, created_at desc)`
    pub columns: String,
    /// Which query, policy or foreign key it serves.
    pub why: String,
}

/// `create type ... as enum (...)`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumType {
    pub type_sql: String,
    /// `'a', 'b'`
    pub values_sql: String,
}
