//! The command line: one subcommand per generator.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::error::Error;
use crate::spec::{Access, AccessArg, ActionKind, Defaults, RateLimits, ResourceSpec};

const RESOURCE_EXAMPLES: &str = "\
Examples:
  scaffold resource project name:text description:text:optional status:enum=active,archived:default=active budget:numeric:min=0 due_on:date:optional
  scaffold resource note title:text:max=200 body:text --dry-run
  scaffold resource note title:text --json --yes
  scaffold resource task title:text project:ref:on-delete=cascade --access public-read
  scaffold resource event title:text:sortable:searchable starts_at:timestamptz --actions get,list
  scaffold resource            # on a terminal: asks for the name, fields, access and actions
  scaffold resource workspace name:text:max=80 slug:text:unique --tenant
  scaffold resource invoice amount:numeric:min=0 --access workspace --write-role admin
  scaffold resource payout iban:text:sensitive amount:numeric --audit --rate-limit create=10/min,update=60/min

Run again with another spec, a resource that already has a migration gets a new, alter migration:
  scaffold resource note title:text:max=200 body:text priority:int:optional
  scaffold resource note heading:text:max=200 body:text --rename title=heading
  scaffold resource note title:text --allow-data-loss      # drops body, and its values

Field grammar: NAME:TYPE[:MODIFIER...]
  types:     text int bigint numeric float bool date timestamptz uuid email url jsonb
             enum=a,b,c  ref (project:ref → project_id references public.projects)  ref=TABLE
             file (avatar:file:max=5mb:accept=image/png,image/jpeg → a private Storage bucket)
  modifiers: optional unique index sortable searchable sensitive default=VALUE min=N max=N
             on-delete=cascade|restrict|set-null
  defaults:  date default=today, timestamptz default=now, uuid default=random, or a literal value";

const INIT_EXAMPLES: &str = "\
Examples:
  scaffold init
  scaffold init --dry-run
  scaffold init --dir ../my-app

Writes, only if missing: scaffold.toml, lib/supabase/{server,admin,proxy}.ts, lib/action-result.ts,
lib/validations/form-data.ts, proxy.ts; appends missing keys to .env.example; writes
.claude/context/rules/*.md and .claude/context/examples/*.md.
Every command reads scaffold.toml when present; without it they detect the same defaults.";

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
    /// Generate a table with RLS, its rollback and pgTAP test, Zod schemas, server actions and
    /// data-access reads.
    #[command(after_help = RESOURCE_EXAMPLES)]
    Resource(ResourceArgs),
    /// Generate integrations that receive webhooks.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Generate every resource (and the webhook) a spec file declares, all or nothing.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// Undo a generation: remove its files (those you changed stay unless --force), its
    /// manifest and session entries; a migration that may have run stays, and a new one drops
    /// what it created.
    #[command(subcommand)]
    Destroy(DestroyCommand),
    /// Detect the project's layout, write scaffold.toml, the shared modules, proxy.ts,
    /// .env.example entries and the .claude/context pattern documents.
    #[command(after_help = INIT_EXAMPLES)]
    Init {
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Write (or refresh) the .claude/context pattern documents and examples.
    #[command(
        after_help = "Examples:\n  scaffold context\n  scaffold context --dry-run\n  scaffold context --force   # replace edited copies"
    )]
    Context {
        #[command(flatten)]
        write: WriteArgs,
    },
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
    /// Without it (or without fields), on a terminal, scaffold asks.
    pub name: Option<String>,

    /// Fields as NAME:TYPE[:MODIFIER...], e.g. title:text:max=200.
    pub fields: Vec<String>,

    /// Who may read and write rows.
    /// [default: owner, or default_access in scaffold.toml]
    #[arg(long, value_enum)]
    pub access: Option<AccessArg>,

    /// Make this resource a tenant root (workspace, team): members with roles own its rows.
    #[arg(long)]
    pub tenant: bool,

    /// With --access workspace: the lowest role that may create, change and delete rows.
    #[arg(long, value_enum, value_name = "ROLE")]
    pub write_role: Option<crate::spec::Role>,

    /// The functions to write, separated by commas [default: all of them]: create, update and
    /// delete as server actions, get and list in the data-access module.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "ACTION,...")]
    pub actions: Option<Vec<crate::spec::ActionKind>>,

    /// Plural (and table name) for words the pluralizer gets wrong.
    #[arg(long, value_name = "WORD")]
    pub plural: Option<String>,

    /// Record every insert, update and delete in an append-only audit log table: who, when,
    /// what changed [default: `audit` in scaffold.toml, else off].
    #[arg(long, conflicts_with = "no_audit")]
    pub audit: bool,

    /// No audit log, whatever scaffold.toml says.
    #[arg(long)]
    pub no_audit: bool,

    /// How often each signed-in user may call each action, e.g. create=10/min,update=60/min
    /// (periods sec, min, hour, day), or none [default: `rate_limit` in scaffold.toml].
    #[arg(long, value_name = "ACTION=N/PERIOD,...")]
    pub rate_limit: Option<String>,

    /// Fix the version of a new migration (YYYYMMDDHHMMSS, UTC) for reproducible output; it
    /// must be later than every migration already there.
    #[arg(long, env = "SCAFFOLD_TIMESTAMP", value_name = "YYYYMMDDHHMMSS")]
    pub timestamp: Option<String>,

    /// Also save the spec (the wizard's answers) as a spec file for `scaffold apply`: TOML, or
    /// JSON for a PATH ending in .json.
    #[arg(long, value_name = "PATH")]
    pub save_spec: Option<String>,

    #[command(flatten)]
    pub alter: AlterArgs,

    #[command(flatten)]
    pub write: WriteArgs,
}

/// How a resource that already has a migration changes: in a new, alter migration.
#[derive(Debug, Args)]
pub struct AlterArgs {
    /// When the resource already has a migration: a field renamed (OLD=NEW; its column keeps its
    /// values) or an enum value renamed (FIELD:OLD=NEW). Never guessed from a field removed and
    /// another added. Repeatable.
    #[arg(long = "rename", value_name = "OLD=NEW")]
    pub renames: Vec<String>,

    /// When the resource already has a migration: write the alter migration even where it can
    /// lose or reject rows already there (a dropped column, a narrower type or bound, a field
    /// made required without a default, a removed enum value).
    #[arg(long)]
    pub allow_data_loss: bool,
}

const APPLY_EXAMPLES: &str = "\
Examples:
  scaffold apply scaffold.spec.toml
  scaffold apply app.json --dry-run
  scaffold apply app.toml --json --yes

A spec file declares resources in the command line's vocabulary; TOML, or the same as JSON:

  [[resource]]
  name = \"workspace\"
  fields = [\"name:text:max=80\", \"slug:text:unique\"]
  tenant = true

  [[resource]]
  name = \"invoice\"
  fields = [\"amount:numeric:min=0\", \"project:ref\", \"status:enum=draft,sent,paid:default=draft\"]
  access = \"workspace\"        # owner | public-read | workspace
  write_role = \"admin\"        # with workspace: owner | admin | member
  actions = [\"create\", \"list\"] # default: all
  # plural = \"...\"             # the table name, for words the pluralizer gets wrong

  [webhook.stripe]
  events = [\"checkout.session.completed\", \"invoice.payment_failed\"]

Resources may reference each other in any order: migrations are ordered so that every table comes
after those it references. Applying the same file again changes nothing; applying it edited writes
an alter migration for each resource that changed (`--rename note.title=heading` for a renamed
field, `--allow-data-loss` for a change that can lose or reject rows).";

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The spec file: TOML, or JSON when its name ends in .json.
    pub file: PathBuf,

    /// A field of a resource renamed since the file was last applied (RESOURCE.OLD=NEW), or an
    /// enum value (RESOURCE.FIELD:OLD=NEW). Repeatable.
    #[arg(long = "rename", value_name = "RESOURCE.OLD=NEW")]
    pub renames: Vec<String>,

    /// Write alter migrations even where they can lose or reject rows already there.
    #[arg(long)]
    pub allow_data_loss: bool,

    /// Fix the version of the first new migration (YYYYMMDDHHMMSS, UTC); the next ones follow
    /// a second apart.
    #[arg(long, env = "SCAFFOLD_TIMESTAMP", value_name = "YYYYMMDDHHMMSS")]
    pub timestamp: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Subcommand)]
pub enum DestroyCommand {
    /// Undo `scaffold resource NAME`.
    #[command(
        after_help = "Examples:\n  scaffold destroy resource note --dry-run\n  scaffold destroy resource note\n  scaffold destroy resource note --applied   # its migration ran somewhere: drop the table in a new one"
    )]
    Resource(DestroyResourceArgs),
    /// Undo `scaffold webhook ...`.
    #[command(subcommand)]
    Webhook(DestroyWebhookCommand),
}

#[derive(Debug, Subcommand)]
pub enum DestroyWebhookCommand {
    /// Undo `scaffold webhook stripe`.
    Stripe(DestroyArgs),
}

#[derive(Debug, Args)]
pub struct DestroyResourceArgs {
    /// The resource, singular or plural, as generated.
    pub name: String,

    /// The plural it was generated with, if `--plural` was given.
    #[arg(long, value_name = "WORD")]
    pub plural: Option<String>,

    #[command(flatten)]
    pub destroy: DestroyArgs,
}

#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The migration has run on some database: keep it and drop what it created in a new
    /// migration (also done when it is committed in git or a later migration exists).
    #[arg(long)]
    pub applied: bool,

    /// Fix the version of the drop migration (YYYYMMDDHHMMSS, UTC).
    #[arg(long, env = "SCAFFOLD_TIMESTAMP", value_name = "YYYYMMDDHHMMSS")]
    pub timestamp: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,
}

impl ResourceArgs {
    /// The spec these arguments give for a resource `name` with fields, validated exactly as
    /// the command line is, with `defaults` for what they leave out.
    pub fn spec(&self, name: &str, defaults: &Defaults) -> Result<ResourceSpec, Error> {
        let plural = self.plural.as_deref();
        let access = Access::from_args(
            name,
            plural,
            self.access.unwrap_or(defaults.access),
            self.tenant,
            self.write_role,
        )?;
        let spec = ResourceSpec::new(name, plural, &self.fields, access)?
            .with_actions(self.actions.as_deref().unwrap_or(&ActionKind::ALL))?;
        self.with_options(spec, defaults)
    }

    /// `spec` (from these arguments or the wizard's answers) with the audit log and rate limits
    /// these arguments, or else `defaults`, give.
    pub fn with_options(
        &self,
        spec: ResourceSpec,
        defaults: &Defaults,
    ) -> Result<ResourceSpec, Error> {
        let audit = match (self.audit, self.no_audit) {
            (true, _) => true,
            (false, true) => false,
            (false, false) => defaults.audit,
        };
        let (limits, explicit) = match &self.rate_limit {
            Some(text) => (RateLimits::parse(text, "--rate-limit")?, true),
            None => (defaults.rate_limits.clone(), false),
        };
        spec.with_audit(audit)?.with_rate_limits(&limits, explicit)
    }
}

/// The spec a `scaffold resource` command line (as a migration header records it) gives, if it
/// is one: the words are split as a POSIX shell splits them and parsed as the command line is.
pub fn resource_spec_of_command(line: &str) -> Option<ResourceSpec> {
    let words = shell_words::split(line).ok()?;
    let Ok(Cli {
        command: Command::Resource(args),
        ..
    }) = Cli::try_parse_from(words)
    else {
        return None;
    };
    let name = args.name.as_deref()?;
    // Written back by `ResourceSpec::command_line`, which spells out everything that differs
    // from scaffold's own defaults.
    args.spec(name, &Defaults::builtin()).ok()
}

#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Show the plan and a diff of what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the plan as JSON (path, action, bytes).
    #[arg(long)]
    pub json: bool,

    /// Overwrite generated files that exist with different content (never a migration that
    /// exists: it may have run); with destroy, delete files changed since they were generated.
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

    /// Don't record this run in the session file (.claude/tasks/session-current.md).
    #[arg(long, env = "SCAFFOLD_NO_SESSION", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_session: bool,
}

const STRIPE_EXAMPLES: &str = "\
Examples:
  scaffold webhook stripe
  scaffold webhook stripe --events checkout.session.completed,invoice.payment_failed
  scaffold webhook stripe --dry-run

Writes app/api/webhooks/stripe/route.ts, lib/stripe/{server,sync}.ts, lib/supabase/admin.ts (if
missing), app/actions/billing.ts, the billing migration with its rollback and pgTAP test, and
appends missing keys to .env.example.

Events (default: all but the customer.subscription.paused, resumed and trial_will_end ones):
  checkout.session.completed  customer.subscription.created|updated|deleted|paused|resumed|trial_will_end
  invoice.paid  invoice.payment_failed  product.created|updated|deleted  price.created|updated|deleted";

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// A Stripe webhook that keeps customers, products, prices and subscriptions in sync, with
    /// the billing tables and Checkout and billing portal actions.
    #[command(after_help = STRIPE_EXAMPLES)]
    Stripe(StripeArgs),
}

#[derive(Debug, Args)]
pub struct StripeArgs {
    /// The event types to handle, separated by commas (default: the usual subscription set).
    #[arg(long, value_delimiter = ',', value_name = "EVENT,...")]
    pub events: Option<Vec<String>>,

    /// Fix the version of a new migration (YYYYMMDDHHMMSS, UTC) for reproducible output; it
    /// must be later than every migration already there.
    #[arg(long, env = "SCAFFOLD_TIMESTAMP", value_name = "YYYYMMDDHHMMSS")]
    pub timestamp: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_survives_its_own_command_line() {
        let cases: &[&[&str]] = &[
            &["note", "title:text:max=200", "body:text:optional"],
            &[
                "projects",
                "meta:jsonb:default={\"a\": 1}",
                "site:url:default=https://example.com:8080/x",
                "--access",
                "public-read",
                "--plural",
                "projectz",
            ],
            &["workspace", "name:text", "--tenant"],
            &[
                "invoice",
                "amount:numeric:min=0.5",
                "project:ref:on-delete=restrict",
                "--access",
                "workspace",
                "--write-role",
                "admin",
                "--actions",
                "list,create",
            ],
            &["note", "title:text:default=it's \"quoted\" $HOME `x`"],
            &[
                "invoice",
                "amount:numeric:sensitive",
                "--access",
                "workspace",
                "--audit",
                "--rate-limit",
                "list=100/hour,create=10/min",
            ],
        ];
        for words in cases {
            let mut args = vec!["scaffold", "resource"];
            args.extend_from_slice(words);
            let Command::Resource(parsed) = Cli::try_parse_from(&args).unwrap().command else {
                unreachable!()
            };
            let spec = parsed.spec(words[0], &Defaults::builtin()).unwrap();
            let line = spec.command_line();
            assert_eq!(
                resource_spec_of_command(&line).as_ref(),
                Some(&spec),
                "{line}"
            );
        }
        // An alter migration's header: the flags that made the alter are not the spec's.
        assert_eq!(
            resource_spec_of_command(
                "scaffold resource note heading:text --rename title=heading --rename s:a=b --allow-data-loss"
            )
            .map(|s| s.command_line()),
            Some("scaffold resource note heading:text".to_string())
        );
        assert_eq!(resource_spec_of_command("scaffold webhook stripe"), None);
        assert_eq!(
            resource_spec_of_command("scaffold resource note 'unclosed"),
            None
        );
    }
}
