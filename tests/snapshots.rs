//! The full output of `scaffold resource` for every spec of the matrix, reviewed and pinned.

mod common;

/// The matrix is generated in order into one project, as an app would be (a ref needs the
/// resource it points at generated first); each snapshot holds the files its spec added.
#[test]
fn every_spec_of_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (index, (name, args)) in common::MATRIX.iter().enumerate() {
        common::generate_case(dir.path(), index, name, args);
        let mut text = String::new();
        // The manifest only hashes these files: pinning it would pin nothing more.
        for (path, contents) in common::files(dir.path()) {
            if !path.starts_with(".scaffold/") && seen.insert(path.clone()) {
                text.push_str(&format!("==> {path} <==\n{contents}\n"));
            }
        }
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("resource_{name}"), text);
        });
    }
}

/// Alter migrations and their rollbacks, for representative changes (tests/alter.rs proves
/// every kind on PostgreSQL; the files regenerated with them are those of a fresh generation,
/// pinned above).
#[test]
fn representative_alters() {
    // (name, the specs generated first, the new spec of the last one)
    type Case<'a> = (&'a str, &'a [&'a [&'a str]], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            "fields",
            &[&[
                "note",
                "title:text",
                "body:text:optional",
                "rank:bigint",
                "status:enum=draft,done:default=draft",
            ]],
            &[
                "note",
                "heading:text:max=200",
                "body:text:default=empty",
                "rank:int",
                "status:enum=draft,review,done:default=draft",
                "priority:int:optional",
                "--rename",
                "title=heading",
                "--allow-data-loss",
            ],
        ),
        (
            "refs_and_access",
            &[
                &["project", "name:text"],
                &["task", "title:text", "project:ref", "kind:enum=a,b,c"],
            ],
            &[
                "task",
                "title:text",
                "project:ref:on-delete=restrict",
                "parent:ref=tasks:optional",
                "kind:enum=a,c",
                "--access",
                "public-read",
                "--allow-data-loss",
            ],
        ),
        (
            "audit_and_limits",
            &[&[
                "project",
                "name:text",
                "iban:text:optional:sensitive",
                "--audit",
                "--rate-limit",
                "create=10/min,get=100/min",
            ]],
            &[
                "project",
                "title:text:sensitive",
                "account:text:optional:sensitive",
                "--audit",
                "--rate-limit",
                "create=20/min,update=5/min",
                "--rename",
                "name=title",
                "--rename",
                "iban=account",
            ],
        ),
        (
            "audit_off",
            &[&[
                "project",
                "name:text",
                "--audit",
                "--rate-limit",
                "create=10/min",
            ]],
            &["project", "name:text", "--allow-data-loss"],
        ),
        (
            "files",
            &[&[
                "article",
                "title:text",
                "cover:file:optional:max=2mb:accept=image/png",
                "scan:file:optional:max=1mb:accept=application/pdf",
            ]],
            &[
                "article",
                "title:text",
                "cover:file:max=5mb:accept=image/png,image/webp",
                "logo:file:optional:max=100kb:accept=image/png",
                "--access",
                "public-read",
                "--allow-data-loss",
            ],
        ),
    ];
    for (name, before, after) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (index, args) in before.iter().enumerate() {
            common::generate_case(dir.path(), index, name, args);
        }
        let existing = common::files(dir.path());
        common::generate_case(dir.path(), 10, name, after);
        let mut text = String::new();
        for (path, contents) in common::files(dir.path()) {
            let new = !existing.iter().any(|(p, _)| *p == path);
            if new && (path.contains("/migrations/") || path.contains("/rollbacks/")) {
                text.push_str(&format!("==> {path} <==\n{contents}\n"));
            }
        }
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("alter_{name}"), text);
        });
    }
}
