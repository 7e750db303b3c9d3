//! `scaffold destroy`: undoes a generation. Its files go when they are as scaffold wrote them
//! (the manifest's sha256, or, for a project without a manifest, the files rendered again from
//! the spec its migration's header records); a changed file stays, with its diff shown, unless
//! `--force`. Shared write-once modules stay while another generation uses them; files scaffold
//! only adds to (`.env.example`) stay.
//!
//! A migration that may already have run stays too: one committed in git, one a later
//! migration follows, or any with `--applied`. A new migration then drops what it created (its
//! rollback, as a forward migration), with a rollback that creates it again (the migration).

use super::resource::Migrations;
use super::{webhook_stripe, Migration};
use crate::error::Error;
use crate::manifest::RecordedOwnership;
use crate::plan::{Ownership, Plan, Removal};
use crate::project::{MigrationFile, Project};
use crate::render::Renderer;
use crate::spec::ResourceSpec;

/// What to undo.
pub enum Target<'a> {
    Resource(&'a ResourceSpec),
    Stripe,
}

/// How the generation is told apart: its manifest key, its migration's name, and what the
/// messages call it.
struct Generation {
    key: String,
    what: String,
    migration_name: String,
    drops: String,
}

/// Plans the removal of a generation. `command` is the destroy command line (for the headers of
/// a drop migration), `applied` is `--applied`, `timestamp` fixes the drop migration's version.
pub fn plan(
    project: &Project,
    renderer: &Renderer,
    target: Target<'_>,
    command: &str,
    applied: bool,
    timestamp: Option<&str>,
) -> Result<Plan, Error> {
    let generation = match &target {
        Target::Resource(spec) => {
            let table = spec.table();
            let referrers: Vec<String> = project
                .resources()?
                .values()
                .filter(|other| {
                    other.table() != table && other.dependencies().iter().any(|t| t == table)
                })
                .map(|other| format!("public.{} (`{}`)", other.table(), other.command_line()))
                .collect();
            if !referrers.is_empty() {
                return Err(Error::input(format!(
                    "public.{table} is referenced by {}; destroy those first (or change them so they no longer reference it)",
                    referrers.join(", ")
                )));
            }
            Generation {
                key: format!("resource:{table}"),
                what: format!("public.{table}"),
                migration_name: format!("create_{table}"),
                drops: format!("drop_{table}"),
            }
        }
        Target::Stripe => Generation {
            key: "webhook:stripe".to_string(),
            what: "the Stripe billing tables".to_string(),
            migration_name: webhook_stripe::MIGRATION_NAME.to_string(),
            drops: "drop_stripe_billing".to_string(),
        },
    };
    let manifest = project.manifest()?;
    let recorded = manifest.generations.get(&generation.key);
    let creation = project
        .creation(generation.migration_name.trim_start_matches("create_"))?
        .cloned();
    // The files as scaffold wrote them, rendered again from the recorded spec.
    let migration = Migration {
        stem: match &creation {
            Some(file) => format!("{}_{}", file.version, file.name),
            None => format!("00000000000000_{}", generation.migration_name),
        },
    };
    // A resource altered since its creation is rendered as it is now, without migrations
    // (its create migration no longer describes it).
    let alters = match &target {
        Target::Resource(spec) => project
            .alterations(spec.table())?
            .iter()
            .map(|m| format!("{}/{}", project.layout.migrations_dir, m.file))
            .collect(),
        Target::Stripe => Vec::new(),
    };
    let original = match &target {
        Target::Resource(spec) => {
            let migrations = if alters.is_empty() {
                Migrations::Create(migration.clone())
            } else {
                Migrations::Current {
                    creation: migration.clone(),
                }
            };
            super::resource::plan(spec, project, renderer, &migrations)?
        }
        Target::Stripe => {
            let events = match recorded.and_then(|g| g.spec.as_ref()) {
                Some(crate::manifest::GenerationSpec::Stripe(entry)) => {
                    webhook_stripe::events(Some(&entry.events))?
                }
                Some(crate::manifest::GenerationSpec::Resource(_)) | None => {
                    webhook_stripe::events(None)?
                }
            };
            webhook_stripe::plan(&events, project, renderer, &migration)?
        }
    };
    let files: Vec<(String, RecordedOwnership, Option<String>)> = match recorded {
        Some(g) => g
            .files
            .iter()
            .map(|(path, record)| (path.clone(), record.ownership, Some(record.sha256.clone())))
            .collect(),
        None => original
            .files
            .iter()
            .map(|f| (f.path.clone(), f.ownership.into(), None))
            .collect(),
    };
    let layout = &project.layout;
    let (up, down) = (migration.path(layout), migration.rollback_path(layout));
    let reasons = match &creation {
        Some(file) => may_have_run(project, file, &up, applied)?,
        None => Vec::new(),
    };
    let mut plan = Plan::default();
    for (path, ownership, sha256) in files {
        let keep = match ownership {
            RecordedOwnership::Generated => false,
            // The create migration and its alters, with their rollbacks.
            RecordedOwnership::Migration => !reasons.is_empty(),
            RecordedOwnership::WriteOnce => {
                manifest.used_elsewhere(&path, &generation.key)
                    || shared_without_manifest(project, &generation)?
            }
            RecordedOwnership::Merged => {
                plan.warnings.push(format!(
                    "{path} stays: scaffold adds to it and never takes away; remove what you no longer need by hand"
                ));
                true
            }
        };
        if keep {
            continue;
        }
        let written = original
            .get(&path)
            .map(|f| f.contents.clone())
            .filter(|text| {
                sha256
                    .as_ref()
                    .is_none_or(|h| crate::manifest::sha256(text) == *h)
            });
        plan.removals.push(Removal {
            path,
            sha256,
            original: written,
        });
    }
    if let (Some(created), false) = (&creation, reasons.is_empty()) {
        let (up_sql, down_sql, what_made_it, as_before) = match (&target, alters.is_empty()) {
            (Target::Resource(spec), false) => {
                // The table as its alters left it: what a create migration of its spec makes.
                let fresh = super::resource::plan(
                    spec,
                    project,
                    renderer,
                    &Migrations::Create(migration.clone()),
                )?;
                let text = |path: &str| fresh.get(path).map(|f| f.contents.clone());
                (
                    text(&up).unwrap_or_default(),
                    text(&down).unwrap_or_default(),
                    format!("{up} created and {} changed", alters.join(", ")),
                    "as it was after its last alter".to_string(),
                )
            }
            (Target::Resource(_) | Target::Stripe, _) => {
                let up_sql = project
                    .read(&up)?
                    .ok_or_else(|| Error::input(format!("{up} is missing; nothing to undo")))?;
                let down_sql = project.read(&down)?.ok_or_else(|| {
                    Error::input(format!(
                        "{up} may have run ({}), and its rollback {down} is missing: write the migration that drops {} by hand",
                        reasons.join(", "),
                        generation.what
                    ))
                })?;
                (
                    up_sql,
                    down_sql,
                    format!("{up} created"),
                    format!("as {up} did"),
                )
            }
        };
        let drop = Migration::new(project, &generation.drops, timestamp)?;
        let (drop_up, drop_down) = (drop.path(layout), drop.rollback_path(layout));
        plan.add(
            drop_up.clone(),
            format!(
                "-- Drops {}: what {what_made_it} (it may have run: {}).\n{}{command}\n-- Undo with {drop_down}\n\n{down_sql}",
                generation.what,
                reasons.join(", "),
                crate::project::GENERATED_BY,
            ),
            Ownership::History,
        );
        plan.add(
            drop_down,
            format!(
                "-- Undoes {drop_up}: creates {} again, {as_before} (the rows it held are gone).\n{}{command}\n\n{up_sql}",
                generation.what,
                crate::project::GENERATED_BY,
            ),
            Ownership::History,
        );
        plan.warnings.push(format!(
            "{}/{} stays, since it may have run ({}); {drop_up} drops what it created",
            layout.migrations_dir,
            created.file,
            reasons.join(", ")
        ));
    }
    plan.forget.push(generation.key);
    Ok(plan)
}

/// Why a migration may already have run, if it may: committed in git, a later migration, or
/// `--applied`.
fn may_have_run(
    project: &Project,
    migration: &MigrationFile,
    path: &str,
    applied: bool,
) -> Result<Vec<String>, Error> {
    let mut reasons = Vec::new();
    if applied {
        reasons.push("--applied".to_string());
    }
    if project.committed(path) {
        reasons.push("it is committed in git".to_string());
    }
    if let Some(later) = project
        .migrations()?
        .iter()
        .find(|m| m.version > migration.version)
    {
        reasons.push(format!("a later migration exists: {}", later.file));
    }
    Ok(reasons)
}

/// Whether a shared module may serve something the manifest does not record (generated before
/// there was one): any other resource, or the other generator.
fn shared_without_manifest(project: &Project, generation: &Generation) -> Result<bool, Error> {
    let other_resources = project
        .resources()?
        .keys()
        .any(|table| format!("resource:{table}") != generation.key);
    let stripe =
        generation.key != "webhook:stripe" && project.creation("stripe_billing")?.is_some();
    Ok(other_resources || stripe)
}
