//! `scaffold webhook stripe`: its output pinned for the default and a custom event list, its
//! command line, its SQL on a real PostgreSQL 15 (pgTAP, lints, exact rollback, the Supabase
//! CLI) and its TypeScript in a copy of the fixture Next.js project (`next typegen`, `tsc`,
//! Prettier, and the Vitest files of tests/ts/ against the generated route and actions).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::pg::{Cluster, Version};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const TIMESTAMP: &str = "20250101000000";
const MIGRATION: &str = "supabase/migrations/20250101000000_create_stripe_billing.sql";
const ROLLBACK: &str = "supabase/rollbacks/20250101000000_create_stripe_billing.down.sql";
/// The Vitest files (in tests/ts/) that test the generated code for the default events.
const TS_TESTS: &[&str] = &["webhook-stripe.test.ts", "billing-actions.test.ts"];
/// Every event type `--events` accepts, so that each handler's event types are typechecked.
const EVERY_EVENT: &str = "checkout.session.completed,customer.subscription.created,customer.subscription.updated,customer.subscription.deleted,customer.subscription.paused,customer.subscription.resumed,customer.subscription.trial_will_end,invoice.paid,invoice.payment_failed,product.created,product.updated,product.deleted,price.created,price.updated,price.deleted";
const CUSTOM_EVENTS: &str = "checkout.session.completed,customer.subscription.updated,customer.subscription.deleted,invoice.payment_failed";

/// Runs `scaffold --dir DIR ARGS...` with colours off.
fn scaffold(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scaffold"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SCAFFOLD_TIMESTAMP")
        .env_remove("SCAFFOLD_NO_SESSION")
        .output()
        .expect("scaffold runs")
}

/// `scaffold webhook stripe [--events EVENTS]` into `dir`, which must succeed.
fn generate(dir: &Path, events: Option<&str>) {
    let mut args = vec!["webhook", "stripe", "--timestamp", TIMESTAMP, "--yes"];
    if let Some(events) = events {
        args.extend(["--events", events]);
    }
    let output = scaffold(dir, &args);
    assert!(
        output.status.success(),
        "scaffold {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file below `dir` (lock files and symbolic links aside), relative and sorted, with its
/// contents.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let entry = entry.expect("entry");
            let kind = entry.file_type().expect("file type");
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() && !name.ends_with(".lock") {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn output_for_the_default_and_a_custom_event_list() {
    let cases: &[(&str, Option<&str>)] = &[
        ("webhook_stripe_default", None),
        ("webhook_stripe_custom_events", Some(CUSTOM_EVENTS)),
    ];
    for (name, events) in cases {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), *events);
        let mut text = String::new();
        // The manifest only hashes these files: pinning it would pin nothing more.
        let written = files(dir.path());
        for (path, contents) in written.iter().filter(|(p, _)| !p.starts_with(".scaffold/")) {
            text.push_str(&format!("==> {path} <==\n{contents}\n"));
        }
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(*name, text);
        });
    }
}

#[test]
fn bad_events_exit_2_name_the_entry_and_write_nothing() {
    let cases: &[(&str, &str)] = &[
        ("invoice.created", "`invoice.created` is not a Stripe event"),
        (
            "product.created,prodcut.updated",
            "`prodcut.updated` is not a Stripe event",
        ),
        ("checkout.session.completed,,price.created", "empty entry"),
        ("", "empty entry"),
        ("*", "`*`"),
        // A control character is shown escaped, never printed; a trailing newline is refused,
        // not trimmed away.
        (
            "invoice.paid\u{7}",
            "`invoice.paid\\u{7}`: it contains the control character U+0007",
        ),
        (
            "invoice.paid\n",
            "`invoice.paid\\n`: it contains the control character U+000A",
        ),
    ];
    for (events, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = scaffold(dir.path(), &["webhook", "stripe", "--events", events]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{events:?}: {stderr}");
        assert!(
            stderr.contains(want),
            "{events:?}: {stderr:?} should say {want:?}"
        );
        assert!(
            stderr.contains("checkout.session.completed, customer.subscription.created"),
            "{events:?}: {stderr:?} should list the allowed events"
        );
        assert!(files(dir.path()).is_empty(), "{events:?} wrote files");
    }
}

#[test]
fn dry_runs_write_nothing() {
    let cases: &[(&[&str], &str)] = &[
        (&["--dry-run"], "dry run: nothing was written"),
        (&["--dry-run", "--json"], "\"dry_run\": true"),
    ];
    for (flags, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["webhook", "stripe", "--timestamp", TIMESTAMP];
        args.extend_from_slice(flags);
        let output = scaffold(dir.path(), &args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{flags:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains(want), "{flags:?}: {stdout}");
        assert!(
            stdout.contains("app/api/webhooks/stripe/route.ts"),
            "{flags:?}: {stdout}"
        );
        assert!(files(dir.path()).is_empty(), "{flags:?} wrote files");
    }
}

#[test]
fn reruns_keep_the_migration_and_only_add_missing_env_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env.example"),
        "# mine\nSTRIPE_SECRET_KEY=sk_test_123\n",
    )
    .unwrap();
    generate(dir.path(), None);
    let env = std::fs::read_to_string(dir.path().join(".env.example")).unwrap();
    assert!(
        env.starts_with("# mine\nSTRIPE_SECRET_KEY=sk_test_123\n"),
        "{env}"
    );
    assert_eq!(env.matches("STRIPE_SECRET_KEY=").count(), 1, "{env}");
    assert!(env.contains("\nSTRIPE_WEBHOOK_SECRET=\n"), "{env}");

    // Later runs, with another timestamp and another event list, find the same migration; the
    // route changes, nothing else does, and the user's files are left alone.
    let before = files(dir.path());
    let output = scaffold(
        dir.path(),
        &[
            "webhook",
            "stripe",
            "--events",
            "product.updated",
            "--timestamp",
            "20260101000000",
            "--force",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (action, path) in [
        ("overwrite", "app/api/webhooks/stripe/route.ts"),
        ("identical", MIGRATION),
        ("identical", "lib/stripe/sync.ts"),
        ("identical", ".env.example"),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == [action, path]),
            "{path} should be {action}:\n{stdout}"
        );
    }
    let after = files(dir.path());
    let changed: Vec<&str> = after
        .iter()
        .filter(|file| !before.contains(file))
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(
        changed,
        [
            ".claude/tasks/session-current.md",
            ".scaffold/manifest.json",
            "app/api/webhooks/stripe/route.ts"
        ]
    );
}

#[test]
fn src_projects_get_the_route_and_modules_under_src() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/app")).unwrap();
    generate(dir.path(), None);
    let paths: Vec<String> = files(dir.path()).into_iter().map(|(p, _)| p).collect();
    for want in [
        "src/app/api/webhooks/stripe/route.ts",
        "src/app/actions/billing.ts",
        "src/lib/stripe/server.ts",
        "src/lib/stripe/sync.ts",
        "src/lib/supabase/admin.ts",
        MIGRATION,
    ] {
        assert!(
            paths.iter().any(|p| p == want),
            "{want} missing from {paths:?}"
        );
    }
}

#[test]
fn the_sql_applies_passes_pgtap_and_lints_and_rolls_back_exactly_on_postgres_15() {
    the_sql_applies_passes_pgtap_and_lints_and_rolls_back_exactly(Version::V15);
}

#[test]
fn the_sql_applies_passes_pgtap_and_lints_and_rolls_back_exactly_on_postgres_17() {
    the_sql_applies_passes_pgtap_and_lints_and_rolls_back_exactly(Version::V17);
}

fn the_sql_applies_passes_pgtap_and_lints_and_rolls_back_exactly(version: Version) {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), None);
    let cluster = Cluster::shared_version(version);

    // Through the Supabase CLI, as a user applies it.
    let cli = cluster.create_database("stripe_cli");
    cli.supabase_migration_up(dir.path())
        .unwrap_or_else(|e| panic!("supabase migration up:\n{e}"));
    let findings = cli.lint();
    assert!(
        findings.is_empty(),
        "lint findings:\n{}",
        findings.join("\n")
    );
    // plpgsql_check, which `supabase db lint` needs, is built for 15 only.
    if version.has_plpgsql_check() {
        cli.supabase_db_lint()
            .unwrap_or_else(|e| panic!("supabase db lint:\n{e}"));
    }

    let db = cluster.create_database("stripe_billing");
    let before = db.schema_dump();
    db.psql_file(&dir.path().join(MIGRATION))
        .unwrap_or_else(|e| panic!("migration:\n{e}"));
    db.psql_file(&dir.path().join(ROLLBACK))
        .unwrap_or_else(|e| panic!("rollback:\n{e}"));
    assert_eq!(
        db.schema_dump(),
        before,
        "the rollback leaves the schema as it was"
    );
    db.psql_file(&dir.path().join(MIGRATION))
        .unwrap_or_else(|e| panic!("migration after rollback:\n{e}"));
    let proved = db
        .pg_prove(&dir.path().join("supabase/tests"))
        .unwrap_or_else(|e| panic!("pg_prove:\n{e}"));
    assert!(proved.contains("PASS"), "{proved}");
}

#[test]
fn the_typescript_typechecks_is_formatted_and_passes_its_tests() {
    let node = npm_fixture();
    let cluster = Cluster::shared();
    let cases: &[(&str, Option<&str>, bool)] = &[
        ("ts_default", None, true),
        ("ts_custom_events", Some(CUSTOM_EVENTS), false),
        ("ts_every_event", Some(EVERY_EVENT), false),
    ];
    for (name, events, run_tests) in cases {
        let app = fixture_copy();
        generate(app.path(), *events);

        // types/supabase.ts from the migrated schema, as `supabase gen types` makes it.
        let db = cluster.create_database(name);
        db.psql_file(&app.path().join(MIGRATION))
            .unwrap_or_else(|e| panic!("{name}: migration:\n{e}"));
        let types = run_node(
            &node,
            app.path(),
            &["node_modules/@supabase/postgres-meta/dist/server/server.js"],
            &[
                ("PG_META_GENERATE_TYPES", "typescript"),
                ("PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS", "public"),
                ("PG_META_DB_URL", &db.socket_url()),
            ],
        );
        std::fs::create_dir_all(app.path().join("types")).unwrap();
        std::fs::write(app.path().join("types/supabase.ts"), types).unwrap();
        assert!(
            std::fs::read_to_string(app.path().join("types/supabase.ts"))
                .unwrap()
                .contains("claim_stripe_webhook_event"),
            "{name}: postgres-meta printed no Database type"
        );

        if *run_tests {
            for test in TS_TESTS {
                std::fs::copy(
                    Path::new(REPO).join("tests/ts").join(test),
                    app.path().join("tests").join(test),
                )
                .unwrap();
            }
        }
        run_node(
            &node,
            app.path(),
            &["node_modules/.bin/next", "typegen"],
            &[],
        );
        run_node(
            &node,
            app.path(),
            &["node_modules/.bin/tsc", "--noEmit"],
            &[],
        );
        let generated: Vec<String> = files(app.path())
            .into_iter()
            .map(|(path, _)| path)
            .filter(|p| p.ends_with(".ts") && (p.starts_with("app/") || p.starts_with("lib/")))
            .collect();
        assert!(generated.len() >= 7, "{name}: {generated:?}");
        let mut prettier = vec!["node_modules/.bin/prettier", "--check"];
        prettier.extend(generated.iter().map(String::as_str));
        run_node(&node, app.path(), &prettier, &[]);
        if *run_tests {
            let mut vitest = vec!["node_modules/.bin/vitest", "run"];
            let paths: Vec<String> = TS_TESTS.iter().map(|t| format!("tests/{t}")).collect();
            vitest.extend(paths.iter().map(String::as_str));
            run_node(&node, app.path(), &vitest, &[]);
        }
    }
}

/// Installs the fixture's npm packages when missing (scripts/npm-fixture.sh); the Node 22 binary.
fn npm_fixture() -> PathBuf {
    let output = Command::new(Path::new(REPO).join("scripts/npm-fixture.sh"))
        .output()
        .expect("scripts/npm-fixture.sh runs");
    assert!(
        output.status.success(),
        "scripts/npm-fixture.sh failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

/// A copy of fixtures/next-app in a temporary folder, sharing its node_modules.
fn fixture_copy() -> tempfile::TempDir {
    let fixture = Path::new(REPO).join("fixtures/next-app");
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "app/layout.tsx",
        "app/page.tsx",
        "next-env.d.ts",
        "package.json",
        "tsconfig.json",
        "vitest.config.ts",
        "tests/setup.ts",
        "tests/next-mocks.ts",
    ] {
        let target = dir.path().join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture.join(name), &target)
            .unwrap_or_else(|e| panic!("copying {name}: {e}"));
    }
    std::os::unix::fs::symlink(
        fixture.join("node_modules"),
        dir.path().join("node_modules"),
    )
    .unwrap();
    dir
}

/// Runs a script of the fixture with Node 22 first on PATH; panics with its output on failure.
fn run_node(node: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let path = format!(
        "{}:{}",
        node.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new(node)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("NEXT_TELEMETRY_DISABLED", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{} failed in {}:\n{stdout}\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
