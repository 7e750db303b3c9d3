//! What the resource's pgTAP test inserts and changes: sample values for every column, the
//! referenced tables it needs visible rows in, and the policies it expects.

use serde::Serialize;

use crate::generate::pgtap::{sample_values, TestIds, IDS};
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
            },
            parents,
            policy_names: policy::names_sql(policies),
        }
    }
}
