//! Runs a parsed command line: input → spec → plan → write.

use std::io::Write;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::CommandFactory;

use crate::cli::{Cli, Command, ResourceArgs, TemplatesCommand, WriteArgs};
use crate::error::Error;
use crate::generate::{self, Migration};
use crate::plan::{Action, OnConflict, Plan, Resolved};
use crate::project::Project;
use crate::render::{Renderer, EMBEDDED, OVERRIDE_DIR};
use crate::spec::ResourceSpec;

pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Resource(args) => resource(&cli.dir, args),
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
    if args.fields.is_empty() {
        return Err(Error::input(format!(
            "no fields given for `{}`: pass them as NAME:TYPE[:MODIFIER...], e.g. `scaffold resource {} title:text`",
            args.name, args.name
        )));
    }
    let spec = ResourceSpec::new(
        &args.name,
        args.plural.as_deref(),
        &args.fields,
        args.access,
    )?;
    let project = Project::open(dir)?;
    let renderer = Renderer::new(&project.root);
    let migration = Migration::find_or_new(
        &project,
        &format!("create_{}", spec.table()),
        args.timestamp.as_deref(),
    )?;
    let plan = generate::resource::plan(&spec, &project, &renderer, &migration)?;
    write(&project, plan, &args.write)
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
    write(&project, plan, args)
}

/// Compares a plan with the disk, then prints it, or writes it all.
fn write(project: &Project, plan: Plan, args: &WriteArgs) -> Result<(), Error> {
    let on_conflict = if args.force {
        OnConflict::Overwrite
    } else if args.skip_existing {
        OnConflict::Skip
    } else {
        OnConflict::Stop
    };
    let resolved = plan.resolve(project, on_conflict)?;
    if args.dry_run {
        if args.json {
            println!("{}", resolved.to_json(true));
        } else {
            print_plan(&resolved);
            print!("{}", resolved.diff());
            println!("dry run: nothing was written");
        }
        return Ok(());
    }
    resolved.check_conflicts()?;
    resolved.apply(&project.root)?;
    if args.json {
        println!("{}", resolved.to_json(false));
    } else {
        print_plan(&resolved);
    }
    Ok(())
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

/// Reports an error on stderr the way every command does.
pub fn report(error: &Error) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    eprintln!("{style}error:{style:#} {error}");
}
