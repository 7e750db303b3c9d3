//! Wall time of `scaffold resource`'s work, in process, for one resource and for 500:
//! spec → rendered plan in memory, and spec → plan → write into a fresh folder under $TMPDIR.
//!
//! Reports medians and the cost per resource, so that linear growth is visible. Writing measures
//! the file system as much as scaffold: run it with TMPDIR on the disk you care about.
//! Run with `cargo bench --bench generate`.

use std::time::{Duration, Instant};

use scaffold::generate::{self, Migration};
use scaffold::plan::OnConflict;
use scaffold::project::Project;
use scaffold::render::Renderer;
use scaffold::spec::{Access, ResourceSpec};

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
        let renderer = Renderer::new(&project.root);
        let migration = Migration::find_or_new(
            &project,
            &format!("create_{}", spec.table()),
            Some("20250101000000"),
        )
        .expect("migration");
        let plan = generate::resource::plan(&spec, &project, &renderer, &migration).expect("plan");
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

fn report(label: &str, write: bool, one_runs: usize, many: usize, many_runs: usize) {
    generate(1, write);
    let one = median((0..one_runs).map(|_| generate(1, write)).collect());
    let all = median((0..many_runs).map(|_| generate(many, write)).collect());
    let per = all / many as u32;
    println!(
        "{label:<14} 1 resource: {:>7.2} ms | {many} resources: {:>8.1} ms, {:.2} ms each | per-resource cost {many} vs 1: {:.2}x",
        one.as_secs_f64() * 1e3,
        all.as_secs_f64() * 1e3,
        per.as_secs_f64() * 1e3,
        per.as_secs_f64() / one.as_secs_f64()
    );
}

fn main() {
    // `cargo test --benches` runs this binary without `--bench`: keep that run short.
    let full = std::env::args().any(|a| a == "--bench");
    let (one_runs, many, many_runs) = if full { (51, 500, 5) } else { (3, 20, 1) };
    report("render + plan", false, one_runs, many, many_runs);
    report("plan + write", true, one_runs, many, many_runs);
}
