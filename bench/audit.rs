//! The audit log benchmark (issue 16): what `--audit` costs a write, next to the same table
//! without it.
//!
//! Run: `cargo bench --bench audit` (after `scripts/system-deps.sh`; about two minutes on 2
//! cores). Prints a Markdown report and puts it in bench/RESULTS.md in place of its previous
//! section.
//!
//! Two tables of the same shape, `scaffold resource note title:text body:text:optional` and
//! `scaffold resource entry title:text body:text:optional --audit`, written by 100 users:
//!   - single-row actions as PostgREST runs them (a transaction setting the role and the JWT
//!     claims, then one insert, update or delete), by pgbench with one client, prepared
//!     statements, 1,000 transactions per run; the median of seven runs of each, interleaved;
//!   - 10,000-row batches (one insert ... select, one update and one delete of 10,000 rows) as
//!     one signed-in user, the median `explain analyze` execution time (which includes the
//!     statement triggers that write the log) of five runs, each rolled back.
//!
//! Target: single-row writes of the audited table within 2x of the unaudited one.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "pgbench.rs"]
mod pgbench;
#[path = "results.rs"]
mod results;
#[path = "setup.rs"]
mod setup;
#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::time::Instant;

use pgbench::{median, ms, request, user_id, USER_PREFIX};
use setup::{generate_and_apply, sql, today};
use support::pg::{Cluster, Database};

const HEADING: &str = "# Audit log benchmark";
const USERS: u32 = 100;
/// The user whose rows the batches write.
const BATCH_USER: u32 = USERS + 1;
const BATCH: u32 = 10_000;
const TRANSACTIONS: &str = "1000";
const ROUNDS: usize = 7;
const BATCH_RUNS: usize = 5;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("the audit benchmark runs with `cargo bench --bench audit`");
        return;
    }
    let started = Instant::now();
    let cluster = Cluster::start();
    let db = cluster.create_database("audit_bench");
    let project = tempfile::tempdir().expect("temp dir");
    for (index, args) in [
        &["note", "title:text", "body:text:optional"][..],
        &["entry", "title:text", "body:text:optional", "--audit"][..],
    ]
    .into_iter()
    .enumerate()
    {
        generate_and_apply(&db, project.path(), index, args);
    }
    sql(
        &db,
        &format!(
            "insert into auth.users (id, email)
             select ('{USER_PREFIX}' || lpad(n::text, 12, '0'))::uuid, 'user' || n || '@example.com'
             from generate_series(1, {BATCH_USER}) n;"
        ),
    );
    let tables = [("unaudited", "public.notes"), ("audited", "public.entries")];
    for (_, table) in tables {
        // One row per user to update, and the batch user's rows.
        sql(
            &db,
            &format!(
                "insert into {table} (id, user_id, title, body)
                 select ('00000000-0000-4000-9000-' || lpad(n::text, 12, '0'))::uuid,
                        ('{USER_PREFIX}' || lpad(n::text, 12, '0'))::uuid, 'title', 'body'
                 from generate_series(1, {USERS}) n;
                 insert into {table} (user_id, title, body)
                 select '{}', 'batch ' || g, 'body' from generate_series(1, {BATCH}) g;",
                user_id(BATCH_USER)
            ),
        );
    }
    sql(&db, "vacuum analyze;");
    for (_, table) in tables {
        let rows = db
            .as_user(
                Some(&user_id(BATCH_USER)),
                &format!("select count(*) from {table}"),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows, BATCH.to_string(), "the batch user's rows in {table}");
    }

    let uid = format!("\\set uid random(1, {USERS})");
    let logs = tempfile::tempdir().expect("temp dir");
    let mut single = Vec::new();
    for (action, statement) in [
        (
            "insert",
            "insert into {t} (title, body) values ('a new title', 'a body of a few words')",
        ),
        (
            "update",
            "update {t} set title = 'title ' || random() where id = ('00000000-0000-4000-9000-' || lpad(:uid::text, 12, '0'))::uuid",
        ),
        (
            "delete",
            "delete from {t} where id = (select id from {t} where user_id = (select auth.uid()) and title = 'to delete' limit 1)",
        ),
    ] {
        let mut latencies = [Vec::new(), Vec::new()];
        let mut rates = [Vec::new(), Vec::new()];
        for round in 0..ROUNDS {
            // Alternate which table goes first, so a load that changes over a round weighs on
            // both alike.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let table = tables[i].1;
                if action == "delete" {
                    // Rows to delete: more per user than one run can draw for any of them.
                    sql(
                        &db,
                        &format!(
                            "insert into {table} (user_id, title, body)
                             select ('{USER_PREFIX}' || lpad(n::text, 12, '0'))::uuid, 'to delete', 'body'
                             from generate_series(1, {USERS}) n, generate_series(1, 60) k;
                             vacuum analyze {table};"
                        ),
                    );
                }
                let run = pgbench::run(
                    &db,
                    logs.path(),
                    &format!("{action}_{i}_{round}"),
                    &request(&statement.replace("{t}", table), &uid),
                    &["-c", "1", "-t", TRANSACTIONS],
                );
                eprintln!(
                    "  {action} {table}: {} ({:.0}/s)",
                    ms(run.latency_average),
                    run.tps
                );
                latencies[i].push(run.latency_average);
                rates[i].push(run.tps);
            }
        }
        single.push((
            action,
            latencies.map(median),
            rates.map(median),
        ));
    }

    let mut batches = Vec::new();
    for (action, statement) in [
        (
            "insert",
            format!("insert into {{t}} (title, body) select 'new ' || g, 'body' from generate_series(1, {BATCH}) g"),
        ),
        ("update", "update {t} set title = title || '!'".to_string()),
        ("delete", "delete from {t}".to_string()),
    ] {
        let mut times = [0.0, 0.0];
        for (i, (_, table)) in tables.iter().enumerate() {
            let statement = statement.replace("{t}", table);
            let runs: Vec<f64> = (0..BATCH_RUNS)
                .map(|_| batch_time(&db, &statement))
                .collect();
            times[i] = median(runs);
            eprintln!("  {BATCH}-row {action} {table}: {}", ms(times[i]));
        }
        batches.push((action, times));
    }
    let log_rows = sql(&db, "select count(*) from public.entries_audit");

    let mut report = String::new();
    let _ = writeln!(
        report,
        "{HEADING}\n\nGenerated by `cargo bench --bench audit` ({}; PostgreSQL {}, {} CPUs, fsync off). \
         `scaffold resource note title:text body:text:optional` (unaudited) against \
         `scaffold resource entry title:text body:text:optional --audit` (audited), {USERS} users.\n",
        today(),
        sql(&db, "show server_version"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = writeln!(
        report,
        "Single-row actions as PostgREST runs them (a transaction setting the role and the claims, then the \
         statement), pgbench with 1 client and prepared statements, {TRANSACTIONS} transactions a run, \
         median of {ROUNDS} runs:\n\n\
         | action | unaudited | audited | audited / unaudited |\n|---|---:|---:|---:|"
    );
    let mut met = true;
    for (action, [plain, audited], [plain_tps, audited_tps]) in &single {
        let ratio = audited / plain;
        met &= ratio <= 2.0;
        let _ = writeln!(
            report,
            "| {action} | {} ({plain_tps:.0}/s) | {} ({audited_tps:.0}/s) | {ratio:.2}x |",
            ms(*plain),
            ms(*audited)
        );
    }
    let _ = writeln!(
        report,
        "\n{BATCH}-row batches in one statement as one signed-in user, `explain analyze` execution time \
         (the log's statement triggers included), median of {BATCH_RUNS} runs, each rolled back:\n\n\
         | statement | unaudited | audited | audited / unaudited |\n|---|---:|---:|---:|"
    );
    for (action, [plain, audited]) in &batches {
        let _ = writeln!(
            report,
            "| {action} | {} | {} | {:.2}x |",
            ms(*plain),
            ms(*audited),
            audited / plain
        );
    }
    let _ = writeln!(
        report,
        "\nThe log held {log_rows} entries at the end. Target: single-row writes within 2x: **{}**.\n\n\
         Total benchmark time: {:.0} s.",
        if met { "met" } else { "NOT met" },
        started.elapsed().as_secs_f64()
    );
    println!("{report}");
    results::write_section(HEADING, &report);
    drop(project);
}

/// The execution time of `statement`, as the batch user, rolled back.
fn batch_time(db: &Database<'_>, statement: &str) -> f64 {
    let script = format!(
        "begin;\n\\o /dev/null\nselect set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{{\"sub\":\"{}\",\"role\":\"authenticated\"}}', true);\n\\o\nexplain (analyze, timing off, format json) {statement};\nrollback;",
        user_id(BATCH_USER)
    );
    let out = sql(db, &script);
    out.split("\"Execution Time\":")
        .nth(1)
        .and_then(|rest| {
            rest.trim_start()
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .next()
                .and_then(|n| n.parse().ok())
        })
        .expect("an execution time")
}
