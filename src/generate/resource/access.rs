//! Who may do what to the resource's rows: its row level security policies and the grants
//! behind them, one match per access mode.

use super::tenancy::Tenancy;
use crate::schema::policy::{member_of, owned_by_caller};
use crate::schema::{ApiRole, Command, Grant, Policy, Privilege};
use crate::spec::{ident, Access, ResourceSpec, Role};

const SIGNED_IN: &[ApiRole] = &[ApiRole::Authenticated];
const EVERYONE: &[ApiRole] = &[ApiRole::Anon, ApiRole::Authenticated];

/// The table's policies, writes also checking that every row they refer to is readable.
pub fn policies(spec: &ResourceSpec, tenancy: &Tenancy) -> Vec<Policy> {
    let references = reference_checks(spec);
    mode_policies(spec.access, spec.owner_column(), tenancy)
        .into_iter()
        .map(|policy| policy.and_check(&references))
        .collect()
}

fn mode_policies(access: Access, owner: &str, tenancy: &Tenancy) -> Vec<Policy> {
    let ids_fn = &tenancy.ids_fn_sql;
    let some = |expr: &str| Some(expr.to_string());
    match access {
        Access::TenantRoot => {
            let read = member_of("id", ids_fn, Role::Member);
            let admin = member_of("id", ids_fn, Role::Admin);
            let owner_role = member_of("id", ids_fn, Role::Owner);
            let creator = owned_by_caller("created_by");
            vec![
                Policy::new(
                    "members can read",
                    Command::Select,
                    SIGNED_IN,
                    some(&read),
                    None,
                ),
                Policy::new(
                    "users can create and so own",
                    Command::Insert,
                    SIGNED_IN,
                    None,
                    some(&creator),
                ),
                Policy::new(
                    "admins can update",
                    Command::Update,
                    SIGNED_IN,
                    some(&admin),
                    some(&admin),
                ),
                Policy::new(
                    "owners can delete",
                    Command::Delete,
                    SIGNED_IN,
                    some(&owner_role),
                    None,
                ),
            ]
        }
        Access::Workspace { write_role } => {
            let read = member_of("workspace_id", ids_fn, Role::Member);
            let write = member_of("workspace_id", ids_fn, write_role);
            let who = format!("{}s", write_role.token());
            vec![
                Policy::new(
                    "members can read",
                    Command::Select,
                    SIGNED_IN,
                    some(&read),
                    None,
                ),
                Policy::new(
                    format!("{who} can create"),
                    Command::Insert,
                    SIGNED_IN,
                    None,
                    some(&write),
                ),
                Policy::new(
                    format!("{who} can update"),
                    Command::Update,
                    SIGNED_IN,
                    some(&write),
                    some(&write),
                ),
                Policy::new(
                    format!("{who} can delete"),
                    Command::Delete,
                    SIGNED_IN,
                    some(&write),
                    None,
                ),
            ]
        }
        Access::Owner => owner_writes(
            owner,
            Policy::new(
                "owners can read their rows",
                Command::Select,
                SIGNED_IN,
                some(&owned_by_caller(owner)),
                None,
            ),
        ),
        Access::PublicRead => owner_writes(
            owner,
            Policy::new(
                "anyone can read",
                Command::Select,
                EVERYONE,
                some("true"),
                None,
            ),
        ),
    }
}

/// `read`, then inserts, updates and deletes by the row's owner only.
fn owner_writes(owner: &str, read: Policy) -> Vec<Policy> {
    let is_owner = owned_by_caller(owner);
    let some = |expr: &str| Some(expr.to_string());
    vec![
        read,
        Policy::new(
            "users can create rows they own",
            Command::Insert,
            SIGNED_IN,
            None,
            some(&is_owner),
        ),
        Policy::new(
            "owners can update their rows",
            Command::Update,
            SIGNED_IN,
            some(&is_owner),
            some(&is_owner),
        ),
        Policy::new(
            "owners can delete their rows",
            Command::Delete,
            SIGNED_IN,
            some(&is_owner),
            None,
        ),
    ]
}

/// For each ref, the condition that the row it points at is one the caller can read: a foreign
/// key check bypasses row level security, so without it anyone who learns an id could attach
/// rows to someone else's data (and so block or cascade their deletes). A ref to the table itself
/// is left out: PostgreSQL rejects a policy that reads its own table (infinite recursion).
fn reference_checks(spec: &ResourceSpec) -> Vec<String> {
    let table = ident::quote(spec.table());
    let mut checks = Vec::new();
    for field in &spec.fields {
        let Some(target) = field.ref_table().filter(|t| *t != spec.table()) else {
            continue;
        };
        let column = format!("{table}.{}", ident::quote(&field.column()));
        let visible = format!(
            "exists (select 1 from public.{} referenced where referenced.id = {column})",
            ident::quote(target)
        );
        checks.push(if field.optional {
            format!("({column} is null or {visible})")
        } else {
            visible
        });
    }
    checks
}

/// What each API role may do. Signed-in users write only the columns a client should: on insert
/// the fields, the owner column and (client-chosen ids being fine) `id`; on update the fields
/// (and, for workspace rows, the workspace, which the policies check). Timestamps are the
/// database's, and ownership never changes by update.
pub fn grants(spec: &ResourceSpec) -> Vec<Grant> {
    let owner = spec.owner_column().to_string();
    let fields: Vec<String> = spec
        .fields
        .iter()
        .map(|f| ident::quote(&f.column()))
        .collect();
    let insert = [vec!["id".to_string(), owner.clone()], fields.clone()].concat();
    let mut update = fields;
    match spec.access {
        Access::Workspace { .. } => update.push(owner),
        Access::Owner | Access::PublicRead | Access::TenantRoot => {}
    }
    let mut grants = vec![Grant::new(
        vec![
            Privilege::Select,
            Privilege::Insert(insert),
            Privilege::Update(update),
            Privilege::Delete,
        ],
        SIGNED_IN,
    )];
    if spec.access.public() {
        grants.push(Grant::new(vec![Privilege::Select], &[ApiRole::Anon]));
    }
    grants.push(Grant::service_role());
    grants
}
