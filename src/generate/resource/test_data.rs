//! What the resource's pgTAP test inserts and changes: sample values for every column, the
//! referenced tables it needs visible rows in, and the policies it expects.

use serde::Serialize;

use crate::generate::pgtap::{sample_values, TestIds, IDS};
use crate::render;
use crate::schema::policy;
use crate::schema::Policy;
use crate::spec::{ident, ResourceSpec};

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
    update: Update,
    /// Tables the resource refers to, each needing rows the owner can see.
    parents: Vec<String>,
    policy_names: String,
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
    pub fn new(spec: &ResourceSpec, policies: &[Policy]) -> TestData {
        let samples: Vec<(String, String)> = spec.fields.iter().map(sample_values).collect();
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
            other_values: spec
                .fields
                .iter()
                .zip(&samples)
                .map(|(field, (_, b))| {
                    let itself = field.ref_table() == Some(spec.table());
                    if itself && field.optional {
                        "null"
                    } else {
                        b.as_str()
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
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
            update: Update {
                set: format!("{first} = {after}"),
                matches: format!("{first} = {after}"),
                revert: format!("{first} = {before}"),
                keep: format!("{first} = {first}"),
            },
            parents,
            policy_names: policy::names_sql(policies),
        }
    }
}
