//! What each database benchmark does first: generate resources with scaffold, apply their
//! migrations, and run SQL that must succeed.

#![allow(dead_code)]

use std::path::Path;

use crate::common;
use crate::support::pg::Database;

/// Runs `sql` on `db` and returns its output; panics with PostgreSQL's error.
pub fn sql(db: &Database<'_>, sql: &str) -> String {
    db.psql(sql).unwrap_or_else(|e| panic!("{e}"))
}

/// Generates `args` (the resource's name first) into `project` as case `index`, and applies
/// the migration it wrote: the project's newest.
pub fn generate_and_apply(db: &Database<'_>, project: &Path, index: usize, args: &[&str]) {
    common::generate_case(project, index, args[0], args);
    let mut migrations: Vec<_> = std::fs::read_dir(project.join("supabase/migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    migrations.sort();
    let migration = migrations.last().expect("a migration");
    db.psql_file(migration)
        .unwrap_or_else(|e| panic!("applying {}: {e}", migration.display()));
}

/// Today's date, UTC (`2026-11-30`), for the reports.
pub fn today() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
