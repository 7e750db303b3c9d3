//! Who may read and write a resource's rows: one enum, matched exhaustively everywhere, so a new
//! mode cannot compile until every generator handles it.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::naming::Names;

/// The tenant a workspace-owned resource belongs to, and the resource that is a tenant root.
pub const TENANT: &str = "workspace";

/// A resource's access mode. Serialized (for templates, JSON and the manifest) as
/// `{"kind": "owner" | "public-read" | "workspace" | "tenant-root", ...}`, the command line's
/// spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Access {
    /// Each row belongs to the user who created it; only they can see or change it.
    Owner,
    /// Anyone, signed in or not, may read; only the row's owner may change it.
    PublicRead,
    /// Each row belongs to a workspace; its members read it, members with `write_role` or a
    /// higher role change it.
    Workspace { write_role: Role },
    /// The workspace itself: users belong to its rows through a members table with roles.
    TenantRoot,
}

/// `--access` on the command line and `default_access` in `scaffold.toml`: the mode as a user
/// names it (a tenant root is `--tenant`, a write role `--write-role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AccessArg {
    /// Each row belongs to the user who created it; only they can see or change it.
    Owner,
    /// Anyone, signed in or not, may read; only the row's owner may change it.
    PublicRead,
    /// Each row belongs to a workspace; its members read it, members with the write role change it.
    Workspace,
}

/// A member's role in a workspace, highest first: each role can do what the ones below it can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    pub fn token(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

impl AccessArg {
    pub fn token(self) -> &'static str {
        match self {
            AccessArg::Owner => "owner",
            AccessArg::PublicRead => "public-read",
            AccessArg::Workspace => "workspace",
        }
    }
}

impl Access {
    /// Combines `--access`, `--tenant` and `--write-role` into one mode, refusing combinations
    /// that mean nothing. `name` is the resource as typed, for the messages.
    pub fn from_args(
        name: &str,
        plural: Option<&str>,
        access: AccessArg,
        tenant: bool,
        write_role: Option<Role>,
    ) -> Result<Access, Error> {
        if tenant && access != AccessArg::Owner {
            return Err(Error::input(format!(
                "`--tenant` and `--access {}` do not combine: a tenant root's access is its membership",
                access.token()
            )));
        }
        if write_role.is_some() && access != AccessArg::Workspace {
            return Err(Error::input(
                "`--write-role` applies to `--access workspace` only".to_string(),
            ));
        }
        Ok(match access {
            AccessArg::Owner if tenant => Access::TenantRoot,
            AccessArg::Owner => Access::Owner,
            AccessArg::PublicRead => Access::PublicRead,
            AccessArg::Workspace => {
                if Names::derive(name, plural).singular == TENANT {
                    return Err(Error::input(format!(
                        "`{name}` is the tenant root; generate it with `--tenant`, not `--access workspace`"
                    )));
                }
                Access::Workspace {
                    write_role: write_role.unwrap_or(Role::Member),
                }
            }
        })
    }

    /// The command-line flags that give this mode, as words: `["--access", "workspace",
    /// "--write-role", "admin"]`; none for the default, owner.
    pub fn flags(self) -> Vec<&'static str> {
        match self {
            Access::Owner => vec![],
            Access::PublicRead => vec!["--access", "public-read"],
            Access::Workspace {
                write_role: Role::Member,
            } => vec!["--access", "workspace"],
            Access::Workspace { write_role } => {
                vec!["--access", "workspace", "--write-role", write_role.token()]
            }
            Access::TenantRoot => vec!["--tenant"],
        }
    }

    /// The column that ties a row to whoever controls it.
    pub fn owner_column(self) -> &'static str {
        match self {
            Access::Owner | Access::PublicRead => "user_id",
            Access::Workspace { .. } => "workspace_id",
            Access::TenantRoot => "created_by",
        }
    }

    /// Whether anonymous callers may read the rows.
    pub fn public(self) -> bool {
        match self {
            Access::PublicRead => true,
            Access::Owner | Access::Workspace { .. } | Access::TenantRoot => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_combine_into_one_mode_and_back() {
        let cases: &[(AccessArg, bool, Option<Role>, Access)] = &[
            (AccessArg::Owner, false, None, Access::Owner),
            (AccessArg::PublicRead, false, None, Access::PublicRead),
            (AccessArg::Owner, true, None, Access::TenantRoot),
            (
                AccessArg::Workspace,
                false,
                None,
                Access::Workspace {
                    write_role: Role::Member,
                },
            ),
            (
                AccessArg::Workspace,
                false,
                Some(Role::Admin),
                Access::Workspace {
                    write_role: Role::Admin,
                },
            ),
        ];
        for &(arg, tenant, role, want) in cases {
            let got = Access::from_args("board", None, arg, tenant, role).unwrap();
            assert_eq!(got, want, "{arg:?} tenant={tenant} role={role:?}");
            let flags = got.flags();
            let back_arg = match flags.iter().position(|f| *f == "--access") {
                Some(i) => clap::ValueEnum::from_str(flags[i + 1], false).unwrap(),
                None => AccessArg::Owner,
            };
            let back_role = flags
                .iter()
                .position(|f| *f == "--write-role")
                .map(|i| clap::ValueEnum::from_str(flags[i + 1], false).unwrap());
            let again = Access::from_args(
                "board",
                None,
                back_arg,
                flags.contains(&"--tenant"),
                back_role,
            )
            .unwrap();
            assert_eq!(again, want, "{flags:?}");
        }
    }

    #[test]
    fn meaningless_combinations_are_refused() {
        let cases: &[(&str, AccessArg, bool, Option<Role>, &str)] = &[
            (
                "board",
                AccessArg::PublicRead,
                true,
                None,
                "`--tenant` and `--access public-read` do not combine",
            ),
            (
                "board",
                AccessArg::Owner,
                false,
                Some(Role::Admin),
                "`--write-role` applies to `--access workspace` only",
            ),
            (
                "workspaces",
                AccessArg::Workspace,
                false,
                None,
                "`workspaces` is the tenant root",
            ),
        ];
        for (name, arg, tenant, role, want) in cases {
            let err = Access::from_args(name, None, *arg, *tenant, *role).unwrap_err();
            assert!(err.to_string().contains(want), "{err}");
        }
    }

    #[test]
    fn one_spelling_in_json() {
        let cases: &[(Access, &str)] = &[
            (Access::Owner, r#"{"kind":"owner"}"#),
            (Access::PublicRead, r#"{"kind":"public-read"}"#),
            (
                Access::Workspace {
                    write_role: Role::Admin,
                },
                r#"{"kind":"workspace","write_role":"admin"}"#,
            ),
            (Access::TenantRoot, r#"{"kind":"tenant-root"}"#),
        ];
        for (access, json) in cases {
            assert_eq!(serde_json::to_string(access).unwrap(), *json);
            assert_eq!(serde_json::from_str::<Access>(json).unwrap(), *access);
        }
        assert_eq!(
            serde_json::to_string(&AccessArg::PublicRead).unwrap(),
            r#""public-read""#
        );
    }
}
