//! Runs a parsed command line: input → spec → plan → write.

use std::io::Write;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::CommandFactory;

use crate::cli::{
    ApplyArgs, Cli, Command, DestroyArgs, DestroyCommand, DestroyWebhookCommand, ResourceArgs,
    StripeArgs, TemplatesCommand, WebhookCommand, WriteArgs,
};
use crate::error::Error;
use crate::generate::resource::{alter, Migrations};
use crate::generate::{self, Migration};
use crate::manifest::{GenerationSpec, Generator, StripeEntry};
use crate::plan::{Action, OnConflict, Outcome, Plan, Resolved};
use crate::project::Project;
use crate::render::{Renderer, Warmup, EMBEDDED, OVERRIDE_DIR};
use crate::spec::rename::Renames;
use crate::spec::ResourceSpec;
use crate::spec_file::{self, ResourceEntry, SpecFile};

use crate::{interrupt, prompt, session};

/// Starts parsing what the command in `args` (the process's arguments, before clap reads them)
/// is likely to render: for `scaffold resource`, the templates of a resource with the default
/// access and actions. A guess from the raw words, as it must come before clap's parsing to
/// overlap with it; a wrong guess costs only the other core's time.
pub fn warm_up(mut args: impl Iterator<Item = std::ffi::OsString>) -> Option<Warmup> {
    if args.any(|arg| arg == "resource") {
        Warmup::start(generate::resource::templates::LIKELY)
    } else {
        None
    }
}

/// Runs the command; `warmup` is [`warm_up`]'s, for the renderer of a `scaffold resource`.
pub fn run(cli: Cli, warmup: Option<Warmup>) -> Result<(), Error> {
    match cli.command {
        Command::Resource(args) => resource(&cli.dir, args, warmup),
        Command::Webhook(WebhookCommand::Stripe(args)) => webhook_stripe(&cli.dir, args),
        Command::Apply(args) => apply(&cli.dir, args),
        Command::Destroy(DestroyCommand::Resource(args)) => {
            let project = Project::open(&cli.dir)?;
            let names = crate::naming::Names::derive(&args.name, args.plural.as_deref());
            let target = project.resources()?.get(names.table()).cloned();
            let Some(spec) = target else {
                let known: Vec<&str> = project.resources()?.keys().map(String::as_str).collect();
                return Err(Error::input(format!(
                    "scaffold generated no resource `{}` here (no table public.{}); {}",
                    args.name,
                    names.table(),
                    if known.is_empty() {
                        "it generated none".to_string()
                    } else {
                        format!("it generated: {}", known.join(", "))
                    }
                )));
            };
            let mut command = format!("scaffold destroy resource {}", args.name);
            if let Some(plural) = &args.plural {
                command.push_str(&format!(" --plural {plural}"));
            }
            destroy(
                project,
                generate::destroy::Target::Resource(&spec),
                &command,
                &args.destroy,
            )
        }
        Command::Destroy(DestroyCommand::Webhook(DestroyWebhookCommand::Stripe(args))) => {
            let project = Project::open(&cli.dir)?;
            let known = project
                .manifest()?
                .generations
                .contains_key("webhook:stripe")
                || project.creation("stripe_billing")?.is_some();
            if !known {
                return Err(Error::input(
                    "scaffold generated no Stripe webhook here (no manifest entry `webhook:stripe`, no create_stripe_billing migration)",
                ));
            }
            destroy(
                project,
                generate::destroy::Target::Stripe,
                "scaffold destroy webhook stripe",
                &args,
            )
        }
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

fn resource(
    dir: &std::path::Path,
    args: ResourceArgs,
    warmup: Option<Warmup>,
) -> Result<(), Error> {
    let mut project = Project::open(dir)?;
    let mut terminal = None;
    let spec = match (&args.name, args.fields.is_empty()) {
        (Some(name), false) => args.spec(name, &project.layout.defaults())?,
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
            let answers = prompt::resource(prompter, &given)?.spec(args.tenant)?;
            args.with_options(answers, &project.layout.defaults())?
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
    let renames = Renames::parse(&args.alter.renames)?;
    let _lock = lock(&project, &args.write)?;
    let renderer = Renderer::new(&project.root, warmup);
    let request = alter::Request {
        renames: Some(&renames),
        allow_data_loss: args.alter.allow_data_loss,
    };
    let mut plan = resource_plan(
        &mut project,
        &renderer,
        &spec,
        args.timestamp.as_deref(),
        request,
    )?;
    if let Some(path) = &args.save_spec {
        let text = spec_file::write(path, &[ResourceEntry::from_spec(&spec)]);
        plan.generated(path.trim_start_matches("./").to_string(), text);
    }
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
    // The process ends after this command: freeing the parsed templates one allocation at a
    // time would only delay the exit (about 50 µs of a dry run's 1.5 ms after start-up).
    std::mem::forget(renderer);
    Ok(())
}

/// Takes the project's lock for a run that writes (see [`Project::lock`]); a dry run only
/// reads, and takes none.
fn lock(project: &Project, args: &WriteArgs) -> Result<Option<crate::disk::Lock>, Error> {
    if args.dry_run {
        return Ok(None);
    }
    project.lock()
}

/// Plans one resource, as `scaffold resource` and `scaffold apply` do: its migration is the one
/// already there (history, never rewritten), a new alter migration when the spec changes the
/// table (`request`: the renames and `--allow-data-loss` that go with it), or a new create
/// migration; a new one is later than every other, and the rest of the run then sees it.
fn resource_plan(
    project: &mut Project,
    renderer: &Renderer,
    spec: &ResourceSpec,
    timestamp: Option<&str>,
    request: alter::Request<'_>,
) -> Result<Plan, Error> {
    let table = spec.table();
    let name = format!("create_{table}");
    let migrations = match project.creation(table)?.cloned() {
        Some(existing) => {
            let old = current_spec(project, spec, &existing)?;
            let creation = Migration {
                stem: existing.file.trim_end_matches(".sql").to_string(),
            };
            match alter::plan(&old, spec, request, project)? {
                None => {
                    // Only validates the timestamp: the migrations are the ones already there.
                    let migration = Migration::find_or_new(project, &name, timestamp)?;
                    if project.alterations(table)?.is_empty() {
                        Migrations::Create(migration)
                    } else {
                        Migrations::Current { creation }
                    }
                }
                Some(alteration) => {
                    let migration = Migration::new(project, &format!("alter_{table}"), timestamp)?;
                    project.plan_migration(
                        migration.file(Some(alteration.command.clone())),
                        Some(spec.clone()),
                    )?;
                    Migrations::Alter {
                        creation,
                        migration,
                        alteration: Box::new(alteration),
                        old: Box::new(old),
                    }
                }
            }
        }
        None => {
            let migration = Migration::new(project, &name, timestamp)?;
            project.plan_migration(
                migration.file(Some(spec.command_line())),
                Some(spec.clone()),
            )?;
            Migrations::Create(migration)
        }
    };
    let mut plan = generate::resource::plan(spec, project, renderer, &migrations)?;
    plan.generation(
        format!("resource:{table}"),
        Generator::Resource,
        spec.command_line(),
        Some(GenerationSpec::Resource(ResourceEntry::from_spec(spec))),
    );
    Ok(plan)
}

/// The spec the table of an existing create migration has now (the manifest's, or the latest
/// header's), to alter from. Without one, scaffold cannot tell what to change.
fn current_spec(
    project: &Project,
    spec: &ResourceSpec,
    existing: &crate::project::MigrationFile,
) -> Result<ResourceSpec, Error> {
    let table = spec.table();
    project.resources()?.get(table).cloned().ok_or_else(|| {
        Error::input(format!(
            "{}/{} creates public.{table}, but scaffold cannot tell from which spec: its header names no `scaffold resource` command and {} records none. It may have run, so scaffold does not rewrite it; choose another name, or remove the migration if it never ran",
            project.layout.migrations_dir,
            existing.file,
            crate::manifest::PATH
        ))
    })
}

/// The command line of `scaffold webhook stripe` with these events.
fn stripe_command(events: &[&str]) -> String {
    if events == generate::webhook_stripe::events(None).unwrap_or_default() {
        "scaffold webhook stripe".to_string()
    } else {
        format!("scaffold webhook stripe --events {}", events.join(","))
    }
}

/// Plans the Stripe webhook; its migration is the one already there, or a new one.
fn stripe_plan(
    project: &mut Project,
    renderer: &Renderer,
    events: &[&'static str],
    timestamp: Option<&str>,
) -> Result<Plan, Error> {
    let name = generate::webhook_stripe::MIGRATION_NAME;
    let migration = Migration::find_or_new(project, name, timestamp)?;
    if project.creation("stripe_billing")?.is_none() {
        project.plan_migration(migration.file(Some("scaffold webhook stripe".into())), None)?;
    }
    let mut plan = generate::webhook_stripe::plan(events, project, renderer, &migration)?;
    plan.generation(
        "webhook:stripe",
        Generator::WebhookStripe,
        stripe_command(events),
        Some(GenerationSpec::Stripe(StripeEntry {
            events: events.iter().map(|e| e.to_string()).collect(),
        })),
    );
    Ok(plan)
}

fn webhook_stripe(dir: &std::path::Path, args: StripeArgs) -> Result<(), Error> {
    let events = generate::webhook_stripe::events(args.events.as_deref())?;
    let mut project = Project::open(dir)?;
    let _lock = lock(&project, &args.write)?;
    let renderer = Renderer::new(&project.root, None);
    let plan = stripe_plan(&mut project, &renderer, &events, args.timestamp.as_deref())?;
    write(&project, &renderer, plan, &args.write)
}

fn apply(dir: &std::path::Path, args: ApplyArgs) -> Result<(), Error> {
    let mut project = Project::open(dir)?;
    let shown = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| Error::input(format!("cannot read the spec file {shown}: {e}")))?;
    let file = SpecFile::parse(&shown, &text, &project.layout.defaults())?;
    let renames = apply_renames(&file, &args.renames)?;
    let _lock = lock(&project, &args.write)?;
    let renderer = Renderer::new(&project.root, None);
    let mut plan = Plan::default();
    let mut seen = std::collections::HashMap::new();
    // With --timestamp, the first new migration gets it and the next ones follow a second
    // apart; without, each is now or a second after the last.
    let mut timestamp = args.timestamp.clone();
    for declared in &file.resources {
        let before = project.latest_migration()?.map(|m| m.version.clone());
        let request = alter::Request {
            renames: renames.get(declared.spec.table()),
            allow_data_loss: args.allow_data_loss,
        };
        let planned = resource_plan(
            &mut project,
            &renderer,
            &declared.spec,
            timestamp.as_deref(),
            request,
        )
        .map_err(|e| {
            if let Error::Input(message) = e {
                Error::Input(format!("{}: {message}", file.location(declared.index)))
            } else {
                e
            }
        })?;
        let latest = project.latest_migration()?.map(|m| m.version.clone());
        if timestamp.is_some() && latest != before {
            timestamp = latest.map(|v| generate::second_after(&v));
        }
        plan.merge(planned, &mut seen)?;
    }
    if let Some(events) = &file.stripe {
        let planned = stripe_plan(&mut project, &renderer, events, timestamp.as_deref())?;
        plan.merge(planned, &mut seen)?;
    }
    write(&project, &renderer, plan, &args.write)
}

/// `scaffold apply`'s `--rename RESOURCE.OLD=NEW` (and `RESOURCE.FIELD:OLD=NEW`), by table; the
/// resource is named as in the file, or by its table.
fn apply_renames(
    file: &SpecFile,
    tokens: &[String],
) -> Result<std::collections::HashMap<String, Renames>, Error> {
    let mut by_table: std::collections::HashMap<String, Vec<String>> = Default::default();
    for token in tokens {
        let declared = token.split_once('.').and_then(|(resource, rest)| {
            file.resources
                .iter()
                .find(|r| r.spec.name_as_typed() == resource || r.spec.table() == resource)
                .map(|r| (r.spec.table().to_string(), rest.to_string()))
        });
        let Some((table, rest)) = declared else {
            let names: Vec<&str> = file
                .resources
                .iter()
                .map(|r| r.spec.name_as_typed())
                .collect();
            return Err(Error::input(format!(
                "`--rename {token}`: with `scaffold apply`, name the resource first, as RESOURCE.OLD=NEW or RESOURCE.FIELD:OLD=NEW; the file declares: {}",
                names.join(", ")
            )));
        };
        by_table.entry(table).or_default().push(rest);
    }
    by_table
        .into_iter()
        .map(|(table, tokens)| Ok((table, Renames::parse(&tokens)?)))
        .collect()
}

fn destroy(
    mut project: Project,
    target: generate::destroy::Target<'_>,
    command: &str,
    args: &DestroyArgs,
) -> Result<(), Error> {
    let _lock = lock(&project, &args.write)?;
    let renderer = Renderer::new(&project.root, None);
    let plan = generate::destroy::plan(
        &project,
        &renderer,
        target,
        command,
        args.applied,
        args.timestamp.as_deref(),
    )?;
    // Seen as a migration of the project from now on (for a rerun of this process's plan).
    for file in &plan.files {
        if let Some(name) = file
            .path
            .strip_prefix(&format!("{}/", project.layout.migrations_dir))
            .and_then(|f| f.strip_suffix(".sql"))
        {
            let migration = Migration {
                stem: name.to_string(),
            };
            project.plan_migration(migration.file(Some(command.to_string())), None)?;
        }
    }
    write(&project, &renderer, plan, &args.write)
}

fn init(dir: &std::path::Path, args: &WriteArgs) -> Result<(), Error> {
    let project = Project::open(dir)?;
    let renderer = Renderer::new(&project.root, None);
    let detected = generate::init::Detected::new(&project);
    for line in detected.report(&project.layout) {
        eprintln!("{line}");
    }
    let _lock = lock(&project, args)?;
    let mut plan = generate::init::plan(&project, &renderer)?;
    plan.generation("init", Generator::Init, "scaffold init", None);
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
    let renderer = Renderer::new(&project.root, None);
    let _lock = lock(&project, args)?;
    let mut plan = generate::agent_context::plan(&project, &renderer)?;
    plan.generation("context", Generator::Context, "scaffold context", None);
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
    write(&project, &Renderer::new(&project.root, None), plan, args)
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
    let forget = plan.forget.clone();
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
            let mut diff = resolved.diff();
            diff.push_str("dry run: nothing was written\n");
            print_all(&plan_text(&resolved), &diff);
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
        print_all(&plan_text(&resolved), "");
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
            print_all(&plan_text(&resolved), "");
        }
        let kept = resolved.kept_changes();
        if !kept.is_empty() {
            eprintln!("changed since scaffold wrote them, so kept (--force removes them):\n{kept}");
        }
        let file = &project.layout.session_file;
        if !args.no_session && session::forget(&project.root, file, &forget)? && !args.json {
            let style = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
            println!("{style}{:>10}{style:#}  {file}", "unrecord");
        }
        if !entries.is_empty() {
            session::record(&project.root, file, &entries)?;
            if !args.json {
                let style = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
                println!("{style}{:>10}{style:#}  {file}", "record");
            }
        }
        Ok(())
    })
}

/// The plan, a line per file: what happens to it (in color where stdout shows color) and its
/// path.
fn plan_text(resolved: &Resolved) -> String {
    let mut out = String::new();
    for entry in &resolved.files {
        let (word, color) = match entry.action {
            Action::Create => ("create", AnsiColor::Green),
            Action::Overwrite => ("overwrite", AnsiColor::Yellow),
            Action::Conflict => ("conflict", AnsiColor::Red),
            Action::Identical => ("identical", AnsiColor::BrightBlack),
            Action::Skip => ("skip", AnsiColor::BrightBlack),
            Action::Keep => ("keep", AnsiColor::BrightBlack),
            Action::Update => ("update", AnsiColor::Yellow),
            Action::Remove => ("remove", AnsiColor::Red),
        };
        let style = Style::new().fg_color(Some(color.into()));
        out.push_str(&format!("{style}{word:>10}{style:#}  {}\n", entry.path));
    }
    out
}

/// Prints `styled` (its styles kept only where stdout shows them) and then `plain` as it is, in
/// one write: printed line by line, stdout would make a system call per line.
fn print_all(styled: &str, plain: &str) {
    let choice = anstream::AutoStream::choice(&std::io::stdout());
    let mut shown = anstream::AutoStream::new(Vec::new(), choice);
    // A closed stdout loses the listing, not the run.
    let _ = shown.write_all(styled.as_bytes());
    let mut text = shown.into_inner();
    text.extend_from_slice(plain.as_bytes());
    let _ = std::io::stdout().lock().write_all(&text);
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
