//! The command line: one subcommand per generator.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::spec::Access;

const RESOURCE_EXAMPLES: &str = "\
Examples:
  scaffold resource project name:text description:text:optional status:enum=active,archived:default=active budget:numeric:min=0 due_on:date:optional
  scaffold resource note title:text:max=200 body:text --dry-run
  scaffold resource note title:text --json --yes
  scaffold resource task title:text project:ref:on-delete=cascade --access public-read

Field grammar: NAME:TYPE[:MODIFIER...]
  types:     text int bigint numeric float bool date timestamptz uuid email url jsonb
             enum=a,b,c  ref (project:ref → project_id references public.projects)  ref=TABLE
  modifiers: optional unique index default=VALUE min=N max=N on-delete=cascade|restrict|set-null
  defaults:  date default=today, timestamptz default=now, uuid default=random, or a literal value";

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generates the backend of a Next.js + Supabase app: migrations with row level security, rollbacks, pgTAP tests, Zod schemas and server actions.",
    after_help = "Examples:\n  scaffold resource project name:text status:enum=active,archived:default=active\n  scaffold resource note title:text:max=200 body:text --dry-run\n  scaffold templates eject\n  scaffold completions bash > /etc/bash_completion.d/scaffold"
)]
pub struct Cli {
    /// The project root to generate into.
    #[arg(long, global = true, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a table with RLS, its rollback and pgTAP test, Zod schemas and server actions.
    #[command(after_help = RESOURCE_EXAMPLES)]
    Resource(ResourceArgs),
    /// Work with the templates scaffold renders.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print shell completions.
    #[command(after_help = "Example:\n  scaffold completions zsh > ~/.zfunc/_scaffold")]
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Copy the built-in templates to .scaffold/templates/ to customise them.
    #[command(
        after_help = "Examples:\n  scaffold templates eject\n  scaffold templates eject resource/app/actions/resources.ts"
    )]
    Eject {
        /// A template file or folder to copy (default: all of them).
        path: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Args)]
pub struct ResourceArgs {
    /// Resource name in snake_case, singular or plural: `project` or `projects`.
    pub name: String,

    /// Fields as NAME:TYPE[:MODIFIER...], e.g. title:text:max=200.
    pub fields: Vec<String>,

    /// Who may read and write rows.
    #[arg(long, value_enum, default_value = "owner")]
    pub access: Access,

    /// Plural (and table name) for words the pluralizer gets wrong.
    #[arg(long, value_name = "WORD")]
    pub plural: Option<String>,

    /// Fix the migration timestamp (YYYYMMDDHHMMSS, UTC) for reproducible output.
    #[arg(long, env = "SCAFFOLD_TIMESTAMP", value_name = "YYYYMMDDHHMMSS")]
    pub timestamp: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Show the plan and a diff of what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the plan as JSON (path, action, bytes).
    #[arg(long)]
    pub json: bool,

    /// Overwrite generated files that exist with different content.
    #[arg(long, conflicts_with = "skip_existing")]
    pub force: bool,

    /// Leave generated files that exist with different content as they are.
    #[arg(long)]
    pub skip_existing: bool,

    /// Accept every confirmation without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Never prompt; fail with exit code 2 when input is missing.
    #[arg(long)]
    pub no_input: bool,
}
