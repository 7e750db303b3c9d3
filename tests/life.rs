//! The life of a real project (issue 13), on a real PostgreSQL with the real Supabase CLI:
//! commands typed in the same second, a spec file of many related resources applied in one run,
//! `scaffold destroy` of a migration that may have run, and the declarative schema files proven
//! equivalent to the migration chain.
//!
//! One cluster (tests/support/pg.rs) serves the file; each test has its own databases.

mod common;
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use support::pg::{Cluster, Database};

fn run(dir: &Path, args: &[&str]) -> Output {
    common::scaffold(dir, args)
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "scaffold failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `supabase/<folder>/*.sql` (or `.down.sql`), sorted by name.
fn sql_files(dir: &Path, folder: &str, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join("supabase").join(folder))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.to_string_lossy().ends_with(suffix));
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    name.trim_end_matches(".down.sql")
        .trim_end_matches(".sql")
        .to_string()
}

fn version(path: &Path) -> String {
    stem(path).split('_').next().unwrap().to_string()
}

fn apply(db: &Database<'_>, files: &[PathBuf]) {
    for file in files {
        db.psql_file(file)
            .unwrap_or_else(|e| panic!("{}:\n{e}", file.display()));
    }
}

/// The schema dump and the Storage buckets (rows, which a schema dump leaves out).
fn state(db: &Database<'_>) -> String {
    let buckets = db
        .psql("select id, public, file_size_limit, allowed_mime_types from storage.buckets order by id")
        .unwrap_or_else(|e| panic!("reading storage.buckets: {e}"));
    format!("{}-- storage.buckets\n{buckets}\n", db.schema_dump())
}

fn diff(a: &str, b: &str) -> String {
    similar::TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(2)
        .to_string()
}

/// The declarative schema files, applied in name order to an empty database, give the same
/// catalog as the migrations applied in version order.
fn assert_declarative_equals_chain(cluster: &Cluster, dir: &Path, name: &str) {
    let chain = cluster.create_database(&format!("{name}_chain"));
    apply(&chain, &sql_files(dir, "migrations", ".sql"));
    let declared = cluster.create_database(&format!("{name}_declared"));
    let schemas = sql_files(dir, "schemas", ".sql");
    assert!(!schemas.is_empty(), "{name}: no declarative schema files");
    apply(&declared, &schemas);
    let (a, b) = (state(&chain), state(&declared));
    assert!(
        a == b,
        "{name}: the declarative schema differs from the migration chain (- chain, + declared):\n{}",
        diff(&a, &b)
    );
}

/// The issue's sequence, typed back to back: every version is later than the one before, in the
/// order typed, and the real Supabase CLI applies the chain. Four more commands at once, in one
/// project, still get four versions (the project lock).
#[test]
fn commands_in_the_same_second_apply_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let commands: &[&[&str]] = &[
        &["resource", "workspace", "name:text", "--tenant", "--yes"],
        &[
            "resource",
            "project",
            "name:text",
            "--access",
            "workspace",
            "--yes",
        ],
        &[
            "resource",
            "invoice",
            "amount:numeric:min=0",
            "project:ref",
            "--access",
            "workspace",
            "--yes",
        ],
        &[
            "resource",
            "article",
            "title:text",
            "--access",
            "public-read",
            "--yes",
        ],
        &["resource", "note", "title:text", "--yes"],
    ];
    for args in commands {
        ok(run(dir.path(), args));
    }
    let migrations = sql_files(dir.path(), "migrations", ".sql");
    let tables: Vec<String> = migrations
        .iter()
        .map(|m| stem(m).split_once("_create_").unwrap().1.to_string())
        .collect();
    assert_eq!(
        tables,
        ["workspaces", "projects", "invoices", "articles", "notes"],
        "sorted by version, the migrations are in the order typed"
    );

    // Concurrent runs wait for each other: distinct versions, every file written once.
    let spawned: Vec<_> = ["epsilon", "zeta", "eta", "theta"]
        .iter()
        .map(|name| {
            std::process::Command::new(common::binary())
                .arg("--dir")
                .arg(dir.path())
                .args(["resource", name, "title:text", "--yes"])
                .env("SCAFFOLD_NO_SESSION", "1")
                .env_remove("SCAFFOLD_TIMESTAMP")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("scaffold starts")
        })
        .collect();
    for child in spawned {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let migrations = sql_files(dir.path(), "migrations", ".sql");
    let mut versions: Vec<String> = migrations.iter().map(|m| version(m)).collect();
    assert_eq!(versions.len(), 9);
    versions.dedup();
    assert_eq!(versions.len(), 9, "every migration has its own version");
    let manifest = fs::read_to_string(dir.path().join(".scaffold/manifest.json")).unwrap();
    for table in ["epsilons", "zetas", "etas", "thetas"] {
        assert!(
            manifest.contains(&format!("\"resource:{table}\"")),
            "the manifest records {table}"
        );
    }

    let cluster = Cluster::shared();
    let db = cluster.create_database("same_second");
    db.supabase_migration_up(dir.path())
        .unwrap_or_else(|e| panic!("supabase migration up:\n{e}"));
    let recorded = db
        .psql("select version from supabase_migrations.schema_migrations order by version")
        .unwrap();
    let expected: Vec<String> = migrations.iter().map(|m| version(m)).collect();
    assert_eq!(recorded.lines().collect::<Vec<_>>(), expected);
    assert_declarative_equals_chain(&cluster, dir.path(), "same_second");
}

/// A spec file of related resources across every access mode, declared out of order, applied
/// in one run: the chain applies through the Supabase CLI, every pgTAP test passes, the rollbacks
/// in reverse order restore the empty schema exactly, applying again changes nothing, and the
/// declarative schema equals the chain.
#[test]
fn a_spec_of_related_resources_applies_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("app.toml");
    fs::write(
        &spec,
        r#"# Declared out of order on purpose: apply orders the migrations.
[[resource]]
name = "comment"
fields = ["body:text:max=2000", "task:ref", "author_email:email:optional"]
access = "workspace"

[[resource]]
name = "task"
fields = ["title:text:max=200", "project:ref", "done:bool:default=false", "due_on:date:optional", "attachment:file:optional:max=10mb:accept=application/pdf"]
access = "workspace"

[[resource]]
name = "invoice"
fields = ["amount:numeric:min=0", "status:enum=draft,sent,paid:default=draft", "project:ref:optional:on-delete=set-null"]
access = "workspace"
write_role = "admin"

[[resource]]
name = "project"
fields = ["name:text:max=120", "slug:text:unique"]
access = "workspace"
write_role = "owner"

[[resource]]
name = "workspace"
fields = ["name:text:max=80", "slug:text:unique=global"]
tenant = true

[[resource]]
name = "category"
fields = ["label:text:unique"]
access = "public-read"
plural = "categories"

[[resource]]
name = "article"
fields = ["title:text:min=3:max=120", "category:ref=categories:on-delete=cascade", "link:url:optional", "cover:file:optional:max=5mb:accept=image/*"]
access = "public-read"

[[resource]]
name = "bookmark"
fields = ["article:ref", "note:text:optional"]
actions = ["create", "delete", "list"]

[[resource]]
name = "reading"
fields = ["value:int:min=0:max=1000", "taken_at:timestamptz:default=now"]
"#,
    )
    .unwrap();
    let spec_arg = spec.to_string_lossy().into_owned();
    ok(run(
        dir.path(),
        &["apply", &spec_arg, "--timestamp", "20250101000000"],
    ));
    let migrations = sql_files(dir.path(), "migrations", ".sql");
    assert_eq!(migrations.len(), 9);
    let order: Vec<String> = migrations
        .iter()
        .map(|m| stem(m).split_once("_create_").unwrap().1.to_string())
        .collect();
    let position = |table: &str| order.iter().position(|t| t == table).unwrap();
    for (table, after) in [
        ("comments", "tasks"),
        ("tasks", "projects"),
        ("invoices", "projects"),
        ("projects", "workspaces"),
        ("articles", "categories"),
        ("bookmarks", "articles"),
    ] {
        assert!(
            position(table) > position(after),
            "{table} comes after {after}: {order:?}"
        );
    }
    assert_eq!(version(&migrations[0]), "20250101000000");

    // Again: nothing to do.
    let before = common::files(dir.path());
    let again = ok(run(dir.path(), &["apply", &spec_arg]));
    assert!(
        again
            .lines()
            .all(|l| l.trim_start().starts_with("identical")),
        "applying again: {again}"
    );
    assert_eq!(common::files(dir.path()), before);

    let cluster = Cluster::shared();
    let db = cluster.create_database("spec_up");
    db.supabase_migration_up(dir.path())
        .unwrap_or_else(|e| panic!("supabase migration up:\n{e}"));
    let tap = cluster.create_database("spec_pgtap");
    apply(&tap, &migrations);
    let output = tap
        .pg_prove(&dir.path().join("supabase/tests/database"))
        .unwrap_or_else(|e| panic!("pg_prove:\n{e}"));
    assert!(output.contains("Result: PASS"), "{output}");
    // Nine resources; the tenant root has a second file, its invitations'.
    assert!(output.contains("Files=10"), "{output}");

    let down = cluster.create_database("spec_down");
    let empty = state(&down);
    apply(&down, &migrations);
    let migrated = state(&down);
    let mut rollbacks = sql_files(dir.path(), "rollbacks", ".down.sql");
    rollbacks.reverse();
    apply(&down, &rollbacks);
    let after = state(&down);
    assert!(
        after == empty,
        "the rollbacks in reverse order leave (- empty, + after):\n{}",
        diff(&empty, &after)
    );
    apply(&down, &migrations);
    assert!(state(&down) == migrated, "up, down, up");

    assert_declarative_equals_chain(&cluster, dir.path(), "spec");
}

/// `scaffold destroy` of a resource whose migration may have run (committed in git): the
/// migration stays and a new one drops the table; the chain applies through the Supabase CLI and
/// leaves the schema as if it had never been generated; the drop's rollback creates it again,
/// exactly; the declarative schema follows.
#[test]
fn destroying_an_applied_resource_drops_it_in_a_new_migration() {
    let dir = tempfile::tempdir().unwrap();
    ok(run(
        dir.path(),
        &[
            "resource",
            "workspace",
            "name:text",
            "--tenant",
            "--timestamp",
            "20250101000000",
            "--yes",
        ],
    ));
    ok(run(
        dir.path(),
        &[
            "resource",
            "board",
            "title:text",
            "cover:file:optional:max=1mb:accept=image/png",
            "--access",
            "workspace",
            "--timestamp",
            "20250101000001",
            "--yes",
        ],
    ));
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "generated"]);

    let cluster = Cluster::shared();
    let before = cluster.create_database("destroy_before");
    apply(&before, &sql_files(dir.path(), "migrations", ".sql")[..1]);
    let without_boards = state(&before);
    apply(&before, &sql_files(dir.path(), "migrations", ".sql")[1..]);
    let with_boards = state(&before);

    let stdout = ok(run(
        dir.path(),
        &[
            "destroy",
            "resource",
            "board",
            "--timestamp",
            "20250101000002",
        ],
    ));
    assert!(
        stdout.contains("create  supabase/migrations/20250101000002_drop_boards.sql"),
        "{stdout}"
    );
    for kept in [
        "supabase/migrations/20250101000001_create_boards.sql",
        "supabase/rollbacks/20250101000001_create_boards.down.sql",
    ] {
        assert!(
            dir.path().join(kept).exists(),
            "{kept} is history and stays"
        );
    }
    for gone in [
        "app/actions/boards.ts",
        "lib/validations/board.ts",
        "supabase/tests/database/boards.test.sql",
        "supabase/schemas/001_boards.sql",
    ] {
        assert!(!dir.path().join(gone).exists(), "{gone} is removed");
    }

    let db = cluster.create_database("destroy_up");
    db.supabase_migration_up(dir.path())
        .unwrap_or_else(|e| panic!("supabase migration up:\n{e}"));
    let chain = cluster.create_database("destroy_dropped");
    apply(&chain, &sql_files(dir.path(), "migrations", ".sql"));
    let dropped = state(&chain);
    assert!(
        dropped == without_boards,
        "after the drop migration (- never generated, + dropped):\n{}",
        diff(&without_boards, &dropped)
    );
    apply(
        &chain,
        &[dir
            .path()
            .join("supabase/rollbacks/20250101000002_drop_boards.down.sql")],
    );
    let recreated = state(&chain);
    assert!(
        recreated == with_boards,
        "the drop's rollback creates the table again (- created, + recreated):\n{}",
        diff(&with_boards, &recreated)
    );
    assert_declarative_equals_chain(&cluster, dir.path(), "destroy");

    // Generated again later: a new create migration, after the drop.
    ok(run(
        dir.path(),
        &[
            "resource",
            "board",
            "title:text",
            "cover:file:optional:max=1mb:accept=image/png",
            "--access",
            "workspace",
            "--yes",
        ],
    ));
    let again = cluster.create_database("destroy_again");
    again
        .supabase_migration_up(dir.path())
        .unwrap_or_else(|e| panic!("supabase migration up after generating again:\n{e}"));
    // (The CLI's own supabase_migrations schema aside: the chain applied with psql.)
    let replayed = cluster.create_database("destroy_replayed");
    apply(&replayed, &sql_files(dir.path(), "migrations", ".sql"));
    assert!(
        state(&replayed) == with_boards,
        "create, drop, create again gives the table as first created"
    );
}
