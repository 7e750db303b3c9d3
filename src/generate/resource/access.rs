//! Who may do what to the resource's rows: its row level security policies and the grants
//! behind them, one match per access mode.

use super::refs::{Deleter, ReadCheck, Ref};
use super::tenancy::Tenancy;
use crate::error::Error;
use crate::schema::policy::{member_of, owned_by_caller};
use crate::schema::{ApiRole, Command, Grant, Policy, Privilege};
use crate::spec::ident::MAX_IDENT_BYTES;
use crate::spec::{ident, Access, ResourceSpec, Role};

const SIGNED_IN: &[ApiRole] = &[ApiRole::Authenticated];
const EVERYONE: &[ApiRole] = &[ApiRole::Anon, ApiRole::Authenticated];

/// The table's policies: writes also check that every row they refer to across owners or
/// tenants is readable, and whoever can delete a row that others' rows cascade from may delete
/// those rows too. That permission joins the mode's own delete policy (`... or ...`) rather than
/// making a second one: one permissive policy per role and command, as Supabase's linter asks
/// (`multiple_permissive_policies`: each would be evaluated for every row).
pub fn policies(
    spec: &ResourceSpec,
    refs: &[Ref],
    tenancy: &Tenancy,
) -> Result<Vec<Policy>, Error> {
    let references = reference_checks(spec, refs);
    let cascades = cascade_deleters(spec, refs);
    mode_policies(spec.access, spec.owner_column(), tenancy)
        .into_iter()
        .map(|policy| match policy.command {
            Command::Delete if !cascades.is_empty() => {
                let who: Vec<&str> = cascades.iter().map(|(who, _)| who.as_str()).collect();
                let name = format!("{} and {} can delete", base_deleters(spec.access), list(&who));
                if name.len() > MAX_IDENT_BYTES {
                    return Err(Error::input(format!(
                        "the delete policy of public.{} would be named `{name}`, longer than PostgreSQL's {MAX_IDENT_BYTES} bytes: give the refs that cascade across owners shorter names",
                        spec.table()
                    )));
                }
                let conditions: Vec<String> = cascades.iter().map(|(_, c)| c.clone()).collect();
                Ok(policy.or_using(name, &conditions))
            }
            Command::Select | Command::Insert | Command::Update | Command::Delete | Command::All => {
                Ok(policy.and_check(&references))
            }
        })
        .collect()
}

/// Who deletes rows under the access mode's own delete policy, in a policy name.
fn base_deleters(access: Access) -> String {
    match access {
        Access::Owner | Access::PublicRead => "row owners".into(),
        Access::Workspace { write_role } => format!("{}s", write_role.token()),
        Access::TenantRoot => "owners".into(),
    }
}

/// `a`, `a and b`, `a, b and c`
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// For each ref that cascades across owners or tenants: who may delete the referenced row (for
/// the policy's name) and the condition that the caller is one of them. A cascade then never
/// deletes more than its deleter could delete one row at a time.
fn cascade_deleters(spec: &ResourceSpec, refs: &[Ref]) -> Vec<(String, String)> {
    let table = ident::quote(spec.table());
    refs.iter()
        .filter_map(|r| {
            let deleter = r.cascade_deleter()?;
            let column = format!("{table}.{}", ident::quote(&r.column));
            let target = format!("public.{}", ident::quote(r.target.table()));
            let referenced = |condition: String| {
                format!(
                    "exists (select 1 from {target} referenced where referenced.id = {column} and referenced.{condition})"
                )
            };
            Some(match deleter {
                Deleter::OwnerOf => (
                    format!("{} owners", r.word),
                    referenced(owned_by_caller("user_id")),
                ),
                Deleter::WorkspaceRole(role) => (
                    format!("{} {}s", r.word, role.token()),
                    referenced(member_of(
                        "workspace_id",
                        &Tenancy::of_workspace().ids_fn_sql,
                        role,
                    )),
                ),
                Deleter::TenantOwners => (
                    format!("{} owners", r.word),
                    member_of(&column, &Tenancy::new(&r.target).ids_fn_sql, Role::Owner),
                ),
            })
        })
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

/// For each ref across owners or tenants, the condition that the row it points at is one the
/// caller can read: a foreign key check bypasses row level security, so without it anyone who
/// learns an id could attach rows to someone else's data (and so learn that it exists, or be
/// deleted with it). Refs within one owner or workspace need none (their foreign key includes the
/// owner or workspace column), nor refs to tables everyone reads; a ref to the table itself is
/// checked by a trigger instead (a policy cannot read its own table: infinite recursion).
fn reference_checks(spec: &ResourceSpec, refs: &[Ref]) -> Vec<String> {
    let table = ident::quote(spec.table());
    let mut checks = Vec::new();
    for r in refs {
        match r.read_check() {
            ReadCheck::Policy => {}
            ReadCheck::None | ReadCheck::Trigger => continue,
        }
        let column = format!("{table}.{}", ident::quote(&r.column));
        let visible = format!(
            "exists (select 1 from public.{} referenced where referenced.id = {column})",
            ident::quote(r.target.table())
        );
        checks.push(if r.optional {
            format!("({column} is null or {visible})")
        } else {
            visible
        });
    }
    checks
}

/// What each API role may do. Signed-in users write only the columns a client should: on insert
/// the fields, the owner column and (client-chosen ids being fine) `id`; on update the fields.
/// Timestamps are the database's, and the owner or workspace of a row never changes: without an
/// update grant on that column no statement can move a row (the policies would let a member of
/// two workspaces move one between them).
pub fn grants(spec: &ResourceSpec) -> Vec<Grant> {
    let owner = spec.owner_column().to_string();
    let fields: Vec<String> = spec
        .fields
        .iter()
        .map(|f| ident::quote(&f.column()))
        .collect();
    let insert = [vec!["id".to_string(), owner], fields.clone()].concat();
    let update = fields;
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
