//! What the resource's pgTAP test inserts and changes: sample values for every column, the
//! referenced tables it needs visible rows in, the policies it expects, and who uploads, reads
//! and may not touch the files of file fields.

use serde::Serialize;

use super::files::Files;
use crate::generate::pgtap::{sample_values, TestIds, IDS};
use crate::render::{self, sql_string};
use crate::schema::policy;
use crate::schema::{ApiRole, Bucket, Policy};
use crate::spec::{ident, Access, FieldType, ResourceSpec, Role};

#[derive(Serialize)]
pub struct TestData {
    #[serde(flatten)]
    ids: TestIds,
    /// The fields' columns and one row of sample values for them.
    columns: String,
    values: String,
    /// Another row of values, each different from `values` (for unique fields), for another
    /// user: optional references to the table itself null, like `standalone_values`.
    other_values: String,
    /// Every column of the table by name, as a SQL `text[]` (what the audit log lists as
    /// changed by an insert or a delete).
    all_columns: String,
    /// The first field's column, as a SQL string: the one the test updates.
    first_column: String,
    /// Whether the audit log keeps the first field's values out.
    first_sensitive: bool,
    /// The same values with optional references to the table itself null: a row that needs no
    /// other row of the table, so only the policy under test decides whether it is written.
    standalone_values: String,
    /// The same values for a row of another owner or workspace (another user's own row, or the
    /// row moved to the owner's second workspace): file paths name that row's folder, so only
    /// the policy under test decides whether it is written.
    moved_values: String,
    /// The rows the audit log and rate limit sections write, each with file paths of its own
    /// (a path is unique, and lies in its row's folder).
    row_values: RowValues,
    update: Update,
    /// Tables the resource refers to, each needing rows the owner can see.
    parents: Vec<String>,
    policy_names: String,
    /// The file fields' part of the test, when there are any.
    files: Option<FileTests>,
}

/// The values of the audit log's and rate limits' rows ([`TestIds`]'s `logged_row`,
/// `refused_row`, `server_row`: the owner's; `others_row`: another user's or workspace's).
#[derive(Serialize)]
struct RowValues {
    logged: String,
    refused: String,
    server: String,
    others: String,
}

/// Who does what to the objects of the resource's buckets in the test.
#[derive(Serialize)]
struct FileTests {
    buckets: Vec<BucketTest>,
    /// The folder of the test's row: the owner, the workspace or the tenant root itself.
    folder: &'static str,
    /// Someone who may upload and delete there.
    writer: &'static str,
    /// Someone who reads there and, unless `reader_writes`, may not write; none for owner and
    /// public-read resources.
    reader: Option<&'static str>,
    reader_writes: bool,
    /// Someone who may neither read nor write there, and a folder they (not the writer) control.
    outsider: &'static str,
    outsider_folder: &'static str,
    /// Whether anyone, signed in or not, reads the objects rows refer to.
    public: bool,
    /// `id, workspace_id, title, avatar`: the columns of a row inserted to test a path outside
    /// its folder; none when the table refers to itself, since the test then lifts its checks
    /// to make rows to refer to (the PostgreSQL suite probes it instead).
    insert_columns: Option<String>,
    /// Each storage policy: its name, command and roles, as pgTAP's policy functions take them.
    policies: Vec<PolicyTest>,
}

#[derive(Serialize)]
struct BucketTest {
    #[serde(flatten)]
    bucket: Bucket,
    /// A row whose path in this bucket lies outside its folder (`insert_columns`' values).
    outside_values: String,
}

#[derive(Serialize)]
struct PolicyTest {
    name: String,
    name_sql: String,
    command: &'static str,
    /// `anon, authenticated`
    roles: String,
    roles_sql: String,
}

/// An update of the first field to its second sample, and back.
#[derive(Serialize)]
struct Update {
    set: String,
    matches: String,
    revert: String,
    /// Sets the first field to itself: an update that changes nothing (but fires triggers).
    keep: String,
}

impl TestData {
    pub fn new(spec: &ResourceSpec, policies: &[Policy], files: &Files) -> TestData {
        let folder = match spec.access {
            Access::Owner | Access::PublicRead => IDS.owner,
            Access::Workspace { .. } => IDS.workspace,
            // A tenant root's files live in its own folder: the test's row.
            Access::TenantRoot => IDS.row,
        };
        let samples: Vec<(String, String)> = spec
            .fields
            .iter()
            .map(|f| sample_values(f, folder))
            .collect();
        let moved_folder = match spec.access {
            Access::Owner | Access::PublicRead => IDS.other,
            Access::Workspace { .. } => IDS.second_workspace,
            Access::TenantRoot => IDS.row,
        };
        let moved_values = spec
            .fields
            .iter()
            .map(|f| sample_values(f, moved_folder).0)
            .collect::<Vec<_>>()
            .join(", ");
        // A row's values with each file field naming an object of that row's own: the folder,
        // then the row's id as the object's name.
        let own_files = |values: &[String], row: &str, folder: &str| -> String {
            spec.fields
                .iter()
                .zip(values)
                .map(|(field, value)| {
                    if field.ty == FieldType::File {
                        sql_string(&format!("{folder}/{row}"))
                    } else {
                        value.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let firsts: Vec<String> = samples.iter().map(|(a, _)| a.clone()).collect();
        let others: Vec<String> = spec
            .fields
            .iter()
            .zip(&samples)
            .map(|(field, (_, b))| {
                let itself = field.ref_table() == Some(spec.table());
                if itself && field.optional {
                    "null".to_string()
                } else {
                    b.clone()
                }
            })
            .collect();
        let owner_folder = |row: &'static str| match spec.access {
            Access::Owner | Access::PublicRead => IDS.owner,
            Access::Workspace { .. } => IDS.workspace,
            // A tenant root's files live in its own folder.
            Access::TenantRoot => row,
        };
        let others_folder = match spec.access {
            Access::Owner | Access::PublicRead => IDS.other,
            Access::Workspace { .. } => IDS.other_workspace,
            Access::TenantRoot => IDS.others_row,
        };
        let row_values = RowValues {
            logged: own_files(&firsts, IDS.logged_row, owner_folder(IDS.logged_row)),
            refused: own_files(&firsts, IDS.refused_row, owner_folder(IDS.refused_row)),
            server: own_files(&firsts, IDS.server_row, owner_folder(IDS.server_row)),
            others: own_files(&others, IDS.others_row, others_folder),
        };
        let first = ident::quote(&spec.fields[0].column());
        let (before, after) = &samples[0];
        let mut parents: Vec<String> = Vec::new();
        for table in spec.fields.iter().filter_map(|f| f.ref_table()) {
            let table = format!("public.{}", ident::quote(table));
            if !parents.contains(&table) {
                parents.push(table);
            }
        }
        TestData {
            ids: IDS,
            columns: spec
                .fields
                .iter()
                .map(|f| ident::quote(&f.column()))
                .collect::<Vec<_>>()
                .join(", "),
            values: samples
                .iter()
                .map(|(a, _)| a.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            other_values: others.join(", "),
            all_columns: {
                let mut names: Vec<String> = ["id", spec.owner_column()]
                    .into_iter()
                    .map(str::to_string)
                    .chain(spec.fields.iter().map(|f| f.column()))
                    .chain(["created_at".to_string(), "updated_at".to_string()])
                    .collect();
                // By name in bytes, as the log lists them (`order by ... collate "C"`).
                names.sort();
                let names: Vec<String> = names.iter().map(|c| render::sql_string(c)).collect();
                format!("array[{}]::text[]", names.join(", "))
            },
            first_column: render::sql_string(&spec.fields[0].column()),
            first_sensitive: spec.fields[0].sensitive,
            standalone_values: spec
                .fields
                .iter()
                .zip(&samples)
                .map(|(field, (a, _))| {
                    let itself = field.ref_table() == Some(spec.table());
                    if itself && field.optional {
                        "null"
                    } else {
                        a.as_str()
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            moved_values,
            row_values,
            update: Update {
                set: format!("{first} = {after}"),
                matches: format!("{first} = {after}"),
                revert: format!("{first} = {before}"),
                keep: format!("{first} = {first}"),
            },
            files: file_tests(spec, files, folder, &samples),
            parents,
            policy_names: policy::names_sql(policies),
        }
    }
}

/// The file part of the test: the access mode's writer, reader and outsider.
fn file_tests(
    spec: &ResourceSpec,
    files: &Files,
    folder: &'static str,
    samples: &[(String, String)],
) -> Option<FileTests> {
    if files.buckets.is_empty() {
        return None;
    }
    let (reader, reader_writes, outsider_folder) = match spec.access {
        Access::Owner | Access::PublicRead => (None, false, IDS.other),
        Access::Workspace { write_role } => (
            Some(IDS.member),
            write_role == Role::Member,
            IDS.other_workspace,
        ),
        // Members read a tenant root's files; admins and owners write them.
        Access::TenantRoot => (Some(IDS.member), false, IDS.other_workspace),
    };
    // A new row (the tenant root: a new workspace) in the writer's name, whose path names another
    // folder; every other value is the sample's.
    let (columns, head) = match spec.access {
        Access::Owner | Access::PublicRead | Access::TenantRoot => {
            ("id".to_string(), vec![sql_string(IDS.stray_object)])
        }
        Access::Workspace { .. } => (
            "id, workspace_id".to_string(),
            vec![sql_string(IDS.stray_object), sql_string(IDS.workspace)],
        ),
    };
    let outside = sql_string(&format!("{outsider_folder}/{}", IDS.stray_object));
    let buckets = files
        .buckets
        .iter()
        .map(|bucket| {
            let values: Vec<String> = spec
                .fields
                .iter()
                .zip(samples)
                .map(|(field, (sample, _))| {
                    let itself = field.ref_table() == Some(spec.table()) && field.optional;
                    if field.column() == bucket.column {
                        outside.clone()
                    } else if itself {
                        "null".to_string()
                    } else {
                        sample.clone()
                    }
                })
                .collect();
            BucketTest {
                bucket: bucket.clone(),
                outside_values: [head.clone(), values].concat().join(", "),
            }
        })
        .collect();
    let field_columns: Vec<String> = spec
        .fields
        .iter()
        .map(|f| ident::quote(&f.column()))
        .collect();
    Some(FileTests {
        buckets,
        folder,
        writer: IDS.owner,
        reader,
        reader_writes,
        outsider: IDS.other,
        outsider_folder,
        public: spec.access.public(),
        insert_columns: (!spec
            .fields
            .iter()
            .any(|f| f.ref_table() == Some(spec.table())))
        .then(|| format!("{columns}, {}", field_columns.join(", "))),
        policies: files
            .policies
            .iter()
            .map(|p| PolicyTest {
                name: p.name.clone(),
                name_sql: sql_string(&p.name),
                command: p.command.keyword(),
                roles: ApiRole::list(&p.roles),
                roles_sql: format!(
                    "array[{}]::name[]",
                    p.roles
                        .iter()
                        .map(|r| sql_string(r.sql()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect(),
    })
}
