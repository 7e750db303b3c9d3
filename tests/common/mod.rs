//! What the suites share: the matrix of specs every suite runs, and running the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixed migration timestamp, so output is reproducible; each case adds its index in seconds.
pub const TIMESTAMP: u64 = 20250101000000;

/// The specs every suite runs, in an order that applies cleanly (refs after their targets).
/// Together they cover every type, every modifier and every access mode, an audit log and rate
/// limits in every access mode (projects, articles, workspaces, invoices), file fields in each
/// (several in one resource, required and optional), and refs of each kind:
/// within one owner (tasks → projects, tasks → tasks), within one workspace (cards → boards with
/// a stricter write role and `restrict`, boards → boards), and across owners or tenants
/// (workspaces → workspaces, checked by a trigger; comments → articles and pins → boards, each
/// cascading with a delete policy for whoever may delete the parent).
pub const MATRIX: &[(&str, &[&str])] = &[
    (
        "project",
        &[
            "project",
            "name:text:sortable:searchable",
            "description:text:optional:searchable",
            "status:enum=active,archived:default=active",
            "budget:numeric:sortable:sensitive:min=0",
            "due_on:date:optional",
            "--audit",
            "--rate-limit",
            "create=30/min,update=60/min,delete=30/min,list=120/min",
        ],
    ),
    (
        "note",
        &[
            "note",
            "title:text:sortable:max=200",
            "body:text:searchable",
            "attachment:file:optional:max=10mb:accept=application/pdf,image/*",
            "cover:file:max=2mb:accept=image/png,image/jpeg",
        ],
    ),
    (
        "article_public_read",
        &[
            "article",
            "title:text:sortable:min=3:max=120",
            "slug:text:unique",
            "link:url:optional:searchable",
            "contact:email:optional:searchable:max=254",
            "published:bool:default=false",
            "cover:file:optional:max=5mb:accept=image/*",
            "--access",
            "public-read",
            "--audit",
            "--rate-limit",
            "create=30/min,get=300/min,list=120/min",
        ],
    ),
    (
        "measurement_every_type",
        &[
            "measurement",
            "reading:int:sortable:min=0:max=1000:default=0",
            "total:bigint:optional",
            "ratio:float:sortable:min=0:max=1",
            "amount:numeric:min=0.5:max=99.95",
            "taken_at:timestamptz:sortable:default=now",
            "external_id:uuid:default=random",
            "meta:jsonb:default={}",
            "day:date:sortable:default=today",
            "code:text:index",
            "site:url:searchable:default=https://example.com",
            "owner_email:email:default=team@example.com",
            "kind:enum=manual,automatic,imported-data:optional",
        ],
    ),
    (
        "task_refs",
        &[
            "tasks",
            "title:text",
            "project:ref:on-delete=cascade",
            "parent:ref=tasks:optional:on-delete=set-null",
            "reviewer_id:ref=projects:optional:on-delete=restrict",
        ],
    ),
    (
        "person_irregular_plural",
        &[
            "person",
            "full_name:text:min=1:max=100",
            "nickname:text:optional:unique",
        ],
    ),
    (
        "long_names",
        &[
            "company_shipping_address",
            "street_line_one_for_the_delivery_driver:text:min=10:max=2000",
            "delivery_instructions_for_the_courier:text:optional:max=5000",
            "preferred_delivery_window_starts_at:timestamptz:optional",
        ],
    ),
    (
        "workspace_tenant",
        &[
            "workspace",
            "name:text:sortable:searchable:max=80",
            "slug:text:unique=global",
            "parent:ref=workspaces:optional",
            "logo:file:optional:max=1mb:accept=image/png,image/webp",
            "--tenant",
            "--audit",
            "--rate-limit",
            "create=30/hour",
        ],
    ),
    (
        "board_workspace_members_write",
        &[
            "board",
            "title:text:max=120",
            "archived:bool:default=false",
            "parent:ref=boards:optional",
            "background:file:optional:max=2mb:accept=image/png",
            "--access",
            "workspace",
        ],
    ),
    (
        "card_workspace_owners_write_refs",
        &[
            "card",
            "title:text",
            "board:ref:on-delete=restrict",
            "--access",
            "workspace",
            "--write-role",
            "owner",
        ],
    ),
    (
        "invoice_workspace_admins_write",
        &[
            "invoice",
            "number:text:unique:sortable:searchable",
            "amount:numeric:sortable:sensitive:min=0",
            "status:enum=draft,sent,paid:default=draft",
            "due_on:date:optional",
            "scan:file:max=20mb:accept=application/pdf",
            "--access",
            "workspace",
            "--write-role",
            "admin",
            "--audit",
            "--rate-limit",
            "create=30/min,update=60/min,delete=30/min",
        ],
    ),
    (
        "order_reserved_words",
        &[
            "order",
            "order:int:sortable:min=0",
            "user:text:searchable",
            "group:enum=left,right:optional",
            "select:bool:default=false",
            "desc:text:optional:max=500",
            "table:ref=people:optional",
            "total:numeric:precision=12:scale=2:min=0",
            "tip:numeric:optional:scale=2",
        ],
    ),
    (
        "comment_public_read_cascade",
        &[
            "comment",
            "body:text:max=2000",
            "article:ref",
            "--access",
            "public-read",
        ],
    ),
    (
        "pin_owner_to_workspace",
        &["pin", "label:text", "board:ref"],
    ),
];

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_scaffold"))
}

/// Runs `scaffold --dir DIR ARGS...` with a fixed timestamp and no session record.
pub fn scaffold(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SCAFFOLD_NO_SESSION", "1")
        .env_remove("SCAFFOLD_TIMESTAMP")
        .output()
        .expect("scaffold runs")
}

/// Generates every spec of the matrix into `dir`, in order, each with its own timestamp.
pub fn generate_matrix(dir: &Path) {
    for (index, (name, args)) in MATRIX.iter().enumerate() {
        generate_case(dir, index, name, args);
    }
}

pub fn generate_case(dir: &Path, index: usize, name: &str, args: &[&str]) {
    let timestamp = (TIMESTAMP + index as u64).to_string();
    let mut all = vec!["resource"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--timestamp", &timestamp, "--yes"]);
    let output = scaffold(dir, &all);
    assert!(
        output.status.success(),
        "generating {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file below `dir`, relative and sorted, with its contents.
pub fn files(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                found.push((relative, std::fs::read_to_string(&path).unwrap_or_default()));
            }
        }
    }
    found.sort();
    found
}
