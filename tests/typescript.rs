//! The generated TypeScript, proven with the real toolchain in a real Next.js project.
//!
//! Once per run, [`project`] copies `fixtures/next-app` into a temporary folder (its
//! `node_modules` symlinked), generates every spec of [`common::MATRIX`], the
//! [`PARTIAL_ACTIONS`] specs, `scaffold webhook stripe`, `scaffold init` and the [`ALTERED`]
//! resources (generated, then generated again with another spec) into it with the real binary, applies the generated migrations to a throwaway PostgreSQL database and
//! writes `types/supabase.ts` from that database with postgres-meta's typegen (the code
//! `supabase gen types typescript` runs). It writes the pages a user writes around the
//! generated modules: the context's page examples (`scaffold init` wrote them) and, for every
//! other spec, a list page reading through the data layer inside `<Suspense>`, a detail page
//! and a `useActionState` form ([`pages`]). It then copies the TypeScript tests of `tests/ts/`
//! into the project's `tests/ts/` and writes one test file per spec,
//! `tests/ts/resources/<case>.test.ts`, from the matrix (the spec's fields, its table's
//! columns, the names of the generated modules). Each test below runs one tool over that one
//! project, on the generated files in place, so every failure names the generated file and
//! line; the tool's output is the assertion message: `tsc`, Prettier, Vitest, `next build`
//! (create-next-app's configuration: Turbopack, `cacheComponents`), and `next start` of that
//! build, with only `STRIPE_WEBHOOK_SECRET` set, answering requests to the Stripe webhook.
//!
//! Adding a generator to this suite: generate it in [`generate_into`], and put its Vitest
//! tests (`*.test.ts`) under `tests/ts/`; every `*.test.ts` there runs.
//!
//! Nothing is skipped: a missing Node, npm or PostgreSQL fails the suite with what to install.

mod common;
#[path = "typescript/pages.rs"]
mod pages;
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::{json, Value};
use support::pg::Cluster;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// `tsc --noEmit` over the whole project (strict, noUncheckedIndexedAccess), including the
/// type-level proofs of `tests/ts/resources/*.test.ts`: the inferred input and result type of
/// every action, and no `any` in any exported action's signature.
#[test]
fn generated_typescript_typechecks_with_strict_settings_and_no_any_in_action_signatures() {
    let project = project();
    // After `next build`, which rewrites the route types under .next/ that tsc reads.
    let _ = project.build();
    // --pretty prints each failing line, so a failed proof shows its comment.
    project.run_ok("tsc", &["tsc", "--noEmit", "--pretty", "true"]);
}

/// `prettier --check` with default settings over every generated `.ts`/`.tsx` file.
#[test]
fn generated_typescript_is_formatted_as_prettier_formats_it() {
    let project = project();
    let mut args = vec!["prettier", "--check"];
    args.extend(project.generated_ts.iter().map(String::as_str));
    // The context's page examples too: users copy them.
    args.extend(project.examples.iter().map(String::as_str));
    assert!(
        project.generated_ts.len() > 2 * common::MATRIX.len(),
        "expected the actions and schemas of every spec and the shared modules, found {:?}",
        project.generated_ts
    );
    let (ok, output) = project.run("prettier", &args);
    if ok {
        return;
    }
    // Show what Prettier would change, with line numbers, for each file it flags.
    let mut diffs = String::new();
    for path in output.lines().filter_map(|l| l.strip_prefix("[warn] ")) {
        let Ok(generated) = std::fs::read_to_string(project.dir.join(path)) else {
            continue; // the summary line
        };
        let formatted = project.run_ok("prettier", &["prettier", path]);
        let diff = similar::TextDiff::from_lines(&generated, &formatted);
        let _ = write!(
            diffs,
            "{}",
            diff.unified_diff().context_radius(2).header(
                &format!("{path} (generated)"),
                &format!("{path} (prettier)")
            )
        );
    }
    panic!(
        "prettier --check failed in {}:\n{output}\n{diffs}",
        project.dir.display()
    );
}

/// Vitest over every `*.test.ts` under `tests/`: the Zod schemas against tables of values
/// the SQL constraints accept and reject, FormData parsed like objects, and every action
/// against a recording Supabase client (auth, owner ids, database errors, revalidation).
#[test]
fn vitest_proves_the_schemas_and_actions_of_every_spec() {
    let project = project();
    let report = project.dir.join("vitest-report.json");
    let json_output = format!("--outputFile.json={}", report.display());
    project.run_ok(
        "vitest",
        &[
            "vitest",
            "run",
            "--reporter=dot",
            "--reporter=json",
            &json_output,
        ],
    );
    // Every spec's test file ran and passed tests (none silently left out or emptied).
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap())
        .expect("vitest's JSON report");
    let mut counts = BTreeMap::new();
    for file in report["testResults"].as_array().expect("testResults") {
        let name = file["name"].as_str().unwrap_or_default();
        let passed = file["assertionResults"].as_array().map_or(0, |tests| {
            tests.iter().filter(|t| t["status"] == "passed").count()
        });
        let relative = name
            .strip_prefix(&format!("{}/", project.dir.display()))
            .unwrap_or(name);
        counts.insert(relative.to_string(), passed);
    }
    for case in &project.cases {
        let file = format!("tests/ts/resources/{case}.test.ts");
        assert!(
            counts.get(&file).is_some_and(|&passed| passed >= 30),
            "vitest ran too few tests of {file}: {counts:#?}"
        );
    }
}

/// `next build`, as create-next-app's `npm run build` runs it (Turbopack, `cacheComponents`,
/// its `tsc` check of the whole project): every page written around the generated modules
/// compiles and prerenders its static shell, and the build lists each of their routes.
#[test]
fn next_build_compiles_a_page_and_a_form_around_every_spec_under_cache_components() {
    let project = project();
    let output = project.built();
    for route in &project.routes {
        let listed = output
            .lines()
            .any(|line| line.split_whitespace().any(|word| word == route));
        assert!(
            listed,
            "next build does not list the route {route}:\n{output}"
        );
    }
    assert!(
        project.routes.len() >= project.cases.len(),
        "a page per spec: {:?}",
        project.routes
    );
}

/// The built app served by `next start` with `STRIPE_WEBHOOK_SECRET` as its only setting (no
/// Stripe API key, no Supabase variables): the webhook answers 400 to every bad signature and
/// 200 to a good one it need not process, the home page still answers (the proxy skips the
/// session refresh and says so), and the server is still up afterwards.
#[test]
fn next_start_with_only_the_signing_secret_answers_400_to_every_bad_signature() {
    const SECRET: &str = "whsec_scaffold_next_start_test";
    let project = project();
    project.built();
    let server = Server::start(project, &[("STRIPE_WEBHOOK_SECRET", SECRET)]);
    let (ok, output) = project.run_node(&[
        "tests/ts/support/webhook-requests.mjs",
        &server.base_url(),
        SECRET,
    ]);
    assert!(
        ok,
        "the requests failed:\n{output}\nserver log:\n{}",
        server.log()
    );
    let answers: Vec<Value> = output
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected: &[(&str, u16)] = &[
        ("a missing signature", 400),
        ("a malformed signature", 400),
        ("a malformed timestamp", 400),
        ("a signature made with another secret", 400),
        ("a tampered body", 400),
        ("a stale timestamp (ten minutes old)", 400),
        (
            "a valid signature on an event type the route does not handle",
            200,
        ),
        ("GET /", 200),
    ];
    let got: Vec<(String, u64)> = answers
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_string(),
                a["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = expected
        .iter()
        .map(|(n, s)| (n.to_string(), u64::from(*s)))
        .collect();
    assert_eq!(
        got,
        want,
        "answers:\n{output}\nserver log:\n{}",
        server.log()
    );
    assert!(server.is_running(), "the server stopped:\n{}", server.log());
    assert!(
        server
            .log()
            .contains("Supabase session refresh skipped: set NEXT_PUBLIC_SUPABASE_URL"),
        "the proxy says why it skips the refresh:\n{}",
        server.log()
    );
}

/// A `next start` of the built project on a free local port, with only the given environment
/// (and PATH); stopped, with its process group, when dropped, whatever happened.
struct Server {
    child: std::process::Child,
    port: u16,
    log_file: PathBuf,
}

impl Server {
    fn start(project: &Project, env: &[(&str, &str)]) -> Server {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log_file = project.dir.join(format!("next-start-{port}.log"));
        let log = std::fs::File::create(&log_file).unwrap();
        let child = Command::new(&project.node_bin)
            .args([
                "node_modules/next/dist/bin/next",
                "start",
                "--hostname",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .current_dir(&project.dir)
            .env_clear()
            .env("PATH", project.path_env())
            .env("NEXT_TELEMETRY_DISABLED", "1")
            .envs(env.iter().copied())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("next start runs");
        let server = Server {
            child,
            port,
            log_file,
        };
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline && server.is_running(),
                "next start did not listen on {port}:\n{}",
                server.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        server
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn is_running(&self) -> bool {
        // `try_wait` needs `&mut`; the process is alive while its /proc entry is not a zombie.
        std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .is_ok_and(|stat| !stat.contains(") Z "))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The whole process group: next start and anything it started. Next shuts down
        // gracefully on SIGTERM, which can wait on open connections: SIGKILL after 5 seconds.
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args(["-s", name, "--", &group])
                .status();
        };
        signal("TERM");
        let deadline = Instant::now() + std::time::Duration::from_secs(5);
        while self.is_running() && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        signal("KILL");
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The project every test above runs in.

struct Project {
    dir: PathBuf,
    node_bin: PathBuf,
    /// Paths (relative to `dir`) of every generated `.ts`/`.tsx` file.
    generated_ts: Vec<String>,
    /// The files of the context's page examples, written where they say.
    examples: Vec<String>,
    /// Every page route written (`/notes`, `/notes/[id]`, ...), for `next build` to list.
    routes: Vec<String>,
    /// The matrix case names, one test file each.
    cases: Vec<String>,
}

/// The project, prepared by the first test that asks; a preparation failure fails every test
/// with the same message.
fn project() -> &'static Project {
    static PROJECT: OnceLock<Result<Project, String>> = OnceLock::new();
    let prepared = PROJECT.get_or_init(|| {
        std::panic::catch_unwind(prepare).map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "preparing the project panicked".to_string())
        })
    });
    match prepared {
        Ok(project) => project,
        Err(message) => panic!("preparing the TypeScript project failed:\n{message}"),
    }
}

fn prepare() -> Project {
    let started = Instant::now();
    let node_bin = install_npm_fixture();
    let dir = fresh_project_dir();
    copy_fixture(&dir);

    let (plans, generated) = generate_into(&dir);
    let mut generated_ts: Vec<String> = generated
        .into_iter()
        .filter(|path| path.ends_with(".ts") || path.ends_with(".tsx"))
        .collect();
    generated_ts.sort();
    generated_ts.dedup();

    let columns = write_database_types(&dir, &node_bin);

    // The context examples' page and form, as `scaffold init` wrote them for this project,
    // then a page per spec for the routes they do not cover.
    let examples = write_page_examples(&dir);
    let mut routes = Vec::new();
    for plan in &plans {
        routes.extend(write_pages(&dir, plan, &examples));
        // Pages scaffold generates (a tenant root's invitation link).
        routes.extend(plan.files.iter().filter_map(|path| {
            let route = path.strip_prefix("app")?.strip_suffix("/page.tsx")?;
            Some(route.to_string())
        }));
    }
    widen_turbopack_root(&dir);

    copy_dir(&Path::new(REPO).join("tests/ts"), &dir.join("tests/ts"));
    let resources = dir.join("tests/ts/resources");
    std::fs::create_dir_all(&resources).unwrap();
    let mut cases = Vec::new();
    for plan in &plans {
        let file = resources.join(format!("{}.test.ts", plan.case));
        std::fs::write(&file, resource_test_file(plan, &columns)).unwrap();
        cases.push(plan.case.clone());
    }

    let project = Project {
        dir,
        node_bin,
        generated_ts,
        examples,
        routes,
        cases,
    };
    // Route types, as `next dev`/`next build` would write them (tsconfig includes them).
    project.run_ok("next typegen", &["next", "typegen"]);
    eprintln!(
        "typescript: project ready in {:.1?} at {}",
        started.elapsed(),
        project.dir.display()
    );
    project
}

impl Project {
    /// `next build`, run once for the tests that need it (a failure fails each of them with
    /// the build's output); its output.
    fn built(&self) -> &'static str {
        match self.build() {
            Ok(output) => output,
            Err(output) => panic!(
                "next build failed in {} (paths are relative to that folder):\n{output}",
                self.dir.display()
            ),
        }
    }

    /// `next build`, run once: its output, as `Err` when it failed.
    fn build(&self) -> Result<&'static str, &'static str> {
        static BUILT: OnceLock<Result<String, String>> = OnceLock::new();
        let built = BUILT.get_or_init(|| match self.run("next build", &["next", "build"]) {
            (true, output) => Ok(output),
            (false, output) => Err(output),
        });
        built.as_ref().map(String::as_str).map_err(String::as_str)
    }

    /// Runs a script with Node 22 in the project: whether it exited 0, and its output.
    fn run_node(&self, args: &[&str]) -> (bool, String) {
        let output = Command::new(&self.node_bin)
            .args(args)
            .current_dir(&self.dir)
            .env("PATH", self.path_env())
            .output()
            .unwrap_or_else(|e| panic!("cannot run node {args:?}: {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }

    /// Runs `node_modules/.bin/<args[0]>` in the project on Node 22; panics with its output
    /// unless it exits 0. Returns stdout and stderr.
    fn run_ok(&self, what: &str, args: &[&str]) -> String {
        let (ok, text) = self.run(what, args);
        assert!(
            ok,
            "{what} failed in {}\n(paths are relative to that folder; the project is kept \
             until the next run)\n$ {}\n{text}",
            self.dir.display(),
            args.join(" ")
        );
        text
    }

    /// Runs `node_modules/.bin/<args[0]>` in the project on Node 22: whether it exited 0, and
    /// its stdout and stderr.
    fn run(&self, what: &str, args: &[&str]) -> (bool, String) {
        let started = Instant::now();
        let bin = self.dir.join("node_modules/.bin").join(args[0]);
        let output = Command::new(&bin)
            .args(&args[1..])
            .current_dir(&self.dir)
            .env("PATH", self.path_env())
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .env("CI", "1")
            .env("NEXT_TELEMETRY_DISABLED", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
        let text = strip_ansi(&format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
        eprintln!("typescript: {what} took {:.1?}", started.elapsed());
        (output.status.success(), text)
    }

    fn path_env(&self) -> std::ffi::OsString {
        let mut paths = vec![self.node_bin.parent().unwrap().to_path_buf()];
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(paths).unwrap()
    }
}

/// Removes terminal colour sequences (`ESC [ ... m`), which tsc prints even with NO_COLOR.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `scripts/npm-fixture.sh`: installs the fixture's node_modules when missing or stale and
/// prints the Node 22 binary.
fn install_npm_fixture() -> PathBuf {
    let script = Path::new(REPO).join("scripts/npm-fixture.sh");
    let output = Command::new("bash")
        .arg(&script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "{} failed (it needs npm and network access on first run):\n{}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let node = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(
        node.is_file(),
        "npm-fixture.sh printed {node:?}, which is not a file"
    );
    node
}

/// `target/tmp/typescript-<pid>`, after removing the folders of earlier runs that ended.
fn fresh_project_dir() -> PathBuf {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&base).unwrap();
    for entry in std::fs::read_dir(&base).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix("typescript-") {
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(format!("typescript-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixture without its build output; node_modules (~1 GB) is symlinked, not copied.
fn copy_fixture(dir: &Path) {
    let fixture = Path::new(REPO).join("fixtures/next-app");
    for entry in std::fs::read_dir(&fixture).unwrap().flatten() {
        let name = entry.file_name();
        let target = dir.join(&name);
        match name.to_str() {
            Some("node_modules") => std::os::unix::fs::symlink(entry.path(), &target).unwrap(),
            Some(".next") | Some("types") => {}
            _ if entry.path().is_dir() => copy_dir(&entry.path(), &target),
            _ => {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()))
        .flatten()
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pages, as users write them around the generated modules.

/// The context documents' page examples (`.claude/context/examples/nextjs-page-examples.md`,
/// written by `scaffold init` into this project): each `## ...: `PATH`` heading's code block,
/// written to PATH. Returns the paths.
fn write_page_examples(dir: &Path) -> Vec<String> {
    let doc = ".claude/context/examples/nextjs-page-examples.md";
    let markdown = std::fs::read_to_string(dir.join(doc))
        .unwrap_or_else(|e| panic!("{doc}: {e} (scaffold init writes it)"));
    let mut written = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(heading) = line.strip_prefix("## ") else {
            continue;
        };
        let path = heading
            .rsplit('`')
            .nth(1)
            .unwrap_or_else(|| panic!("{doc}: the heading {heading:?} names no file"));
        let fence = lines.by_ref().find(|l| !l.is_empty()).unwrap_or_default();
        assert!(fence.starts_with("```"), "{doc}: {path}: {fence:?}");
        let code: String = lines
            .by_ref()
            .take_while(|l| *l != "```")
            .map(|l| format!("{l}\n"))
            .collect();
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, code).unwrap();
        written.push(path.to_string());
    }
    assert!(
        written.len() >= 2,
        "{doc} shows a page and a form: {written:?}"
    );
    written
}

/// A page per spec ([`pages::write`]) where the examples left its route free. Returns the
/// routes written.
fn write_pages(dir: &Path, plan: &Plan, examples: &[String]) -> Vec<String> {
    let spec = Spec::of(plan);
    let singular = stem(&plan.validations_file);
    let route = plan.table.replace('_', "-");
    let import_path = |file: &String| format!("@/{}", file.strip_suffix(".ts").unwrap());
    let (s, p) = (pascal(singular), pascal(&route));
    let names = json!({
        "create": format!("create{s}"),
        "update": format!("update{s}"),
        "get": format!("get{s}"),
        "list": format!("list{p}"),
    });
    let command = format!("scaffold resource {}", plan.args.join(" "));
    let resource = pages::Resource {
        command: &command,
        route: &route,
        pascal: &s,
        actions_import: plan.actions_file.as_ref().map(import_path),
        data_import: plan.data_file.as_ref().map(import_path),
        names: &names,
        fields: &spec.fields,
        workspace: spec.mode == "workspace",
        actions: &spec.actions,
    };
    let written = pages::write(dir, &resource, examples);
    examples
        .iter()
        .chain(&written)
        .filter(|path| path.starts_with(&format!("app/{route}/")) && path.ends_with("/page.tsx"))
        .map(|path| {
            let route = path.strip_prefix("app").unwrap();
            route.strip_suffix("/page.tsx").unwrap().to_string()
        })
        .collect()
}

/// The fixture's `next.config.ts` is create-next-app's; `node_modules` here is a symbolic link
/// to the fixture's (or further, to another checkout's), and Turbopack compiles nothing outside
/// its root: the root becomes the folder both are in.
fn widen_turbopack_root(dir: &Path) {
    let config_path = dir.join("next.config.ts");
    let config = std::fs::read_to_string(&config_path).expect("fixtures/next-app/next.config.ts");
    let modules = std::fs::canonicalize(dir.join("node_modules")).unwrap();
    let project = std::fs::canonicalize(dir).unwrap();
    let root = project
        .ancestors()
        .find(|a| modules.starts_with(a))
        .expect("a common folder")
        .to_path_buf();
    let anchor = "cacheComponents: true,\n";
    assert!(
        config.contains(anchor),
        "next.config.ts turns on cacheComponents as create-next-app does:\n{config}"
    );
    let widened = config.replacen(
        anchor,
        &format!(
            "{anchor}  // Added by tests/typescript.rs: node_modules is a link outside the project.\n  turbopack: {{ root: {:?} }},\n",
            root.display().to_string()
        ),
        1,
    );
    std::fs::write(&config_path, widened).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Generating the matrix.

/// What generating one spec of the matrix wrote.
struct Plan {
    case: String,
    args: Vec<String>,
    /// Every file the run planned (created or identical), relative to the project.
    files: Vec<String>,
    table: String,
    /// The `'use server'` module of the mutations, unless `--actions` chose none.
    actions_file: Option<String>,
    /// The data-access module of the reads, unless `--actions` chose none.
    data_file: Option<String>,
    /// Other action modules the same run wrote (a tenant root's members).
    extra_actions: Vec<String>,
    validations_file: String,
}

/// Generates every spec of the matrix, in order, into `dir` (what a user's project holds
/// after running each command once). Later generators join here.
/// Resources with only some of the five actions (`--actions`), beyond the matrix: each module
/// must import exactly what it uses, and the tests cover exactly the actions written. Each has
/// a numeric field, so each part of the exact-decimal code (the data module's columns, the
/// actions' `toInsert` alone, `toUpdate` alone) is also written without the others.
const PARTIAL_ACTIONS: &[(&str, &[&str])] = &[
    (
        "memo_create_list",
        &[
            "memo",
            "title:text",
            "price:numeric:optional",
            "--actions",
            "create,list",
        ],
    ),
    (
        "bookmark_public_get_list",
        &[
            "bookmark",
            "url:url",
            "rating:numeric:precision=3:scale=1",
            "--access",
            "public-read",
            "--actions",
            "get,list",
        ],
    ),
    (
        "draft_update_delete",
        &[
            "draft",
            "body:text",
            "words:numeric:min=0",
            "--actions",
            "update,delete",
        ],
    ),
];

/// Resources generated, then generated again with another spec (alter migrations, issue 13): the
/// code the toolchain checks is the regenerated code, typed by the database the whole chain
/// (create, then alter) gives. Representative alters: fields renamed, added, made required and
/// bounded, an enum label added, an audit log and rate limits added; access changed, a numeric
/// given digits and a file field added; a workspace resource's write role raised, a unique field
/// added, a field made sensitive, its limits and a file's limits changed. (tests/alter.rs proves every kind of
/// change on PostgreSQL.)
const ALTERED: &[Altered] = &[
    (
        "journal_fields_altered",
        &[
            "journal",
            "title:text",
            "body:text:optional",
            "mood:enum=good,bad:optional",
        ],
        &[
            "journal",
            "heading:text:max=200",
            "body:text:default=empty",
            "mood:enum=good,fine,bad:optional",
            "priority:int:optional",
            "due_on:date:default=today",
            "--audit",
            "--rate-limit",
            "create=10/min,list=60/min",
        ],
        &["--rename", "title=heading", "--allow-data-loss"],
    ),
    (
        "ticket_access_altered",
        &["ticket", "title:text", "price:numeric:optional"],
        &[
            "ticket",
            "title:text",
            "price:numeric:optional:precision=10:scale=2:min=0",
            "tags:jsonb:default=[]",
            "receipt:file:optional:max=1mb:accept=application/pdf",
            "--access",
            "public-read",
        ],
        &["--allow-data-loss"],
    ),
    (
        "entry_write_role_altered",
        &[
            "entry",
            "title:text",
            "scan:file:optional:max=1mb:accept=application/pdf",
            "--access",
            "workspace",
            "--audit",
            "--rate-limit",
            "update=30/min",
        ],
        &[
            "entry",
            "title:text:sensitive",
            "scan:file:optional:max=5mb:accept=application/pdf,image/png",
            "code:text:unique:optional",
            "--access",
            "workspace",
            "--write-role",
            "admin",
            "--audit",
            "--rate-limit",
            "update=20/min,delete=5/min",
        ],
        &[],
    ),
];

/// (case, the first spec, the new spec, the alter's flags)
type Altered = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

fn generate_into(dir: &Path) -> (Vec<Plan>, Vec<String>) {
    let mut plans: Vec<Plan> = common::MATRIX
        .iter()
        .enumerate()
        .map(|(index, (case, args))| {
            generate_resource(dir, case, common::TIMESTAMP + index as u64, args)
        })
        .collect();

    // Other generators, tested by their own files under tests/ts/ (webhook-stripe.test.ts).
    let timestamp = (common::TIMESTAMP + 100).to_string();
    let mut generated: Vec<String> = plans.iter().flat_map(|p| p.files.clone()).collect();
    generated.extend(planned_files(
        dir,
        &["webhook", "stripe", "--timestamp", &timestamp, "--yes"],
    ));
    // `scaffold init`: the admin client, the Next.js proxy and its session refresh.
    generated.extend(planned_files(dir, &["init", "--yes"]));
    for (offset, (case, args)) in PARTIAL_ACTIONS.iter().enumerate() {
        let plan = generate_resource(dir, case, common::TIMESTAMP + 101 + offset as u64, args);
        generated.extend(plan.files.clone());
        plans.push(plan);
    }
    for (offset, (case, old, new, flags)) in ALTERED.iter().enumerate() {
        let at = common::TIMESTAMP + 110 + 2 * offset as u64;
        let first = generate_resource(dir, case, at, old);
        let plan = generate_altered(dir, case, at + 1, new, flags);
        assert!(
            plan.files.iter().any(|f| f.contains("_alter_")),
            "{case}: no alter migration in the plan {:?}",
            plan.files
        );
        generated.extend(first.files);
        generated.extend(plan.files.clone());
        plans.push(plan);
    }
    (plans, generated)
}

/// `scaffold resource ARGS` into `dir`, and which files it wrote.
fn generate_resource(dir: &Path, case: &str, timestamp: u64, args: &[&str]) -> Plan {
    generate_altered(dir, case, timestamp, args, &[])
}

/// `scaffold resource ARGS FLAGS` into `dir` (the flags of an alter, `--rename`,
/// `--allow-data-loss`, are not part of the spec), and which files it wrote.
fn generate_altered(dir: &Path, case: &str, timestamp: u64, args: &[&str], flags: &[&str]) -> Plan {
    let timestamp = timestamp.to_string();
    let mut all = vec!["resource"];
    all.extend_from_slice(args);
    all.extend_from_slice(flags);
    all.extend_from_slice(&["--timestamp", &timestamp, "--yes"]);
    let files = planned_files(dir, &all);
    let migration = files
        .iter()
        .find(|f| f.starts_with("supabase/migrations/"))
        .unwrap_or_else(|| panic!("{case}: no migration in the plan {files:?}"));
    let table = migration
        .rsplit_once("_create_")
        .or_else(|| migration.rsplit_once("_alter_"))
        .and_then(|(_, rest)| rest.strip_suffix(".sql"))
        .unwrap_or_else(|| panic!("{case}: cannot read the table from {migration}"))
        .to_string();
    // The resource's own modules are named after its table; a tenant root also writes its
    // members' actions.
    let kebab = table.replace('_', "-");
    let planned = |path: String| files.contains(&path).then_some(path);
    let actions_file = planned(format!("app/actions/{kebab}.ts"));
    let data_file = planned(format!("lib/data/{kebab}.ts"));
    assert!(
        actions_file.is_some() || data_file.is_some(),
        "{case}: neither app/actions/{kebab}.ts nor lib/data/{kebab}.ts is in the plan {files:?}"
    );
    let extra_actions = files
        .iter()
        .filter(|f| f.starts_with("app/actions/") && Some(*f) != actions_file.as_ref())
        .cloned()
        .collect();
    let validations_file = files
        .iter()
        .find(|f| f.starts_with("lib/validations/") && !f.ends_with("/form-data.ts"))
        .unwrap_or_else(|| panic!("{case}: no validation module in the plan {files:?}"))
        .clone();
    Plan {
        case: case.to_string(),
        args: args.iter().map(|a| a.to_string()).collect(),
        actions_file,
        data_file,
        extra_actions,
        validations_file,
        files,
        table,
    }
}

/// Runs the CLI with `--json` and returns the paths of its plan.
fn planned_files(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.push("--json");
    let output = common::scaffold(dir, &all);
    assert!(
        output.status.success(),
        "scaffold {} failed:\n{}",
        all.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "scaffold --json printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    plan["files"]
        .as_array()
        .expect("plan.files")
        .iter()
        .map(|f| f["path"].as_str().expect("file path").to_string())
        .collect()
}

/// Applies the generated migrations to a throwaway database with the Supabase CLI and writes
/// `types/supabase.ts` with postgres-meta's typegen. Returns the columns of every public
/// table, for the test double's schema checks.
fn write_database_types(dir: &Path, node_bin: &Path) -> BTreeMap<String, Vec<Value>> {
    let cluster = Cluster::start();
    let db = cluster.create_database("typescript");
    db.supabase_migration_up(dir)
        .unwrap_or_else(|e| panic!("supabase migration up failed:\n{e}"));

    let url = format!(
        "postgresql://postgres@{}:{}/{}",
        percent_encode(&cluster.socket_dir().to_string_lossy()),
        cluster.port(),
        db.name()
    );
    let server = dir.join("node_modules/@supabase/postgres-meta/dist/server/server.js");
    let output = Command::new(node_bin)
        .arg(&server)
        .env("PG_META_GENERATE_TYPES", "typescript")
        .env("PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS", "public")
        .env("PG_META_DB_URL", &url)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", node_bin.display()));
    let types = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && types.contains("export type Database"),
        "postgres-meta typegen failed ({}) for {url}:\n{}\n{types}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::create_dir_all(dir.join("types")).unwrap();
    std::fs::write(dir.join("types/supabase.ts"), types.as_bytes()).unwrap();

    let rows = db
        .psql(
            "select table_name, column_name, data_type, is_nullable = 'YES', column_default is not null \
             from information_schema.columns where table_schema = 'public' \
             order by table_name, ordinal_position",
        )
        .unwrap_or_else(|e| panic!("reading the columns failed:\n{e}"));
    let mut columns: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    // Functions are called as `rpc/<name>` with their arguments as the body's keys.
    let functions = db
        .psql(
            "select proname, array_to_string(proargnames, ',') from pg_proc \
             where pronamespace = 'public'::regnamespace and proargnames is not null",
        )
        .unwrap_or_else(|e| panic!("reading the functions failed:\n{e}"));
    for row in functions.lines() {
        let (name, args) = row.split_once('|').unwrap_or((row, ""));
        columns.insert(
            format!("rpc/{name}"),
            args.split(',')
                .filter(|a| !a.is_empty())
                .map(|a| json!({ "name": a }))
                .collect(),
        );
    }
    for row in rows.lines() {
        let cells: Vec<&str> = row.split('|').collect();
        let [table, column, data_type, nullable, has_default] = cells[..] else {
            panic!("unexpected row {row:?}")
        };
        columns.entry(table.to_string()).or_default().push(json!({
            "name": column,
            "type": data_type,
            "nullable": nullable == "t",
            "hasDefault": has_default == "t",
        }));
    }
    // The Storage buckets, under a key no public table can have: the double checks that the
    // generated code names only these.
    let buckets = db
        .psql("select id from storage.buckets order by id")
        .unwrap_or_else(|e| panic!("reading the buckets failed:\n{e}"));
    columns.insert(
        BUCKETS.to_string(),
        buckets.lines().map(|id| json!({ "name": id })).collect(),
    );
    columns
}

/// The key of the Storage buckets among the tables of [`write_database_types`].
const BUCKETS: &str = "storage.buckets";

/// A file's `max=` in bytes, in Storage's decimal units (1 kb = 1000 bytes).
fn bytes(size: &str) -> u64 {
    let split = size
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(size.len());
    let (amount, unit) = size.split_at(split);
    let scale = match unit {
        "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => panic!("{size}: unit {other:?}"),
    };
    amount.parse::<u64>().expect("a whole number") * scale
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The per-spec test file.

/// One field of a spec as the matrix writes it, read independently of the generator's parser:
/// `NAME:TYPE[:MODIFIER...]`, where a `default=` value may itself contain `:`.
fn field_json(token: &str) -> Value {
    const MODIFIERS: &[&str] = &[
        "optional",
        "unique",
        "index",
        "sortable",
        "searchable",
        "default",
        "min",
        "max",
        "precision",
        "scale",
        "on-delete",
        "sensitive",
        "accept",
    ];
    let mut parts = token.split(':');
    let name = parts.next().unwrap();
    let ty = parts.next().unwrap_or_else(|| panic!("{token}: no type"));
    let mut modifiers: Vec<String> = Vec::new();
    for part in parts {
        let key = part.split_once('=').map_or(part, |(k, _)| k);
        match modifiers.last_mut() {
            Some(last) if !MODIFIERS.contains(&key) => {
                last.push(':');
                last.push_str(part);
            }
            _ => modifiers.push(part.to_string()),
        }
    }
    let modifier = |key: &str| -> Value {
        modifiers
            .iter()
            .find_map(|m| m.strip_prefix(key)?.strip_prefix('='))
            .map_or(Value::Null, |v| Value::String(v.to_string()))
    };
    let has = |key: &str| modifiers.iter().any(|m| m == key);
    let (kind, arg) = ty.split_once('=').unwrap_or((ty, ""));
    let column = if kind == "ref" && !name.ends_with("_id") {
        format!("{name}_id")
    } else {
        name.to_string()
    };
    json!({
        "column": column,
        "type": kind,
        "enumValues": if kind == "enum" { json!(arg.split(',').collect::<Vec<_>>()) } else { Value::Null },
        "optional": has("optional"),
        "unique": has("unique"),
        "sortable": has("sortable"),
        "searchable": has("searchable"),
        "default": modifier("default"),
        "min": modifier("min"),
        "max": modifier("max"),
        "precision": modifier("precision"),
        "scale": modifier("scale"),
        "accept": match modifier("accept") {
            Value::String(list) => json!(list.split(',').collect::<Vec<_>>()),
            other => other,
        },
        "fixed": false,
    })
}

/// The TypeScript type a field's value has in the create input (before `?`/`| null`).
fn ts_value_type(field: &Value) -> String {
    match field["type"].as_str().unwrap() {
        "int" | "bigint" | "float" => "number".into(),
        "bool" => "boolean".into(),
        "jsonb" if field["optional"].as_bool().unwrap() => "JsonValue".into(),
        "jsonb" => "NonNullable<JsonValue>".into(),
        "enum" => field["enumValues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("{v}"))
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "string".into(),
    }
}

/// `{ key: T; other?: U | null | undefined }` for the create or update input of a spec.
/// The list input, as the spec says it: the sortable fields, the filters of its enum, bool,
/// ref, date and timestamptz fields, search where a field is searchable.
fn ts_list_input_type(fields: &[Value], workspace: bool) -> String {
    let own: Vec<&Value> = fields.iter().filter(|f| f["fixed"] != true).collect();
    let quoted = |c: &Value| format!("\"{}\"", c.as_str().unwrap());
    let mut sorts = vec!["\"created_at\"".to_string()];
    sorts.extend(
        own.iter()
            .filter(|f| f["sortable"] == true)
            .map(|f| quoted(&f["column"])),
    );
    let mut members = Vec::new();
    if workspace {
        members.push("workspaceId: string".to_string());
    }
    members.push(format!("sort?: {} | undefined", sorts.join(" | ")));
    members.push("direction?: \"asc\" | \"desc\" | undefined".into());
    members.push("after?: string | undefined".into());
    members.push("pageSize?: number | undefined".into());
    if own.iter().any(|f| f["searchable"] == true) {
        members.push("search?: string | undefined".into());
    }
    let filters: Vec<String> = own
        .iter()
        .filter_map(|f| {
            let ty = match f["type"].as_str().unwrap() {
                "enum" => f["enumValues"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(quoted)
                    .collect::<Vec<_>>()
                    .join(" | "),
                "bool" => "boolean".into(),
                "ref" => "string".into(),
                "date" | "timestamptz" => {
                    "{ from?: string | undefined; to?: string | undefined }".into()
                }
                _ => return None,
            };
            Some(format!(
                "{}?: {ty} | undefined",
                f["column"].as_str().unwrap()
            ))
        })
        .collect();
    if !filters.is_empty() {
        members.push(format!("filter?: {{ {} }} | undefined", filters.join("; ")));
    }
    members.push("total?: \"estimated\" | \"exact\" | undefined".into());
    format!("{{ {} }}", members.join("; "))
}

fn ts_input_type(fields: &[Value], all_optional: bool) -> String {
    let members: Vec<String> = fields
        .iter()
        .filter(|f| !(all_optional && f["fixed"] == true))
        .map(|f| {
            let column = f["column"].as_str().unwrap();
            let mut ty = ts_value_type(f);
            let nullable = f["optional"].as_bool().unwrap();
            if nullable {
                ty.push_str(" | null");
            }
            if all_optional || nullable || !f["default"].is_null() {
                format!("{column}?: {ty} | undefined")
            } else {
                format!("{column}: {ty}")
            }
        })
        .collect();
    format!("{{ {} }}", members.join("; "))
}

fn pascal(kebab: &str) -> String {
    kebab
        .split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn camel(kebab: &str) -> String {
    let p = pascal(kebab);
    let mut c = p.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn stem(path: &str) -> &str {
    path.rsplit('/')
        .next()
        .unwrap()
        .strip_suffix(".ts")
        .unwrap()
}

/// A spec of the matrix as the tests read it from its command line, independently of the
/// generator's parser.
struct Spec {
    /// Each field as [`field_json`] describes it; a workspace resource's `workspace_id` first,
    /// marked `fixed` (set once, never changed).
    fields: Vec<Value>,
    /// `owner`, `public-read`, `workspace` or `tenant`.
    mode: String,
    /// The functions written: all five unless `--actions`.
    actions: Vec<String>,
    /// `--audit`
    audit: bool,
    /// `--rate-limit`: each limited action and its rate (`10/min`).
    rate_limits: Vec<(String, String)>,
}

impl Spec {
    fn of(plan: &Plan) -> Spec {
        let mut fields = Vec::new();
        let mut access = "owner".to_string();
        let mut tenant = false;
        let mut actions: Vec<String> = ["create", "update", "delete", "get", "list"]
            .map(String::from)
            .to_vec();
        let mut audit = false;
        let mut rate_limits = Vec::new();
        let mut rest = plan.args[1..].iter();
        while let Some(arg) = rest.next() {
            match arg.strip_prefix("--") {
                Some("tenant") => tenant = true,
                Some("audit") => audit = true,
                Some(flag) => {
                    let value = rest
                        .next()
                        .unwrap_or_else(|| panic!("--{flag} needs a value"));
                    match flag {
                        "access" => access = value.clone(),
                        "actions" => actions = value.split(',').map(str::to_string).collect(),
                        "rate-limit" => {
                            rate_limits = value
                                .split(',')
                                .map(|item| {
                                    let (action, rate) = item.split_once('=').unwrap();
                                    (action.to_string(), rate.to_string())
                                })
                                .collect()
                        }
                        _ => {}
                    }
                }
                None => fields.push(field_json(arg)),
            }
        }
        let mode = if tenant { "tenant".to_string() } else { access };
        if mode == "workspace" {
            let mut workspace = field_json("workspace:ref=workspaces");
            workspace["fixed"] = Value::Bool(true);
            fields.insert(0, workspace);
        }
        Spec {
            fields,
            mode,
            actions,
            audit,
            rate_limits,
        }
    }
}

/// `tests/ts/resources/<case>.test.ts`: the spec as data, the type-level proofs, and the
/// shared runtime suite (`tests/ts/support/resource-suite.ts`) run over the spec's modules.
fn resource_test_file(plan: &Plan, schema: &BTreeMap<String, Vec<Value>>) -> String {
    let columns = schema.get(&plan.table).unwrap_or_else(|| {
        panic!(
            "table public.{} is not in the database after the migrations",
            plan.table
        )
    });
    let Spec {
        fields,
        mode,
        actions,
        audit,
        rate_limits,
    } = Spec::of(plan);
    let mode = mode.as_str();
    // How rows are owned: by the user who created them (`user_id`), by a workspace the input
    // names (`workspace_id`, fixed once created), or, for a tenant root, by its members (the
    // creator recorded in `created_by`).
    let owner_column = match mode {
        "tenant" => Value::from("created_by"),
        "workspace" => Value::Null,
        _ => Value::from("user_id"),
    };
    let singular = stem(&plan.validations_file);
    let plural = plan.table.replace('_', "-");
    let (s, p) = (pascal(singular), pascal(&plural));
    let names = json!({
        "create": format!("create{s}"),
        "update": format!("update{s}"),
        "delete": format!("delete{s}"),
        "get": format!("get{s}"),
        "list": format!("list{p}"),
        "createSchema": format!("create{s}Schema"),
        "updateSchema": format!("update{s}Schema"),
        "idSchema": format!("{}IdSchema", camel(singular)),
        "listSchema": format!("list{p}Schema"),
        "formFields": format!("{}FormFields", camel(singular)),
    });
    // The audit log's table and reads, and the limiter's functions: the tables and functions
    // the double knows beside the resource's own.
    let log_table = format!("{}_audit", plan.table);
    let names_of = |key: &str| -> Vec<Value> {
        schema
            .get(key)
            .unwrap_or_else(|| panic!("{key} is not in the database"))
            .iter()
            .map(|c| c["name"].clone())
            .collect()
    };
    let mut extra_schema = serde_json::Map::new();
    if audit {
        extra_schema.insert(log_table.clone(), json!(names_of(&log_table)));
    }
    if !rate_limits.is_empty() {
        for function in ["rpc/check_rate_limit", "rpc/check_ip_rate_limit"] {
            extra_schema.insert(function.to_string(), json!(names_of(function)));
        }
    }
    let audit_json = if audit {
        json!({
            "table": log_table,
            "history": format!("get{s}History"),
            "activity": format!("list{s}Activity"),
            "scopeColumn": match mode { "workspace" | "tenant" => "workspace_id", _ => "user_id" },
            "ofWorkspace": matches!(mode, "workspace" | "tenant"),
        })
    } else {
        Value::Null
    };
    let rate_limits_json: serde_json::Map<String, Value> = rate_limits
        .iter()
        .map(|(action, _)| (action.clone(), json!(format!("{}.{action}", plan.table))))
        .collect();
    // File fields: their buckets and limits, as the spec gives them, and the names of the
    // generated map, upload schema and upload action.
    let file_fields: Vec<Value> = fields
        .iter()
        .filter(|f| f["type"] == "file")
        .map(|f| {
            let column = f["column"].as_str().unwrap();
            json!({
                "column": column,
                "bucket": format!("{table}.{column}", table = plan.table),
                "maxBytes": bytes(f["max"].as_str().expect("a file's max")),
                "accept": f["accept"],
                "optional": f["optional"],
            })
        })
        .collect();
    let uploads = if file_fields.is_empty() {
        Value::Null
    } else {
        json!({
            "action": format!("create{s}UploadUrl"),
            "map": format!("{}Files", camel(singular)),
            "schema": format!("{}UploadSchema", camel(singular)),
            "scoped": mode == "workspace" || mode == "tenant",
            "fields": file_fields,
        })
    };
    let buckets: Vec<&str> = schema
        .get(BUCKETS)
        .map(|b| b.iter().filter_map(|b| b["name"].as_str()).collect())
        .unwrap_or_default();
    let spec = json!({
        "case": plan.case,
        "audit": audit_json,
        "rateLimits": rate_limits_json,
        "schema": extra_schema,
        "command": format!("scaffold resource {}", plan.args.join(" ")),
        "mode": mode,
        "table": plan.table,
        "route": format!("/{plural}"),
        "ownerColumn": owner_column,
        "files": {
            "actions": plan.actions_file,
            "data": plan.data_file,
            "validations": plan.validations_file,
        },
        "names": names,
        "fields": fields,
        "actions": actions,
        "columns": columns,
        "uploads": uploads,
        "buckets": buckets,
    });
    let n = |key: &str| names[key].as_str().unwrap().to_string();
    let import_path = |file: &str| format!("@/{}", file.strip_suffix(".ts").unwrap());
    let table = &plan.table;
    let (create_in, update_in, list_in) = (
        format!("validations.Create{s}Input"),
        format!("validations.Update{s}Input"),
        format!("validations.List{p}Input"),
    );

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Written by tests/typescript.rs for the matrix case `{}`:\n//   {}\n",
        plan.case,
        spec["command"].as_str().unwrap()
    );
    let _ = writeln!(out, "import {{ vi }} from \"vitest\";");
    // A module `--actions` left out is an empty object: the suite checks nothing is exported.
    for (name, file) in [("actions", &plan.actions_file), ("data", &plan.data_file)] {
        let _ = match file {
            Some(file) => writeln!(out, "import * as {name} from \"{}\";", import_path(file)),
            None => writeln!(out, "const {name} = {{}};"),
        };
    }
    let _ = writeln!(
        out,
        "import * as validations from \"{}\";",
        import_path(&plan.validations_file)
    );
    let _ = writeln!(
        out,
        "import type {{ ActionResult, CursorPage }} from \"@/lib/action-result\";\nimport type {{ Page }} from \"@/lib/validations/list\";"
    );
    let _ = writeln!(
        out,
        "import type {{ FormState }} from \"@/lib/form-state\";"
    );
    let _ = writeln!(out, "import type {{ Tables }} from \"@/types/supabase\";");
    let _ = writeln!(
        out,
        "import type {{ Equal, Expect, JsonValue, NoAnyInActions, Overloads }} from \"../support/types\";"
    );
    let _ = writeln!(
        out,
        "import {{ describeResource, type ResourceSpec }} from \"../support/resource-suite\";\n"
    );
    let _ = writeln!(
        out,
        "vi.mock(\"@/lib/supabase/server\", () => import(\"../support/supabase-double\"));\n\
         vi.mock(\"@/lib/supabase/admin\", () => import(\"../support/supabase-double\"));\n"
    );
    let _ = writeln!(
        out,
        "// Type-level proofs (checked by tsc): the inferred input and result types of every\n\
         // action and read, derived from the spec and the database, and no `any` in any export."
    );
    // Numeric columns come back as exact decimal strings: the actions and the reads select them
    // as text.
    // A generated search column is never read: the row type leaves it out.
    let searched = columns.iter().any(|c| c["name"] == "search_vector");
    let table_row = if searched {
        format!("Omit<Tables<\"{table}\">, \"search_vector\">")
    } else {
        format!("Tables<\"{table}\">")
    };
    let decimals: Vec<String> = fields
        .iter()
        .filter(|f| f["type"] == "numeric")
        .map(|f| {
            let nullable = if f["optional"] == true { " | null" } else { "" };
            format!("C extends {} ? string{nullable} : ", f["column"])
        })
        .collect();
    let row = if decimals.is_empty() {
        table_row
    } else {
        format!(
            "{{ [C in keyof {table_row}]: {}{table_row}[C] }}",
            decimals.concat()
        )
    };
    let vf = &plan.validations_file;
    // Each proof with a comment naming what it is about; tsc prints the line.
    let mut proofs: Vec<(String, String)> = vec![
        (
            format!("Equal<{create_in}, {}>", ts_input_type(&fields, false)),
            format!("{vf}: the create input mirrors the spec's fields"),
        ),
        (
            format!("Equal<{update_in}, {}>", ts_input_type(&fields, true)),
            format!("{vf}: the update input is every changeable field, optional"),
        ),
        (
            format!(
                "Equal<{list_in}, {}>",
                ts_list_input_type(&fields, mode == "workspace")
            ),
            format!("{vf}: the list input: sort, cursor, filters, search, total"),
        ),
        (
            format!("Equal<validations.{s}, {row}>"),
            format!("{vf}: the row type is the database's, numeric as decimal strings"),
        ),
    ];
    for (name, file) in [("actions", &plan.actions_file), ("data", &plan.data_file)] {
        if let Some(file) = file {
            proofs.push((
                format!("NoAnyInActions<typeof {name}>"),
                format!("{file}: no `any` in the signature of any exported function"),
            ));
        }
    }
    let action_result = format!("Promise<ActionResult<{row}>>");
    // What reads return: with files, a signed URL for each (or null).
    let read_row = match uploads["fields"].as_array() {
        Some(files) => {
            let keys: Vec<String> = files.iter().map(|f| f["column"].to_string()).collect();
            format!(
                "{row} & {{ signedUrls: Record<{}, string | null> }}",
                keys.join(" | ")
            )
        }
        None => row.clone(),
    };
    let read_result = format!("Promise<ActionResult<{read_row}>>");
    let form_state = format!("FormState<{row}>");
    // Each function written: its signatures, exactly. Create and update have two overloads:
    // a plain object from code, and `(state, formData)` as `useActionState` calls them.
    let signatures = [
        (
            "create",
            "actions",
            format!(
                "Equal<Overloads<typeof actions.{}>, [[{create_in}], {action_result}] | [[{form_state}, FormData], Promise<{form_state}>]>",
                n("create")
            ),
        ),
        (
            "update",
            "actions",
            format!(
                "Equal<Overloads<typeof actions.{}>, [[string, {update_in}], {action_result}] | [[string, {form_state}, FormData], Promise<{form_state}>]>",
                n("update")
            ),
        ),
        (
            "delete",
            "actions",
            format!(
                "Equal<Overloads<typeof actions.{}>, [[string], Promise<ActionResult<{{ id: string }}>>]>",
                n("delete")
            ),
        ),
        (
            "get",
            "data",
            format!(
                "Equal<Overloads<typeof data.{}>, [[string], {read_result}]>",
                n("get")
            ),
        ),
        (
            "list",
            "data",
            format!(
                "Equal<Overloads<typeof data.{}>, [[input{}: {list_in}], Promise<ActionResult<Page<{read_row}>>>]>",
                n("list"),
                if mode == "workspace" { "" } else { "?" }
            ),
        ),
    ];
    for (kind, module, proof) in signatures {
        if actions.iter().any(|a| a == kind) {
            let file = match module {
                "actions" => plan.actions_file.as_deref(),
                _ => plan.data_file.as_deref(),
            };
            proofs.push((
                proof,
                format!("{}: the signatures of {}", file.unwrap_or(module), n(kind)),
            ));
        }
    }
    if audit {
        let entries = format!("Promise<ActionResult<CursorPage<Tables<\"{log_table}\">>>>");
        let data_file = plan.data_file.as_deref().unwrap_or("(no data module)");
        proofs.push((
            format!(
                "Equal<Overloads<typeof data.get{s}History>, [[id: string, input?: validations.{s}HistoryInput], {entries}]>"
            ),
            format!("{data_file}: the history of a row, entries as the log's rows"),
        ));
        let activity_input = if matches!(mode, "workspace" | "tenant") {
            format!("input: validations.{s}ActivityInput")
        } else {
            format!("input?: validations.{s}ActivityInput")
        };
        proofs.push((
            format!(
                "Equal<Overloads<typeof data.list{s}Activity>, [[{activity_input}], {entries}]>"
            ),
            format!("{data_file}: the recent activity"),
        ));
    }
    // The upload-URL action of file fields, where a form sets them: (the folder's id,) a file's
    // field, size and type, and where to send its bytes.
    let forms = actions.iter().any(|a| a == "create" || a == "update");
    if let (Some(files), true) = (uploads["fields"].as_array(), forms) {
        let input: Vec<String> = files
            .iter()
            .map(|f| format!("{{ field: {}; size: number; type: string }}", f["column"]))
            .collect();
        let scope = if uploads["scoped"] == true {
            "string, "
        } else {
            ""
        };
        proofs.push((
            format!(
                "Equal<Overloads<typeof actions.{}>, [[{scope}{}], Promise<ActionResult<{{ bucket: string; path: string; token: string; signedUrl: string }}>>]>",
                uploads["action"].as_str().unwrap(),
                input.join(" | ")
            ),
            format!(
                "{}: the signature of the upload-URL action",
                plan.actions_file.as_deref().unwrap_or("actions")
            ),
        ));
    }
    for extra in &plan.extra_actions {
        proofs.push((
            format!("NoAnyInActions<typeof import(\"{}\")>", import_path(extra)),
            format!("{extra}: no `any` in the signature of any exported action"),
        ));
    }
    let _ = writeln!(out, "export type TypeProofs = [");
    for (proof, about) in proofs {
        let _ = writeln!(out, "  Expect<{proof}>, // {about}");
    }
    let _ = writeln!(out, "];\n");
    let _ = writeln!(
        out,
        "const spec: ResourceSpec = {};\n",
        serde_json::to_string_pretty(&spec).unwrap()
    );
    let _ = writeln!(
        out,
        "describeResource(spec, {{ actions, data, validations }});"
    );
    if mode == "tenant" {
        // A tenant root also writes its members' actions: `<tenant>-members.ts`.
        let members_file = format!("app/actions/{singular}-members.ts");
        assert!(
            plan.extra_actions.contains(&members_file),
            "{}: no {members_file} in {:?}",
            plan.case,
            plan.extra_actions
        );
        let snake = singular.replace('-', "_");
        let members_table = format!("{snake}_members");
        let names_of = |key: &str| -> Vec<String> {
            schema
                .get(key)
                .unwrap_or_else(|| panic!("{key} is not in the database"))
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect()
        };
        let members_data_file = format!("lib/data/{singular}-members.ts");
        assert!(
            plan.files.contains(&members_data_file),
            "{}: no {members_data_file} in {:?}",
            plan.case,
            plan.files
        );
        let members = json!({
            "tenant": snake,
            "camel": camel(singular),
            "pascal": s,
            "file": members_file,
            "dataFile": members_data_file,
            "table": members_table,
            "route": format!("/{plural}"),
            "schema": {
                members_table.clone(): names_of(&members_table),
            },
        });
        let _ = writeln!(
            out,
            "\nimport * as members from \"{}\";\nimport * as membersData from \"{}\";\nimport {{ describeMembers }} from \"../support/members-suite\";\n\ndescribeMembers({}, members, membersData);\n\nexport type MemberProofs = [\n  Expect<NoAnyInActions<typeof membersData>>, // {members_data_file}: no `any` in the member list\n];",
            import_path(&members_file),
            import_path(&members_data_file),
            serde_json::to_string_pretty(&members).unwrap()
        );
        // And its invitations: actions, reads, the link's page, the email they send.
        let invitations_file = format!("app/actions/{singular}-invitations.ts");
        let invitations_data_file = format!("lib/data/{singular}-invitations.ts");
        for file in [&invitations_file, &invitations_data_file] {
            assert!(
                plan.files.contains(file),
                "{}: no {file} in {:?}",
                plan.case,
                plan.files
            );
        }
        let invitations_table = format!("{snake}_invitations");
        let rpc = |name: String| (name.clone(), format!("rpc/{name}"));
        let functions = [
            ("invite", rpc(format!("invite_{snake}_member"))),
            ("resend", rpc(format!("resend_{snake}_invitation"))),
            ("revoke", rpc(format!("revoke_{snake}_invitation"))),
            ("accept", rpc(format!("accept_{snake}_invitation"))),
            ("decline", rpc(format!("decline_{snake}_invitation"))),
            ("listMine", rpc(format!("my_{snake}_invitations"))),
            (
                "recordEmail",
                rpc(format!("record_{snake}_invitation_email")),
            ),
        ];
        let mut invitations_schema = serde_json::Map::new();
        invitations_schema.insert(
            invitations_table.clone(),
            json!(names_of(&invitations_table)),
        );
        for (_, (_, path)) in &functions {
            invitations_schema.insert(path.clone(), json!(names_of(path)));
        }
        let invitations = json!({
            "pascal": s,
            "camel": camel(singular),
            "tenantColumn": format!("{snake}_id"),
            "nameColumn": format!("{snake}_name"),
            "unnamed": format!("a {}", snake.replace('_', " ")),
            "file": invitations_file,
            "dataFile": invitations_data_file,
            "table": invitations_table,
            "route": format!("/{plural}"),
            "linkRoute": format!("/{plural}/invitations"),
            "rpc": functions
                .iter()
                .map(|(key, (name, _))| (key.to_string(), json!(name)))
                .collect::<serde_json::Map<_, _>>(),
            "schema": invitations_schema,
        });
        let _ = writeln!(
            out,
            "\nimport * as invitations from \"{actions}\";\nimport * as invitationsData from \"{data}\";\nimport {{ describeInvitations }} from \"../support/invitations-suite\";\n\ndescribeInvitations({}, invitations, invitationsData);\n\nexport type InvitationProofs = [\n  Expect<NoAnyInActions<typeof invitations>>, // {invitations_file}: no `any` in the invitation actions\n  Expect<NoAnyInActions<typeof invitationsData>>, // {invitations_data_file}: no `any` in the invitation reads\n  // {invitations_file}: accept by token, and bound to it as the link page's form action\n  Expect<\n    Equal<\n      Overloads<typeof invitations.accept{s}Invitation>,\n      | [[token: string], Promise<ActionResult<invitations.{s}InvitationAccepted>>]\n      | [\n          [token: string, state: FormState<invitations.{s}InvitationAccepted>, formData: FormData],\n          Promise<FormState<invitations.{s}InvitationAccepted>>,\n        ]\n    >\n  >,\n];",
            serde_json::to_string_pretty(&invitations).unwrap(),
            actions = import_path(&invitations_file),
            data = import_path(&invitations_data_file),
        );
    }
    out
}
