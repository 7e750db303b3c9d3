//! The session record: one entry per generated resource, replaced on regeneration, with every
//! byte outside the markers kept, and no entry lost when several scaffolds write at once.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use scaffold::session::{self, SessionEntry};

const SESSION: &str = ".claude/tasks/session-current.md";

/// `scaffold --dir DIR resource ARGS... --timestamp ...`, recording the session. The timestamp
/// is 20250101000000 plus the number of migrations already there: a new migration must come
/// after them, and a rerun keeps its own.
fn generate(dir: &Path, args: &[&str]) -> Output {
    let existing = fs::read_dir(dir.join("supabase/migrations")).map_or(0, |d| d.count());
    let timestamp = (common::TIMESTAMP + existing as u64).to_string();
    Command::new(common::binary())
        .arg("--dir")
        .arg(dir)
        .arg("resource")
        .args(args)
        .args(["--timestamp", &timestamp])
        .env("NO_COLOR", "1")
        .env_remove("SCAFFOLD_NO_SESSION")
        .output()
        .expect("scaffold runs")
}

fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn read(dir: &Path) -> String {
    fs::read_to_string(dir.join(SESSION)).expect("the session file exists")
}

fn begin(key: &str) -> String {
    format!("<!-- scaffold:begin {key} -->\n")
}

fn end(key: &str) -> String {
    format!("<!-- scaffold:end {key} -->\n")
}

/// The entry of `key`, markers included.
fn entry<'a>(text: &'a str, key: &str) -> &'a str {
    let start = text.find(&begin(key)).expect("begin marker");
    let stop = text.find(&end(key)).expect("end marker") + end(key).len();
    &text[start..stop]
}

#[test]
fn an_entry_documents_the_resource_under_each_heading() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = ok(generate(
        dir.path(),
        &["note", "title:text:max=200", "body:text:optional"],
    ))
    .stdout;
    assert!(
        String::from_utf8_lossy(&stdout).contains(&format!("record  {SESSION}")),
        "the run says where it recorded"
    );
    let text = read(dir.path());
    assert!(
        text.starts_with(session::HEADER),
        "a new file starts with the header"
    );
    let notes = entry(&text, "resource:notes");
    for want in [
        "### API Design",
        "`createNote(input: CreateNoteInput)` → `ActionResult<Note>`, or `createNote(state, formData)` → `FormState<Note>`: requires a signed-in user.",
        "Reads in the data-access layer, the `server-only` module `lib/data/notes.ts`",
        "`listNotes(input: ListNotesInput = {})` → `ActionResult<Page<Note>>`",
        "### Database Changes",
        "Migration `supabase/migrations/20250101000000_create_notes.sql`, rollback `supabase/rollbacks/20250101000000_create_notes.down.sql`",
        "Column `title text not null`.",
        "Check `title_max_length`: `char_length(title) <= 200`.",
        "Policy \"owners can update their rows\": update to authenticated using `user_id = (select auth.uid())` with check `user_id = (select auth.uid())`.",
        "Index `notes_user_id_created_at_idx` on `(user_id, created_at desc, id desc)`",
        "### Server Actions",
        "Validation schemas in `lib/validations/note.ts`: `createNoteSchema`",
        "revalidatePath(\"/notes\")",
        "### Integration Context",
        "from \"@/app/actions/notes\";",
        "import { getNote, listNotes } from \"@/lib/data/notes\";",
        "useActionState(createNote, initialFormState)",
        "inside `<Suspense>`",
        "### Security & Performance",
        "supabase gen types typescript --local > types/supabase.ts",
    ] {
        assert!(notes.contains(want), "the entry should contain {want:?}:\n{notes}");
    }
}

#[test]
fn regenerating_replaces_the_entry_and_keeps_every_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(SESSION);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    // Someone's own notes: CRLF, trailing spaces, non-ASCII, no final newline.
    let mine = "# My session\r\n\r\nTodo: check the invoices  \r\n✓ déjà vu";
    fs::write(&file, mine).unwrap();

    ok(generate(dir.path(), &["note", "title:text"]));
    let first = read(dir.path());
    assert!(
        first.starts_with(mine),
        "text before the first entry is kept"
    );
    assert_eq!(first.matches("scaffold:begin").count(), 1);

    ok(generate(dir.path(), &["task", "name:text"]));
    // More of the user's text between and after the entries.
    let between = "\n  hand-written: ask about `tasks` -->  \n\n";
    let after = "\ntrailing words";
    let text = read(dir.path()).replacen(
        &end("resource:notes"),
        &format!("{}{between}", end("resource:notes")),
        1,
    ) + after;
    fs::write(&file, &text).unwrap();

    let cases: &[(&str, &[&str], &str)] = &[
        (
            "same input",
            &["note", "title:text"],
            "Column `title text not null`.",
        ),
        // A change to the server actions regenerates them, and the entry.
        (
            "fewer actions",
            &["note", "title:text", "--actions", "create,list", "--force"],
            "`scaffold resource note title:text --actions create,list`",
        ),
        (
            "all actions again",
            &["note", "title:text", "--force"],
            "`scaffold resource note title:text`",
        ),
        // A change to the table writes an alter migration; the entry says which, and what
        // changed.
        (
            "a new field",
            &["note", "title:text", "done:bool:default=false"],
            "- Altered by `supabase/migrations/20250101000002_alter_notes.sql` (rollback `supabase/rollbacks/20250101000002_alter_notes.down.sql`): adds `done:bool:default=false`.",
        ),
        (
            "the same again",
            &["note", "title:text", "done:bool:default=false"],
            "- Altered by `supabase/migrations/20250101000002_alter_notes.sql` (rollback `supabase/rollbacks/20250101000002_alter_notes.down.sql`): adds `done:bool:default=false`.",
        ),
    ];
    for (what, args, want) in cases {
        let before = read(dir.path());
        let old = entry(&before, "resource:notes").to_string();
        ok(generate(dir.path(), args));
        let now = read(dir.path());
        let new = entry(&now, "resource:notes");
        assert!(new.contains(want), "{what}: {new}");
        assert_eq!(
            now.matches(&begin("resource:notes")).count(),
            1,
            "{what}: one entry"
        );
        assert_eq!(
            now.replacen(new, "ENTRY", 1),
            before.replacen(&old, "ENTRY", 1),
            "{what}: everything outside the entry is unchanged"
        );
        assert!(
            now.starts_with(mine) && now.ends_with(after) && now.contains(between),
            "{what}"
        );
        assert!(
            now.find("resource:notes") < now.find("resource:tasks"),
            "{what}: stays in place"
        );
    }
}

#[test]
fn only_successful_writes_are_recorded() {
    let cases: &[(&str, &[&str], Option<&str>)] = &[
        ("dry run", &["note", "title:text", "--dry-run"], None),
        (
            "--no-session",
            &["note", "title:text", "--no-session"],
            None,
        ),
        ("bad input", &["note", "title:txt"], None),
        ("written", &["note", "title:text"], Some(SESSION)),
    ];
    for (what, args, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let _ = generate(dir.path(), args);
        let recorded: Vec<String> = common::files(dir.path())
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| path.ends_with(".md"))
            .collect();
        assert_eq!(
            recorded,
            want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{what}"
        );
    }

    // A conflict stops the run before anything is written, the session record included.
    let dir = tempfile::tempdir().unwrap();
    ok(generate(
        dir.path(),
        &["note", "title:text", "--no-session"],
    ));
    fs::write(dir.path().join("app/actions/notes.ts"), "// mine\n").unwrap();
    let output = generate(dir.path(), &["note", "title:text"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!dir.path().join(SESSION).exists(), "conflict");

    // scaffold.toml moves the record.
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("scaffold.toml"),
        "session_file = \"docs/work.md\"\n",
    )
    .unwrap();
    ok(generate(dir.path(), &["note", "title:text"]));
    assert!(fs::read_to_string(dir.path().join("docs/work.md"))
        .unwrap()
        .contains(&begin("resource:notes")));
    assert!(!dir.path().join(SESSION).exists());
}

#[test]
fn concurrent_writers_lose_no_entry() {
    // Threads of one process, straight through the library.
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<String> = (0..24).map(|i| format!("resource:table_{i}")).collect();
    std::thread::scope(|scope| {
        for key in &keys {
            let root = dir.path();
            scope.spawn(move || {
                let entry = SessionEntry {
                    key: key.clone(),
                    markdown: format!("## {key}\n"),
                };
                session::record(root, SESSION, &[entry]).unwrap();
            });
        }
    });
    let text = read(dir.path());
    for key in &keys {
        assert_eq!(text.matches(&begin(key)).count(), 1, "{key}");
    }

    // Separate scaffold processes generating different resources into one project.
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..8).map(|i| format!("thing_{i}")).collect();
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            Command::new(common::binary())
                .arg("--dir")
                .arg(dir.path())
                .args(["resource", name, "title:text"])
                .env("NO_COLOR", "1")
                .env_remove("SCAFFOLD_NO_SESSION")
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let text = read(dir.path());
    for name in &names {
        let key = format!("resource:{name}s");
        assert_eq!(text.matches(&begin(&key)).count(), 1, "{key} in:\n{text}");
    }
    assert_eq!(text.matches(session::HEADER).count(), 1);
}

#[test]
fn entries_follow_the_access_mode() {
    let dir = tempfile::tempdir().unwrap();
    ok(generate(
        dir.path(),
        &["workspace", "name:text", "--tenant"],
    ));
    ok(generate(
        dir.path(),
        &[
            "invoice",
            "amount:numeric",
            "--access",
            "workspace",
            "--write-role",
            "admin",
        ],
    ));
    ok(generate(
        dir.path(),
        &["article", "title:text", "--access", "public-read"],
    ));
    let text = read(dir.path());
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "resource:workspaces",
            &[
                "Membership actions in `app/actions/workspace-members.ts`",
                "Members table `public.workspace_members`",
                "Invitations table `public.workspace_invitations`",
                "`accept_workspace_invitation`",
                "`inviteWorkspaceMember(input: InviteWorkspaceMemberInput)` → `ActionResult<WorkspaceInvitationSent>`",
                "`acceptWorkspaceInvitation(token: string)`",
                "`RESEND_API_KEY`, `EMAIL_FROM` and `SITE_URL`",
            ],
            &["addWorkspaceMember"],
        ),
        (
            "resource:invoices",
            &[
                "`listInvoices(input: ListInvoicesInput)`",
                "Generated with `scaffold resource invoice amount:numeric --access workspace --write-role admin`.",
                "`Invoice` is `Tables<\"invoices\">` from `@/types/supabase` with \"amount\" as exact decimal strings",
            ],
            &["ListInvoicesInput = {}", "Membership actions"],
        ),
        (
            "resource:articles",
            &[
                "`getArticle(id: string)` → `ActionResult<Article>`: Reads one article; anyone may, signed in or not.",
                "Grant select to anon.",
                "`Article` is `Tables<\"articles\">` from `@/types/supabase`.",
            ],
            &["Membership actions", "decimal"],
        ),
    ];
    for (key, present, absent) in cases {
        let body = entry(&text, key);
        for want in *present {
            assert!(body.contains(want), "{key}: {want:?} in\n{body}");
        }
        for unwanted in *absent {
            assert!(
                !body.contains(unwanted),
                "{key}: no {unwanted:?} in\n{body}"
            );
        }
    }
}

#[test]
fn apply_records_every_resource_and_destroy_removes_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("app.toml"),
        "[[resource]]\nname = \"note\"\nfields = [\"title:text\"]\n\n[[resource]]\nname = \"task\"\nfields = [\"title:text\"]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        ok(Command::new(common::binary())
            .arg("--dir")
            .arg(dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("SCAFFOLD_NO_SESSION")
            .output()
            .expect("scaffold runs"))
    };
    run(&["apply", &dir.path().join("app.toml").to_string_lossy()]);
    let text = read(dir.path());
    entry(&text, "resource:notes");
    entry(&text, "resource:tasks");

    let stdout = run(&["destroy", "resource", "note"]).stdout;
    assert!(
        String::from_utf8_lossy(&stdout).contains(&format!("unrecord  {SESSION}")),
        "{}",
        String::from_utf8_lossy(&stdout)
    );
    let after = read(dir.path());
    assert!(!after.contains("resource:notes"), "{after}");
    assert_eq!(
        after,
        text.replace(&format!("\n{}", entry(&text, "resource:notes")), ""),
        "only the entry (and the blank line before it) goes"
    );
}
