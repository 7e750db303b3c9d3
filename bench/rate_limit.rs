//! The rate limiter benchmark (issue 16): what one call of the limiter costs with 100 users
//! calling at once, and what a write limit adds to a single-row write.
//!
//! Run: `cargo bench --bench rate_limit` (after `scripts/system-deps.sh`; about a minute and a
//! half on 2 cores). Prints a Markdown report and puts it in bench/RESULTS.md in place of its
//! previous section.
//!
//! `scaffold resource note title:text --rate-limit create=1000000/hour,list=1000000/hour` (limits
//! no call here will reach: the cost measured is that of counting an allowed call, the common
//! case), next to `scaffold resource memo title:text` without limits.
//!   - The limiter alone: 100 pgbench clients, each a user of their own, call
//!     `public.check_rate_limit('notes.list')` as PostgREST runs `/rpc/check_rate_limit` (a
//!     transaction setting the role and the claims, then the call), at a steady 1,000 calls a
//!     second (10 a second per user) for 20 seconds; then the same requests with `select 1` in
//!     place of the call. The p50 and p99 of the requests' latency, from pgbench's log, and
//!     their difference: what the limiter adds. Then both again with no rate cap, for the
//!     throughput the machine reaches.
//!   - A write limit: single-row inserts into `notes` (counted against `create`) and into
//!     `memos`, one client, 2,000 transactions, median of three runs.
//!
//! Target: the limiter's p99 under 2 ms at 100 concurrent users.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "pgbench.rs"]
mod pgbench;
#[path = "results.rs"]
mod results;
#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::time::Instant;

use pgbench::{median, ms, request, Run, USER_PREFIX};
use support::pg::{Cluster, Database};

const HEADING: &str = "# Rate limit benchmark";
const USERS: u32 = 100;
const RATE: &str = "1000";
const SECONDS: &str = "20";

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("the rate limit benchmark runs with `cargo bench --bench rate_limit`");
        return;
    }
    let started = Instant::now();
    let cluster = Cluster::start();
    let db = cluster.create_database("rate_limit_bench");
    let project = tempfile::tempdir().expect("temp dir");
    for (index, args) in [
        &[
            "note",
            "title:text",
            "--rate-limit",
            "create=1000000/hour,list=1000000/hour",
        ][..],
        &["memo", "title:text"][..],
    ]
    .into_iter()
    .enumerate()
    {
        common::generate_case(project.path(), index, args[0], args);
    }
    let mut migrations: Vec<_> = std::fs::read_dir(project.path().join("supabase/migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    migrations.sort();
    for migration in &migrations {
        db.psql_file(migration)
            .unwrap_or_else(|e| panic!("applying {}: {e}", migration.display()));
    }
    sql(
        &db,
        &format!(
            "insert into auth.users (id, email)
             select ('{USER_PREFIX}' || lpad(n::text, 12, '0'))::uuid, 'user' || n || '@example.com'
             from generate_series(1, {USERS}) n;"
        ),
    );
    let logs = tempfile::tempdir().expect("temp dir");
    // Each pgbench client is a user of its own (clients count from 0).
    let per_client = "\\set uid :client_id + 1";
    let call = request("select public.check_rate_limit('notes.list')", per_client);
    let baseline = request("select 1", per_client);
    let clients = USERS.to_string();
    let steady = ["-c", &clients, "-j", "2", "-T", SECONDS, "--rate", RATE];
    let flat_out = ["-c", &clients, "-j", "2", "-T", "10"];
    // A first run fills the buckets and warms the caches.
    pgbench::run(
        &db,
        logs.path(),
        "warm_up",
        &call,
        &["-c", &clients, "-j", "2", "-T", "3"],
    );
    let limited = pgbench::run(&db, logs.path(), "limiter", &call, &steady);
    let plain = pgbench::run(&db, logs.path(), "baseline", &baseline, &steady);
    let limited_max = pgbench::run(&db, logs.path(), "limiter_max", &call, &flat_out);
    let plain_max = pgbench::run(&db, logs.path(), "baseline_max", &baseline, &flat_out);
    let buckets = sql(
        &db,
        "select count(*) from scaffold_private.rate_limit_buckets",
    );

    let uid = format!("\\set uid random(1, {USERS})");
    let mut writes = [Vec::new(), Vec::new()];
    for round in 0..3 {
        for (i, table) in ["public.notes", "public.memos"].iter().enumerate() {
            let run = pgbench::run(
                &db,
                logs.path(),
                &format!("insert_{i}_{round}"),
                &request(
                    &format!("insert into {table} (title) values ('a title')"),
                    &uid,
                ),
                &["-c", "1", "-t", "2000"],
            );
            eprintln!("  insert into {table}: {}", ms(run.latency_average));
            writes[i].push(run.latency_average);
        }
    }
    let [limited_write, plain_write] = writes.map(median);

    let p99 = limited.quantile(0.99);
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{HEADING}\n\nGenerated by `cargo bench --bench rate_limit` ({}; PostgreSQL {}, {} CPUs, fsync off).\n\n\
         The limiter: {USERS} pgbench clients, each a user of its own, request \
         `/rpc/check_rate_limit` as PostgREST runs it (a transaction setting the role and the claims, then \
         `select public.check_rate_limit('notes.list')`), prepared statements; the same requests with \
         `select 1` instead are the baseline. Latency of each request from pgbench's log, but each \
         client's first (a new connection, planning the limiter's functions: PostgREST's pooled \
         connections did long before).\n\n\
         | {USERS} users | requests | p50 | p99 | average |\n|---|---:|---:|---:|---:|",
        pgbench::today(),
        sql(&db, "show server_version"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    for (label, run) in [
        (format!("limiter, {RATE}/s for {SECONDS} s"), &limited),
        (format!("baseline, {RATE}/s for {SECONDS} s"), &plain),
        (
            "limiter, as fast as they go, 10 s".to_string(),
            &limited_max,
        ),
        ("baseline, as fast as they go, 10 s".to_string(), &plain_max),
    ] {
        let _ = writeln!(report, "{}", row(&label, run));
    }
    let _ = writeln!(
        report,
        "\nWhat the limiter adds to a request at {RATE}/s: {} at p50, {} at p99. As fast as the clients go, \
         {:.0} requests/s with the limiter against {:.0} without ({:.2}x). {buckets} buckets were left at \
         the end: one per user still being counted.\n",
        us(limited.quantile(0.5) - plain.quantile(0.5)),
        us(p99 - plain.quantile(0.99)),
        limited_max.tps,
        plain_max.tps,
        plain_max.tps / limited_max.tps,
    );
    let _ = writeln!(
        report,
        "A write limit: single-row inserts as PostgREST runs them, 1 client, 2,000 transactions, median of 3 runs: \
         {} into `notes` (counted against `create`), {} into `memos` (no limit), {:.2}x.\n",
        ms(limited_write),
        ms(plain_write),
        limited_write / plain_write
    );
    let _ = writeln!(
        report,
        "Target: the limiter's p99 at {USERS} concurrent users under 2 ms: **{}** ({}).\n\nTotal benchmark time: {:.0} s.",
        if p99 < 2.0 { "met" } else { "NOT met" },
        ms(p99),
        started.elapsed().as_secs_f64()
    );
    println!("{report}");
    results::write_section(HEADING, &report);
    drop(project);
}

fn row(label: &str, run: &Run) -> String {
    format!(
        "| {label} | {} ({:.0}/s) | {} | {} | {} |",
        run.latencies.len(),
        run.tps,
        ms(run.quantile(0.5)),
        ms(run.quantile(0.99)),
        ms(run.latency_average)
    )
}

fn us(ms: f64) -> String {
    format!("{:+.0} µs", ms * 1000.0)
}

fn sql(db: &Database<'_>, sql: &str) -> String {
    db.psql(sql).unwrap_or_else(|e| panic!("{e}"))
}
