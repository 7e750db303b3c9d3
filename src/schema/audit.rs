//! An audited table's log, as data: the log table (columns, constraints, indexes), the policy
//! and grants that let its readers in and nobody write, and the statement triggers that write
//! it. Part of the table's model, so that a later migration can find and change every piece by
//! name (see [`AuditLog`]).

use serde::Serialize;

use super::grant::Grant;
use super::policy::Policy;
use super::table::{Column, Constraint, Index};

/// The log of one audited table.
///
/// What an alter migration does with it ([`super::model::Object::AuditLog`], [`super::diff`]):
/// - audit turned on: everything here, as a create migration makes it;
/// - audit turned off: the triggers, their functions, the policy and the log table, with its
///   entries: data loss, refused without `--allow-data-loss` ([`super::risk::Risk::DropsAuditLog`]);
/// - a field added, removed or renamed: nothing (the triggers read the row as JSON, so new
///   columns are logged and old entries keep their keys);
/// - a field's `sensitive` changed, or a sensitive field renamed: `create or replace` the three
///   functions (the columns logged without values are written into them); entries already
///   written stay as they are;
/// - its readers changed (the access mode): its policy dropped and created again.
///
/// A log of another shape (another table, columns or indexes) would be dropped and created again,
/// as data loss; no spec change within one kind of controller makes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLog {
    /// `projects_audit`
    pub table: String,
    /// `public.projects_audit`
    pub table_sql: String,
    /// The identity column's sequence, named so that its privileges can be revoked by name.
    pub sequence_sql: String,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub indexes: Vec<Index>,
    /// The log's column naming whose history an entry is (`user_id`, `workspace_id`): the
    /// owner or workspace of the row, or for a tenant root the row itself.
    pub scope_column: String,
    /// The audited row's column that fills it (`user_id`, `workspace_id`, `id`).
    pub scope_source: String,
    /// Whose entries they are, in the log's comment: `the row's owner`.
    pub whose: String,
    /// Who may read entries: one select policy.
    pub policy: Policy,
    /// The pgTAP `policies_are` list.
    pub policy_names: String,
    pub grants: Vec<Grant>,
    /// Columns logged as changed without their values, as a SQL `text[]`; `None` when there
    /// are none.
    pub sensitive_sql: Option<String>,
    /// The columns, as named in the row's JSON.
    pub sensitive: Vec<String>,
    /// Generated columns (a list's `search_vector`), left out of every entry: they hold nothing
    /// the other columns do not. As a SQL `text[]`; `None` when there are none.
    pub omitted_sql: Option<String>,
    /// One statement trigger per command: a trigger cannot have transition tables for more
    /// than one event.
    pub triggers: Vec<AuditTrigger>,
    /// The signed-in caller's id: [`super::CALLER_ID_SQL`].
    pub caller_sql: &'static str,
}

/// A statement-level `after` trigger that logs what one command did, from its transition
/// tables, through a `security definer` function (the log grants no role any write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditTrigger {
    /// `insert`, `update`, `delete`
    pub command: &'static str,
    /// `audit_insert`
    pub name: String,
    /// `scaffold_private.projects_audit_insert`
    pub function_sql: String,
    /// `referencing new table as new_rows`
    pub referencing: &'static str,
}

impl AuditTrigger {
    pub fn all(function_prefix_sql: impl Fn(&str) -> String) -> Vec<AuditTrigger> {
        [
            ("insert", "referencing new table as new_rows"),
            (
                "update",
                "referencing old table as old_rows new table as new_rows",
            ),
            ("delete", "referencing old table as old_rows"),
        ]
        .into_iter()
        .map(|(command, referencing)| AuditTrigger {
            command,
            name: format!("audit_{command}"),
            function_sql: function_prefix_sql(command),
            referencing,
        })
        .collect()
    }
}
