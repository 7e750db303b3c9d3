//! `--actions`: only the chosen functions are written, mutations as server actions in
//! `app/actions/<plural>.ts` and reads in the data-access module `lib/data/<plural>.ts` (a
//! module with nothing chosen is not written), each with exactly the imports it uses, and the
//! command line, the session record and the wizard agree.

mod common;

use std::fs;

use common::scaffold;

const ACTIONS: &str = "app/actions/notes.ts";
const DATA: &str = "lib/data/notes.ts";

/// Each function and the module it belongs in.
const ALL: [(&str, &str); 5] = [
    ("createNote", ACTIONS),
    ("updateNote", ACTIONS),
    ("deleteNote", ACTIONS),
    ("getNote", DATA),
    ("listNotes", DATA),
];

/// `--actions`, the functions written, and text each module must contain and must not.
struct Case<'a> {
    actions: &'a str,
    written: &'a [&'a str],
    present: &'a [(&'a str, &'a str)],
    absent: &'a [(&'a str, &'a str)],
}

#[test]
fn only_the_chosen_actions_are_written() {
    let cases = [
        Case {
            actions: "create",
            written: &["createNote"],
            present: &[
                (ACTIONS, "import { revalidatePath } from \"next/cache\";"),
                (ACTIONS, "import { parseInput }"),
                (ACTIONS, "import { type FormState, toFormState }"),
            ],
            absent: &[
                (ACTIONS, "notFound"),
                (ACTIONS, "noteIdSchema"),
                (ACTIONS, "updateNoteSchema"),
                (ACTIONS, "listNotesSchema"),
            ],
        },
        Case {
            actions: "get,list",
            written: &["getNote", "listNotes"],
            present: &[
                (DATA, "import \"server-only\";"),
                (DATA, "notFound,"),
                (DATA, "type Page,"),
                (DATA, "unauthorized,"),
                (DATA, "noteIdSchema"),
                (DATA, "import { getSupabase, getUserId }"),
            ],
            absent: &[
                (DATA, "revalidatePath"),
                (DATA, "parseInput"),
                (DATA, "noteFormFields"),
                (DATA, "createNoteSchema"),
            ],
        },
        Case {
            actions: "list,delete",
            written: &["deleteNote", "listNotes"],
            present: &[
                (ACTIONS, "revalidatePath"),
                (ACTIONS, "notFound,"),
                (ACTIONS, "noteIdSchema"),
                (DATA, "type Page,"),
            ],
            absent: &[
                (ACTIONS, "parseInput"),
                (ACTIONS, "noteFormFields"),
                (ACTIONS, "FormState"),
                (ACTIONS, "type Note,"),
                (DATA, "notFound"),
                (DATA, "noteIdSchema"),
            ],
        },
        Case {
            actions: "update,update,create,delete,get,list",
            written: &[
                "createNote",
                "updateNote",
                "deleteNote",
                "getNote",
                "listNotes",
            ],
            present: &[(ACTIONS, "revalidatePath"), (ACTIONS, "parseInput")],
            absent: &[],
        },
    ];
    for case in cases {
        let actions = case.actions;
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
        let read = |module: &str| fs::read_to_string(dir.path().join(module)).ok();
        for module in [ACTIONS, DATA] {
            let wanted = ALL
                .iter()
                .any(|(f, m)| *m == module && case.written.contains(f));
            assert_eq!(
                read(module).is_some(),
                wanted,
                "--actions {actions}: {module} is written when it has a function"
            );
        }
        for (function, module) in ALL {
            let text = read(module).unwrap_or_default();
            let defined = text.contains(&format!("export async function {function}("))
                || text.contains(&format!("export const {function} = "));
            assert_eq!(
                defined,
                case.written.contains(&function),
                "--actions {actions}: {function} in {module}"
            );
        }
        for (module, text) in case.present {
            let source = read(module).unwrap_or_default();
            assert!(
                source.contains(text),
                "--actions {actions}: {text} in {module}\n{source}"
            );
        }
        for (module, text) in case.absent {
            let source = read(module).unwrap_or_default();
            assert!(
                !source.contains(text),
                "--actions {actions}: no {text} in {module}\n{source}"
            );
        }
        let migration = fs::read_to_string(
            dir.path()
                .join("supabase/migrations/20250101000000_create_notes.sql"),
        )
        .unwrap();
        let header = migration.lines().nth(1).unwrap();
        if case.written.len() == ALL.len() {
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
    for want in [
        "- Functions: `getNote`, `listNotes` (reads in `lib/data/notes.ts`).",
        "import { getNote, listNotes } from \"@/lib/data/notes\";",
        "Side effects: none; the module only reads.",
        "inside `<Suspense>`",
    ] {
        assert!(record.contains(want), "{want} in\n{record}");
    }
    for absent in ["createNote(", "app/actions/notes", "useActionState"] {
        assert!(!record.contains(absent), "no {absent} in\n{record}");
    }
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
