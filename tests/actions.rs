//! `--actions`: only the chosen server actions are written, with exactly the imports they use,
//! and the command line, the session record and the wizard agree.

mod common;

use std::fs;

use common::scaffold;

const ALL: [&str; 5] = [
    "createNote",
    "updateNote",
    "deleteNote",
    "getNote",
    "listNotes",
];

/// `--actions`, the functions written, text the module must contain, text it must not.
type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);

#[test]
fn only_the_chosen_actions_are_written() {
    let cases: &[Case] = &[
        (
            "create",
            &["createNote"],
            &[
                "import { revalidatePath } from \"next/cache\";",
                "import { parseInput }",
            ],
            &[
                "notFound",
                "type Page",
                "noteIdSchema",
                "updateNoteSchema",
                "listNotesSchema",
            ],
        ),
        (
            "get,list",
            &["getNote", "listNotes"],
            &["notFound,", "type Page,", "unauthorized,", "noteIdSchema"],
            &[
                "revalidatePath",
                "parseInput",
                "noteFormFields",
                "createNoteSchema",
            ],
        ),
        (
            "list,delete",
            &["deleteNote", "listNotes"],
            &["revalidatePath", "notFound,", "type Page,"],
            &["parseInput", "noteFormFields", "updateNoteSchema"],
        ),
        (
            "update,update,create,delete,get,list",
            &ALL,
            &["revalidatePath", "parseInput"],
            &[],
        ),
    ];
    for (actions, written, present, absent) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = scaffold(
            dir.path(),
            &[
                "resource",
                "note",
                "title:text",
                "--actions",
                actions,
                "--timestamp",
                "20250101000000",
            ],
        );
        assert!(output.status.success(), "{actions}: {output:?}");
        let module = fs::read_to_string(dir.path().join("app/actions/notes.ts")).unwrap();
        for function in ALL {
            assert_eq!(
                module.contains(&format!("export async function {function}(")),
                written.contains(&function),
                "--actions {actions}: {function}"
            );
        }
        for text in *present {
            assert!(
                module.contains(text),
                "--actions {actions}: {text} in\n{module}"
            );
        }
        for text in *absent {
            assert!(
                !module.contains(text),
                "--actions {actions}: no {text} in\n{module}"
            );
        }
        let migration = fs::read_to_string(
            dir.path()
                .join("supabase/migrations/20250101000000_create_notes.sql"),
        )
        .unwrap();
        let header = migration.lines().nth(1).unwrap();
        if written.len() == ALL.len() {
            assert!(!header.contains("--actions"), "{header}");
        } else {
            let canonical: Vec<&str> = ["create", "update", "delete", "get", "list"]
                .into_iter()
                .filter(|a| actions.split(',').any(|given| given == *a))
                .collect();
            assert!(
                header.ends_with(&format!("--actions {}", canonical.join(","))),
                "{header}"
            );
        }
    }
}

#[test]
fn the_session_record_lists_only_the_written_actions() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(common::binary())
        .arg("--dir")
        .arg(dir.path())
        .args(["resource", "note", "title:text", "--actions", "get,list"])
        .env_remove("SCAFFOLD_NO_SESSION")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let record = fs::read_to_string(dir.path().join(".claude/tasks/session-current.md")).unwrap();
    assert!(
        record.contains("- Functions: `getNote`, `listNotes` ("),
        "{record}"
    );
    assert!(
        record.contains("import { getNote, listNotes, type Note }"),
        "{record}"
    );
    assert!(
        record.contains("Side effects: none; the module only reads."),
        "{record}"
    );
    assert!(!record.contains("createNote("), "{record}");
}

#[test]
fn unknown_actions_are_refused_naming_the_token() {
    let dir = tempfile::tempdir().unwrap();
    for (actions, want) in [
        ("create,show", "invalid value 'show' for '--actions"),
        (
            "show",
            "[possible values: create, update, delete, get, list]",
        ),
    ] {
        let output = scaffold(
            dir.path(),
            &["resource", "note", "title:text", "--actions", actions],
        );
        assert_eq!(output.status.code(), Some(2), "{actions}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(want), "{actions}: {stderr}");
    }
    assert!(common::files(dir.path()).is_empty());
}
