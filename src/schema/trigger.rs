//! Triggers on a generated table, each with the function it runs: typed, so that a migration
//! creates them, its rollback drops them and an alter migration compares them by value.

use serde::Serialize;

/// A row trigger and its own function (one function per trigger, named after the table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trigger {
    /// The trigger's name, a SQL identifier.
    pub name: String,
    /// `public."notes_set_updated_at"`
    pub function_sql: String,
    /// When it fires and what its function does.
    pub action: TriggerAction,
}

/// What a trigger does; `templates/schema/triggers.sql` lays out each kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TriggerAction {
    /// `before update`: keeps `updated_at` current.
    SetUpdatedAt,
    /// `before insert or update of <column>`: the row a reference to the table itself names must
    /// be one the caller can read (a policy cannot read its own table: infinite recursion).
    CheckReadable {
        /// The column, a SQL identifier.
        column: String,
        /// The table's rows in prose, for the comment and the error: `task`.
        singular: String,
    },
}
