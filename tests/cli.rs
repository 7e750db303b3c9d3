//! The command line as users and scripts see it: exit codes, messages, and what lands on disk.

mod common;

use std::fs;

use common::{files, scaffold};

const NOTE: &[&str] = &[
    "resource",
    "note",
    "title:text:max=200",
    "body:text",
    "--timestamp",
    "20250101000000",
];

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn bad_input_exits_2_names_the_token_and_writes_nothing() {
    let cases: &[(&[&str], &str)] = &[
        (&["resource", "select", "title:text"], "`select`"),
        (
            &["resource", "user-table; drop", "title:text"],
            "`user-table; drop`",
        ),
        (&["resource", "note", "title:txt"], "unknown type `txt`"),
        (
            &["resource", "note", "title:text:nullable"],
            "unknown modifier `nullable`",
        ),
        (
            &["resource", "note", "title:text", "title:text"],
            "defined twice",
        ),
        (
            &["resource", "note", "id:uuid"],
            "`id` is a column scaffold generates",
        ),
        (
            &["resource", "note", "user_id:uuid"],
            "`user_id` is a column scaffold generates",
        ),
        (
            &["resource", "note", "kind:enum=a,b:default=c"],
            "`default=c` does not fit enum",
        ),
        (
            &["resource", "note", "n:int:default=1.5"],
            "`default=1.5` does not fit int",
        ),
        // Exact numbers: both bounds round to the same double, and a default compared as a
        // double would pass its own check constraint's bound.
        (
            &[
                "resource",
                "meter",
                "n:bigint:min=9007199254740993:default=9007199254740992",
            ],
            "`default=9007199254740992` does not fit bigint: 9007199254740992 is below min=9007199254740993",
        ),
        (
            &[
                "resource",
                "meter",
                "x:numeric:min=0.30000000000000001:default=0.3",
            ],
            "`default=0.3` does not fit numeric: 0.3 is below min=0.30000000000000001",
        ),
        (
            &["resource", "meter", "n:bigint:max=9223372036854775808"],
            "`max=9223372036854775808` is outside the range of bigint (64-bit)",
        ),
        (
            &[
                "resource",
                "meter",
                "x:numeric:max=1.23456789012345678901234567890",
            ],
            "at most 28 significant digits",
        ),
        (&["resource", &"a".repeat(64), "title:text"], "63"),
        (
            &["resource", "note", &format!("{}:text", "b".repeat(64))],
            "63",
        ),
        (
            &[
                "resource",
                "note",
                &format!("{}:text:max=9", "c".repeat(60)),
            ],
            "PostgreSQL truncates identifiers after 63 bytes",
        ),
        (&["resource", "note"], "no fields given"),
        (
            &[
                "resource",
                "note",
                "title:text",
                "--timestamp",
                "2025-01-01",
            ],
            "`--timestamp 2025-01-01`",
        ),
        (
            &["resource", "note", "title:text", "--access", "everyone"],
            "everyone",
        ),
        (
            &["resource", "note", "title:text", "--plural", "Notes!"],
            "`--plural Notes!`",
        ),
        (
            &["templates", "eject", "no/such/template"],
            "`no/such/template`",
        ),
    ];
    for (args, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = scaffold(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(want),
            "{args:?}: {:?} should mention {want:?}",
            stderr(&output)
        );
        assert_eq!(
            stderr(&output)
                .lines()
                .filter(|l| l.contains("error"))
                .count(),
            1,
            "{args:?}: one message"
        );
        assert!(files(dir.path()).is_empty(), "{args:?} wrote files");
    }
}

#[test]
fn rerunning_is_a_no_op_that_reports_every_file_identical() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let before = files(dir.path());
    // Without --timestamp the existing migration is found and rewritten in place.
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "note",
            "title:text:max=200",
            "body:text",
            "--json",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let actions: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.len(), 11);
    assert!(actions.iter().all(|a| *a == "identical"), "{actions:?}");
    assert_eq!(files(dir.path()), before);
}

#[test]
fn a_bad_timestamp_is_bad_input_even_when_the_migration_exists() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let before = files(dir.path());
    for bad in ["20251301000000", "99999999999999", "2025"] {
        let output = scaffold(
            dir.path(),
            &[
                "resource",
                "note",
                "title:text:max=200",
                "body:text",
                "--timestamp",
                bad,
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{bad}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("`--timestamp {bad}`")),
            "{bad}: {}",
            stderr(&output)
        );
    }
    assert_eq!(files(dir.path()), before);
}

#[test]
fn a_table_no_migration_creates_is_a_warning_that_says_what_to_run() {
    let cases: &[(&[&str], &[&str], &str)] = &[
        (
            &["resource", "board", "title:text", "--access", "workspace"],
            &["resource", "workspace", "name:text", "--tenant"],
            "generate the tenant root first, e.g. `scaffold resource workspace name:text --tenant`",
        ),
        (
            &["resource", "task", "title:text", "project:ref"],
            &["resource", "project", "name:text"],
            "`project:ref` refers to public.projects and no migration in supabase/migrations creates it",
        ),
    ];
    for (args, first, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = scaffold(
            dir.path(),
            &[args, &["--timestamp", "20250101000001"][..]].concat(),
        );
        assert!(
            output.status.success(),
            "{args:?}: a warning does not stop the run"
        );
        assert!(
            stderr(&output).contains("warning:") && stderr(&output).contains(want),
            "{args:?}: {}",
            stderr(&output)
        );

        let json = scaffold(dir.path(), &[args, &["--json", "--dry-run"][..]].concat());
        let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
        assert!(
            report["warnings"][0].as_str().unwrap().contains(want),
            "{args:?}: {report}"
        );

        let dir = tempfile::tempdir().unwrap();
        assert!(scaffold(
            dir.path(),
            &[first, &["--timestamp", "20250101000000"][..]].concat()
        )
        .status
        .success());
        let output = scaffold(
            dir.path(),
            &[args, &["--timestamp", "20250101000001"][..]].concat(),
        );
        assert!(
            !stderr(&output).contains("warning:"),
            "{args:?} after {first:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn json_reports_path_action_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let output = scaffold(dir.path(), &[NOTE, &["--json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["dry_run"], false);
    let first = &report["files"][0];
    assert_eq!(
        first["path"],
        "supabase/migrations/20250101000000_create_notes.sql"
    );
    assert_eq!(first["action"], "create");
    let on_disk = fs::read(
        dir.path()
            .join("supabase/migrations/20250101000000_create_notes.sql"),
    )
    .unwrap();
    assert_eq!(first["bytes"], on_disk.len());
}

#[test]
fn dry_run_prints_the_plan_and_a_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = scaffold(dir.path(), &[NOTE, &["--dry-run"]].concat());
    assert!(output.status.success());
    let out = stdout(&output);
    assert!(
        out.contains("create  supabase/migrations/20250101000000_create_notes.sql"),
        "{out}"
    );
    assert!(out.contains("+++ b/app/actions/notes.ts"), "{out}");
    assert!(out.contains("+create table public.notes ("), "{out}");
    assert!(files(dir.path()).is_empty());

    let output = scaffold(dir.path(), &[NOTE, &["--dry-run", "--json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["dry_run"], true);
    assert!(files(dir.path()).is_empty());
}

#[test]
fn a_changed_file_is_a_conflict_unless_forced_or_skipped() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let actions = dir.path().join("app/actions/notes.ts");
    let validation = dir.path().join("lib/validations/note.ts");
    fs::write(&actions, "// mine\n").unwrap();
    fs::remove_file(&validation).unwrap();

    let output = scaffold(dir.path(), NOTE);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("app/actions/notes.ts"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("--force"),
        "says what to do: {}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&actions).unwrap(), "// mine\n");
    assert!(!validation.exists(), "a conflict writes nothing at all");

    let output = scaffold(dir.path(), &[NOTE, &["--skip-existing"]].concat());
    assert!(output.status.success());
    assert!(
        stdout(&output).contains("skip  app/actions/notes.ts"),
        "{}",
        stdout(&output)
    );
    assert_eq!(fs::read_to_string(&actions).unwrap(), "// mine\n");
    assert!(validation.exists());

    let output = scaffold(dir.path(), &[NOTE, &["--force"]].concat());
    assert!(output.status.success());
    assert!(stdout(&output).contains("overwrite  app/actions/notes.ts"));
    assert!(fs::read_to_string(&actions)
        .unwrap()
        .contains("export async function createNote("));
}

/// `--json` with a conflict prints the whole plan, each conflict marked and `written: false`,
/// exits 1 and writes nothing; `--force` then reports the overwrite.
#[test]
fn json_with_a_conflict_prints_the_plan_with_each_conflict_marked_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let changed = ["app/actions/notes.ts", "lib/validations/note.ts"];
    for path in changed {
        fs::write(dir.path().join(path), "// mine\n").unwrap();
    }
    fs::remove_file(dir.path().join("lib/data/notes.ts")).unwrap();
    let before = files(dir.path());

    let output = scaffold(dir.path(), &[NOTE, &["--json"]].concat());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("stdout is the JSON plan ({e}): {}", stdout(&output)));
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["written"], false);
    let actions: std::collections::BTreeMap<&str, &str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["action"].as_str().unwrap()))
        .collect();
    assert_eq!(actions.len(), 11, "the full plan: {actions:?}");
    for (path, action) in &actions {
        let want = if changed.contains(path) {
            "conflict"
        } else if *path == "lib/data/notes.ts" {
            "create"
        } else {
            "identical"
        };
        assert_eq!(*action, want, "{path}");
    }
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(files(dir.path()), before, "nothing written");

    let output = scaffold(dir.path(), &[NOTE, &["--json", "--force"]].concat());
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["written"], true);
    assert_eq!(report["files"][3]["action"], "overwrite");
}

#[test]
fn shared_modules_are_written_once_and_then_left_to_the_user() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let shared = dir.path().join("lib/action-result.ts");
    fs::write(&shared, "// my own result type\n").unwrap();
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "task",
            "title:text",
            "--timestamp",
            "20250101000001",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("keep  lib/action-result.ts"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        fs::read_to_string(&shared).unwrap(),
        "// my own result type\n"
    );
    let output = scaffold(dir.path(), &["resource", "task", "title:text", "--force"]);
    assert!(output.status.success());
    assert_eq!(
        fs::read_to_string(&shared).unwrap(),
        "// my own result type\n",
        "--force never replaces shared modules"
    );
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // A file where a folder must go: staging fails after other files were staged.
    fs::write(dir.path().join("lib"), "not a folder").unwrap();
    let output = scaffold(dir.path(), NOTE);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("lib"), "{}", stderr(&output));
    let left: Vec<String> = files(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(left, vec!["lib".to_string()]);
    assert!(
        !dir.path().join("supabase").exists(),
        "folders made for the plan are removed again"
    );
}

#[test]
fn timestamp_comes_from_the_flag_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(common::binary())
        .args(["--dir"])
        .arg(dir.path())
        .args(["resource", "note", "title:text"])
        .env("SCAFFOLD_TIMESTAMP", "20240229235959")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir
        .path()
        .join("supabase/migrations/20240229235959_create_notes.sql")
        .is_file());
    assert!(dir
        .path()
        .join("supabase/rollbacks/20240229235959_create_notes.down.sql")
        .is_file());
}

#[test]
fn src_projects_get_their_code_under_src() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src/app")).unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    for path in [
        "src/app/actions/notes.ts",
        "src/lib/validations/note.ts",
        "src/lib/action-result.ts",
        "supabase/migrations/20250101000000_create_notes.sql",
    ] {
        assert!(dir.path().join(path).is_file(), "{path}");
    }
    let actions = fs::read_to_string(dir.path().join("src/app/actions/notes.ts")).unwrap();
    assert!(
        actions.contains("from \"@/lib/validations/note\""),
        "the alias points at src/"
    );
}

#[test]
fn templates_can_be_overridden_and_ejected() {
    let dir = tempfile::tempdir().unwrap();
    let output = scaffold(
        dir.path(),
        &["templates", "eject", "resource/app/actions/resources.ts"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let ejected = dir
        .path()
        .join(".scaffold/templates/resource/app/actions/resources.ts");
    assert!(ejected.is_file());
    fs::write(&ejected, "// custom actions for {{ table }}\n").unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    assert_eq!(
        fs::read_to_string(dir.path().join("app/actions/notes.ts")).unwrap(),
        "// custom actions for notes\n"
    );
}

/// A broken override is the user's to fix: exit code 2, a message naming their file, the line,
/// the variable and the line's text, and nothing written.
#[test]
fn a_broken_override_names_the_users_file_line_and_variable() {
    let structure = "resource/supabase/tests/database/structure.sql";
    let actions = "resource/app/actions/resources.ts";
    // (what, override, its text (empty: a folder in its place), lines of the message)
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "a template a built-in template includes",
            structure,
            "-- my structure checks\nselect has_table('public', {{ table | sql_string }}, 'exists');\n{{ no_such_variable }}\n",
            &[
                "error: your template override {root}/.scaffold/templates/resource/supabase/tests/database/structure.sql, line 3: undefined value: `no_such_variable` is undefined",
                "   3 > {{ no_such_variable }}",
                "  included from built-in template resource/supabase/tests/database/table.test.sql, line 14",
            ],
        ),
        (
            "a template a built-in template includes, that cannot be read (a folder)",
            structure,
            "",
            &[
                "error: your template override {root}/.scaffold/templates/resource/supabase/tests/database/structure.sql: cannot be read: Is a directory (os error 21)",
                "  included from built-in template resource/supabase/tests/database/table.test.sql, line 14",
            ],
        ),
        (
            "a top-level template",
            actions,
            "// actions for {{ table }}\n{{ no_such_variable }}\n",
            &[
                "error: your template override {root}/.scaffold/templates/resource/app/actions/resources.ts, line 2: undefined value: `no_such_variable` is undefined",
                "   2 > {{ no_such_variable }}",
            ],
        ),
        (
            "a syntax error",
            actions,
            "// actions for {{ table }}\n{% for action in actions %}\n{{ action }}\n",
            &[
                "error: your template override {root}/.scaffold/templates/resource/app/actions/resources.ts, line 3: syntax error: unexpected end of input, expected end of block",
                "   2 | {% for action in actions %}",
            ],
        ),
    ];
    for (what, path, text, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join(".scaffold/templates").join(path);
        if text.is_empty() {
            fs::create_dir_all(own.join("inside")).unwrap();
        } else {
            fs::create_dir_all(own.parent().unwrap()).unwrap();
            fs::write(&own, text).unwrap();
        }
        let before = files(dir.path());
        let output = scaffold(dir.path(), NOTE);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{what}: {message}");
        let root = dir.path().display().to_string();
        for line in *want {
            let line = line.replace("{root}", &root);
            assert!(
                message.lines().any(|l| l == line),
                "{what}: no line\n{line}\nin\n{message}"
            );
        }
        assert_eq!(files(dir.path()), before, "{what}: nothing written");
    }
}

#[test]
fn help_shows_real_examples_and_completions_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    for (args, want) in [
        (&["--help"][..], "scaffold resource project name:text"),
        (
            &["resource", "--help"][..],
            "scaffold resource note title:text:max=200 body:text --dry-run",
        ),
        (
            &["resource", "--help"][..],
            "on-delete=cascade|restrict|set-null",
        ),
        (&["completions", "bash"][..], "complete -F"),
        (&["completions", "zsh"][..], "#compdef scaffold"),
        (&["completions", "fish"][..], "complete -c scaffold"),
    ] {
        let output = scaffold(dir.path(), args);
        assert!(output.status.success(), "{args:?}");
        assert!(
            stdout(&output).contains(want),
            "{args:?} should show {want:?}"
        );
    }
}

#[test]
fn no_colour_when_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(common::binary())
        .arg("--dir")
        .arg(dir.path())
        .args(NOTE)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        !stdout(&output).contains('\u{1b}'),
        "escape codes in piped output"
    );
}
