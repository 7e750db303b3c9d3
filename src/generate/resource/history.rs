//! The reads of an audited resource's log, in its data-access module: the history of one row
//! and the recent activity of its owner or workspace, newest first, a page at a time (the
//! cursor is the `id` of the last entry read, so a page never shifts as entries are added).

use serde::Serialize;

use crate::schema::audit::AuditLog;
use crate::spec::{Access, ResourceSpec};

#[derive(Serialize)]
pub struct History {
    /// The log table: `projects_audit`.
    pub table: String,
    /// Its row type, in the validation module: `ProjectAuditEntry`.
    pub entry_type: String,
    /// `getProjectHistory(id, { before, limit })`
    pub history: String,
    /// `listProjectActivity({ before, limit })`, or with the `workspaceId` for workspaces.
    pub activity: String,
    /// The private queries behind them, wrapped in React's `cache`.
    pub history_query: String,
    pub activity_query: String,
    pub history_cached: String,
    pub activity_cached: String,
    /// The page input's Zod schemas and types, in the validation module.
    pub history_schema: String,
    pub activity_schema: String,
    pub history_input: String,
    pub activity_input: String,
    /// The log's column that says whose an entry is, which the activity filters on.
    pub scope_column: String,
    /// The activity of a workspace (the caller names it), not of the caller.
    pub of_workspace: bool,
    /// Who reads the log, completing "Who reads it: ...".
    pub readers: &'static str,
    /// Whether a deleted row's history stays readable (not a deleted workspace's own: it has no
    /// admins left).
    pub outlives_rows: bool,
}

impl History {
    pub fn of(spec: &ResourceSpec, log: Option<&AuditLog>) -> Option<History> {
        let log = log?;
        let (pascal, camel) = (&spec.names.pascal, &spec.names.camel);
        let (of_workspace, readers) = match spec.access {
            Access::Owner => (false, "its owner"),
            Access::PublicRead => (
                false,
                "its owner (the rows are public, their history is not)",
            ),
            Access::Workspace { .. } => (true, "the workspace's admins and owners"),
            Access::TenantRoot => (true, "the workspace's admins and owners"),
        };
        Some(History {
            table: log.table.clone(),
            entry_type: format!("{pascal}AuditEntry"),
            history: format!("get{pascal}History"),
            activity: format!("list{pascal}Activity"),
            history_query: format!("read{pascal}History"),
            activity_query: format!("read{pascal}Activity"),
            history_cached: format!("cached{pascal}History"),
            activity_cached: format!("cached{pascal}Activity"),
            history_schema: format!("{camel}HistorySchema"),
            activity_schema: format!("{camel}ActivitySchema"),
            history_input: format!("{pascal}HistoryInput"),
            activity_input: format!("{pascal}ActivityInput"),
            scope_column: log.scope_column.clone(),
            of_workspace,
            readers,
            outlives_rows: match spec.access {
                Access::Owner | Access::PublicRead | Access::Workspace { .. } => true,
                Access::TenantRoot => false,
            },
        })
    }
}
