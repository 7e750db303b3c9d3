//! `scaffold init`: writes what the project's conventions are (`scaffold.toml`), the modules
//! every generated file relies on (only where missing), the Next.js proxy that keeps the
//! Supabase session fresh, the `.env.example` entries (un-ignored in `.gitignore` when needed),
//! the `.claude/context` documents and a pointer to them in `AGENTS.md` (and `CLAUDE.md`), and
//! says what is left to do.

use serde::Serialize;

use super::agent_context::{EXAMPLES_DIR, RULES_DIR};
use super::{gitignore, imports};
use crate::disk;
use crate::error::Error;
use crate::plan::{Ownership, Plan};
use crate::project::{Layout, Project, CONFIG_FILE};
use crate::render::Renderer;
use crate::session::{self, PlannedEntry};

/// The environment variables generated code reads, with what they are for and a local default.
pub const ENV_ENTRIES: &[EnvEntry] = &[
    EnvEntry {
        key: "NEXT_PUBLIC_SUPABASE_URL",
        comment: "Supabase project URL (`supabase status` prints the local one).",
        value: "http://127.0.0.1:54321",
    },
    EnvEntry {
        key: "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY",
        comment: "Supabase publishable key (sb_publishable_...): safe in the browser, row level security applies.",
        value: "",
    },
    EnvEntry {
        key: "SUPABASE_SECRET_KEY",
        comment: "Supabase secret key (sb_secret_...): server only, bypasses row level security. Never expose it.",
        value: "",
    },
];

#[derive(Debug, Clone, Copy, Serialize)]
pub struct EnvEntry {
    pub key: &'static str,
    pub comment: &'static str,
    pub value: &'static str,
}

/// The templates `init` renders, by what they are.
pub const CONFIG_TEMPLATE: &str = "init/scaffold.toml";
pub const SESSION_PROXY_TEMPLATE: &str = "init/lib/supabase/proxy.ts";
pub const PROXY_TEMPLATE: &str = "init/proxy.ts";
pub const ADMIN_TEMPLATE: &str = "init/lib/supabase/admin.ts";
/// A block of `.env.example` entries, appended to what the file already has.
pub const ENV_TEMPLATE: &str = "init/env.example";

/// The pointer to the context documents in the files coding agents read first.
pub const AGENTS_POINTER_TEMPLATE: &str = "init/agents.md";

/// Where `.env.example` lives.
pub const ENV_EXAMPLE: &str = ".env.example";

/// The project's root `.gitignore`; create-next-app's ignores `.env*`.
pub const GITIGNORE: &str = ".gitignore";

/// What `init` appends to a `.gitignore` that would ignore `.env.example`.
const UNIGNORE_ENV_EXAMPLE: &str =
    "# The example environment holds no secrets: commit it (added by scaffold init).\n!.env.example\n";

/// The instructions file coding agents read (create-next-app writes it): gets the pointer,
/// and is created when missing.
pub const AGENTS_FILE: &str = "AGENTS.md";

/// Claude Code's instructions: gets the pointer too when there is one that does not already
/// import `AGENTS.md` (create-next-app's is the single line `@AGENTS.md`).
pub const CLAUDE_FILE: &str = "CLAUDE.md";

/// The key of the pointer's markers: `<!-- scaffold:begin context -->` … `<!-- scaffold:end context -->`.
pub const POINTER_KEY: &str = "context";

/// What `init` found, to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// `app` or `src/app`, when there is one.
    pub app_dir: Option<String>,
    pub supabase_dir: bool,
    /// The alias from tsconfig.json's `paths`, when it maps one to the source root.
    pub tsconfig_alias: Option<String>,
}

impl Detected {
    pub fn new(project: &Project) -> Detected {
        let root = &project.root;
        let app_dir = ["src/app", "app"]
            .into_iter()
            .find(|dir| root.join(dir).is_dir())
            .map(str::to_string);
        Detected {
            app_dir,
            supabase_dir: root.join("supabase").is_dir(),
            tsconfig_alias: crate::project::detect_alias(root, &project.layout.source_root),
        }
    }

    /// One line per finding, with what to do about anything missing.
    pub fn report(&self, layout: &Layout) -> Vec<String> {
        let mut lines = vec![match &self.app_dir {
            Some(dir) => format!("Next.js App Router in {dir}/"),
            None => format!(
                "no app/ or src/app/ folder yet: code goes under {}",
                if layout.source_root == "." {
                    "the project root"
                } else {
                    "src/"
                }
            ),
        }];
        lines.push(if self.supabase_dir {
            "supabase/ folder found".to_string()
        } else {
            "no supabase/ folder yet: run `supabase init` to get the local stack".to_string()
        });
        lines.push(match &self.tsconfig_alias {
            Some(alias) => format!("import alias {alias} (tsconfig.json paths)"),
            None => format!(
                "no tsconfig.json paths alias for {0}/*: imports use {1}; add \"paths\": {{ \"{1}*\": [\"./{2}*\"] }} to tsconfig.json",
                layout.source_root,
                layout.import_alias,
                if layout.source_root == "." { String::new() } else { format!("{}/", layout.source_root) }
            ),
        });
        lines
    }
}

/// Import specifiers and paths of the modules `init` writes.
#[derive(Debug, Clone, Serialize)]
pub struct InitPaths {
    pub admin: String,
    pub session_proxy: String,
    pub proxy: String,
}

pub fn paths(layout: &Layout) -> InitPaths {
    let proxy = match layout.source_root.as_str() {
        "." | "" => "proxy.ts".to_string(),
        root => format!("{root}/proxy.ts"),
    };
    InitPaths {
        admin: format!("{}/supabase/admin.ts", layout.lib_dir),
        session_proxy: format!("{}/supabase/proxy.ts", layout.lib_dir),
        proxy,
    }
}

/// Plans everything `init` writes: only-if-missing modules, `.env.example` with what it lacks,
/// and the context documents.
pub fn plan(project: &Project, renderer: &Renderer) -> Result<Plan, Error> {
    #[derive(Serialize)]
    struct Context<'a> {
        layout: &'a Layout,
        access_modes: String,
        imports: InitImports,
    }
    #[derive(Serialize)]
    struct InitImports {
        types: String,
        proxy: String,
    }
    let layout = &project.layout;
    let paths = paths(layout);
    let context = Context {
        layout,
        access_modes: access_modes(),
        imports: InitImports {
            types: imports(layout, None).types,
            proxy: layout.import_path(&paths.session_proxy),
        },
    };
    let mut plan = Plan::default();
    plan.write_once(CONFIG_FILE, renderer.render(CONFIG_TEMPLATE, &context)?);
    super::shared_files(&mut plan, project, renderer, super::Shared::ALL)?;
    admin_client(&mut plan, project, renderer)?;
    plan.write_once(
        paths.session_proxy.clone(),
        renderer.render(SESSION_PROXY_TEMPLATE, &context)?,
    );
    plan.write_once(
        paths.proxy.clone(),
        renderer.render(PROXY_TEMPLATE, &context)?,
    );
    env_example(&mut plan, project, renderer)?;
    unignore_env_example(&mut plan, project)?;
    let context_plan = super::agent_context::plan(project, renderer)?;
    plan.files.extend(context_plan.files);
    agents_pointer(&mut plan, project, renderer)?;
    Ok(plan)
}

/// Appends `!.env.example` to a `.gitignore` that would ignore it (create-next-app's `.env*`
/// does), so the file `init` writes for the team is committed. A `.gitignore` that already lets
/// it through is planned as it is (identical, so a rerun records the same files); without one,
/// nothing is written.
fn unignore_env_example(plan: &mut Plan, project: &Project) -> Result<(), Error> {
    if let Some(text) = project.read(GITIGNORE)? {
        let merged = if gitignore::ignores(&text, ENV_EXAMPLE) {
            disk::append_block(&text, UNIGNORE_ENV_EXAMPLE)
        } else {
            text
        };
        plan.add(GITIGNORE, merged, Ownership::Merged);
    }
    Ok(())
}

/// The marker-delimited pointer to `.claude/context/` in `AGENTS.md` (created when missing)
/// and in a `CLAUDE.md` that does not import `AGENTS.md`: replaced in place when there, so
/// rerunning changes nothing, and the rest of each file is kept byte for byte.
fn agents_pointer(plan: &mut Plan, project: &Project, renderer: &Renderer) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Context {
        rules_dir: &'static str,
        examples_dir: &'static str,
    }
    let entry = PlannedEntry::new(
        POINTER_KEY,
        AGENTS_POINTER_TEMPLATE,
        Context {
            rules_dir: RULES_DIR,
            examples_dir: EXAMPLES_DIR,
        },
    )
    .render(renderer)?;
    let agents = project.read(AGENTS_FILE)?;
    let mut targets = vec![(AGENTS_FILE, agents.unwrap_or_default())];
    if let Some(claude) = project.read(CLAUDE_FILE)? {
        if !imports_agents_file(&claude) {
            targets.push((CLAUDE_FILE, claude));
        }
    }
    for (path, text) in targets {
        let placed = session::place(&text, &entry).ok_or_else(|| {
            Error::input(format!(
                "{path}: the markers `{}` … `{}` are incomplete or out of order; restore them (or delete both) and rerun",
                entry.begin_marker(),
                entry.end_marker()
            ))
        })?;
        plan.add(path, placed, Ownership::Merged);
    }
    Ok(())
}

/// Whether a `CLAUDE.md` pulls `AGENTS.md` in with Claude Code's `@` import, so the pointer
/// reaches it already.
fn imports_agents_file(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        line == "@AGENTS.md" || line == "@./AGENTS.md"
    })
}

/// What is left to do after `init`, one line each: the variables to set and the exact
/// commands that write the `Database` types (`tsc` fails on the generated code until they
/// exist).
pub fn next_steps(layout: &Layout) -> Vec<String> {
    let keys: Vec<&str> = ENV_ENTRIES.iter().map(|e| e.key).collect();
    let (last, rest) = keys.split_last().expect("init has variables");
    let types = shell_words::quote(&layout.types_file);
    let mkdir = std::path::Path::new(&layout.types_file)
        .parent()
        .map(|dir| dir.to_string_lossy().into_owned())
        .filter(|dir| !dir.is_empty())
        .map(|dir| format!("mkdir -p {} && ", shell_words::quote(&dir)))
        .unwrap_or_default();
    vec![
        "Next steps:".to_string(),
        format!(
            "  1. Copy {ENV_EXAMPLE} to .env.local and set {} and {last} (`supabase status` prints the local values).",
            rest.join(", ")
        ),
        format!(
            "  2. Generate the Database types the generated code imports (tsc fails until {} exists; rerun after every migration), from the local stack (`supabase start`):",
            layout.types_file
        ),
        format!("       {mkdir}supabase gen types typescript --local > {types}"),
        "     or from your linked project (`supabase link`):".to_string(),
        format!("       {mkdir}supabase gen types typescript --linked > {types}"),
        "  3. Generate a resource, e.g. `scaffold resource note title:text`, and read .claude/context/ for the patterns.".to_string(),
    ]
}

/// Adds the server-only admin client (secret key, bypasses row level security), written once.
/// Generators that need it (webhooks) call this too; adding it twice is harmless.
pub fn admin_client(plan: &mut Plan, project: &Project, renderer: &Renderer) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Context {
        imports: crate::generate::Imports,
    }
    let path = paths(&project.layout).admin;
    if plan.get(&path).is_none() {
        let context = Context {
            imports: imports(&project.layout, None),
        };
        plan.write_once(path, renderer.render(ADMIN_TEMPLATE, &context)?);
    }
    Ok(())
}

/// Adds `.env.example` with the entries it lacks appended; an up-to-date file is left as is.
pub fn env_example(plan: &mut Plan, project: &Project, renderer: &Renderer) -> Result<(), Error> {
    let existing = project.read(ENV_EXAMPLE)?;
    let contents = merge_env(existing.as_deref(), renderer)?;
    plan.add(ENV_EXAMPLE, contents, Ownership::Merged);
    Ok(())
}

/// `existing` with every missing [`ENV_ENTRIES`] key appended after a blank line.
pub fn merge_env(existing: Option<&str>, renderer: &Renderer) -> Result<String, Error> {
    append_env(existing, ENV_ENTRIES, renderer)
}

/// `existing` with every missing key of `entries` appended after a blank line
/// ([`disk::append_block`], the rule the session record follows too). Generators that
/// read more variables (`scaffold webhook stripe`) add theirs with this.
pub fn append_env(
    existing: Option<&str>,
    entries: &[EnvEntry],
    renderer: &Renderer,
) -> Result<String, Error> {
    let text = existing.unwrap_or_default();
    let missing: Vec<&EnvEntry> = entries
        .iter()
        .filter(|entry| !defines(text, entry.key))
        .collect();
    if missing.is_empty() {
        return Ok(text.to_string());
    }
    #[derive(Serialize)]
    struct Context<'a> {
        entries: Vec<&'a EnvEntry>,
    }
    let block = renderer.render(ENV_TEMPLATE, Context { entries: missing })?;
    Ok(disk::append_block(text, &block))
}

/// Whether a dotenv file sets `key` (`KEY=...` or `export KEY=...`, commented-out lines aside).
fn defines(text: &str, key: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

fn access_modes() -> String {
    use clap::ValueEnum;
    crate::spec::AccessArg::value_variants()
        .iter()
        .filter_map(|a| a.to_possible_value().map(|v| v.get_name().to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_init_renders_exists() {
        for template in [
            CONFIG_TEMPLATE,
            SESSION_PROXY_TEMPLATE,
            PROXY_TEMPLATE,
            ADMIN_TEMPLATE,
            ENV_TEMPLATE,
            AGENTS_POINTER_TEMPLATE,
        ] {
            assert!(
                crate::render::EMBEDDED.get_file(template).is_some(),
                "{template}"
            );
        }
    }

    #[test]
    fn env_example_gains_only_the_missing_entries() {
        let renderer = Renderer::new(std::path::Path::new("/nonexistent"), None);
        let full = merge_env(None, &renderer).unwrap();
        for entry in ENV_ENTRIES {
            assert!(
                full.contains(&format!("\n{}={}\n", entry.key, entry.value)),
                "{full}"
            );
        }
        let cases: &[(&str, &[&str])] = &[
            (
                "",
                &[
                    "NEXT_PUBLIC_SUPABASE_URL",
                    "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY",
                    "SUPABASE_SECRET_KEY",
                ],
            ),
            (
                "STRIPE_SECRET_KEY=sk\n",
                &[
                    "NEXT_PUBLIC_SUPABASE_URL",
                    "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY",
                    "SUPABASE_SECRET_KEY",
                ],
            ),
            (
                "export NEXT_PUBLIC_SUPABASE_URL = http://x\nSUPABASE_SECRET_KEY=",
                &["NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY"],
            ),
            (
                "# SUPABASE_SECRET_KEY=\nNEXT_PUBLIC_SUPABASE_URL_OLD=1\n",
                &[
                    "NEXT_PUBLIC_SUPABASE_URL",
                    "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY",
                    "SUPABASE_SECRET_KEY",
                ],
            ),
            (&full, &[]),
        ];
        for (existing, added) in cases {
            let merged = merge_env(Some(existing), &renderer).unwrap();
            assert!(
                merged.starts_with(existing),
                "{existing:?} is kept as it was"
            );
            let appended = &merged[existing.len()..];
            for entry in ENV_ENTRIES {
                let line = format!("\n{}=", entry.key);
                assert_eq!(
                    appended.contains(&line),
                    added.contains(&entry.key),
                    "{existing:?} + {}: {appended:?}",
                    entry.key
                );
            }
            assert_eq!(
                merge_env(Some(&merged), &renderer).unwrap(),
                merged,
                "merging twice"
            );
        }
    }
}
