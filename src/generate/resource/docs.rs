//! The prose the generated code and the session record say about the resource: what its access
//! mode means, and one sentence per action.

use serde::Serialize;

use super::tenancy::Tenancy;
use crate::naming::indefinite;
use crate::spec::{Access, ResourceSpec, Role};

#[derive(Serialize)]
pub struct Docs {
    /// What the access mode means, completing "Access: ...".
    pub summary: &'static str,
    pub create_doc: String,
    pub update_doc: String,
    pub delete_doc: String,
    pub read_doc: ReadDoc,
}

#[derive(Serialize)]
pub struct ReadDoc {
    get: String,
    list: String,
}

impl Docs {
    pub fn new(spec: &ResourceSpec, tenancy: &Tenancy) -> Docs {
        let table = spec.table();
        let one = spec.names.singular.replace('_', " ");
        let a = indefinite(&one);
        match spec.access {
            Access::Owner => Docs {
                summary: "each row belongs to the user who created it; only they can read or change it.",
                create_doc: format!("Creates {a} owned by the signed-in user."),
                update_doc: format!("Changes {a}; only its owner can, and only the fields given."),
                delete_doc: format!("Deletes {a}; only its owner can."),
                read_doc: ReadDoc {
                    get: format!("Reads one of the signed-in user's {table}."),
                    list: format!("Lists the signed-in user's {table}, newest first."),
                },
            },
            Access::PublicRead => Docs {
                summary: "anyone may read; only the user who created a row can change it.",
                create_doc: format!("Creates {a} owned by the signed-in user."),
                update_doc: format!("Changes {a}; only its owner can, and only the fields given."),
                delete_doc: format!("Deletes {a}; only its owner can."),
                read_doc: ReadDoc {
                    get: format!("Reads one {one}; anyone may, signed in or not."),
                    list: format!("Lists {table}, newest first; anyone may, signed in or not."),
                },
            },
            Access::Workspace { write_role } => Docs {
                summary: match write_role {
                    Role::Owner => "each row belongs to a workspace; its members read it, its owners change it.",
                    Role::Admin => "each row belongs to a workspace; its members read it, its admins and owners change it.",
                    Role::Member => "each row belongs to a workspace; its members read and change it.",
                },
                create_doc: format!("Creates {a} in a workspace the signed-in user may write to."),
                update_doc: format!("Changes {a}; only the fields given."),
                delete_doc: format!("Deletes {a}."),
                read_doc: ReadDoc {
                    get: format!("Reads one {one}, if the signed-in user belongs to its workspace."),
                    list: format!("Lists a workspace's {table}, newest first."),
                },
            },
            Access::TenantRoot => {
                let tenant = indefinite(&tenancy.singular);
                Docs {
                    summary: "a tenant root: members read it, admins change it, owners delete it.",
                    create_doc: format!("Creates {tenant} and makes the signed-in user its owner."),
                    update_doc: format!(
                        "Changes {tenant}; admins and owners can, and only the fields given."
                    ),
                    delete_doc: format!("Deletes {tenant} with everything in it; only its owners can."),
                    read_doc: ReadDoc {
                        get: format!("Reads one of the signed-in user's {table}."),
                        list: format!("Lists the {table} the signed-in user belongs to, newest first."),
                    },
                }
            }
        }
    }
}
