//! The command line as users and scripts see it: exit codes, messages, and what lands on disk.

mod common;
mod support;

use std::fs;

use common::{files, scaffold};
use support::pg::{Cluster, Version};

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
        (&["resource", "Select", "title:text"], "`Select`"),
        // What a name derives is checked, not the word: `page` would shadow the `Page` type
        // the list read returns, `form_state` the forms' `FormState`, `client`'s createClient
        // the Supabase client's, `supabase`'s and `user_id`'s reads the data layer's
        // getSupabase and getUserId, and Zod reads a left-out `constructor` from
        // Object.prototype.
        (
            &["resource", "page", "title:text"],
            "`page` gives the TypeScript type `Page`",
        ),
        (
            &["resource", "form_state", "title:text"],
            "`form_state` gives the TypeScript type `FormState`",
        ),
        (
            &["resource", "client", "name:text"],
            "`client` gives the function `createClient`",
        ),
        (
            &["resource", "supabase", "name:text"],
            "`supabase` gives the function `getSupabase`",
        ),
        (
            &["resource", "user_id", "name:text"],
            "`user_id` gives the function `getUserId`",
        ),
        (
            &["resource", "note", "constructor:text"],
            "every JavaScript object already has a `constructor`",
        ),
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
        // A file's bucket limits are required, and checked as Storage reads them.
        (
            &["resource", "note", "scan:file:accept=application/pdf"],
            "a file needs its bucket's limits: `max=SIZE`",
        ),
        (
            &["resource", "note", "scan:file:max=5MB:accept=application/pdf"],
            "`max=5MB`: a file's size is a whole number and a unit",
        ),
        (
            &["resource", "note", "scan:file:max=5mb:accept=pdf"],
            "`pdf` is not a media type",
        ),
        (
            &[
                "resource",
                "workspace",
                "logo:file:max=1mb:accept=image/png",
                "--tenant",
            ],
            "a tenant root's files live in its own folder",
        ),
        (
            &[
                "resource",
                &"d".repeat(50),
                &format!("{}:file:max=1mb:accept=image/png", "e".repeat(55)),
            ],
            "longer than Storage's 100 characters",
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
        (
            &["resource", "note", "title:text", "--rate-limit", "create=0/min"],
            "--rate-limit `create=0/min`: `create=0/min`: the count is a whole number from 1 to 1000000",
        ),
        (
            &["resource", "note", "title:text", "--rate-limit", "create=10/week"],
            "`week` is not a period",
        ),
        (
            &[
                "resource",
                "note",
                "title:text",
                "--actions",
                "create",
                "--rate-limit",
                "list=10/min",
            ],
            "`--rate-limit list=10/min` limits the `list` read, which `--actions` leaves out",
        ),
        (
            &["resource", "note", "title:text", "secret:text:sensitive"],
            "invalid field `secret:text:sensitive`: `sensitive` only changes what the audit log records",
        ),
        (
            &["resource", "note", "title:text", "--audit", "--no-audit"],
            "--no-audit",
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

/// `user`, `group` and `order` are reserved in SQL, and fine names: the tables are `users`,
/// `groups` and `orders`, and columns named after keywords are quoted wherever they are written.
/// The migrations apply and their pgTAP tests pass on PostgreSQL 17 (the matrix's
/// `order_reserved_words` spec proves the rest on both versions and builds its TypeScript).
#[test]
fn sql_keywords_are_resource_and_field_names_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let resources: &[&[&str]] = &[
        &[
            "user",
            "name:text",
            "order:int:optional",
            "select:bool:default=false",
        ],
        &[
            "group",
            "leader:ref=users",
            "table:text:max=80",
            "check:enum=left,right",
        ],
        &[
            "order",
            "group:ref",
            "buyer:ref=users:optional",
            "order:int:min=0",
            "desc:text:optional",
        ],
    ];
    for (index, args) in resources.iter().enumerate() {
        let timestamp = (common::TIMESTAMP + index as u64).to_string();
        let mut all = vec!["resource"];
        all.extend_from_slice(args);
        all.extend(["--timestamp", &timestamp, "--yes"]);
        let output = scaffold(dir.path(), &all);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    }
    let written = files(dir.path());
    let file = |suffix: &str| {
        written
            .iter()
            .find(|(path, _)| path.ends_with(suffix))
            .unwrap_or_else(|| panic!("no file ending {suffix}"))
            .1
            .clone()
    };
    for (table, column) in [
        ("users", "\"order\" integer,"),
        (
            "groups",
            "constraint leader_id_fkey foreign key (user_id, leader_id) references public.users (user_id, id)",
        ),
        ("orders", "\"order\" integer not null,"),
    ] {
        let migration = file(&format!("_create_{table}.sql"));
        assert!(
            migration.contains(&format!("create table public.{table} ("))
                && migration.contains(column),
            "{table}: {migration}"
        );
    }
    assert!(file("lib/validations/order.ts").contains("  order: z.int32().min(0),"));

    let cluster = Cluster::shared_version(Version::V17);
    let db = cluster.create_database("reserved_words");
    let mut migrations: Vec<_> = written
        .iter()
        .filter(|(path, _)| path.starts_with("supabase/migrations/"))
        .map(|(path, _)| dir.path().join(path))
        .collect();
    migrations.sort();
    assert_eq!(migrations.len(), 3, "{migrations:?}");
    for migration in &migrations {
        db.psql_file(migration)
            .unwrap_or_else(|e| panic!("{}:\n{e}", migration.display()));
    }
    let proved = db
        .pg_prove(&dir.path().join("supabase/tests"))
        .unwrap_or_else(|e| panic!("pg_prove:\n{e}"));
    assert!(proved.contains("Result: PASS"), "{proved}");
}

/// scaffold.toml's `audit` and `rate_limit` apply to every resource that does not say otherwise;
/// what each migration records is what it was generated with, flags spelt out.
#[test]
fn audit_and_rate_limits_default_from_scaffold_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scaffold.toml"),
        "audit = true\nrate_limit = \"create=10/min,list=100/min\"\n",
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["resource", "note", "title:text"],
            "scaffold resource note title:text --audit --rate-limit create=10/min,list=100/min",
        ),
        (
            &[
                "resource",
                "event",
                "title:text",
                "--no-audit",
                "--actions",
                "create,get",
            ],
            "scaffold resource event title:text --actions create,get --rate-limit create=10/min",
        ),
        (
            &["resource", "tag", "label:text", "--rate-limit", "none"],
            "scaffold resource tag label:text --audit",
        ),
    ];
    for (index, (args, header)) in cases.iter().enumerate() {
        let timestamp = format!("2025010100000{index}");
        let mut all = args.to_vec();
        all.extend(["--timestamp", &timestamp, "--yes"]);
        let output = scaffold(dir.path(), &all);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let table = scaffold::naming::Names::derive(args[1], None).plural;
        let migration = std::fs::read_to_string(dir.path().join(format!(
            "supabase/migrations/{timestamp}_create_{table}.sql"
        )))
        .unwrap();
        assert!(
            migration.contains(&format!("-- Generated by scaffold: {header}\n")),
            "{args:?}: {}",
            migration.lines().take(3).collect::<Vec<_>>().join("\n")
        );
    }
}

/// An audit log is a table of the project: a resource may not be named like one, nor an audited
/// resource have one named like a table scaffold generated.
#[test]
fn an_audit_log_and_a_table_cannot_share_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| scaffold(dir.path(), &[args, &["--yes"][..]].concat());
    assert!(run(&[
        "resource",
        "project",
        "name:text",
        "--audit",
        "--timestamp",
        "20250101000000"
    ])
    .status
    .success());
    let output = run(&[
        "resource",
        "thing",
        "name:text",
        "--plural",
        "projects_audit",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("public.projects_audit is the audit log of public.projects"),
        "{}",
        stderr(&output)
    );
    assert!(run(&[
        "resource",
        "note",
        "name:text",
        "--plural",
        "memos_audit",
        "--timestamp",
        "20250101000001"
    ])
    .status
    .success());
    let output = run(&["resource", "memo", "name:text", "--audit"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "the audit log of public.memos would be public.memos_audit, a table scaffold already generated"
        ),
        "{}",
        stderr(&output)
    );
}

/// Turning the audit log off drops it with its entries: refused without --allow-data-loss,
/// naming the log; what keeps the log (`:sensitive` changed, limits changed) writes an alter
/// migration without it, and so does turning it off with it.
#[test]
fn an_audit_log_is_dropped_only_with_allow_data_loss() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| scaffold(dir.path(), &[args, &["--yes"][..]].concat());
    let created = run(&[
        "resource",
        "note",
        "title:text",
        "--audit",
        "--timestamp",
        "20250101000000",
    ]);
    assert!(created.status.success(), "{}", stderr(&created));
    let before = files(dir.path());
    let output = run(&["resource", "note", "title:text"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("it drops the audit log public.notes_audit, and every entry in it"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files(dir.path()), before, "nothing written");
    let kept = run(&[
        "resource",
        "note",
        "title:text:sensitive",
        "--audit",
        "--rate-limit",
        "create=10/min",
        "--timestamp",
        "20250101000001",
    ]);
    assert!(kept.status.success(), "{}", stderr(&kept));
    let dropped = run(&[
        "resource",
        "note",
        "title:text",
        "--allow-data-loss",
        "--timestamp",
        "20250101000002",
    ]);
    assert!(dropped.status.success(), "{}", stderr(&dropped));
    assert_eq!(
        migrations(dir.path()),
        [
            "20250101000000_create_notes.sql",
            "20250101000001_alter_notes.sql",
            "20250101000002_alter_notes.sql"
        ]
    );
    let rollback = fs::read_to_string(
        dir.path()
            .join("supabase/rollbacks/20250101000002_alter_notes.down.sql"),
    )
    .unwrap();
    assert!(
        rollback.contains("the entries of the audit log public.notes_audit, which it dropped (the log comes back empty)"),
        "{rollback}"
    );
}

#[test]
fn rerunning_is_a_no_op_that_reports_every_file_identical() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let before = files(dir.path());
    // Without --timestamp the existing migration is found: nothing changes.
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
    // The 12 files of a resource and its shared modules (the list module included), the schema file
    // and the manifest.
    assert_eq!(actions.len(), 14);
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
fn a_missing_tenant_root_is_a_warning_that_says_what_to_run() {
    let args: &[&str] = &["resource", "board", "title:text", "--access", "workspace"];
    let want =
        "generate the tenant root first, e.g. `scaffold resource workspace name:text --tenant`";
    let dir = tempfile::tempdir().unwrap();
    let output = scaffold(
        dir.path(),
        &[args, &["--timestamp", "20250101000001"][..]].concat(),
    );
    assert!(output.status.success(), "a warning does not stop the run");
    assert!(
        stderr(&output).contains("warning:") && stderr(&output).contains(want),
        "{}",
        stderr(&output)
    );
    let json = scaffold(dir.path(), &[args, &["--json", "--dry-run"][..]].concat());
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(
        report["warnings"][0].as_str().unwrap().contains(want),
        "{report}"
    );

    let dir = tempfile::tempdir().unwrap();
    let first = ["resource", "workspace", "name:text", "--tenant"];
    assert!(scaffold(
        dir.path(),
        &[&first[..], &["--timestamp", "20250101000000"][..]].concat()
    )
    .status
    .success());
    let output = scaffold(
        dir.path(),
        &[args, &["--timestamp", "20250101000001"][..]].concat(),
    );
    assert!(!stderr(&output).contains("warning:"), "{}", stderr(&output));
}

/// Resources generated first (each as its `scaffold resource` words), then the one under test.
type RefCase<'a> = (&'a [&'a [&'a str]], &'a [&'a str]);
/// A [`RefCase`] refused, with what the message says.
type Refused<'a> = (&'a [&'a [&'a str]], &'a [&'a str], &'a [&'a str]);

/// Combinations that cannot be made safe across owners or tenants: exit 2, a message naming the
/// field and what to use instead, and nothing written. Each case first generates the resources
/// it refers to.
#[test]
fn refs_that_cannot_be_made_safe_are_refused() {
    let workspace: &[&str] = &["workspace", "name:text", "--tenant"];
    let cases: &[Refused] = &[
        // A ref to a table no scaffold migration describes: who controls its rows is unknown.
        (
            &[],
            &["task", "title:text", "project:ref"],
            &[
                "`project:ref` refers to public.projects, which no `scaffold resource` migration in supabase/migrations creates",
                "Generate public.projects with `scaffold resource` first",
            ],
        ),
        // Issue 12, item 5: a stranger's comment would stop the post's owner deleting the post.
        (
            &[&["post", "title:text", "--access", "public-read"]],
            &["comment", "body:text", "post:ref:on-delete=restrict", "--access", "public-read"],
            &[
                "`post:ref:on-delete=restrict`: `on-delete=restrict` would let whoever writes public.comments stop the deletion of a row of public.posts that is not theirs",
                "Use `post:ref:on-delete=cascade`",
                "or `post:ref:optional:on-delete=set-null`",
            ],
        ),
        // Item 4: an owner-mode row pointing at a workspace's row, restricting its deletion.
        (
            &[workspace, &["board", "title:text", "--access", "workspace"]],
            &["pin", "board:ref:on-delete=restrict"],
            &["`board:ref:on-delete=restrict`: `on-delete=restrict`", "its rows belong to workspaces"],
        ),
        // Item 2: a member deleting a project would cascade to invoices only admins may delete.
        (
            &[workspace, &["project", "name:text", "--access", "workspace"]],
            &["invoice", "amount:numeric", "project:ref", "--access", "workspace", "--write-role", "admin"],
            &[
                "`project:ref`: deleting a row of public.projects, which any member may do, deletes the public.invoices rows that point at it (on delete cascade), which only admins and owners may delete",
                "this would get past `--write-role admin`",
                "Use `project:ref:on-delete=restrict`",
                "or generate public.projects with `--write-role admin`",
            ],
        ),
        // ... and a set null changes rows only admins may change.
        (
            &[workspace, &["project", "name:text", "--access", "workspace"]],
            &["invoice", "amount:numeric", "project:ref:optional", "--access", "workspace", "--write-role", "owner"],
            &["(on delete set null), which only owners may change"],
        ),
        // Item 6: a tenant root has no owner to scope unique by.
        (
            &[],
            &["workspace", "slug:text:unique", "--tenant"],
            &["invalid field `slug:text:unique`: `unique` is scoped to a row's owner or workspace", "write `slug:text:unique=global`"],
        ),
        // Item 9: the header comment attack.
        (
            &[],
            &["note", "title:text:default=draft\n;grant select on auth.users to anon;--"],
            &["invalid field `title:text:default=draft\\n;grant select on auth.users to anon;--`: it contains the control character U+000A"],
        ),
    ];
    for (before, args, wants) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (index, first) in before.iter().enumerate() {
            let timestamp = format!("2025010100000{index}");
            let output = scaffold(
                dir.path(),
                &[&["resource"][..], first, &["--timestamp", &timestamp]].concat(),
            );
            assert!(output.status.success(), "{first:?}: {}", stderr(&output));
        }
        let on_disk = files(dir.path());
        let output = scaffold(
            dir.path(),
            &[&["resource"][..], args, &["--timestamp", "20250101000009"]].concat(),
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        for want in *wants {
            assert!(
                stderr(&output).contains(want),
                "{args:?}: {}\nshould say {want:?}",
                stderr(&output)
            );
        }
        assert!(
            !stderr(&output).trim_end().contains('\n'),
            "one line: {}",
            stderr(&output)
        );
        assert_eq!(files(dir.path()), on_disk, "{args:?} wrote something");
    }
}

/// What is allowed: refs within one owner or workspace whatever their action (within a
/// workspace, when the parent's deleters may also write the child), and refs across owners or
/// tenants that cascade or set null.
#[test]
fn refs_that_are_safe_are_generated() {
    let workspace: &[&str] = &["workspace", "name:text", "--tenant"];
    let cases: &[RefCase] = &[
        (
            &[&["project", "name:text"]],
            &[
                "task",
                "project:ref:on-delete=restrict",
                "parent:ref=tasks:optional",
            ],
        ),
        (
            &[&["post", "title:text", "--access", "public-read"]],
            &["comment", "post:ref", "--access", "public-read"],
        ),
        (
            &[&["post", "title:text", "--access", "public-read"]],
            &["bookmark", "post:ref:optional"],
        ),
        (
            &[
                workspace,
                &["project", "name:text", "--access", "workspace"],
            ],
            &[
                "invoice",
                "project:ref:on-delete=restrict",
                "--access",
                "workspace",
                "--write-role",
                "admin",
            ],
        ),
        (
            &[
                workspace,
                &[
                    "project",
                    "name:text",
                    "--access",
                    "workspace",
                    "--write-role",
                    "admin",
                ],
            ],
            &["invoice", "project:ref", "--access", "workspace"],
        ),
        (
            &[],
            &[
                "workspace",
                "name:text",
                "slug:text:unique=global",
                "parent:ref=workspaces:optional",
                "--tenant",
            ],
        ),
    ];
    for (before, args) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (index, first) in before.iter().enumerate() {
            let timestamp = format!("2025010100000{index}");
            let output = scaffold(
                dir.path(),
                &[&["resource"][..], first, &["--timestamp", &timestamp]].concat(),
            );
            assert!(output.status.success(), "{first:?}: {}", stderr(&output));
        }
        let output = scaffold(
            dir.path(),
            &[&["resource"][..], args, &["--timestamp", "20250101000009"]].concat(),
        );
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(
            !stderr(&output).contains("warning:"),
            "{args:?}: {}",
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
    // The resource's files, its shared modules, its schema file and the manifest.
    assert_eq!(actions.len(), 14, "the full plan: {actions:?}");
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

// ---------------------------------------------------------------------------
// The life of a project (issue 13): versions, history, spec files, destroy. The same on
// PostgreSQL, with the Supabase CLI: tests/life.rs.

/// The migrations' file names, sorted.
fn migrations(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("supabase/migrations"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn new_migrations_come_after_every_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    // A migration from the future: the next one comes a second after it, not at "now".
    fs::create_dir_all(dir.path().join("supabase/migrations")).unwrap();
    fs::write(
        dir.path()
            .join("supabase/migrations/29991231235959_mine.sql"),
        "select 1;\n",
    )
    .unwrap();
    assert!(scaffold(dir.path(), &["resource", "note", "title:text"])
        .status
        .success());
    assert!(scaffold(dir.path(), &["resource", "task", "title:text"])
        .status
        .success());
    assert_eq!(
        migrations(dir.path()),
        [
            "29991231235959_mine.sql",
            "30000101000000_create_notes.sql",
            "30000101000001_create_tasks.sql"
        ]
    );

    // --timestamp fixes a new version, and must come after the latest.
    for (timestamp, ok) in [
        ("30000101000001", false),
        ("20250101000000", false),
        ("30000101000002", true),
    ] {
        let output = scaffold(
            dir.path(),
            &["resource", "tag", "label:text", "--timestamp", timestamp],
        );
        if ok {
            assert!(output.status.success(), "{}", stderr(&output));
        } else {
            assert_eq!(output.status.code(), Some(2), "{timestamp}");
            assert!(
                stderr(&output).contains(&format!("`--timestamp {timestamp}` is not later than supabase/migrations/30000101000001_create_tasks.sql, the latest migration")),
                "{}",
                stderr(&output)
            );
        }
    }
    // A rerun finds its migration, whatever --timestamp says.
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "note",
            "title:text",
            "--timestamp",
            "20200101000000",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(migrations(dir.path()).len(), 4);
}

#[test]
fn a_changed_spec_writes_an_alter_migration_and_never_rewrites_history() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let migration = dir
        .path()
        .join("supabase/migrations/20250101000000_create_notes.sql");
    let created = fs::read_to_string(&migration).unwrap();
    let changed = [
        "resource",
        "note",
        "title:text:max=200",
        "body:text",
        "priority:int:optional",
        "--timestamp",
        "20250101000001",
        "--json",
    ];
    let output = scaffold(dir.path(), &changed);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let actions: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let action = |path: &str| {
        actions
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, a)| a.as_str())
    };
    assert_eq!(
        action("supabase/migrations/20250101000001_alter_notes.sql"),
        Some("create")
    );
    assert_eq!(
        action("supabase/rollbacks/20250101000001_alter_notes.down.sql"),
        Some("create")
    );
    // Unchanged since scaffold wrote them (the manifest's hashes), so replaced without --force.
    for regenerated in [
        "lib/validations/note.ts",
        "supabase/tests/database/notes.test.sql",
        "supabase/schemas/000_notes.sql",
    ] {
        assert_eq!(action(regenerated), Some("overwrite"), "{regenerated}");
    }
    assert_eq!(
        action("supabase/migrations/20250101000000_create_notes.sql"),
        None,
        "the create migration is not planned again"
    );
    assert_eq!(fs::read_to_string(&migration).unwrap(), created);
    let alter = fs::read_to_string(
        dir.path()
            .join("supabase/migrations/20250101000001_alter_notes.sql"),
    )
    .unwrap();
    assert!(
        alter.starts_with("-- Alters public.notes: adds `priority:int:optional`\n-- Generated by scaffold: scaffold resource note title:text:max=200 body:text priority:int:optional\n"),
        "{alter}"
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join(".scaffold/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest["generations"]["resource:notes"]["migrations"],
        serde_json::json!([
            "supabase/migrations/20250101000000_create_notes.sql",
            "supabase/migrations/20250101000001_alter_notes.sql"
        ]),
        "the generation owns its create migration and its alters"
    );
    // The same command again: nothing to alter, every file identical.
    let before = files(dir.path());
    let output = scaffold(dir.path(), &changed[..changed.len() - 3]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .lines()
            .all(|l| l.trim_start().starts_with("identical")),
        "{}",
        stdout(&output)
    );
    assert_eq!(files(dir.path()), before);
    // A generated file the user changed is theirs: a conflict, as before.
    fs::write(dir.path().join("lib/validations/note.ts"), "// mine\n").unwrap();
    let output = scaffold(dir.path(), &changed[..changed.len() - 3]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("lib/validations/note.ts"));
    assert_eq!(
        fs::read_to_string(dir.path().join("lib/validations/note.ts")).unwrap(),
        "// mine\n"
    );
}

/// File fields and alters: removing one (its column, and its bucket, which the migration drops
/// only empty) is refused without --allow-data-loss, naming the bucket; renaming one is refused
/// (its bucket is named after it, and Storage cannot rename a bucket); new limits, a new field
/// and optional/required write an alter migration that updates, creates and drops buckets and
/// storage policies. Exit 2 and nothing written for each refusal.
#[test]
fn file_field_alters_update_buckets_and_refuse_what_storage_cannot_undo() {
    const COVER: &str = "cover:file:optional:max=1mb:accept=image/png";
    let dir = tempfile::tempdir().unwrap();
    let create = [
        "resource",
        "note",
        "title:text",
        COVER,
        "--timestamp",
        "20250101000000",
    ];
    assert!(scaffold(dir.path(), &create).status.success());
    let before = files(dir.path());
    let refusals: &[(&[&str], &[&str])] = &[
        (
            &["resource", "note", "title:text"],
            &[
                "it drops the Storage bucket notes.cover: while it holds objects the migration stops",
                "it drops column cover, and every value in it",
                "Nothing was written",
            ],
        ),
        (
            &[
                "resource",
                "note",
                "title:text",
                "image:file:optional:max=1mb:accept=image/png",
                "--rename",
                "cover=image",
                "--allow-data-loss",
            ],
            &["`--rename cover=image`: `cover` is a file field, and its Storage bucket (notes.cover) is named after it; Storage cannot rename a bucket"],
        ),
    ];
    for (args, wants) in refusals {
        let output = scaffold(dir.path(), args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        for want in *wants {
            assert!(message.contains(want), "{args:?}: {want:?} in {message}");
        }
        assert_eq!(files(dir.path()), before, "{args:?}: nothing written");
    }

    // New limits, a new file field: one alter, no data loss to allow.
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "note",
            "title:text",
            "cover:file:optional:max=5mb:accept=image/png,image/webp",
            "scan:file:optional:max=2mb:accept=application/pdf",
            "--timestamp",
            "20250101000001",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let read = |path: &str| fs::read_to_string(dir.path().join(path)).unwrap();
    let alter = read("supabase/migrations/20250101000001_alter_notes.sql");
    for want in [
        "update storage.buckets\nset file_size_limit = 5000000, allowed_mime_types = array['image/png', 'image/webp']\nwhere id = 'notes.cover';",
        "insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)\nvalues ('notes.scan', 'notes.scan', false, 2000000, array['application/pdf']);",
        "drop policy \"notes files: owners can read\" on storage.objects;",
        "bucket_id in ('notes.cover', 'notes.scan')",
        "alter table public.notes add column scan text;",
    ] {
        assert!(alter.contains(want), "{want:?} in {alter}");
    }
    let rollback = read("supabase/rollbacks/20250101000001_alter_notes.down.sql");
    for want in [
        "raise exception 'bucket % still holds objects: dropping it would orphan their bytes', 'notes.scan'",
        "delete from storage.buckets where id = 'notes.scan';",
        "set file_size_limit = 1000000, allowed_mime_types = array['image/png']",
        "alter table public.notes drop column scan;",
    ] {
        assert!(rollback.contains(want), "{want:?} in {rollback}");
    }
    assert!(!alter.contains("delete from storage.buckets"), "{alter}");
}

/// A change that can lose or reject rows the table holds is refused unless --allow-data-loss,
/// naming what could be lost; so is moving the rows to another kind of controller, and changing
/// who controls a table others refer to. Exit 2, nothing written.
#[test]
fn alters_that_can_lose_data_are_refused_naming_what_and_write_nothing() {
    const BASE: &[&str] = &[
        "note",
        "title:text:max=200",
        "body:text:optional",
        "count:bigint",
        "status:enum=draft,done:default=draft",
    ];
    let with = |replace: &[(&str, &str)], extra: &[&'static str]| -> Vec<String> {
        let mut words: Vec<String> = BASE
            .iter()
            .map(|w| {
                replace
                    .iter()
                    .find(|(from, _)| from == w)
                    .map_or(w.to_string(), |(_, to)| to.to_string())
            })
            .filter(|w| !w.is_empty())
            .collect();
        words.extend(extra.iter().map(|w| w.to_string()));
        words
    };
    let cases: Vec<(Vec<String>, &[&str])> = vec![
        (
            with(&[("body:text:optional", "")], &[]),
            &["it drops column body, and every value in it"],
        ),
        (
            with(&[("title:text:max=200", "title:text:max=80")], &[]),
            &["it adds the constraint title_max_length `check (char_length(title) <= 80)`: a row that breaks it stops the migration"],
        ),
        (
            with(&[("body:text:optional", "body:text")], &[]),
            &["it makes column body required without a default: a row where it is null stops the migration"],
        ),
        (
            with(&[("count:bigint", "count:int")], &[]),
            &["it converts column count from bigint to integer"],
        ),
        (
            with(&[("status:enum=draft,done:default=draft", "status:enum=draft:default=draft")], &[]),
            &["it removes 'done' from public.note_status: a row holding it stops the migration"],
        ),
        (
            with(&[], &["due_on:date"]),
            &["it adds the required column due_on without a default: any existing row stops the migration"],
        ),
        (
            with(&[("title:text:max=200", "title:text:max=200:unique")], &[]),
            &["it adds the constraint notes_title_key `unique (user_id, title)`"],
        ),
        (
            with(&[("body:text:optional", "text:text:optional")], &[]),
            &[
                "it drops column body",
                "If a field was renamed rather than replaced, say so with `--rename OLD=NEW`",
            ],
        ),
        (
            with(&[], &["--access", "workspace"]),
            &[
                "changes who controls the rows of public.notes: each now belongs to the user who created it (user_id), and would belong to a workspace (workspace_id)",
                "this takes a data migration",
            ],
        ),
        (
            with(&[("body:text:optional", "text:text:optional")], &["--rename", "bdy=text"]),
            &["`--rename bdy=text`: public.notes has no field `bdy`; its fields: title, body, count, status"],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut base = vec!["resource"];
    base.extend_from_slice(BASE);
    base.extend_from_slice(&["--timestamp", "20250101000000"]);
    assert!(scaffold(dir.path(), &base).status.success());
    let before = files(dir.path());
    for (words, wants) in &cases {
        let mut args = vec!["resource"];
        args.extend(words.iter().map(String::as_str));
        let output = scaffold(dir.path(), &args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        for want in *wants {
            assert!(message.contains(want), "{args:?}: {want:?} in {message}");
        }
        assert_eq!(files(dir.path()), before, "{args:?}: nothing written");
    }
    // The same changes with --allow-data-loss write one alter migration.
    let mut args = vec!["resource"];
    let lossy = with(
        &[
            ("body:text:optional", ""),
            ("count:bigint", "count:int"),
            (
                "status:enum=draft,done:default=draft",
                "status:enum=draft:default=draft",
            ),
        ],
        &["--allow-data-loss", "--timestamp", "20250101000001"],
    );
    args.extend(lossy.iter().map(String::as_str));
    let output = scaffold(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        migrations(dir.path()),
        [
            "20250101000000_create_notes.sql",
            "20250101000001_alter_notes.sql"
        ]
    );
    let rollback = fs::read_to_string(
        dir.path()
            .join("supabase/rollbacks/20250101000001_alter_notes.down.sql"),
    )
    .unwrap();
    assert!(
        rollback.contains("-- It restores the schema exactly, not the data; it cannot bring back:\n--   the values of column count as they were before it converted them to integer\n--   the values of column body, which it dropped (the column comes back empty)\n"),
        "{rollback}"
    );

    // Who controls a table others refer to decides their foreign keys and policies.
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[
            "resource",
            "project",
            "name:text",
            "--timestamp",
            "20250101000000",
        ][..],
        &[
            "resource",
            "task",
            "title:text",
            "project:ref",
            "--timestamp",
            "20250101000001",
        ],
    ] {
        assert!(scaffold(dir.path(), args).status.success());
    }
    let before = files(dir.path());
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "project",
            "name:text",
            "--access",
            "public-read",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("changes the access of public.projects, and other tables refer to it: public.tasks's `project:ref`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files(dir.path()), before);
}

#[test]
fn a_migration_edited_by_hand_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(dir.path(), NOTE).status.success());
    let migration = dir
        .path()
        .join("supabase/migrations/20250101000000_create_notes.sql");
    // A migration edited by hand is kept as it is; the other files are regenerated as usual.
    fs::write(&migration, "-- mine\ncreate table public.notes ();\n").unwrap();
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "note",
            "title:text:max=200",
            "body:text",
            "--force",
            "--json",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let action = |path: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["action"].as_str().unwrap().to_string())
    };
    assert_eq!(
        action("supabase/migrations/20250101000000_create_notes.sql").as_deref(),
        Some("keep")
    );
    assert_eq!(
        fs::read_to_string(&migration).unwrap(),
        "-- mine\ncreate table public.notes ();\n"
    );
}

const SPEC: &str = r#"[[resource]]
name = "task"
fields = ["title:text", "project:ref"]

[[resource]]
name = "project"
fields = ["name:text"]
access = "public-read"
"#;

#[test]
fn apply_plans_a_spec_file_all_at_once_and_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("app.toml");
    fs::write(&spec, SPEC).unwrap();
    let spec = spec.to_string_lossy().into_owned();

    // --dry-run and --json write nothing.
    let output = scaffold(dir.path(), &["apply", &spec, "--dry-run", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(files(dir.path()).len(), 1, "only the spec file");

    let output = scaffold(
        dir.path(),
        &["apply", &spec, "--timestamp", "20250101000000"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).is_empty(),
        "no warning: {}",
        stderr(&output)
    );
    assert_eq!(
        migrations(dir.path()),
        [
            "20250101000000_create_projects.sql",
            "20250101000001_create_tasks.sql"
        ],
        "the referenced table first"
    );
    assert!(dir.path().join("supabase/schemas/001_tasks.sql").exists());
    let manifest = fs::read_to_string(dir.path().join(".scaffold/manifest.json")).unwrap();
    for key in ["\"resource:projects\"", "\"resource:tasks\""] {
        assert!(manifest.contains(key), "{manifest}");
    }

    let before = files(dir.path());
    let output = scaffold(dir.path(), &["apply", &spec, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "identical"),
        "{report}"
    );
    assert_eq!(files(dir.path()), before);

    // An edited file: an alter migration for the resource that changed, none for the other. A
    // change that can lose data stops the whole run, pointing at the resource in the file.
    fs::write(
        dir.path().join("app.toml"),
        SPEC.replace("[\"name:text\"]", "[\"title:text\", \"slug:text:unique\"]"),
    )
    .unwrap();
    let before = files(dir.path());
    let output = scaffold(dir.path(), &["apply", &spec]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("app.toml:6:8: `scaffold resource project title:text slug:text:unique --access public-read` changes public.projects (adds `title:text`; adds `slug:text:unique`; removes `name:text`) in a way that can lose or reject the rows it holds: it adds the required column title without a default"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files(dir.path()), before);
    for bad in ["title=name", "tasks.title=name", "projects.name:a=b"] {
        let output = scaffold(dir.path(), &["apply", &spec, "--rename", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert_eq!(files(dir.path()), before, "{bad}");
    }
    let output = scaffold(
        dir.path(),
        &[
            "apply",
            &spec,
            "--rename",
            "project.name=title",
            "--allow-data-loss",
            "--timestamp",
            "20250101000002",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        migrations(dir.path()),
        [
            "20250101000000_create_projects.sql",
            "20250101000001_create_tasks.sql",
            "20250101000002_alter_projects.sql"
        ]
    );
    let alter = fs::read_to_string(
        dir.path()
            .join("supabase/migrations/20250101000002_alter_projects.sql"),
    )
    .unwrap();
    assert!(
        alter.contains("-- Alters public.projects: renames `name` to `title`; adds `slug:text:unique`\n-- Generated by scaffold: scaffold resource project title:text slug:text:unique --access public-read --rename name=title --allow-data-loss\n"),
        "{alter}"
    );
    assert!(alter.contains("alter table public.projects rename column name to title;"));
    let output = scaffold(dir.path(), &["apply", &spec]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(migrations(dir.path()).len(), 3, "applying again: no change");
}

#[test]
fn spec_file_errors_name_file_line_and_column_and_write_nothing() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "bad.toml",
            "[[resource]]\nname = \"note\"\nfields = [\"title:text\", \"due:datetime\"]\n",
            "bad.toml:3:25: invalid field `due:datetime`: unknown type `datetime`; types: text,",
        ),
        (
            "bad.toml",
            "[[resource]]\nname = \"note\"\nfields = [\"t:text\"]\nwrite_role = \"boss\"\n",
            "bad.toml:4:14: `write_role = \"boss\"`: `write_role` is one of owner, admin, member",
        ),
        (
            "bad.json",
            "{\"resource\": [{\"name\": \"note\", \"fields\": [\"t:text\"], \"acess\": \"owner\"}]}",
            "bad.json:1:54: unknown key `acess` in a `[[resource]]`; allowed: `name`, `fields`, `access`",
        ),
        (
            "cycle.toml",
            "[[resource]]\nname = \"egg\"\nfields = [\"hen:ref\"]\n\n[[resource]]\nname = \"hen\"\nfields = [\"egg:ref\"]\n",
            "cycle.toml:2:8: the resources reference each other in a cycle: eggs → hens → eggs;",
        ),
    ];
    for (name, text, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(name), text).unwrap();
        let before = files(dir.path());
        let output = std::process::Command::new(common::binary())
            .current_dir(dir.path())
            .args(["apply", name])
            .env("NO_COLOR", "1")
            .env("SCAFFOLD_NO_SESSION", "1")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).starts_with(&format!("error: {want}")),
            "{name}: {}\nshould start with error: {want}",
            stderr(&output)
        );
        assert_eq!(files(dir.path()), before, "{name}: nothing written");
    }
}

#[test]
fn the_wizards_answers_saved_as_a_spec_apply_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let output = scaffold(
        dir.path(),
        &[
            "resource",
            "invoice",
            "amount:numeric:min=0",
            "--access",
            "workspace",
            "--write-role",
            "admin",
            "--actions",
            "create,list",
            "--save-spec",
            "invoice.toml",
            "--timestamp",
            "20250101000000",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let saved = fs::read_to_string(dir.path().join("invoice.toml")).unwrap();
    assert_eq!(
        saved,
        "[[resource]]\naccess = \"workspace\"\nactions = [\"create\", \"list\"]\nfields = [\"amount:numeric:min=0\"]\nname = \"invoice\"\nwrite_role = \"admin\"\n"
    );
    let before = files(dir.path());
    let output = scaffold(
        dir.path(),
        &["apply", &dir.path().join("invoice.toml").to_string_lossy()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        files(dir.path()),
        before,
        "the saved spec is what was generated"
    );
}

#[test]
fn destroy_removes_what_a_generation_wrote_and_keeps_what_was_changed() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scaffold(
        dir.path(),
        &[
            "resource",
            "project",
            "name:text",
            "--timestamp",
            "20250101000000"
        ]
    )
    .status
    .success());
    assert!(scaffold(
        dir.path(),
        &[
            "resource",
            "task",
            "title:text",
            "project:ref",
            "--timestamp",
            "20250101000001"
        ]
    )
    .status
    .success());

    // Referenced: refused, naming who refers to it.
    let before = files(dir.path());
    let output = scaffold(dir.path(), &["destroy", "resource", "project"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("public.projects is referenced by public.tasks (`scaffold resource task title:text project:ref`)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files(dir.path()), before);

    // Edited: kept with its diff, the rest removed; the migration is the latest and not in
    // git, so it goes too.
    let actions = dir.path().join("app/actions/tasks.ts");
    let edited = format!("{}// my change\n", fs::read_to_string(&actions).unwrap());
    fs::write(&actions, &edited).unwrap();
    let dry = scaffold(dir.path(), &["destroy", "resource", "tasks", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert_eq!(
        files(dir.path()),
        before
            .iter()
            .map(|(p, c)| if p == "app/actions/tasks.ts" {
                (p.clone(), edited.clone())
            } else {
                (p.clone(), c.clone())
            })
            .collect::<Vec<_>>()
    );
    let output = scaffold(dir.path(), &["destroy", "resource", "tasks"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("      keep  app/actions/tasks.ts"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("+// my change"),
        "the diff is shown: {}",
        stderr(&output)
    );
    let left: Vec<String> = files(dir.path())
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.contains("task"))
        .collect();
    assert_eq!(left, ["app/actions/tasks.ts"]);
    assert_eq!(
        migrations(dir.path()),
        ["20250101000000_create_projects.sql"]
    );

    // The last resource: the shared modules go too, being unchanged and used by nothing else.
    let output = scaffold(dir.path(), &["destroy", "resource", "project"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let left: Vec<String> = files(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(left, [".scaffold/manifest.json", "app/actions/tasks.ts"]);
    assert_eq!(
        fs::read_to_string(dir.path().join(".scaffold/manifest.json")).unwrap(),
        "{\n  \"generations\": {},\n  \"version\": 1\n}\n"
    );
}

#[test]
fn destroy_keeps_a_migration_that_may_have_run_and_drops_in_a_new_one() {
    // Why it may have run: --applied, or a later migration (git: tests/life.rs).
    let cases: &[(&str, &str, &[&str], &str)] = &[
        ("--applied", "task", &["--applied"], "(--applied)"),
        (
            "a later migration",
            "note",
            &[],
            "(a later migration exists: 20250101000001_create_tasks.sql)",
        ),
    ];
    for (what, name, flags, reason) in cases {
        let dir = tempfile::tempdir().unwrap();
        let table = format!("{name}s");
        for (resource, timestamp) in [("note", "20250101000000"), ("task", "20250101000001")] {
            let output = scaffold(
                dir.path(),
                &["resource", resource, "title:text", "--timestamp", timestamp],
            );
            assert!(output.status.success(), "{}", stderr(&output));
        }
        let created = migrations(dir.path())
            .into_iter()
            .find(|m| m.ends_with(&format!("_create_{table}.sql")))
            .unwrap();
        let mut args = vec!["destroy", "resource", name, "--timestamp", "20250101000002"];
        args.extend_from_slice(flags);
        let output = scaffold(dir.path(), &args);
        assert!(output.status.success(), "{what}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!(
                "supabase/migrations/{created} stays, since it may have run {reason}"
            )),
            "{what}: {}",
            stderr(&output)
        );
        assert_eq!(
            migrations(dir.path()),
            [
                "20250101000000_create_notes.sql".to_string(),
                "20250101000001_create_tasks.sql".to_string(),
                format!("20250101000002_drop_{table}.sql")
            ],
            "{what}"
        );
        let drop = fs::read_to_string(dir.path().join(format!(
            "supabase/migrations/20250101000002_drop_{table}.sql"
        )))
        .unwrap();
        let rollback = fs::read_to_string(dir.path().join(format!(
            "supabase/rollbacks/{}",
            created.replace(".sql", ".down.sql")
        )))
        .unwrap();
        assert!(
            drop.ends_with(&rollback),
            "{what}: the drop is the rollback as a forward migration"
        );
        assert!(drop.contains(&format!(
            "-- Generated by scaffold: scaffold destroy resource {name}\n"
        )));
        // Destroyed: generating it again makes a new create migration.
        let output = scaffold(
            dir.path(),
            &[
                "resource",
                name,
                "title:text",
                "--timestamp",
                "20250101000003",
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            migrations(dir.path()).last().cloned(),
            Some(format!("20250101000003_create_{table}.sql")),
            "{what}"
        );
    }
}

#[test]
fn destroying_the_stripe_webhook_keeps_env_example_and_what_others_share() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[
            "resource",
            "note",
            "title:text",
            "--timestamp",
            "20250101000000",
        ][..],
        &["webhook", "stripe", "--timestamp", "20250101000001"][..],
    ] {
        let output = scaffold(dir.path(), args);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let output = scaffold(dir.path(), &["destroy", "webhook", "stripe"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(".env.example stays: scaffold adds to it and never takes away"),
        "{}",
        stderr(&output)
    );
    let left: Vec<String> = files(dir.path()).into_iter().map(|(p, _)| p).collect();
    for gone in [
        "app/api/webhooks/stripe/route.ts",
        "lib/stripe/sync.ts",
        "supabase/migrations/20250101000001_create_stripe_billing.sql",
        "supabase/schemas/000_stripe_billing.sql",
    ] {
        assert!(
            !left.iter().any(|p| p == gone),
            "{gone} is removed: {left:?}"
        );
    }
    for kept in [
        ".env.example",
        "lib/action-result.ts",
        "app/actions/notes.ts",
        "supabase/migrations/20250101000000_create_notes.sql",
    ] {
        assert!(left.iter().any(|p| p == kept), "{kept} stays: {left:?}");
    }
    let output = scaffold(dir.path(), &["destroy", "webhook", "stripe"]);
    assert_eq!(output.status.code(), Some(2), "nothing left to destroy");
}
