//! Runs a parsed command line: input → spec → plan → write.

use std::io::Write;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::CommandFactory;

use crate::cli::{
    Cli, Command, ResourceArgs, StripeArgs, TemplatesCommand, WebhookCommand, WriteArgs,
};
use crate::error::Error;
use crate::generate::{self, Migration};
use crate::plan::{Action, OnConflict, Outcome, Plan, Resolved};
use crate::project::Project;
use crate::render::{Renderer, EMBEDDED, OVERRIDE_DIR};

use crate::{interrupt, prompt, session};

pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Resource(args) => resource(&cli.dir, args),
        Command::Webhook(WebhookCommand::Stripe(args)) => webhook_stripe(&cli.dir, args),
        Command::Init { write } => init(&cli.dir, &write),
        Command::Context { write } => context(&cli.dir, &write),
        Command::Templates(TemplatesCommand::Eject { path, write }) => {
            eject(&cli.dir, path.as_deref(), &write)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "scaffold",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

fn resource(dir: &std::path::Path, args: ResourceArgs) -> Result<(), Error> {
    let project = Project::open(dir)?;
    let mut terminal = None;
    let spec = match (&args.name, args.fields.is_empty()) {
        (Some(name), false) => args.spec(name, project.layout.default_access)?,
        _ if prompt::can_prompt(args.write.yes, args.write.no_input) => {
            let given = prompt::Given {
                name: args.name.clone(),
                plural: args.plural.clone(),
                access: args.access,
                write_role: args.write_role,
                actions: args.actions.clone(),
                tenant: args.tenant,
                default_access: Some(project.layout.default_access),
            };
            let prompter = terminal.insert(prompt::Terminal::default());
            prompt::resource(prompter, &given)?.spec(args.tenant)?
        }
        (Some(name), true) => {
            return Err(Error::input(format!(
                "no fields given for `{name}`: pass them as NAME:TYPE[:MODIFIER...], e.g. `scaffold resource {name} title:text` (on a terminal, without --yes or --no-input, scaffold asks for them)"
            )))
        }
        (None, _) => {
            return Err(Error::input(
                "no resource name given: pass NAME and its fields, e.g. `scaffold resource note title:text` (on a terminal, without --yes or --no-input, scaffold asks for them)",
            ))
        }
    };
    let renderer = Renderer::new(&project.root);
    let migration = Migration::find_or_new(
        &project,
        &format!("create_{}", spec.table()),
        args.timestamp.as_deref(),
    )?;
    let plan = generate::resource::plan(&spec, &project, &renderer, &migration)?;
    let asked = terminal.is_some();
    write_confirmed(
        &project,
        &renderer,
        plan,
        &args.write,
        terminal.as_mut().map(|t| t as &mut dyn prompt::Prompter),
    )?;
    if asked {
        let again = format!(
            "To do this again without the questions:\n  {}",
            spec.command_line()
        );
        // With --json, stdout holds only the plan.
        if args.write.json {
            eprintln!("{again}");
        } else {
            println!("{again}");
        }
    }
    Ok(())
}

fn webhook_stripe(dir: &std::path::Path, args: StripeArgs) -> Result<(), Error> {
    let events = generate::webhook_stripe::events(args.events.as_deref())?;
    let project = Project::open(dir)?;
    let renderer = Renderer::new(&project.root);
    let migration = Migration::find_or_new(
        &project,
        generate::webhook_stripe::MIGRATION_NAME,
        args.timestamp.as_deref(),
    )?;
    let plan = generate::webhook_stripe::plan(&events, &project, &renderer, &migration)?;
    write(&project, &renderer, plan, &args.write)
}

fn init(dir: &std::path::Path, args: &WriteArgs) -> Result<(), Error> {
    let project = Project::open(dir)?;
    let renderer = Renderer::new(&project.root);
    let detected = generate::init::Detected::new(&project);
    for line in detected.report(&project.layout) {
        eprintln!("{line}");
    }
    let plan = generate::init::plan(&project, &renderer)?;
    write(&project, &renderer, plan, args)?;
    if !args.dry_run {
        let steps = generate::init::next_steps(&project.layout).join("\n");
        // With --json, stdout holds only the plan.
        if args.json {
            eprintln!("{steps}");
        } else {
            println!("\n{steps}");
        }
    }
    Ok(())
}

fn context(dir: &std::path::Path, args: &WriteArgs) -> Result<(), Error> {
    let project = Project::open(dir)?;
    let renderer = Renderer::new(&project.root);
    let plan = generate::agent_context::plan(&project, &renderer)?;
    write(&project, &renderer, plan, args)
}

fn eject(dir: &std::path::Path, only: Option<&str>, args: &WriteArgs) -> Result<(), Error> {
    let project = Project::open(dir)?;
    let prefix = only.map(|p| p.trim_matches('/'));
    let mut plan = Plan::default();
    let mut stack = vec![&EMBEDDED];
    while let Some(folder) = stack.pop() {
        stack.extend(folder.dirs());
        for file in folder.files() {
            let path = file.path().to_string_lossy().replace('\\', "/");
            let wanted = prefix.is_none_or(|p| path == p || path.starts_with(&format!("{p}/")));
            if wanted {
                let text = file.contents_utf8().unwrap_or_default().to_string();
                plan.generated(format!("{OVERRIDE_DIR}/{path}"), text);
            }
        }
    }
    if plan.files.is_empty() {
        return Err(Error::input(format!(
            "`{}` is not a built-in template or folder; run `scaffold templates eject` to copy all of them",
            only.unwrap_or_default()
        )));
    }
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    write(&project, &Renderer::new(&project.root), plan, args)
}

/// Compares a plan with the disk, then prints it, or writes it all.
fn write(
    project: &Project,
    renderer: &Renderer,
    plan: Plan,
    args: &WriteArgs,
) -> Result<(), Error> {
    write_confirmed(project, renderer, plan, args, None)
}

/// Like [`write`]; with a prompter, shows the plan and asks before writing. After writing,
/// records the plan's session entries unless `--no-session`.
fn write_confirmed(
    project: &Project,
    renderer: &Renderer,
    mut plan: Plan,
    args: &WriteArgs,
    confirm: Option<&mut dyn prompt::Prompter>,
) -> Result<(), Error> {
    let on_conflict = if args.force {
        OnConflict::Overwrite
    } else if args.skip_existing {
        OnConflict::Skip
    } else {
        OnConflict::Stop
    };
    let planned = std::mem::take(&mut plan.session);
    let resolved = plan.resolve(project, on_conflict)?;
    if !args.json {
        for warning in &resolved.warnings {
            report_warning(warning);
        }
    }
    if args.dry_run {
        if args.json {
            println!("{}", resolved.to_json(Outcome::DryRun));
        } else {
            print_plan(&resolved);
            print!("{}", resolved.diff());
            println!("dry run: nothing was written");
        }
        return Ok(());
    }
    if let Err(conflict) = resolved.check_conflicts() {
        // Scripts get the whole plan, each conflict marked, and the error's exit code.
        if args.json {
            println!("{}", resolved.to_json(Outcome::Stopped));
        }
        return Err(conflict);
    }
    // Rendered before anything is written, so a broken session template writes nothing.
    let entries = if args.no_session {
        Vec::new()
    } else {
        planned
            .iter()
            .map(|entry| entry.render(renderer))
            .collect::<Result<Vec<_>, _>>()?
    };
    if let Some(prompter) = confirm {
        print_plan(&resolved);
        if !prompter.confirm("Write these files?", true)? {
            return Err(Error::Cancelled);
        }
    }
    // From here on, Ctrl-C waits for the files and the session record to be written.
    interrupt::hold(|| {
        resolved.apply(&project.root)?;
        if args.json {
            println!("{}", resolved.to_json(Outcome::Written));
        } else {
            print_plan(&resolved);
        }
        if !entries.is_empty() {
            let file = &project.layout.session_file;
            session::record(&project.root, file, &entries)?;
            if !args.json {
                let style = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
                println!("{style}{:>10}{style:#}  {file}", "record");
            }
        }
        Ok(())
    })
}

fn print_plan(resolved: &Resolved) {
    let mut out = anstream::stdout().lock();
    for entry in &resolved.files {
        let (word, color) = match entry.action {
            Action::Create => ("create", AnsiColor::Green),
            Action::Overwrite => ("overwrite", AnsiColor::Yellow),
            Action::Conflict => ("conflict", AnsiColor::Red),
            Action::Identical => ("identical", AnsiColor::BrightBlack),
            Action::Skip => ("skip", AnsiColor::BrightBlack),
            Action::Keep => ("keep", AnsiColor::BrightBlack),
            Action::Update => ("update", AnsiColor::Yellow),
        };
        let style = Style::new().fg_color(Some(color.into()));
        let _ = writeln!(out, "{style}{word:>10}{style:#}  {}", entry.path);
    }
}

fn report_warning(warning: &str) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    eprintln!("{style}warning:{style:#} {warning}");
}

/// Reports an error on stderr the way every command does.
pub fn report(error: &Error) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    eprintln!("{style}error:{style:#} {error}");
}
