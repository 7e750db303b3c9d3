//! Tenancy: the tenant root's members table, roles and helper functions, by name (a
//! workspace-owned resource's policies call them too), and for the tenant root itself the
//! membership table's policies and grants and the names of its membership schemas and actions.

use serde::Serialize;

use crate::generate::schema_identifier;
use crate::naming::Names;
use crate::project::Layout;
use crate::schema::policy::{member_of, owned_by_caller};
use crate::schema::{ApiRole, Command, Grant, Policy, Privilege};
use crate::spec::{ident, Access, ResourceSpec, Role, TENANT};

/// Where the helper functions of tenancy policies live: a schema the API does not expose, named so
/// that a project cannot already own it by accident (the migration checks that the schema it
/// finds is scaffold's).
pub const PRIVATE_SCHEMA: &str = "scaffold_private";

/// The comment scaffold puts on [`PRIVATE_SCHEMA`] when it creates it, and looks for before
/// using it.
pub const PRIVATE_SCHEMA_COMMENT: &str =
    "scaffold: helper functions of the generated row level security policies (not exposed by the API)";

/// The SQL names of the tenant root and everything around it (members, roles, helpers).
#[derive(Serialize)]
pub struct Tenancy {
    /// The schema of the helper functions: [`PRIVATE_SCHEMA`].
    pub private_schema: &'static str,
    /// The comment that marks the schema as scaffold's.
    pub private_schema_comment: &'static str,
    /// In prose: `workspace`, `line item`.
    pub singular: String,
    pub plural: String,
    pub table_sql: String,
    pub fk_column: String,
    pub members_table: String,
    pub members_table_sql: String,
    pub members_pkey: String,
    pub members_user_index: String,
    pub created_by_index: String,
    pub role_type_sql: String,
    pub ids_fn_sql: String,
    pub add_creator_fn_sql: String,
    pub guard_fn_sql: String,
}

impl Tenancy {
    /// The tenancy a resource lives in: its own if it is a tenant root, else the workspace's.
    pub fn of(spec: &ResourceSpec) -> Tenancy {
        match spec.access {
            Access::TenantRoot => Tenancy::new(&spec.names),
            Access::Owner | Access::PublicRead | Access::Workspace { .. } => {
                Tenancy::of_workspace()
            }
        }
    }

    /// The tenancy of workspace-owned resources.
    pub fn of_workspace() -> Tenancy {
        Tenancy::new(&Names::derive(TENANT, None))
    }

    /// The tenancy of the tenant root with these names.
    pub fn new(names: &Names) -> Tenancy {
        let singular = &names.singular;
        let members_table = schema_identifier(format!("{singular}_members"));
        let private = |name: String| {
            format!(
                "{PRIVATE_SCHEMA}.{}",
                ident::quote(&schema_identifier(name))
            )
        };
        Tenancy {
            private_schema: PRIVATE_SCHEMA,
            private_schema_comment: PRIVATE_SCHEMA_COMMENT,
            singular: singular.replace('_', " "),
            plural: names.plural.replace('_', " "),
            table_sql: format!("public.{}", ident::quote(&names.plural)),
            fk_column: format!("{singular}_id"),
            members_table_sql: format!("public.{}", ident::quote(&members_table)),
            members_pkey: schema_identifier(format!("{members_table}_pkey")),
            members_user_index: schema_identifier(format!("{members_table}_user_id_idx")),
            created_by_index: schema_identifier(format!("{}_created_by_idx", names.plural)),
            role_type_sql: format!(
                "public.{}",
                ident::quote(&schema_identifier(format!("{singular}_role")))
            ),
            ids_fn_sql: private(format!("my_{singular}_ids")),
            add_creator_fn_sql: private(format!("add_{singular}_creator")),
            guard_fn_sql: private(format!("guard_{singular}_roles")),
            members_table,
        }
    }
}

/// A tenant root's membership table: its policies and grants, and the TypeScript names of its
/// schemas and actions.
#[derive(Serialize)]
pub struct Members {
    pub policies: Vec<Policy>,
    /// The pgTAP `policies_are` list.
    pub policy_names: String,
    pub grants: Vec<Grant>,
    pub row: String,
    pub roles: String,
    pub id_key: String,
    pub schema: String,
    pub change_schema: String,
    pub input: String,
    pub change_input: String,
    pub list: String,
    pub change: String,
    pub remove: String,
    pub leave: String,
    pub validation_file: String,
    pub actions_file: String,
    pub validation_import: String,
}

impl Members {
    /// The membership of a tenant root; `None` for every other resource.
    pub fn of(spec: &ResourceSpec, tenancy: &Tenancy, layout: &Layout) -> Option<Members> {
        match spec.access {
            Access::TenantRoot => Some(Members::new(&spec.names, tenancy, layout)),
            Access::Owner | Access::PublicRead | Access::Workspace { .. } => None,
        }
    }

    fn new(names: &Names, tenancy: &Tenancy, layout: &Layout) -> Members {
        let (pascal, camel) = (&names.pascal, &names.camel);
        let validation_file = format!("{}/{}-member.ts", layout.validations_dir, names.kebab);
        let policies = policies(tenancy);
        Members {
            policy_names: crate::schema::policy::names_sql(&policies),
            policies,
            grants: grants(),
            row: format!("{pascal}Member"),
            roles: format!("{camel}Roles"),
            id_key: format!("{camel}Id"),
            schema: format!("{camel}MemberSchema"),
            change_schema: format!("change{pascal}MemberRoleSchema"),
            input: format!("{pascal}MemberInput"),
            change_input: format!("Change{pascal}MemberRoleInput"),
            list: format!("list{pascal}Members"),
            change: format!("change{pascal}MemberRole"),
            remove: format!("remove{pascal}Member"),
            leave: format!("leave{pascal}"),
            validation_import: layout.import_path(&validation_file),
            actions_file: format!("{}/{}-members.ts", layout.actions_dir, names.kebab),
            validation_file,
        }
    }
}

/// Members see who else belongs; admins and owners change roles and remove members (the guard
/// trigger keeps owners above admins); anyone may remove themselves, which is how they leave.
/// Nobody adds a membership through the table: it comes from creating the tenant or accepting an
/// invitation (see [`super::invitations`]).
fn policies(tenancy: &Tenancy) -> Vec<Policy> {
    let signed_in = &[ApiRole::Authenticated];
    let (fk, ids_fn) = (&tenancy.fk_column, &tenancy.ids_fn_sql);
    let member = member_of(fk, ids_fn, Role::Member);
    let admin = member_of(fk, ids_fn, Role::Admin);
    let leaving = owned_by_caller("user_id");
    vec![
        Policy::new(
            "members can read the member list",
            Command::Select,
            signed_in,
            Some(member),
            None,
        ),
        Policy::new(
            "admins can change roles",
            Command::Update,
            signed_in,
            Some(admin.clone()),
            Some(admin.clone()),
        ),
        Policy::new(
            "admins remove members, anyone leaves",
            Command::Delete,
            signed_in,
            Some(format!("\n  {admin}\n  or {leaving}\n")),
            None,
        ),
    ]
}

/// A membership's tenant and user never change; only its role does. No insert: memberships come
/// from the trigger that makes a tenant's creator its owner and from accepting an invitation.
fn grants() -> Vec<Grant> {
    vec![
        Grant::new(
            vec![
                Privilege::Select,
                Privilege::Update(vec!["role".into()]),
                Privilege::Delete,
            ],
            &[ApiRole::Authenticated],
        ),
        Grant::service_role(),
    ]
}
