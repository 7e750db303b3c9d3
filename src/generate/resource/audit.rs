//! The audit log of a resource (`--audit`): a log table of its own beside the resource's, whose
//! entries are scoped like the rows (by owner or workspace), read by whoever the access mode
//! says, and written only by the table's audit triggers.
//!
//! One log per table rather than one for the project: the log's policy is the access mode's
//! (a shared log would need a policy that changes as access modes are added), its migration and
//! rollback are the resource's own (nothing shared to create first or drop last), and the two
//! queries a log serves, a row's history and a tenant's recent activity, each have an index of
//! the table they read.

use super::tenancy::Tenancy;
use crate::generate::schema_identifier;
use crate::render;
use crate::schema::audit::{AuditLog, AuditTrigger};
use crate::schema::policy::{member_of, names_sql, owned_by_caller};
use crate::schema::table::{Column, Constraint, ConstraintKind, Index};
use crate::schema::{ApiRole, Command, Grant, Policy, Privilege, PRIVATE_SCHEMA};
use crate::spec::{ident, Access, ResourceSpec, Role};

/// The audit log of `spec`, `None` when it has none.
pub fn log(spec: &ResourceSpec, tenancy: &Tenancy) -> Option<AuditLog> {
    if !spec.audit {
        return None;
    }
    let table = table_name(spec.table());
    let table_sql = format!("public.{}", ident::quote(&table));
    let named = |suffix: &str| schema_identifier(format!("{table}_{suffix}"));
    let (scope_column, scope_source, readers) = match spec.access {
        Access::Owner | Access::PublicRead => (
            "user_id".to_string(),
            "user_id",
            Policy::new(
                "owners can read their rows' history",
                Command::Select,
                &[ApiRole::Authenticated],
                Some(owned_by_caller("user_id")),
                None,
            ),
        ),
        Access::Workspace { .. } => (
            "workspace_id".to_string(),
            "workspace_id",
            admins_read(&tenancy.ids_fn_sql, "workspace_id", &tenancy.singular),
        ),
        Access::TenantRoot => (
            tenancy.fk_column.clone(),
            "id",
            admins_read(&tenancy.ids_fn_sql, &tenancy.fk_column, &tenancy.singular),
        ),
    };
    let scope = ident::quote(&scope_column);
    let columns = vec![
        Column::new(
            "id",
            format!(
                "bigint generated always as identity (sequence name public.{})",
                ident::quote(&named("id_seq"))
            ),
        ),
        Column::new("row_id", "uuid"),
        Column::new(scope.clone(), "uuid"),
        Column::new("operation", "text"),
        Column::new("changed", "text[]"),
        Column::new("old_values", "jsonb").nullable(),
        Column::new("new_values", "jsonb").nullable(),
        Column::new("actor_id", "uuid").nullable(),
        Column::new("actor_role", "text"),
        Column::new("changed_at", "timestamptz").default("now()"),
    ];
    let constraints = vec![
        Constraint::new(named("pkey"), ConstraintKind::PrimaryKey(vec!["id".into()])),
        Constraint::new(
            named("operation_check"),
            ConstraintKind::Check("operation in ('insert', 'update', 'delete')".into()),
        ),
    ];
    let indexes = vec![
        Index::btree(
            ident::quote(&named("row_id_idx")),
            "(row_id, id desc)".into(),
            "Serves the history of one row, newest first.".into(),
        ),
        Index::btree(
            ident::quote(&named(&format!("{scope_column}_idx"))),
            format!("({scope}, id desc)"),
            format!(
                "Serves the recent activity of one {}, newest first, and backs the policy.",
                match spec.access {
                    Access::Owner | Access::PublicRead => "owner",
                    Access::Workspace { .. } | Access::TenantRoot => tenancy.singular.as_str(),
                }
            ),
        ),
    ];
    let sensitive: Vec<String> = spec
        .fields
        .iter()
        .filter(|f| f.sensitive)
        .map(|f| f.column())
        .collect();
    let sensitive_sql = (!sensitive.is_empty()).then(|| {
        let items: Vec<String> = sensitive.iter().map(|c| render::sql_string(c)).collect();
        format!("array[{}]::text[]", items.join(", "))
    });
    let omitted_sql = super::list::search_column(spec)
        .map(|c| format!("array[{}]::text[]", render::sql_string(&c.name_sql)));
    let function = |command: &str| {
        format!(
            "{PRIVATE_SCHEMA}.{}",
            ident::quote(&schema_identifier(format!("{table}_{command}")))
        )
    };
    let policy = readers;
    Some(AuditLog {
        sequence_sql: format!("public.{}", ident::quote(&named("id_seq"))),
        policy_names: names_sql(std::slice::from_ref(&policy)),
        policy,
        // Readers select; nobody writes, not even the service role (which bypasses row level
        // security, so only a missing grant stops it).
        grants: vec![Grant::new(
            vec![Privilege::Select],
            &[ApiRole::Authenticated, ApiRole::ServiceRole],
        )],
        triggers: AuditTrigger::all(function),
        table,
        table_sql,
        columns,
        constraints,
        indexes,
        scope_column,
        scope_source: scope_source.to_string(),
        whose: match spec.access {
            Access::Owner | Access::PublicRead => "the row's owner".to_string(),
            Access::Workspace { .. } => format!("the row's {}", tenancy.singular),
            Access::TenantRoot => format!("the {} itself", tenancy.singular),
        },
        sensitive_sql,
        sensitive,
        omitted_sql,
        caller_sql: crate::schema::CALLER_ID_SQL,
    })
}

/// The log table of `table`: `projects_audit`.
pub fn table_name(table: &str) -> String {
    schema_identifier(format!("{table}_audit"))
}

/// Admins and owners of the row's tenant read its history (members do not: the log shows who
/// did what, and values the rows no longer hold).
fn admins_read(ids_fn_sql: &str, column: &str, tenant: &str) -> Policy {
    Policy::new(
        format!("{tenant} admins can read the history"),
        Command::Select,
        &[ApiRole::Authenticated],
        Some(member_of(&ident::quote(column), ids_fn_sql, Role::Admin)),
        None,
    )
}
