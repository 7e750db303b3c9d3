//! Alter migrations: a resource generated again with another spec changes its table in a new
//! migration, never by rewriting the one that created it (it may have run). The migration is the
//! difference between the table as the old spec makes it and as the new one does
//! ([`crate::schema::diff`]), both built by the same code as a create migration; its rollback is
//! the same difference the other way round, so up, down, up gives the same table. What can lose
//! or reject rows already there ([`crate::schema::risk`]) is refused unless `--allow-data-loss`.

use serde::Serialize;

use super::{access, audit, files::Files, invitations, rate_limit, refs, table, tenancy::Tenancy};
use crate::error::Error;
use crate::project::Project;
use crate::schema::diff::{self, Step};
use crate::schema::model::Model;
use crate::schema::risk::{self, Risk};
use crate::spec::change;
use crate::spec::rename::Renames;
use crate::spec::{ident, Access, ResourceSpec};

/// How a resource's table changes from `old` to `new`, both ways.
#[derive(Debug, Clone, Serialize)]
pub struct Alteration {
    /// The command line the migration's header records: the new spec's, with the renames and
    /// `--allow-data-loss` that made it.
    pub command: String,
    /// The command line of the spec the table had.
    pub old_command: String,
    /// What changes, in words.
    pub changes: Vec<String>,
    /// Whether the migration can lose or reject existing rows (and `--allow-data-loss` said so).
    pub allowed_loss: bool,
    pub up: Direction,
    pub down: Direction,
}

/// One way of an alter: its statements and what they do to the rows already there.
#[derive(Debug, Clone, Serialize)]
pub struct Direction {
    pub steps: Vec<Step>,
    pub risks: Vec<String>,
    /// What running this way cannot give back to the rows, that the other way took.
    pub lasting: Vec<String>,
    /// A tenant root's invitation functions name its display column in their bodies, which
    /// PostgreSQL does not follow through a rename or a drop: when the column they show changes,
    /// they are replaced (`create or replace`, keeping their grants) to select this instead.
    pub invitation_display_sql: Option<String>,
}

/// What the user said about the change besides the new spec.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub renames: Option<&'a Renames>,
    pub allow_data_loss: bool,
}

/// The model of the table `spec` describes, its references resolved against the project as a
/// create migration resolves them.
pub fn model(spec: &ResourceSpec, project: &Project) -> Result<Model, Error> {
    let tenancy = Tenancy::of(spec);
    let refs = refs::resolve(spec, project)?;
    let policies = access::policies(spec, &refs, &tenancy)?;
    let table = table::Table::new(spec, &refs, &tenancy)?;
    let audit = audit::log(spec, &tenancy);
    let rules = rate_limit::RateLimiting::of(spec).map_or_else(Vec::new, |r| r.rules);
    let private_schema = super::uses_private_schema(spec, audit.is_some(), !rules.is_empty());
    let files = Files::new(spec, &tenancy)?;
    Ok(table
        .model(
            &format!("public.{}", ident::quote(spec.table())),
            &policies,
            &access::grants(spec),
        )
        .with_surroundings(private_schema, audit, &rules)
        .with_storage(&files.buckets, &files.policies))
}

/// How the table of `old` changes to become `new`'s: `None` when the database holds the same
/// either way (the fields reordered, or only the server actions changed). Refuses a change of
/// who controls the rows (that takes a data migration), one that would change or break how other
/// tables refer to this one, and, without `--allow-data-loss`, one that can lose or reject rows.
pub fn plan(
    old: &ResourceSpec,
    new: &ResourceSpec,
    request: Request<'_>,
    project: &Project,
) -> Result<Option<Alteration>, Error> {
    let table = new.table();
    // The same columns with the same modifiers and access, and the tables referred to unchanged
    // (or their change would have been refused): the same table. Rerunning the command that made
    // an alter, its renames included, is a no-op.
    if change::changes(old, new).is_empty() {
        return Ok(None);
    }
    check_controller(old, new)?;
    if old.access != new.access {
        let dependents = refs::changed_dependents(project, old, new)?;
        if !dependents.is_empty() {
            return Err(Error::input(format!(
                "`{}` changes the access of public.{table}, and other tables refer to it: {}. How a reference is made safe depends on who controls both rows, so with the new access those references would need other foreign keys or policies (or be refused), and an alter migration changes one table. Remove those references first (or destroy the resources that hold them), change public.{table}, then add them back",
                new.command_line(),
                dependents.join("; ")
            )));
        }
    }
    let renames = match request.renames {
        Some(given) if !given.is_empty() => given.check(old, new)?,
        Some(_) | None => Renames::default(),
    };
    let (up_steps, up_risks, renamed_old) = steps(old, new, &renames, project)?;
    if up_steps.is_empty() {
        return Ok(None);
    }
    let (down_steps, down_risks, _) = steps(new, old, &renames.reversed(), project)?;
    let mut changes = renames.describe();
    changes.extend(
        change::changes(&renamed_old, new)
            .iter()
            .map(ToString::to_string),
    );
    let refused: Vec<&Risk> = up_risks.iter().filter(|r| r.refused_by_default()).collect();
    if !refused.is_empty() && !request.allow_data_loss {
        return Err(data_loss(new, table, &changes, &refused, &up_steps));
    }
    let mut command = new.command_line();
    for flag in renames.flags() {
        command.push(' ');
        command.push_str(&flag);
    }
    if !refused.is_empty() {
        command.push_str(" --allow-data-loss");
    }
    let (before, after) = (invitations::display_sql(old), invitations::display_sql(new));
    let (new_display, old_display) = if new.access == Access::TenantRoot && before != after {
        (Some(after), Some(before))
    } else {
        (None, None)
    };
    let lasting = |risks: &[Risk]| risks.iter().filter_map(Risk::lasting).collect::<Vec<_>>();
    let words = |risks: &[Risk]| risks.iter().map(ToString::to_string).collect::<Vec<_>>();
    Ok(Some(Alteration {
        command,
        old_command: old.command_line(),
        changes,
        allowed_loss: !refused.is_empty(),
        up: Direction {
            steps: up_steps,
            risks: words(&up_risks),
            lasting: lasting(&down_risks),
            invitation_display_sql: new_display,
        },
        down: Direction {
            steps: down_steps,
            risks: words(&down_risks),
            lasting: lasting(&up_risks),
            invitation_display_sql: old_display,
        },
    }))
}

/// The statements from `from`'s table to `to`'s (renames first), what they do to existing rows,
/// and `from` with the renames made.
fn steps(
    from: &ResourceSpec,
    to: &ResourceSpec,
    renames: &Renames,
    project: &Project,
) -> Result<(Vec<Step>, Vec<Risk>, ResourceSpec), Error> {
    let renamed = renames.apply(from);
    let (mut steps, actual) = diff::renames(&model(from, project)?, &model(&renamed, project)?);
    let target = model(to, project)?;
    steps.extend(diff::diff(&actual, &target));
    Ok((steps, risk::risks(&actual, &target), renamed))
}

/// Refuses moving the rows to another kind of controller: every row would need one, which only
/// the user can choose.
fn check_controller(old: &ResourceSpec, new: &ResourceSpec) -> Result<(), Error> {
    let same = match (old.access, new.access) {
        (Access::Owner | Access::PublicRead, Access::Owner | Access::PublicRead)
        | (Access::Workspace { .. }, Access::Workspace { .. })
        | (Access::TenantRoot, Access::TenantRoot) => true,
        (Access::Owner | Access::PublicRead, Access::Workspace { .. } | Access::TenantRoot)
        | (Access::Workspace { .. }, Access::Owner | Access::PublicRead | Access::TenantRoot)
        | (Access::TenantRoot, Access::Owner | Access::PublicRead | Access::Workspace { .. }) => {
            false
        }
    };
    if same {
        return Ok(());
    }
    let who = |access: Access| match access {
        Access::Owner | Access::PublicRead => "the user who created it (user_id)",
        Access::Workspace { .. } => "a workspace (workspace_id)",
        Access::TenantRoot => "its own members (a tenant root, with a members table)",
    };
    let table = new.table();
    Err(Error::input(format!(
        "`{}` changes who controls the rows of public.{table}: each now belongs to {}, and would belong to {}. Every existing row would need its new {}, which scaffold cannot choose, so this takes a data migration, not a schema change. Write it by hand (add the new column, fill it for every row, then move the policies), or generate the resource under another name (`--plural`), copy the rows over, and `scaffold destroy` this one",
        new.command_line(),
        who(old.access),
        who(new.access),
        match new.access {
            Access::Owner | Access::PublicRead => "owner",
            Access::Workspace { .. } => "workspace",
            Access::TenantRoot => "members",
        }
    )))
}

/// The refusal of a change that can lose or reject existing rows.
fn data_loss(
    new: &ResourceSpec,
    table: &str,
    changes: &[String],
    refused: &[&Risk],
    steps: &[Step],
) -> Error {
    let dropped = steps.iter().any(|s| matches!(s, Step::DropColumn { .. }));
    let added = steps.iter().any(|s| matches!(s, Step::AddColumn { .. }));
    let rename = if dropped && added {
        " If a field was renamed rather than replaced, say so with `--rename OLD=NEW`: its column then keeps its values."
    } else {
        ""
    };
    Error::input(format!(
        "`{}` changes public.{table} ({}) in a way that can lose or reject the rows it holds: it {}. Nothing was written.{rename} To write the migration anyway, add --allow-data-loss: its rollback then restores the schema exactly, but not the data",
        new.command_line(),
        changes.join("; "),
        refused
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; it ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::rate_limit::{RateLimitRule, RateLimitTrigger, RateLimiter};
    use crate::schema::table::{Column, Constraint, ConstraintKind, EnumType, Extension, Index};
    use crate::schema::trigger::{Trigger, TriggerAction};
    use crate::schema::{ApiRole, Command, Grant, Policy, PrivateSchema, Privilege};

    /// One step of each kind; the match makes a new kind fail to compile until it has one.
    fn samples() -> Vec<Step> {
        let enum_type = EnumType::new("public.note_status".into(), &["a".into(), "b".into()]);
        let trigger = Trigger {
            name: "check_parent_id".into(),
            function_sql: "public.notes_check_parent_id".into(),
            action: TriggerAction::CheckReadable {
                column: "parent_id".into(),
                singular: "note".into(),
            },
        };
        let policy = Policy::new(
            "owners can read their rows",
            Command::Select,
            &[ApiRole::Authenticated],
            Some("user_id = (select auth.uid())".into()),
            None,
        );
        let index = Index::btree(
            "notes_tag_idx".into(),
            "(tag)".into(),
            "Requested with `tag:index`.".into(),
        );
        let column = |name: &str| name.to_string();
        let spec = ResourceSpec::new(
            "note",
            None,
            &["title:text:sensitive".to_string()],
            Access::Owner,
        )
        .unwrap()
        .with_audit(true)
        .unwrap();
        let audit = Box::new(audit::log(&spec, &Tenancy::of(&spec)).unwrap());
        let rule = RateLimitRule {
            action: "notes.create".into(),
            action_sql: "'notes.create'".into(),
            max_hits: 10,
            period_sql: "'1 minute'".into(),
            per: "minute",
            trigger: Some(RateLimitTrigger {
                name: "rate_limit_create".into(),
                event: "insert",
            }),
        };
        let extension = Extension {
            name: "pg_trgm",
            why: "the trigram indexes of the searchable email and URL fields".into(),
        };
        let bucket = crate::schema::storage::Bucket {
            id: "notes.cover".into(),
            file_size_limit: 2_000_000,
            allowed_mime_types: vec!["image/png".into()],
            column_sql: "cover".into(),
            column: "cover".into(),
        };
        let storage_policy = Policy::new(
            "notes files: owners can read",
            Command::Select,
            &[ApiRole::Authenticated],
            Some("bucket_id = 'notes.cover'".into()),
            None,
        );
        let steps = vec![
            Step::CreateExtension {
                extension: extension.clone(),
            },
            Step::DropExtension { extension },
            Step::RenameType {
                from_sql: "public.note_state".into(),
                to: "note_status".into(),
            },
            Step::RenameEnumValue {
                type_sql: "public.note_status".into(),
                from: "'x'".into(),
                to: "'a'".into(),
            },
            Step::RenameColumn {
                from: column("heading"),
                to: column("title"),
            },
            Step::RenameConstraint {
                from: "heading_not_blank".into(),
                to: "title_not_blank".into(),
            },
            Step::RenameIndex {
                from: "notes_label_idx".into(),
                to: "notes_tag_idx".into(),
            },
            Step::RenamePolicy {
                from_sql: "\"a\"".into(),
                to_sql: "\"b\"".into(),
            },
            Step::DropPolicy {
                policy: policy.clone(),
            },
            Step::DropTrigger {
                trigger: trigger.clone(),
            },
            Step::DropIndex {
                index: index.clone(),
            },
            Step::DropConstraint {
                name: "title_max_length".into(),
            },
            Step::CreateEnum {
                enum_type: enum_type.clone(),
            },
            Step::AddEnumValue {
                type_sql: "public.note_status".into(),
                value: "'c'".into(),
                before: Some("'b'".into()),
            },
            Step::CheckEnumValues {
                column: column("status"),
                type_sql: "public.note_status".into(),
                values_sql: "'c'".into(),
                values: "c".into(),
            },
            Step::AddColumn {
                column: Column::new("rank", "integer").default("0"),
            },
            Step::DropDefault {
                column: column("rank"),
            },
            Step::AlterType {
                column: column("rank"),
                sql_type: "bigint".into(),
                using: "rank::bigint".into(),
            },
            Step::SetDefault {
                column: column("rank"),
                default_sql: "1".into(),
            },
            Step::SetNotNull {
                column: column("rank"),
            },
            Step::DropNotNull {
                column: column("rank"),
            },
            Step::DropColumn {
                column: column("body"),
            },
            Step::DropEnum {
                type_sql: "public.note_kind".into(),
            },
            Step::AddConstraint {
                constraint: Constraint::new(
                    "title_max_length",
                    ConstraintKind::Check("char_length(title) <= 80".into()),
                ),
            },
            Step::CreateIndex { index },
            Step::CreateTrigger { trigger },
            Step::Grants {
                grants: vec![Grant::new(vec![Privilege::Select], &[ApiRole::Anon])],
            },
            Step::CreatePolicy { policy },
            Step::EnsurePrivateSchema {
                schema: PrivateSchema::new(),
            },
            Step::DropPrivateSchemaIfEmpty {
                schema: PrivateSchema::new(),
            },
            Step::CreateRateLimiter {
                limiter: RateLimiter::new(),
            },
            Step::DropRateLimiterIfUnused {
                limiter: RateLimiter::new(),
            },
            Step::AddRateLimit {
                limiter: RateLimiter::new(),
                rule: rule.clone(),
            },
            Step::ChangeRateLimit {
                limiter: RateLimiter::new(),
                rule: rule.clone(),
            },
            Step::DropRateLimit {
                limiter: RateLimiter::new(),
                rule,
            },
            Step::CreateAuditLog {
                audit: audit.clone(),
            },
            Step::DropAuditLog {
                audit: audit.clone(),
            },
            Step::AlterAuditLog {
                old_policy: Some(audit.policy.clone()),
                audit,
                grants: true,
                functions: true,
            },
            Step::DropStoragePolicy {
                policy: storage_policy.clone(),
            },
            Step::DropBucket {
                bucket: bucket.clone(),
            },
            Step::CreateBucket {
                bucket: bucket.clone(),
            },
            Step::UpdateBucket { bucket },
            Step::CreateStoragePolicy {
                policy: storage_policy,
            },
        ];
        for step in &steps {
            match step {
                Step::CreateExtension { .. }
                | Step::DropExtension { .. }
                | Step::RenameType { .. }
                | Step::RenameEnumValue { .. }
                | Step::RenameColumn { .. }
                | Step::RenameConstraint { .. }
                | Step::RenameIndex { .. }
                | Step::RenamePolicy { .. }
                | Step::DropPolicy { .. }
                | Step::DropTrigger { .. }
                | Step::DropIndex { .. }
                | Step::DropConstraint { .. }
                | Step::CreateEnum { .. }
                | Step::AddEnumValue { .. }
                | Step::CheckEnumValues { .. }
                | Step::AddColumn { .. }
                | Step::DropDefault { .. }
                | Step::AlterType { .. }
                | Step::SetDefault { .. }
                | Step::SetNotNull { .. }
                | Step::DropNotNull { .. }
                | Step::DropColumn { .. }
                | Step::DropEnum { .. }
                | Step::AddConstraint { .. }
                | Step::CreateIndex { .. }
                | Step::CreateTrigger { .. }
                | Step::Grants { .. }
                | Step::CreatePolicy { .. }
                | Step::EnsurePrivateSchema { .. }
                | Step::DropPrivateSchemaIfEmpty { .. }
                | Step::CreateRateLimiter { .. }
                | Step::DropRateLimiterIfUnused { .. }
                | Step::AddRateLimit { .. }
                | Step::ChangeRateLimit { .. }
                | Step::DropRateLimit { .. }
                | Step::CreateAuditLog { .. }
                | Step::DropAuditLog { .. }
                | Step::AlterAuditLog { .. }
                | Step::DropStoragePolicy { .. }
                | Step::DropBucket { .. }
                | Step::CreateBucket { .. }
                | Step::UpdateBucket { .. }
                | Step::CreateStoragePolicy { .. } => {}
            }
        }
        steps
    }

    /// Every kind of step is laid out by the template as a statement ending in `;`, and every
    /// kind the template compares with is a real one (a misspelt one would write nothing).
    #[test]
    fn the_template_writes_every_kind_of_step() {
        let renderer = crate::render::Renderer::new(std::path::Path::new("/nonexistent"), None);
        let steps = samples();
        let kinds: Vec<String> = steps
            .iter()
            .map(|s| {
                serde_json::to_value(s).unwrap()["step"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let distinct: std::collections::BTreeSet<&String> = kinds.iter().collect();
        assert_eq!(distinct.len(), steps.len(), "one sample per kind");
        for (step, kind) in steps.iter().zip(&kinds) {
            let direction = Direction {
                steps: vec![step.clone()],
                risks: Vec::new(),
                lasting: Vec::new(),
                invitation_display_sql: None,
            };
            let context = serde_json::json!({
                "table": "notes",
                "table_sql": "public.notes",
                "alteration": {
                    "migration": "m.sql", "rollback": "m.down.sql",
                    "command": "scaffold resource note title:text", "old_command": "scaffold resource note",
                    "changes": ["adds `title:text`"], "allowed_loss": false,
                    "up": direction.clone(), "down": direction,
                },
            });
            for template in [
                super::super::templates::ALTER_MIGRATION,
                super::super::templates::ALTER_ROLLBACK,
            ] {
                let sql = renderer.render(template, &context).unwrap();
                let body: Vec<&str> = sql
                    .lines()
                    .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
                    .collect();
                assert!(
                    body.last().is_some_and(|l| l.ends_with(';')),
                    "{template}: {kind} writes {sql}"
                );
            }
        }
        let template = crate::render::EMBEDDED
            .get_file("schema/alter.sql")
            .and_then(|f| f.contents_utf8())
            .unwrap();
        for (at, _) in template.match_indices("s.step == \"") {
            let compared = template[at + "s.step == \"".len()..]
                .split('"')
                .next()
                .unwrap();
            assert!(
                kinds.iter().any(|k| k == compared),
                "schema/alter.sql compares with the step kind {compared:?}; kinds: {kinds:?}"
            );
        }
    }
}
