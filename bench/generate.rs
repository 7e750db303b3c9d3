//! Generation speed, two ways:
//!
//! - in process, `scaffold resource`'s work for one resource and for 500: spec → rendered plan
//!   in memory, and spec → plan → written into a fresh folder under $TMPDIR;
//! - whole process, `scaffold apply` of a spec file of 100, 250 and 500 resources that reference
//!   each other (declared last first, so the run orders them), written into a fresh folder:
//!   what a user waits for. Target: 500 resources under 1 s, and a cost per resource that does
//!   not grow with the count.
//!
//! Reports medians and the cost per resource, so that linear growth is visible. Writing measures
//! the file system as much as scaffold: run it with TMPDIR on the disk you care about.
//! Run with `cargo bench --bench generate`; it prints a Markdown report and puts it in
//! bench/RESULTS.md in place of its previous one.

#[path = "results.rs"]
mod results;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scaffold::generate::{self, Migration};
use scaffold::plan::OnConflict;
use scaffold::project::Project;
use scaffold::render::Renderer;
use scaffold::spec::{Access, ResourceSpec};

const HEADING: &str = "# Generation benchmark";

const FIELDS: &[&str] = &[
    "name:text:max=120",
    "description:text:optional",
    "status:enum=active,archived:default=active",
    "budget:numeric:min=0",
    "due_on:date:optional",
    "contact:email:optional",
];

/// Generates `count` distinct resources into a new folder and returns the time it took;
/// with `write` false, stops once every file is rendered and compared with the (empty) folder.
fn generate(count: usize, write: bool) -> Duration {
    let dir = tempfile::tempdir().expect("temp dir");
    let fields: Vec<String> = FIELDS.iter().map(|f| f.to_string()).collect();
    let start = Instant::now();
    for i in 0..count {
        let name = format!("item_{i}");
        let spec = ResourceSpec::new(&name, None, &fields, Access::Owner).expect("valid spec");
        let project = Project::open(dir.path()).expect("project");
        let renderer = Renderer::new(&project.root, None);
        let migration = Migration::find_or_new(
            &project,
            &format!("create_{}", spec.table()),
            Some(&format!(
                "20250101{:02}{:02}{:02}",
                i / 3600,
                (i / 60) % 60,
                i % 60
            )),
        )
        .expect("migration");
        let plan = generate::resource::plan(
            &spec,
            &project,
            &renderer,
            &generate::resource::Migrations::Create(migration),
        )
        .expect("plan");
        let resolved = plan.resolve(&project, OnConflict::Stop).expect("resolve");
        if write {
            resolved.apply(&project.root).expect("apply");
        }
    }
    start.elapsed()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// One row of the in-process table: (1 resource, `many` resources).
fn in_process(write: bool, one_runs: usize, many: usize, many_runs: usize) -> (Duration, Duration) {
    generate(1, write);
    let one = median((0..one_runs).map(|_| generate(1, write)).collect());
    let all = median((0..many_runs).map(|_| generate(many, write)).collect());
    (one, all)
}

/// A spec file of `count` resources: a tenant root, then resources that each reference an
/// earlier one (a tree: resource i references resource i / 2), in every access mode, declared
/// last first.
fn spec_file(count: usize) -> String {
    let mut text = String::from(
        "[[resource]]\nname = \"workspace\"\nfields = [\"name:text:max=80\", \"slug:text:unique=global\"]\ntenant = true\n",
    );
    let mut rest = Vec::new();
    for i in 1..count {
        let mut fields: Vec<String> = FIELDS.iter().map(|f| format!("\"{f}\"")).collect();
        if i > 1 {
            // A set-null cascade from a table any member writes into one only admins write
            // would get past the write role (refused): such a reference restricts instead.
            let past_write_role = i % 4 == 2 && (i / 2) % 4 == 1;
            let on_delete = if past_write_role {
                ":on-delete=restrict"
            } else {
                ""
            };
            fields.push(format!(
                "\"parent:ref=item_{}s:optional{on_delete}\"",
                i / 2
            ));
        }
        let access = match i % 4 {
            0 => "access = \"public-read\"\n",
            1 => "access = \"workspace\"\n",
            2 => "access = \"workspace\"\nwrite_role = \"admin\"\n",
            _ => "",
        };
        rest.push(format!(
            "\n[[resource]]\nname = \"item_{i}\"\nfields = [{}]\n{access}",
            fields.join(", ")
        ));
    }
    rest.reverse();
    text.extend(rest);
    text
}

/// Runs `scaffold apply` of a `count`-resource spec into a fresh folder: the whole process,
/// spawn to exit. Checks, untimed, that every resource was written.
fn apply_once(scaffold: &Path, spec: &Path, count: usize, under: &Path) -> Duration {
    let dir = tempfile::tempdir_in(under).expect("temp dir");
    let mut command = Command::new(scaffold);
    command
        .arg("--dir")
        .arg(dir.path())
        .arg("apply")
        .arg(spec)
        .args(["--timestamp", "20250101000000", "--no-session"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let output = command.output().expect("scaffold starts");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "scaffold apply failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let migrations = std::fs::read_dir(dir.path().join("supabase/migrations"))
        .expect("migrations written")
        .count();
    assert_eq!(migrations, count, "one migration per resource");
    took
}

fn main() {
    // `cargo test --benches` runs this binary without `--bench`: keep that run short.
    let full = std::env::args().any(|a| a == "--bench");
    let (one_runs, many, many_runs) = if full { (51, 500, 5) } else { (3, 20, 1) };
    let started = Instant::now();
    let tmp = std::env::temp_dir();
    let mut report = format!(
        "{HEADING}\n\nGenerated by `cargo bench --bench generate` ({} CPUs; folders under {}).\n\n\
         ## In process\n\n`scaffold resource`'s work, medians; {many} distinct resources into one project.\n\n\
         | | 1 resource | {many} resources | per resource | per-resource cost, {many} vs 1 |\n|---|---:|---:|---:|---:|\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        tmp.display()
    );
    for (label, write) in [("render + plan (in memory)", false), ("plan + write", true)] {
        let (one, all) = in_process(write, one_runs, many, many_runs);
        let per = all / many as u32;
        let _ = writeln!(
            report,
            "| {label} | {} | {} | {} | {:.2}x |",
            ms(one),
            ms(all),
            ms(per),
            per.as_secs_f64() / one.as_secs_f64()
        );
    }

    let scaffold = PathBuf::from(env!("CARGO_BIN_EXE_scaffold"));
    let counts: &[usize] = if full { &[100, 250, 500] } else { &[10, 20] };
    let runs = if full { 7 } else { 1 };
    let specs = tempfile::tempdir().expect("temp dir");
    let _ = write!(
        report,
        "\n## Whole process: `scaffold apply`\n\nA spec file of N resources (a tenant root, then resources in every access mode, each referencing an earlier one), declared last first, written into a fresh folder; the whole process, spawn to exit, median of {runs} runs. Creating the files is the file system's work: on the VM's disk it dominates (about 0.25 ms per file created, by `strace -c`), so the same run is also timed on tmpfs.\n\n\
         | folder | resources | files written | median | per resource |\n|---|---:|---:|---:|---:|\n"
    );
    let shm = Path::new("/dev/shm");
    let mut places = vec![(tmp.display().to_string(), tmp.clone())];
    if shm.is_dir() && tmp != shm {
        places.push(("/dev/shm (tmpfs)".to_string(), shm.to_path_buf()));
    }
    let mut verdicts = Vec::new();
    for (place, under) in &places {
        let mut per_resource = Vec::new();
        for &count in counts {
            let spec = specs.path().join(format!("spec{count}.toml"));
            std::fs::write(&spec, spec_file(count)).expect("write spec");
            apply_once(&scaffold, &spec, count, under);
            let took = median(
                (0..runs)
                    .map(|_| apply_once(&scaffold, &spec, count, under))
                    .collect(),
            );
            let files = {
                let dir = tempfile::tempdir().expect("temp dir");
                let status = Command::new(&scaffold)
                    .arg("--dir")
                    .arg(dir.path())
                    .arg("apply")
                    .arg(&spec)
                    .args(["--no-session", "--json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .output()
                    .expect("scaffold runs");
                let report: serde_json::Value =
                    serde_json::from_slice(&status.stdout).expect("a JSON report");
                report["files"].as_array().map_or(0, Vec::len)
            };
            let per = took / count as u32;
            per_resource.push(per);
            let _ = writeln!(
                report,
                "| {place} | {count} | {files} | {} | {} |",
                ms(took),
                ms(per)
            );
            if count == *counts.last().unwrap() {
                let growth = per.as_secs_f64() / per_resource[0].as_secs_f64();
                let met = |ok: bool| if ok { "met" } else { "**NOT met**" };
                verdicts.push(format!(
                    "in {place}, {count} resources under 1 s: {} ({}), cost per resource at {count} within 1.5x of that at {}: {} ({growth:.2}x)",
                    met(took < Duration::from_secs(1)),
                    ms(took),
                    counts[0],
                    met(growth <= 1.5),
                ));
            }
        }
    }
    let _ = writeln!(report, "\nTargets: {}.", verdicts.join("; "));
    let _ = writeln!(
        report,
        "\nTotal benchmark time: {:.0} s.",
        started.elapsed().as_secs_f64()
    );
    println!("{report}");
    if full {
        results::write_section(HEADING, &report);
    }
}
