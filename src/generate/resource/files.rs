//! A resource's files: each `file` field's bucket, and the `storage.objects` policies that carry
//! the access mode over to the objects, so the people who read, upload and delete a row's files
//! are exactly those who read and write the row.
//!
//! - **A bucket per field**, private: a bucket's `file_size_limit` and `allowed_mime_types` are
//!   the only limits Storage enforces on the bytes themselves (the upload goes from the browser
//!   to Storage, past any server code), so each field's `max=` and `accept=` need a bucket of
//!   their own; one bucket per resource would have to allow the largest size and every type of
//!   all its fields.
//! - **Objects live in a folder named after what controls the row**: `<user_id>/` for owner and
//!   public-read resources, `<workspace_id>/` for workspace resources, the row's own `<id>/` for
//!   a tenant root; the name in it is a generated UUID (`formats::OBJECT_PATH_PATTERN`), never
//!   the uploader's file name. The table's check constraint holds a row to its own folder.
//! - **Read, upload (insert) and delete; no update policy**: an object is never overwritten,
//!   renamed or moved. Storage checks a bucket's limits only when bytes arrive, so a move into
//!   another bucket would skip them, and an upsert would let a file change under a row. A
//!   replaced file is a new object; the actions remove the old one.

use super::tenancy::Tenancy;
use crate::error::Error;
use crate::generate::check_identifier;
use crate::render::sql_string;
use crate::schema::storage::{in_buckets, Bucket, MAX_BUCKET_ID_CHARS};
use crate::schema::{ApiRole, Command, Policy};
use crate::spec::formats::OBJECT_PATH_PATTERN;
use crate::spec::{ident, Access, ResourceSpec, Role};

const SIGNED_IN: &[ApiRole] = &[ApiRole::Authenticated];
const EVERYONE: &[ApiRole] = &[ApiRole::Anon, ApiRole::Authenticated];

/// The first folder of an object's path, as policies read it (Supabase's helper).
const FOLDER: &str = "(storage.foldername(name))[1]";

/// The buckets and policies of a resource with file fields; empty for one without.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Files {
    pub buckets: Vec<Bucket>,
    pub policies: Vec<Policy>,
    /// The column whose value names a row's folder: `user_id`, `workspace_id` or `id`.
    pub folder_column: &'static str,
    /// `'notes.avatar', 'notes.scan'`: the buckets' ids as a SQL list.
    pub bucket_ids_sql: String,
}

/// The column whose value names the folder a row's objects live in.
pub fn folder_column(access: Access) -> &'static str {
    match access {
        Access::Owner | Access::PublicRead | Access::Workspace { .. } => access.owner_column(),
        // The workspace itself: its members are who read and write its files.
        Access::TenantRoot => "id",
    }
}

impl Files {
    pub fn new(spec: &ResourceSpec, tenancy: &Tenancy) -> Result<Files, Error> {
        let table = spec.table();
        let mut buckets = Vec::new();
        for field in &spec.fields {
            let Some((size, types)) = field.file_limits() else {
                continue;
            };
            let column = field.column();
            let id = format!("{table}.{column}");
            if id.chars().count() > MAX_BUCKET_ID_CHARS {
                return Err(Error::input(format!(
                    "`{}` gives the bucket `{id}`, longer than Storage's {MAX_BUCKET_ID_CHARS} characters; choose a shorter field or resource name",
                    field.name
                )));
            }
            buckets.push(Bucket {
                id,
                file_size_limit: size.bytes(),
                allowed_mime_types: types.iter().map(ToString::to_string).collect(),
                column_sql: ident::quote(&column),
                column,
            });
        }
        let policies = if buckets.is_empty() {
            Vec::new()
        } else {
            policies(spec, &buckets, tenancy)?
        };
        Ok(Files {
            bucket_ids_sql: buckets
                .iter()
                .map(|b| sql_string(&b.id))
                .collect::<Vec<_>>()
                .join(", "),
            buckets,
            policies,
            folder_column: folder_column(spec.access),
        })
    }
}

/// `storage.objects` policies: one per command, covering all of the resource's buckets (one
/// permissive policy per role and command, as for tables).
fn policies(
    spec: &ResourceSpec,
    buckets: &[Bucket],
    tenancy: &Tenancy,
) -> Result<Vec<Policy>, Error> {
    let table = spec.table();
    let ours = in_buckets(buckets);
    let generated = format!("name ~ {}", sql_string(OBJECT_PATH_PATTERN));
    let some = |conditions: &[&str]| Some(format!("\n  {}\n", conditions.join("\n  and ")));
    let own = format!("{FOLDER} = (select auth.uid()::text)");
    let (read, who, may_write) = match spec.access {
        Access::Owner => {
            let read = Policy::new(
                named(table, "owners can read")?,
                Command::Select,
                SIGNED_IN,
                some(&[&ours, &own]),
                None,
            );
            (read, "owners".to_string(), own)
        }
        Access::PublicRead => {
            let attached: Vec<String> = buckets
                .iter()
                .map(|b| {
                    format!(
                        "({} and exists (select 1 from public.{} attached where attached.{} = objects.name))",
                        b.holds(),
                        ident::quote(table),
                        b.column_sql
                    )
                })
                .collect();
            let either = format!("({own}\n    or {})", attached.join("\n    or "));
            let read = Policy::new(
                named(table, "anyone can read attached ones")?,
                Command::Select,
                EVERYONE,
                some(&[&ours, &either]),
                None,
            )
            .commented(
                "Anyone reads an object a row refers to, as anyone reads the rows; the owner also reads\nthe rest of their folder (uploads not attached yet, or no more), to remove them.",
            );
            (read, "owners".to_string(), own)
        }
        Access::Workspace { write_role } => {
            let ids = &tenancy.ids_fn_sql;
            let read = Policy::new(
                named(table, "members can read")?,
                Command::Select,
                SIGNED_IN,
                some(&[&ours, &member_folder(ids, Role::Member)]),
                None,
            );
            let who = format!("{}s", write_role.token());
            (read, who, member_folder(ids, write_role))
        }
        Access::TenantRoot => {
            let ids = &tenancy.ids_fn_sql;
            let read = Policy::new(
                named(table, "members can read")?,
                Command::Select,
                SIGNED_IN,
                some(&[&ours, &member_folder(ids, Role::Member)]),
                None,
            );
            // As for the row: admins and owners change a workspace, so they change its files.
            (read, "admins".to_string(), member_folder(ids, Role::Admin))
        }
    };
    Ok(vec![
        read,
        Policy::new(
            named(table, &format!("{who} can upload"))?,
            Command::Insert,
            SIGNED_IN,
            None,
            some(&[&ours, &may_write, &generated]),
        )
        .commented("Uploads only under a generated name, in a folder the uploader may write to."),
        Policy::new(
            named(table, &format!("{who} can delete"))?,
            Command::Delete,
            SIGNED_IN,
            some(&[&ours, &may_write]),
            None,
        ),
    ])
}

/// `<table> files: <what>`, checked against PostgreSQL's identifier length. Policies on
/// `storage.objects` share one namespace with every other bucket's, so they carry the table.
fn named(table: &str, what: &str) -> Result<String, Error> {
    check_identifier(format!("{table} files: {what}"), table)
}

/// The object's folder is a workspace where the caller's role is at least `role`: the ids are
/// computed once per query, and compared as text (a folder that is not a UUID is simply no
/// workspace, never a cast error for someone else's bucket).
fn member_folder(ids_fn_sql: &str, role: Role) -> String {
    let argument = match role {
        Role::Member => String::new(),
        Role::Admin | Role::Owner => format!("'{}'", role.token()),
    };
    format!("{FOLDER} = any (array(select {ids_fn_sql}({argument})::text))")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Access, ResourceSpec};

    fn files(name: &str, fields: &[&str], access: Access) -> Result<Files, Error> {
        let tokens: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let spec = ResourceSpec::new(name, None, &tokens, access).unwrap();
        Files::new(&spec, &Tenancy::of(&spec))
    }

    #[test]
    fn a_bucket_per_field_with_its_limits() {
        let files = files(
            "note",
            &[
                "title:text",
                "cover:file:max=2mb:accept=image/png,image/jpeg",
                "scan:file:optional:max=500kb:accept=application/pdf",
            ],
            Access::Owner,
        )
        .unwrap();
        let buckets: Vec<(&str, u64, Vec<&str>)> = files
            .buckets
            .iter()
            .map(|b| {
                let types = b.allowed_mime_types.iter().map(String::as_str).collect();
                (b.id.as_str(), b.file_size_limit, types)
            })
            .collect();
        assert_eq!(
            buckets,
            [
                ("notes.cover", 2_000_000, vec!["image/png", "image/jpeg"]),
                ("notes.scan", 500_000, vec!["application/pdf"]),
            ]
        );
        assert_eq!(files.bucket_ids_sql, "'notes.cover', 'notes.scan'");
    }

    /// A resource, its access mode, its storage policies (name, command, roles) and a condition
    /// they state.
    type ModeCase = (
        &'static str,
        Access,
        &'static [(&'static str, Command, &'static str)],
        &'static str,
    );

    /// Each access mode, carried over: who reads, uploads and deletes, and never an update.
    #[test]
    fn policies_follow_the_access_mode() {
        let file = "logo:file:optional:max=1mb:accept=image/png";
        let cases: &[ModeCase] = &[
            (
                "note",
                Access::Owner,
                &[
                    (
                        "notes files: owners can read",
                        Command::Select,
                        "authenticated",
                    ),
                    (
                        "notes files: owners can upload",
                        Command::Insert,
                        "authenticated",
                    ),
                    (
                        "notes files: owners can delete",
                        Command::Delete,
                        "authenticated",
                    ),
                ],
                "(select auth.uid()::text)",
            ),
            (
                "post",
                Access::PublicRead,
                &[
                    (
                        "posts files: anyone can read attached ones",
                        Command::Select,
                        "anon, authenticated",
                    ),
                    (
                        "posts files: owners can upload",
                        Command::Insert,
                        "authenticated",
                    ),
                    (
                        "posts files: owners can delete",
                        Command::Delete,
                        "authenticated",
                    ),
                ],
                "attached.logo = objects.name",
            ),
            (
                "invoice",
                Access::Workspace {
                    write_role: Role::Admin,
                },
                &[
                    (
                        "invoices files: members can read",
                        Command::Select,
                        "authenticated",
                    ),
                    (
                        "invoices files: admins can upload",
                        Command::Insert,
                        "authenticated",
                    ),
                    (
                        "invoices files: admins can delete",
                        Command::Delete,
                        "authenticated",
                    ),
                ],
                "my_workspace_ids('admin')::text",
            ),
            (
                "workspace",
                Access::TenantRoot,
                &[
                    (
                        "workspaces files: members can read",
                        Command::Select,
                        "authenticated",
                    ),
                    (
                        "workspaces files: admins can upload",
                        Command::Insert,
                        "authenticated",
                    ),
                    (
                        "workspaces files: admins can delete",
                        Command::Delete,
                        "authenticated",
                    ),
                ],
                "my_workspace_ids('admin')::text",
            ),
        ];
        for (name, access, want, mentions) in cases {
            let files = files(name, &["title:text", file], *access).unwrap();
            let got: Vec<(&str, Command, String)> = files
                .policies
                .iter()
                .map(|p| (p.name.as_str(), p.command, ApiRole::list(&p.roles)))
                .collect();
            let want: Vec<(&str, Command, String)> = want
                .iter()
                .map(|(n, c, r)| (*n, *c, r.to_string()))
                .collect();
            assert_eq!(got, want, "{name}");
            let text: String = files
                .policies
                .iter()
                .map(|p| format!("{:?} {:?}", p.using, p.with_check))
                .collect();
            assert!(text.contains(mentions), "{name}: {text}");
            assert!(files.policies.iter().all(|p| p.command != Command::Update));
        }
        let none = files("note", &["title:text"], Access::Owner).unwrap();
        assert!(none.buckets.is_empty() && none.policies.is_empty());
    }

    #[test]
    fn a_bucket_id_longer_than_storage_takes_is_refused() {
        let table = "a".repeat(60);
        let field = format!("{}:file:max=1mb:accept=image/png", "b".repeat(60));
        let err = files(&table, &[&field], Access::Owner).unwrap_err();
        assert!(
            err.to_string()
                .contains("longer than Storage's 100 characters"),
            "{err}"
        );
    }
}
