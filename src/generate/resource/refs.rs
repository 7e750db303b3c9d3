//! What each ref points at and who controls the two rows, which decides how the reference is
//! made safe, or refused.
//!
//! A foreign key check and its `on delete` action bypass row level security, so a reference is a
//! way to reach a row its writer may not control: to learn that it exists, to stop its deletion
//! (`restrict`) or to be deleted with it (`cascade`). Two cases:
//!
//! - **Same controller**: the row and the row it points at belong to the same user (an owner or
//!   public-read row pointing at an owner row) or the same workspace (a workspace row pointing at
//!   another). The foreign key then includes the owner or workspace column, so a row can only
//!   point at a row of its own owner or workspace, whatever id it names; nothing else is needed,
//!   except that within a workspace a `cascade` or `set null` must not reach rows the parent's
//!   deleters may not write (`--write-role`).
//! - **Crossing**: the two rows may belong to different users or tenants. The writer must be able
//!   to read the row it points at (a policy check, or for a reference to the table itself, which
//!   a policy cannot read, a trigger), `restrict` is refused (a stranger's row would block the
//!   owner's delete), `set null` only clears the reference, and `cascade` comes with a delete
//!   policy letting whoever can delete the referenced row delete the rows that point at it.

use crate::error::Error;
use crate::naming::Names;
use crate::project::Project;
use crate::spec::{Access, Field, OnDelete, ResourceSpec, Role};

/// One ref of the resource, resolved against the project.
#[derive(Debug, Clone)]
pub struct Ref {
    /// The column, e.g. `project_id`.
    pub column: String,
    /// The field in prose, for policy names: `project`, `reviewer`.
    pub word: String,
    /// The referenced table and its names.
    pub target: Names,
    pub target_access: Access,
    /// Whether it points at the resource's own table.
    pub itself: bool,
    pub relation: Relation,
    pub on_delete: OnDelete,
    pub optional: bool,
}

/// Who controls the referencing row and the referenced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same user: the foreign key is `(user_id, <column>)`.
    SameOwner,
    /// The same workspace: the foreign key is `(workspace_id, <column>)`. The write roles of the
    /// referencing table and of the referenced one.
    SameWorkspace { child: Role, parent: Role },
    /// Possibly different users or tenants.
    Crossing,
}

/// How the writer is held to rows it can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadCheck {
    /// Nothing to check: the foreign key keeps the reference within one owner or workspace, or
    /// the referenced table is readable by everyone.
    None,
    /// The insert and update policies check that the referenced row is readable.
    Policy,
    /// A trigger does (a policy cannot read its own table: infinite recursion, 42P17).
    Trigger,
}

/// Who may delete a referenced row, and so, with `cascade`, the rows pointing at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleter {
    /// The referenced row's owner (`user_id`).
    OwnerOf,
    /// Members of the referenced row's workspace with at least this role.
    WorkspaceRole(Role),
    /// Owners of the referenced tenant root.
    TenantOwners,
}

impl Ref {
    pub fn read_check(&self) -> ReadCheck {
        match self.relation {
            Relation::SameOwner | Relation::SameWorkspace { .. } => ReadCheck::None,
            Relation::Crossing if self.target_access.public() => ReadCheck::None,
            Relation::Crossing if self.itself => ReadCheck::Trigger,
            Relation::Crossing => ReadCheck::Policy,
        }
    }

    /// For a `cascade` across owners or tenants: who may delete the referenced row, and so the
    /// rows pointing at it.
    pub fn cascade_deleter(&self) -> Option<Deleter> {
        let crossing_cascade = match (self.relation, self.on_delete) {
            (Relation::Crossing, OnDelete::Cascade) => true,
            (Relation::Crossing, OnDelete::Restrict | OnDelete::SetNull)
            | (Relation::SameOwner | Relation::SameWorkspace { .. }, _) => false,
        };
        crossing_cascade.then_some(match self.target_access {
            Access::Owner | Access::PublicRead => Deleter::OwnerOf,
            Access::Workspace { write_role } => Deleter::WorkspaceRole(write_role),
            Access::TenantRoot => Deleter::TenantOwners,
        })
    }
}

/// Resolves every ref of `spec`, refusing the ones that cannot be made safe.
pub fn resolve(spec: &ResourceSpec, project: &Project) -> Result<Vec<Ref>, Error> {
    let mut refs = Vec::new();
    let mut known = None;
    for field in &spec.fields {
        let Some(table) = field.ref_table() else {
            continue;
        };
        let itself = table == spec.table();
        let (target, target_access) = if itself {
            (spec.names.clone(), spec.access)
        } else {
            let resources = match &known {
                Some(resources) => resources,
                None => known.insert(project.resources()?),
            };
            let Some(target) = resources.get(table) else {
                return Err(unknown_target(field, table, project));
            };
            (target.names.clone(), target.access)
        };
        let reference = Ref {
            column: field.column(),
            word: field
                .name
                .strip_suffix("_id")
                .unwrap_or(&field.name)
                .replace('_', " "),
            relation: relation(spec.access, target_access),
            target,
            target_access,
            itself,
            on_delete: field.effective_on_delete(),
            optional: field.optional,
        };
        check(spec, field, &reference)?;
        refs.push(reference);
    }
    Ok(refs)
}

/// The refs of other generated tables to `old`'s table that `new` (the same table with another
/// access mode or write role) would build differently (another foreign key, read check or
/// cascade delete policy) or refuse: each as `public.<table>'s `<field>``, or the refusal.
/// Changing them takes an alter of those tables too, and an alter changes one table.
pub fn changed_dependents(
    project: &Project,
    old: &ResourceSpec,
    new: &ResourceSpec,
) -> Result<Vec<String>, Error> {
    let table = old.table();
    let mut changed = Vec::new();
    for child in project.resources()?.values() {
        if child.table() == table {
            continue;
        }
        for field in child.fields.iter().filter(|f| f.ref_table() == Some(table)) {
            let reference = |target: &ResourceSpec| Ref {
                column: field.column(),
                word: field.name.clone(),
                target: target.names.clone(),
                target_access: target.access,
                itself: false,
                relation: relation(child.access, target.access),
                on_delete: field.effective_on_delete(),
                optional: field.optional,
            };
            let (before, after) = (reference(old), reference(new));
            let kind = |r: &Ref| match r.relation {
                Relation::SameOwner => 0,
                Relation::SameWorkspace { .. } => 1,
                Relation::Crossing => 2,
            };
            let same = kind(&before) == kind(&after)
                && before.read_check() == after.read_check()
                && before.cascade_deleter() == after.cascade_deleter();
            if let Err(refused) = check(child, field, &after) {
                changed.push(format!("public.{}'s `{field}` ({refused})", child.table()));
            } else if !same {
                changed.push(format!("public.{}'s `{field}`", child.table()));
            }
        }
    }
    Ok(changed)
}

fn relation(child: Access, parent: Access) -> Relation {
    match (child, parent) {
        (Access::Owner | Access::PublicRead, Access::Owner) => Relation::SameOwner,
        (Access::Workspace { write_role: child }, Access::Workspace { write_role: parent }) => {
            Relation::SameWorkspace { child, parent }
        }
        (Access::Owner | Access::PublicRead, Access::PublicRead)
        | (Access::Owner | Access::PublicRead, Access::Workspace { .. } | Access::TenantRoot)
        | (Access::Workspace { .. }, Access::Owner | Access::PublicRead | Access::TenantRoot)
        | (
            Access::TenantRoot,
            Access::Owner | Access::PublicRead | Access::Workspace { .. } | Access::TenantRoot,
        ) => Relation::Crossing,
    }
}

fn unknown_target(field: &Field, table: &str, project: &Project) -> Error {
    Error::input(format!(
        "`{field}` refers to public.{table}, which no `scaffold resource` migration in {} creates: scaffold cannot tell who controls its rows, so it cannot make the reference safe (a foreign key bypasses row level security: a row pointing at someone else's could reveal it, block its deletion or be deleted with it). Generate public.{table} with `scaffold resource` first, then this resource",
        project.layout.migrations_dir
    ))
}

/// Refuses `on delete` actions that would cross a permission boundary.
fn check(spec: &ResourceSpec, field: &Field, reference: &Ref) -> Result<(), Error> {
    let target = &reference.target;
    let target_table = target.table();
    match (reference.relation, reference.on_delete) {
        (Relation::SameOwner, _) => Ok(()),
        (Relation::SameWorkspace { .. }, OnDelete::Restrict) => Ok(()),
        // Role orders owner < admin < member: a lower role is a stronger one.
        (Relation::SameWorkspace { child, parent }, OnDelete::Cascade | OnDelete::SetNull)
            if parent <= child =>
        {
            Ok(())
        }
        (
            Relation::SameWorkspace { child, parent },
            action @ (OnDelete::Cascade | OnDelete::SetNull),
        ) => {
            let (verb, does) = match action {
                OnDelete::Cascade => ("delete", "deletes"),
                OnDelete::SetNull | OnDelete::Restrict => ("change", "changes"),
            };
            let restrict = with_on_delete(field, OnDelete::Restrict, false);
            Err(Error::input(format!(
                "`{field}`: deleting a row of public.{target_table}, which {} may do, {does} the public.{} rows that point at it (on delete {}), which only {} may {verb}: foreign key actions bypass row level security, so this would get past `--write-role {}`. Use `{restrict}` (within one workspace, whoever deletes sees the rows that stop them), or generate public.{target_table} with `--write-role {}`",
                who(parent),
                spec.table(),
                action.sql(),
                who(child),
                child.token(),
                child.token(),
            )))
        }
        (Relation::Crossing, OnDelete::Restrict) => {
            let cascade = with_on_delete(field, OnDelete::Cascade, field.optional);
            let set_null = with_on_delete(field, OnDelete::SetNull, true);
            Err(Error::input(format!(
                "`{field}`: `on-delete=restrict` would let whoever writes public.{} stop the deletion of a row of public.{target_table} that is not theirs ({}), and whoever controls that row could neither see nor remove the row stopping them. Use `{cascade}` (deleting the {} deletes the rows that point at it, and whoever may delete it may delete those one by one too) or `{set_null}` (the rows stay and lose the reference)",
                spec.table(),
                controlled_by(reference.target_access),
                target.singular.replace('_', " "),
            )))
        }
        (Relation::Crossing, OnDelete::Cascade | OnDelete::SetNull) => Ok(()),
    }
}

/// The field as typed, with another `on delete` action (and `optional` when the action needs it).
fn with_on_delete(field: &Field, action: OnDelete, optional: bool) -> String {
    let mut changed = field.clone();
    changed.on_delete = Some(action);
    changed.optional = optional || field.optional;
    changed.to_string()
}

/// Who has at least `role`, in prose.
fn who(role: Role) -> &'static str {
    match role {
        Role::Owner => "owners",
        Role::Admin => "admins and owners",
        Role::Member => "any member",
    }
}

fn controlled_by(access: Access) -> &'static str {
    match access {
        Access::Owner | Access::PublicRead => "each row belongs to the user who created it",
        Access::Workspace { .. } => "its rows belong to workspaces",
        Access::TenantRoot => "each row is a tenant of its own",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Role;

    #[test]
    fn the_relation_follows_who_controls_each_row() {
        let ws = |write_role| Access::Workspace { write_role };
        let cases = [
            (Access::Owner, Access::Owner, Relation::SameOwner),
            (Access::PublicRead, Access::Owner, Relation::SameOwner),
            (Access::Owner, Access::PublicRead, Relation::Crossing),
            (Access::PublicRead, Access::PublicRead, Relation::Crossing),
            (Access::Owner, ws(Role::Member), Relation::Crossing),
            (Access::Owner, Access::TenantRoot, Relation::Crossing),
            (
                ws(Role::Owner),
                ws(Role::Member),
                Relation::SameWorkspace {
                    child: Role::Owner,
                    parent: Role::Member,
                },
            ),
            (ws(Role::Member), Access::Owner, Relation::Crossing),
            (ws(Role::Member), Access::TenantRoot, Relation::Crossing),
            (Access::TenantRoot, Access::TenantRoot, Relation::Crossing),
            (Access::TenantRoot, Access::Owner, Relation::Crossing),
        ];
        for (child, parent, want) in cases {
            assert_eq!(relation(child, parent), want, "{child:?} → {parent:?}");
        }
    }
}
