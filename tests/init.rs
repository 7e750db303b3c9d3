//! `scaffold init` and `scaffold context`: what they detect, what they write (and leave alone),
//! scaffold.toml as every command's source of conventions, and the context examples being
//! exactly what `scaffold resource` generates.

mod common;

use std::fs;
use std::path::Path;

use common::{files, scaffold};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/next-app");

fn ok(output: std::process::Output) -> (String, String) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

/// Copies the fixture's own files (not node_modules or build output) into `to`.
fn copy_fixture(to: &Path) {
    for entry in [
        "app",
        "tests",
        "next-env.d.ts",
        "package.json",
        "tsconfig.json",
        "vitest.config.ts",
    ] {
        copy(&Path::new(FIXTURE).join(entry), &to.join(entry));
    }
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What `init` writes into a project whose code lives under `prefix` (`` or `src/`).
fn init_files(prefix: &str) -> Vec<String> {
    let mut paths: Vec<String> = [
        ".claude/context/examples/typescript-database-examples.md",
        ".claude/context/examples/typescript-server-action-examples.md",
        ".claude/context/rules/api-auth-patterns.md",
        ".claude/context/rules/project-organization-patterns.md",
        ".claude/context/rules/supabase-database-patterns.md",
        ".claude/context/rules/typescript-patterns.md",
        ".env.example",
        ".scaffold/manifest.json",
        "scaffold.toml",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for path in [
        "lib/action-result.ts",
        "lib/supabase/admin.ts",
        "lib/supabase/proxy.ts",
        "lib/supabase/server.ts",
        "lib/validations/form-data.ts",
        "proxy.ts",
    ] {
        paths.push(format!("{prefix}{path}"));
    }
    paths.sort();
    paths
}

#[test]
fn init_in_an_empty_folder_writes_everything_once() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, stderr) = ok(scaffold(dir.path(), &["init"]));
    let written: Vec<String> = files(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(written, init_files(""));
    for line in [
        "no app/ or src/app/ folder yet",
        "no supabase/ folder yet: run `supabase init`",
        "no tsconfig.json paths alias for ./*: imports use @/",
    ] {
        assert!(stderr.contains(line), "{line:?} in {stderr}");
    }
    assert!(stdout.contains("create  proxy.ts"), "{stdout}");

    let before = files(dir.path());
    let (stdout, _) = ok(scaffold(dir.path(), &["init"]));
    assert_eq!(files(dir.path()), before, "a second init changes nothing");
    assert!(
        !stdout.contains("create") && !stdout.contains("update"),
        "{stdout}"
    );

    let toml = read(dir.path(), "scaffold.toml");
    for line in [
        "source_root = \".\"",
        "import_alias = \"@/\"",
        "actions_dir = \"app/actions\"",
        "validations_dir = \"lib/validations\"",
        "lib_dir = \"lib\"",
        "types_file = \"types/supabase.ts\"",
        "migrations_dir = \"supabase/migrations\"",
        "rollbacks_dir = \"supabase/rollbacks\"",
        "tests_dir = \"supabase/tests/database\"",
        "session_file = \".claude/tasks/session-current.md\"",
        "default_access = \"owner\"",
    ] {
        assert!(toml.lines().any(|l| l == line), "{line} in\n{toml}");
    }
    let admin = read(dir.path(), "lib/supabase/admin.ts");
    for want in [
        "import \"server-only\";",
        "import { createClient } from \"@supabase/supabase-js\";",
        "process.env.SUPABASE_SECRET_KEY!",
        "auth: { persistSession: false, autoRefreshToken: false },",
    ] {
        assert!(admin.contains(want), "{want} in\n{admin}");
    }
    assert!(!admin.contains("createServerClient"), "{admin}");
    let proxy = read(dir.path(), "proxy.ts");
    for want in [
        "export async function proxy(request: NextRequest) {",
        "export const config = {",
        "matcher: [",
        "from \"@/lib/supabase/proxy\";",
    ] {
        assert!(proxy.contains(want), "{want} in\n{proxy}");
    }
    assert!(!proxy.contains("runtime"), "{proxy}");
    let session_proxy = read(dir.path(), "lib/supabase/proxy.ts");
    assert!(
        session_proxy.contains("await supabase.auth.getClaims();"),
        "{session_proxy}"
    );
}

#[test]
fn init_detects_the_fixture_project_and_keeps_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    fs::create_dir(dir.path().join("supabase")).unwrap();
    write(dir.path(), "lib/action-result.ts", "// mine\n");
    write(
        dir.path(),
        ".env.example",
        "STRIPE_SECRET_KEY=\nNEXT_PUBLIC_SUPABASE_URL=https://x.supabase.co",
    );
    let before = files(dir.path());

    let (stdout, stderr) = ok(scaffold(dir.path(), &["init"]));
    for line in [
        "Next.js App Router in app/",
        "supabase/ folder found",
        "import alias @/ (tsconfig.json paths)",
    ] {
        assert!(stderr.contains(line), "{line:?} in {stderr}");
    }
    for line in ["keep  lib/action-result.ts", "update  .env.example"] {
        assert!(stdout.contains(line), "{line:?} in {stdout}");
    }
    assert_eq!(read(dir.path(), "lib/action-result.ts"), "// mine\n");
    let env = read(dir.path(), ".env.example");
    assert!(
        env.starts_with("STRIPE_SECRET_KEY=\nNEXT_PUBLIC_SUPABASE_URL=https://x.supabase.co\n\n"),
        "{env}"
    );
    assert_eq!(env.matches("NEXT_PUBLIC_SUPABASE_URL=").count(), 1, "{env}");
    for key in [
        "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY=",
        "SUPABASE_SECRET_KEY=",
    ] {
        assert_eq!(
            env.lines().filter(|l| l.starts_with(key)).count(),
            1,
            "{key} in {env}"
        );
    }
    for (path, text) in before {
        if path != ".env.example" {
            assert_eq!(read(dir.path(), &path), text, "{path} is untouched");
        }
    }
}

#[test]
fn a_src_project_with_a_commented_tsconfig_gets_its_own_alias_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src/app")).unwrap();
    write(
        dir.path(),
        "tsconfig.json",
        "{\n  // paths as a team might write them\n  \"compilerOptions\": {\n    /* no baseUrl in TS 7 */\n    \"paths\": { \"~/*\": [\"./src/*\"], },\n  },\n}\n",
    );
    ok(scaffold(dir.path(), &["init"]));
    let written: Vec<String> = files(dir.path())
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p != "tsconfig.json")
        .collect();
    assert_eq!(written, init_files("src/"));
    let toml = read(dir.path(), "scaffold.toml");
    assert!(
        toml.contains("source_root = \"src\"\nimport_alias = \"~/\""),
        "{toml}"
    );
    assert!(read(dir.path(), "src/proxy.ts").contains("from \"~/lib/supabase/proxy\";"));

    // Without scaffold.toml, a command detects the same alias.
    fs::remove_file(dir.path().join("scaffold.toml")).unwrap();
    ok(scaffold(
        dir.path(),
        &[
            "resource",
            "note",
            "title:text",
            "--timestamp",
            "20250101000000",
        ],
    ));
    let actions = read(dir.path(), "src/app/actions/notes.ts");
    assert!(
        actions.contains("from \"~/lib/action-result\";"),
        "{actions}"
    );
    assert!(
        actions.contains("from \"~/lib/validations/note\";"),
        "{actions}"
    );
}

#[test]
fn every_command_follows_scaffold_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scaffold.toml",
        "actions_dir = \"app/_actions\"\nmigrations_dir = \"db/migrations\"\nimport_alias = \"#/\"\ndefault_access = \"public-read\"\n",
    );
    ok(scaffold(
        dir.path(),
        &[
            "resource",
            "note",
            "title:text",
            "--timestamp",
            "20250101000000",
        ],
    ));
    let actions = read(dir.path(), "app/_actions/notes.ts");
    assert!(
        actions.contains("from \"#/lib/action-result\";"),
        "{actions}"
    );
    let migration = read(dir.path(), "db/migrations/20250101000000_create_notes.sql");
    assert!(
        migration.contains("to anon, authenticated"),
        "default_access = public-read"
    );
    ok(scaffold(
        dir.path(),
        &[
            "resource",
            "memo",
            "title:text",
            "--access",
            "owner",
            "--timestamp",
            "20250101000001",
        ],
    ));
    assert!(
        !read(dir.path(), "db/migrations/20250101000001_create_memos.sql").contains("to anon"),
        "--access wins"
    );

    let cases: &[(&str, &str)] = &[
        ("actions = \"x\"\n", "scaffold.toml: unknown key `actions`; keys:"),
        ("default_access = \"all\"\n", "`default_access = \"all\"` is not an access mode; use one of owner, public-read, workspace"),
        ("tests_dir = \"../outside\"\n", "`tests_dir = \"../outside\"`: paths are relative to the project root"),
        ("lib_dir = [\n", "scaffold.toml:"),
    ];
    for (toml, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "scaffold.toml", toml);
        for args in [
            &["resource", "note", "title:text"][..],
            &["init"],
            &["context"],
        ] {
            let output = scaffold(dir.path(), args);
            assert_eq!(output.status.code(), Some(2), "{toml} {args:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(want), "{toml} {args:?}: {stderr}");
        }
        assert_eq!(files(dir.path()).len(), 1, "{toml}: nothing written");
    }
}

/// The code blocks of a context example: each `## ...: `PATH`` heading and the fenced block
/// after it.
fn code_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = markdown.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let Some(heading) = line.strip_prefix("## ") else {
            continue;
        };
        let path = heading
            .rsplit('`')
            .nth(1)
            .expect("a heading names its file")
            .to_string();
        let fence = lines.next().and_then(|l| lines.next().map(|f| (l, f)));
        let Some(("\n", fence)) = fence else {
            panic!("{path}: a blank line and a fence follow")
        };
        assert!(fence.starts_with("```"), "{path}: {fence:?}");
        let mut code = String::new();
        for line in lines.by_ref() {
            if line == "```\n" {
                break;
            }
            code.push_str(line);
        }
        blocks.push((path, code));
    }
    blocks
}

#[test]
fn the_context_examples_are_what_scaffold_resource_generates() {
    let layouts: &[(&str, &[&str])] = &[("plain project", &[]), ("src project", &["src/app"])];
    for (what, dirs) in layouts {
        let dir = tempfile::tempdir().unwrap();
        for folder in *dirs {
            fs::create_dir_all(dir.path().join(folder)).unwrap();
        }
        ok(scaffold(dir.path(), &["context"]));
        let mut sample = vec!["resource", scaffold::generate::agent_context::SAMPLE.0];
        sample.extend_from_slice(scaffold::generate::agent_context::SAMPLE.1);
        sample.extend_from_slice(&[
            "--timestamp",
            scaffold::generate::agent_context::SAMPLE_TIMESTAMP,
        ]);
        assert_eq!(
            sample[1..4],
            ["note", "title:text:max=200", "body:text:optional"],
            "the sample the issue names"
        );
        ok(scaffold(dir.path(), &sample));

        let generated: Vec<String> = files(dir.path())
            .into_iter()
            .map(|(p, _)| p)
            // The manifest is scaffold's record, and the declarative schema file is the
            // migration less its rollback line: neither is a pattern to copy.
            .filter(|p| {
                !p.starts_with(".claude/")
                    && !p.starts_with(".scaffold/")
                    && !p.starts_with("supabase/schemas/")
            })
            .collect();
        let mut shown = Vec::new();
        for example in [
            "typescript-server-action-examples.md",
            "typescript-database-examples.md",
        ] {
            let markdown = read(dir.path(), &format!(".claude/context/examples/{example}"));
            assert!(
                markdown.contains("`scaffold resource note title:text:max=200 body:text:optional`"),
                "{what}"
            );
            for (path, code) in code_blocks(&markdown) {
                assert_eq!(
                    code,
                    read(dir.path(), &path),
                    "{what}: {example} shows {path} as generated"
                );
                shown.push(path);
            }
        }
        shown.sort();
        assert_eq!(
            shown, generated,
            "{what}: every generated file is shown once"
        );
    }
}

#[test]
fn the_rules_name_this_projects_paths() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scaffold.toml",
        "actions_dir = \"app/_actions\"\ntypes_file = \"lib/database.types.ts\"\n",
    );
    ok(scaffold(dir.path(), &["context"]));
    let cases: &[(&str, &[&str])] = &[
        (
            "api-auth-patterns.md",
            &[
                "`app/_actions/`",
                "`app/_actions/notes.ts`",
                "`@/lib/supabase/server`",
                "getClaims()",
                "`lib/supabase/admin.ts`",
                "SUPABASE_SECRET_KEY",
            ],
        ),
        (
            "supabase-database-patterns.md",
            &[
                "`supabase/migrations/<YYYYMMDDHHMMSS>_create_<table>.sql`",
                "(select auth.uid())",
                "> lib/database.types.ts",
            ],
        ),
        (
            "typescript-patterns.md",
            &[
                "`lib/validations/note.ts`",
                "import * as z from \"zod\"",
                "`lib/database.types.ts`",
            ],
        ),
        (
            "project-organization-patterns.md",
            &[
                "| Server actions | `app/_actions/<plural>.ts` |",
                "`.scaffold/templates/`",
            ],
        ),
    ];
    for (rule, wants) in cases {
        let text = read(dir.path(), &format!(".claude/context/rules/{rule}"));
        for want in *wants {
            assert!(text.contains(want), "{rule} should mention {want}:\n{text}");
        }
    }
    // Refreshing is a no-op until a template or a convention changes; an edited copy is a
    // conflict that --force replaces.
    let before = files(dir.path());
    ok(scaffold(dir.path(), &["context"]));
    assert_eq!(files(dir.path()), before);
    write(
        dir.path(),
        ".claude/context/rules/typescript-patterns.md",
        "mine\n",
    );
    assert_eq!(scaffold(dir.path(), &["context"]).status.code(), Some(1));
    ok(scaffold(dir.path(), &["context", "--force"]));
    assert_eq!(files(dir.path()), before);
}
