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
        ".claude/context/examples/nextjs-page-examples.md",
        ".claude/context/examples/typescript-database-examples.md",
        ".claude/context/examples/typescript-server-action-examples.md",
        ".claude/context/rules/api-auth-patterns.md",
        ".claude/context/rules/email-content-patterns.md",
        ".claude/context/rules/nextjs-page-patterns.md",
        ".claude/context/rules/project-organization-patterns.md",
        ".claude/context/rules/supabase-database-patterns.md",
        ".claude/context/rules/typescript-patterns.md",
        ".env.example",
        ".scaffold/manifest.json",
        "AGENTS.md",
        "scaffold.toml",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for path in [
        "lib/action-result.ts",
        "lib/data/auth.ts",
        "lib/form-state.ts",
        "lib/supabase/admin.ts",
        "lib/supabase/proxy.ts",
        "lib/supabase/server.ts",
        "lib/validations/form-data.ts",
        "lib/validations/list.ts",
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

/// The email rules show the email modules exactly as a tenant root writes them, in a plain and
/// in a `src` project, and what they say of the invitation actions, functions and page is what
/// that tenant root's files hold.
#[test]
fn the_email_rules_show_what_a_tenant_root_writes() {
    use scaffold::generate::agent_context::{EMAIL_SAMPLE, SAMPLE_TIMESTAMP};
    let layouts: &[(&str, &[&str], &str)] = &[
        ("plain project", &[], ""),
        ("src project", &["src/app"], "src/"),
    ];
    for (what, dirs, root) in layouts {
        let dir = tempfile::tempdir().unwrap();
        for folder in *dirs {
            fs::create_dir_all(dir.path().join(folder)).unwrap();
        }
        ok(scaffold(dir.path(), &["context"]));
        let mut sample = vec!["resource", EMAIL_SAMPLE.0];
        sample.extend_from_slice(EMAIL_SAMPLE.1);
        sample.extend_from_slice(&["--tenant", "--timestamp", SAMPLE_TIMESTAMP]);
        ok(scaffold(dir.path(), &sample));

        let rule = read(
            dir.path(),
            ".claude/context/rules/email-content-patterns.md",
        );
        assert!(
            rule.contains("`scaffold resource workspace name:text --tenant`"),
            "{what}: {rule}"
        );
        let shown: Vec<String> = code_blocks(&rule)
            .into_iter()
            .map(|(path, code)| {
                assert_eq!(
                    code,
                    read(dir.path(), &path),
                    "{what}: the email rules show {path} as generated"
                );
                path
            })
            .collect();
        assert_eq!(
            shown,
            [
                format!("{root}lib/email/send.ts"),
                format!("{root}lib/email/invitation-email.tsx")
            ],
            "{what}"
        );
        // What the prose names is in the files it names.
        let actions = format!("{root}app/actions/workspace-invitations.ts");
        let migration = "supabase/migrations/20250101000000_create_workspaces.sql";
        let page = format!("{root}app/workspaces/invitations/[token]/page.tsx");
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "the invitation actions",
                &actions,
                &[
                    "inviteWorkspaceMember",
                    "resendWorkspaceInvitation",
                    "\"invite_workspace_member\"",
                    "\"record_workspace_invitation_email\"",
                    "process.env.SITE_URL",
                    "delivery",
                    "sendEmail(",
                ],
            ),
            (
                "the migration",
                migration,
                &[
                    "function public.invite_workspace_member(",
                    "function public.record_workspace_invitation_email(",
                    "where i.token_hash = sha256(convert_to(invitation_token, 'UTF8'))",
                ],
            ),
            ("the link's page", &page, &["referrer: \"no-referrer\""]),
            (
                ".env.example",
                ".env.example",
                &["RESEND_API_KEY=", "EMAIL_FROM=", "SITE_URL="],
            ),
        ];
        assert!(
            rule.contains(&format!("`{actions}`")),
            "{what}: the rules name {actions}"
        );
        for (name, path, wants) in cases {
            let text = read(dir.path(), path);
            for want in *wants {
                assert!(text.contains(want), "{what}: {name} ({path}) hold {want:?}");
            }
        }
        for said in [
            "`inviteWorkspaceMember`",
            "`resendWorkspaceInvitation`",
            "`invite_workspace_member`",
            "`record_workspace_invitation_email`",
            "`SITE_URL`",
            "`RESEND_API_KEY`",
            "`EMAIL_FROM`",
            "`/workspaces/invitations/<token>`",
            "`referrer: \"no-referrer\"`",
        ] {
            assert!(rule.contains(said), "{what}: the rules say {said}");
        }
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
                "| Server actions (mutations) | `app/_actions/<plural>.ts` |",
                "| Data access (reads, `server-only`) | `lib/data/<plural>.ts` |",
                "`.scaffold/templates/`",
            ],
        ),
        (
            "email-content-patterns.md",
            &[
                "`app/_actions/workspace-invitations.ts`",
                "## Sending: `lib/email/send.ts`",
            ],
        ),
        (
            "nextjs-page-patterns.md",
            &[
                "`lib/data/notes.ts`, a `server-only` module",
                "`getUserId()` from `@/lib/data/auth`",
                "inside `<Suspense fallback={...}>`",
                "uncached or runtime data during prerendering",
                "useActionState(createNote, initialFormState)",
                "`updateNote.bind(null, id)`",
                "redirect(`/notes/${state.data.id}`)",
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

/// `init` finishes the job in a project as create-next-app leaves it: it says what is left to
/// do, un-ignores the `.env.example` it writes, and points coding agents to the context
/// documents from `AGENTS.md` (and a `CLAUDE.md` of the team's own), changing nothing the
/// second time.
#[test]
fn init_prints_the_next_steps_and_points_agents_to_the_context() {
    const NEXT_AGENTS: &str = "<!-- BEGIN:nextjs-agent-rules -->\n\n# This is NOT the Next.js you know\n\nRead the relevant guide in `node_modules/next/dist/docs/`.\n\n<!-- END:nextjs-agent-rules -->\n";
    const POINTER: &str = "<!-- scaffold:begin context -->\n## Backend patterns (scaffold)\n\nBefore writing server actions, data access, Supabase migrations or row level security policies, read `.claude/context/rules/` and follow the examples in `.claude/context/examples/`: they describe the code `scaffold` generates in this project (`scaffold context` refreshes them).\n<!-- scaffold:end context -->\n";
    const UNIGNORE: &str = "# The example environment holds no secrets: commit it (added by scaffold init).\n!.env.example\n";
    /// Each project: its files before `init`, and what each must be after (`None`: as before).
    struct Case {
        what: &'static str,
        before: Vec<(&'static str, &'static str)>,
        after: Vec<(&'static str, Option<String>)>,
    }
    let cases = [
        Case {
            what: "create-next-app 16.4: .env* ignored, AGENTS.md with Next's block, CLAUDE.md importing it",
            before: vec![
                (".gitignore", "# env files (can opt-in for committing if needed)\n.env*\n"),
                ("AGENTS.md", NEXT_AGENTS),
                ("CLAUDE.md", "@AGENTS.md\n"),
            ],
            after: vec![
                (
                    ".gitignore",
                    Some(format!(
                        "# env files (can opt-in for committing if needed)\n.env*\n\n{UNIGNORE}"
                    )),
                ),
                ("AGENTS.md", Some(format!("{NEXT_AGENTS}\n{POINTER}"))),
                ("CLAUDE.md", None),
            ],
        },
        Case {
            what: "a CLAUDE.md of the team's own, a .gitignore that lets .env.example through",
            before: vec![
                (".gitignore", ".env*\n!.env.example\n"),
                ("CLAUDE.md", "# Team rules\n\nUse pnpm.\n"),
            ],
            after: vec![
                (".gitignore", None),
                ("AGENTS.md", Some(POINTER.to_string())),
                (
                    "CLAUDE.md",
                    Some(format!("# Team rules\n\nUse pnpm.\n\n{POINTER}")),
                ),
            ],
        },
        Case {
            what: "an old pointer in AGENTS.md is replaced in place, text around it kept",
            before: vec![(
                "AGENTS.md",
                "# Mine\n\n<!-- scaffold:begin context -->\nold words\n<!-- scaffold:end context -->\n\nAfter.\n",
            )],
            after: vec![("AGENTS.md", Some(format!("# Mine\n\n{POINTER}\nAfter.\n")))],
        },
    ];
    for case in cases {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in &case.before {
            write(dir.path(), path, text);
        }
        let (stdout, _) = ok(scaffold(dir.path(), &["init"]));
        for (path, want) in &case.after {
            let unchanged = case.before.iter().find(|(p, _)| p == path).map(|(_, t)| *t);
            let expected = want.as_deref().or(unchanged).unwrap();
            assert_eq!(read(dir.path(), path), expected, "{}: {path}", case.what);
        }
        assert_eq!(
            dir.path().join(".gitignore").exists(),
            case.before.iter().any(|(p, _)| *p == ".gitignore"),
            "{}: a .gitignore is never created",
            case.what
        );
        let next_steps = [
            "Next steps:",
            "  1. Copy .env.example to .env.local and set NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY and SUPABASE_SECRET_KEY",
            "tsc fails until types/supabase.ts exists",
            "       mkdir -p types && supabase gen types typescript --local > types/supabase.ts\n",
            "       mkdir -p types && supabase gen types typescript --linked > types/supabase.ts\n",
        ];
        for want in next_steps {
            assert!(
                stdout.contains(want),
                "{}: {want:?} in\n{stdout}",
                case.what
            );
        }

        let before = files(dir.path());
        let (stdout, _) = ok(scaffold(dir.path(), &["init"]));
        assert_eq!(files(dir.path()), before, "{}: a second init", case.what);
        assert!(!stdout.contains("update  "), "{}: {stdout}", case.what);
    }

    // The steps name the project's own types file, and --json keeps stdout for the plan.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scaffold.toml",
        "types_file = \"src/db/types.ts\"\n",
    );
    let output = scaffold(dir.path(), &["init", "--json"]);
    assert!(output.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("only JSON");
    assert_eq!(plan["written"], true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("mkdir -p src/db && supabase gen types typescript --local > src/db/types.ts"),
        "{stderr}"
    );

    // Broken markers are the user's to fix: exit 2, nothing written.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "AGENTS.md",
        "<!-- scaffold:begin context -->\nhalf\n",
    );
    let output = scaffold(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("AGENTS.md: the markers"));
    assert_eq!(files(dir.path()).len(), 1, "nothing written");
}
