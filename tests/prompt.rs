//! The wizard of `scaffold resource`, driven for real through a pseudo-terminal, and what
//! happens when there is no terminal to ask on.

mod common;

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::PtySession;

const TIMESTAMP: &str = "20250101000000";

/// The terminal escape that shows the cursor.
const SHOW_CURSOR: &str = "\x1b[?25h";

/// The down-arrow key, twelve times.
const TWELVE_DOWN: &str =
    "\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B";

/// `scaffold --dir DIR ARGS...` on a pseudo-terminal, with plain (uncoloured) prompts.
fn spawn(dir: &Path, args: &[&str]) -> PtySession {
    let mut command = Command::new(common::binary());
    command
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("SCAFFOLD_TIMESTAMP", TIMESTAMP)
        .env_remove("SCAFFOLD_NO_SESSION");
    rexpect::session::spawn_command(command, Some(20_000)).expect("scaffold starts on a pty")
}

/// One step of a conversation: wait for the prompt, then type.
enum Step {
    /// Wait for the text, then type a line and Enter.
    Line(&'static str, &'static str),
    /// Wait for the text, then press one key (confirm prompts take y or n without Enter).
    Key(&'static str, &'static str),
    /// Wait for the text only.
    See(&'static str),
}

fn converse(session: &mut PtySession, steps: &[Step]) {
    for step in steps {
        let (expected, typed) = match step {
            Step::Line(expected, line) => (expected, Some(format!("{line}\r"))),
            Step::Key(expected, key) => (expected, Some(key.to_string())),
            Step::See(expected) => (expected, None),
        };
        session
            .exp_string(expected)
            .unwrap_or_else(|e| panic!("waiting for {expected:?}: {e}"));
        if let Some(typed) = typed {
            session.send(&typed).unwrap();
            session.flush().unwrap();
        }
    }
}

fn files(dir: &Path) -> Vec<(String, String)> {
    common::files(dir)
        .into_iter()
        .filter(|(path, _)| !path.ends_with(".lock"))
        .collect()
}

#[test]
fn the_wizard_writes_what_the_command_line_writes() {
    use Step::*;
    let asked = tempfile::tempdir().unwrap();
    let mut session = spawn(asked.path(), &["resource"]);
    converse(
        &mut session,
        &[
            Line("Resource name", "2fa"),
            // Refused with the command line's message, then asked again.
            Line("`2fa` is not a valid resource name", "notes"),
            Line("Singular", ""),
            Line("Plural (the table name)", ""),
            Line("Field 1: name", "id"),
            Line("`id` is a column scaffold generates", "title"),
            Line("`title`: type", ""),
            Key("`title`: required?", "y"),
            Key("`title`: unique?", "n"),
            Key("`title`: can lists be sorted by it?", "y"),
            Key("`title`: can lists search it (by words)?", "y"),
            Line("`title`: minimum length", ""),
            Line("`title`: maximum length", "lots"),
            Line("a text length must be a whole number", "200"),
            Line("`title`: default", ""),
            Key("Add another field?", "y"),
            Line("Field 2: name", "body"),
            Line("`body`: type", ""),
            Key("`body`: required?", "n"),
            Key("`body`: unique?", "n"),
            Key("`body`: can lists search it (by words)?", "n"),
            Line("`body`: minimum length", ""),
            Line("`body`: maximum length", ""),
            Line("`body`: default", ""),
            Key("Add another field?", "n"),
            Line("Access", ""),
            Line("Server actions to write", ""),
            See("create  app/actions/notes.ts"),
            Key("Write these files?", "y"),
            See("To do this again without the questions:"),
            See(
                "scaffold resource notes title:text:sortable:searchable:max=200 body:text:optional",
            ),
        ],
    );
    session.exp_eof().unwrap();

    let typed = tempfile::tempdir().unwrap();
    let output = Command::new(common::binary())
        .arg("--dir")
        .arg(typed.path())
        .args([
            "resource",
            "notes",
            "title:text:sortable:searchable:max=200",
            "body:text:optional",
            "--timestamp",
            TIMESTAMP,
        ])
        .env_remove("SCAFFOLD_NO_SESSION")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let (asked, typed) = (files(asked.path()), files(typed.path()));
    assert!(
        asked
            .iter()
            .any(|(p, _)| p == ".claude/tasks/session-current.md"),
        "{asked:?}"
    );
    assert_eq!(
        asked, typed,
        "the wizard's files and the command line's differ"
    );
}

#[test]
fn choices_come_from_lists_and_the_command_line_skips_what_it_gave() {
    use Step::*;
    let dir = tempfile::tempdir().unwrap();
    let mut session = spawn(
        dir.path(),
        &[
            "resource",
            "task",
            "--access",
            "public-read",
            "--no-session",
        ],
    );
    converse(
        &mut session,
        &[
            Line("Singular", ""),
            Line("Plural (the table name)", ""),
            Line("Field 1: name", "state"),
            // text, int, bigint, numeric, float, bool, date, timestamptz, uuid, email, url,
            // jsonb, enum: twelve steps down.
            Line("`state`: type", TWELVE_DOWN),
            Line("`state`: values", "open,done"),
            Key("`state`: required?", "y"),
            Key("`state`: unique?", "n"),
            Key("`state`: can lists be sorted by it?", "n"),
            Line("`state`: default", "open"),
            Key("Add another field?", "n"),
            // All are checked: uncheck update and delete.
            Line("Server actions to write", "\x1b[B \x1b[B "),
            Key("Write these files?", "y"),
            See("scaffold resource task state:enum=open,done:default=open --access public-read --actions create,get,list"),
        ],
    );
    session.exp_eof().unwrap();
    let migration = std::fs::read_to_string(
        dir.path()
            .join(format!("supabase/migrations/{TIMESTAMP}_create_tasks.sql")),
    )
    .unwrap();
    assert!(
        migration.contains("create type public.task_state as enum ('open', 'done');"),
        "{migration}"
    );
    assert!(!dir.path().join(".claude").exists(), "--no-session");
    // Mutations are server actions, reads the data-access layer.
    let actions = std::fs::read_to_string(dir.path().join("app/actions/tasks.ts")).unwrap();
    let data = std::fs::read_to_string(dir.path().join("lib/data/tasks.ts")).unwrap();
    for (function, module, written) in [
        ("createTask", &actions, true),
        ("updateTask", &actions, false),
        ("deleteTask", &actions, false),
        ("getTask", &data, true),
        ("listTasks", &data, true),
    ] {
        let defined = module.contains(&format!("export async function {function}("))
            || module.contains(&format!("export const {function} = "));
        assert_eq!(defined, written, "{function}");
    }
}

#[test]
fn ctrl_c_or_no_at_any_prompt_leaves_nothing_written() {
    use Step::*;
    let cases: &[(&str, &[Step])] = &[
        ("ctrl-c at the first prompt", &[See("Resource name")]),
        (
            "ctrl-c while choosing a type",
            &[
                Line("Resource name", "note"),
                Line("Singular", ""),
                Line("Plural", ""),
                Line("Field 1: name", "title"),
                See("`title`: type"),
            ],
        ),
        (
            "ctrl-c at the confirmation",
            &[
                Line("Resource name", "note"),
                Line("Singular", ""),
                Line("Plural", ""),
                Line("Field 1: name", "title"),
                Line("`title`: type", ""),
                Key("`title`: required?", "y"),
                Key("`title`: unique?", "n"),
                Key("sorted by it?", "n"),
                Key("search it", "n"),
                Line("minimum length", ""),
                Line("maximum length", ""),
                Line("default", ""),
                Key("Add another field?", "n"),
                Line("Access", ""),
                Line("Server actions", ""),
                See("Write these files?"),
            ],
        ),
    ];
    for (what, steps) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut session = spawn(dir.path(), &["resource"]);
        converse(&mut session, steps);
        session.send_control('c').unwrap();
        // The cursor a list prompt hid is shown again.
        session
            .exp_string(SHOW_CURSOR)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        session.exp_eof().unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = session.process().wait().unwrap();
        assert!(
            matches!(status, WaitStatus::Exited(_, 130)),
            "{what}: {status:?}"
        );
        assert_eq!(files(dir.path()), vec![], "{what}");
    }

    let dir = tempfile::tempdir().unwrap();
    let mut session = spawn(dir.path(), &["resource", "note", "--plural", "notes"]);
    converse(
        &mut session,
        &[
            Line("Field 1: name", "title"),
            Line("`title`: type", ""),
            Key("`title`: required?", "y"),
            Key("`title`: unique?", "n"),
            Key("sorted by it?", "n"),
            Key("search it", "n"),
            Line("minimum length", ""),
            Line("maximum length", ""),
            Line("default", ""),
            Key("Add another field?", "n"),
            Line("Access", ""),
            Line("Server actions", ""),
            Key("Write these files?", "n"),
            See("cancelled; nothing was written"),
        ],
    );
    session.exp_eof().unwrap();
    assert_eq!(files(dir.path()), vec![], "answering no");
}

#[test]
fn without_a_terminal_or_with_yes_it_never_asks() {
    // Piped: stdin is not a terminal.
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["resource"],
            "no resource name given: pass NAME and its fields",
        ),
        (
            &["resource", "note"],
            "no fields given for `note`: pass them as NAME:TYPE",
        ),
        (&["resource", "note", "--yes"], "no fields given for `note`"),
    ];
    for (args, want) in cases {
        let output = common::scaffold(dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
    assert_eq!(files(dir.path()), vec![]);

    // On a terminal, --yes and --no-input still never ask.
    for flag in ["--yes", "--no-input"] {
        let mut session = spawn(dir.path(), &["resource", "note", flag]);
        session
            .exp_string("no fields given for `note`")
            .unwrap_or_else(|e| panic!("{flag}: {e}"));
        session.exp_eof().unwrap();
        let status = session.process().wait().unwrap();
        assert!(
            matches!(status, WaitStatus::Exited(_, 2)),
            "{flag}: {status:?}"
        );
    }
    assert_eq!(files(dir.path()), vec![]);
}
