//! Generators: each turns a spec into a [`Plan`] of files and never touches the disk.

pub mod agent_context;
pub mod destroy;
pub mod email;
pub mod gitignore;
pub mod init;
pub mod pgtap;
pub mod resource;
pub mod schema_file;
pub mod webhook_stripe;

use serde::Serialize;

use crate::error::Error;
use crate::plan::Plan;
use crate::project::{Layout, Project};
use crate::render::Renderer;
use crate::spec::ident::MAX_IDENT_BYTES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_named_in_rust_is_built_in() {
        let shared: Vec<&str> = Shared::ALL
            .iter()
            .chain(Shared::EMAIL)
            .map(|s| s.template())
            .collect();
        let named = [
            resource::templates::ALL,
            webhook_stripe::templates::ALL,
            &shared,
        ]
        .concat();
        for name in named {
            assert!(
                crate::render::EMBEDDED.get_file(name).is_some(),
                "templates/{name} does not exist"
            );
        }
    }

    /// Templates branch on the access mode by its serialized kind: a misspelt kind would
    /// silently take the `else` branch, so every kind a template names must be a real one.
    #[test]
    fn templates_compare_access_kinds_that_exist() {
        use crate::spec::{Access, Role};
        let kinds: Vec<String> = [
            Access::Owner,
            Access::PublicRead,
            Access::Workspace {
                write_role: Role::Member,
            },
            Access::TenantRoot,
        ]
        .iter()
        .map(|a| {
            serde_json::to_value(a).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
        let mut stack = vec![&crate::render::EMBEDDED];
        let mut compared = 0;
        while let Some(folder) = stack.pop() {
            stack.extend(folder.dirs());
            for file in folder.files() {
                let text = file.contents_utf8().unwrap_or_default();
                for (at, _) in text.match_indices("access.kind ") {
                    let rest = &text[at + "access.kind ".len()..];
                    let quoted = rest
                        .trim_start_matches(['=', '!', ' '])
                        .strip_prefix('"')
                        .and_then(|r| r.split('"').next())
                        .unwrap_or_else(|| {
                            panic!(
                                "{}: `access.kind` compared with a non-literal",
                                file.path().display()
                            )
                        });
                    assert!(
                        kinds.iter().any(|k| k == quoted),
                        "{}: compares access.kind with \"{quoted}\"; kinds: {kinds:?}",
                        file.path().display()
                    );
                    compared += 1;
                }
            }
        }
        assert!(
            compared > 10,
            "templates compare the access kind {compared} times"
        );
    }

    #[test]
    fn long_schema_identifiers_are_shortened_stably() {
        assert_eq!(
            schema_identifier("notes_title_idx".into()),
            "notes_title_idx"
        );
        let long = format!(
            "{}_street_line_idx",
            "company_shipping_addresses_and_more".repeat(2)
        );
        let short = schema_identifier(long.clone());
        assert_eq!(short.len(), MAX_IDENT_BYTES);
        assert_eq!(short, schema_identifier(long.clone()));
        assert_ne!(short, schema_identifier(format!("{long}2")));
    }
}

/// Rejects a derived SQL identifier PostgreSQL would silently truncate, naming what it came from.
pub(crate) fn check_identifier(name: String, source: &str) -> Result<String, Error> {
    if name.len() > MAX_IDENT_BYTES {
        return Err(Error::input(format!(
            "`{source}` gives the SQL identifier `{name}`, {} bytes long; PostgreSQL truncates identifiers after {MAX_IDENT_BYTES} bytes, so choose a shorter name",
            name.len()
        )));
    }
    Ok(name)
}

/// A schema-wide identifier (index, type, function) built from user names: kept as is when it
/// fits PostgreSQL's limit, otherwise cut and suffixed with a hash of the whole, so it stays
/// unique and the same on every run.
pub(crate) fn schema_identifier(name: String) -> String {
    if name.len() <= MAX_IDENT_BYTES {
        return name;
    }
    // FNV-1a: a stable hash, unlike std's randomly seeded one.
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let keep = MAX_IDENT_BYTES - 9;
    let cut = name[..keep].trim_end_matches('_');
    format!("{cut}_{hash:08x}")
}

/// Import specifiers of the modules generated code depends on.
#[derive(Debug, Clone, Serialize)]
pub struct Imports {
    pub action_result: String,
    pub server: String,
    pub form_data: String,
    /// The serializable state of a form a server action answers (`useActionState`).
    pub form_state: String,
    /// The data-access layer's per-request Supabase client and user check.
    pub data_auth: String,
    /// `sendEmail`, through Resend.
    pub email: String,
    /// The invitation email, a React Email component.
    pub invitation_email: String,
    /// What every list shares: pages, cursors, filters and search.
    pub list: String,
    pub types: String,
    /// The resource's own validation module, where there is one.
    pub validation: Option<String>,
}

pub(crate) fn imports(layout: &Layout, validation_file: Option<&str>) -> Imports {
    Imports {
        action_result: layout.import_path(&shared_paths(layout).action_result),
        server: layout.import_path(&shared_paths(layout).server),
        form_data: layout.import_path(&shared_paths(layout).form_data),
        form_state: layout.import_path(&shared_paths(layout).form_state),
        data_auth: layout.import_path(&shared_paths(layout).data_auth),
        email: layout.import_path(&shared_paths(layout).email),
        invitation_email: layout.import_path(&shared_paths(layout).invitation_email),
        list: layout.import_path(&shared_paths(layout).list),
        types: layout.import_path(&layout.types_file),
        validation: validation_file
            .map(|name| layout.import_path(&format!("{}/{name}.ts", layout.validations_dir))),
    }
}

pub(crate) struct SharedPaths {
    pub action_result: String,
    pub server: String,
    pub form_data: String,
    pub form_state: String,
    pub data_auth: String,
    pub email: String,
    pub invitation_email: String,
    pub list: String,
}

pub(crate) fn shared_paths(layout: &Layout) -> SharedPaths {
    SharedPaths {
        action_result: format!("{}/action-result.ts", layout.lib_dir),
        server: format!("{}/supabase/server.ts", layout.lib_dir),
        form_data: format!("{}/form-data.ts", layout.validations_dir),
        form_state: format!("{}/form-state.ts", layout.lib_dir),
        data_auth: format!("{}/auth.ts", data_dir(layout)),
        email: format!("{}/email/send.ts", layout.lib_dir),
        invitation_email: format!("{}/email/invitation-email.tsx", layout.lib_dir),
        list: format!("{}/list.ts", layout.validations_dir),
    }
}

/// Where the data-access layer goes: the server-only read modules, one per resource.
pub(crate) fn data_dir(layout: &Layout) -> String {
    format!("{}/data", layout.lib_dir)
}

/// Where the App Router's routes are: `app`, or `src/app` in a `src` project.
pub(crate) fn app_dir(layout: &Layout) -> String {
    match layout.source_root.as_str() {
        "." | "" => "app".to_string(),
        root => format!("{root}/app"),
    }
}

/// A module generated code shares, written once and then left to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shared {
    ActionResult,
    Server,
    FormData,
    /// Used by form actions (`useActionState`).
    FormState,
    /// Used by the data-access layer.
    DataAuth,
    /// Used by whatever sends email (a tenant root's invitations).
    Email,
    /// The email a tenant root's invitations send.
    InvitationEmail,
    /// Used by the list schemas and the data-access layer's lists.
    List,
}

impl Shared {
    /// What the server actions of every generator use.
    pub const ACTIONS: &'static [Shared] =
        &[Shared::ActionResult, Shared::Server, Shared::FormData];
    /// All of them: what a resource's actions, forms and reads use.
    pub const ALL: &'static [Shared] = &[
        Shared::ActionResult,
        Shared::Server,
        Shared::FormData,
        Shared::FormState,
        Shared::DataAuth,
        Shared::List,
    ];
    /// What a tenant root's invitations add: sending email, and the invitation email.
    pub const EMAIL: &'static [Shared] = &[Shared::Email, Shared::InvitationEmail];

    fn template(self) -> &'static str {
        match self {
            Shared::ActionResult => "shared/lib/action-result.ts",
            Shared::Server => "shared/lib/supabase/server.ts",
            Shared::FormData => "shared/lib/validations/form-data.ts",
            Shared::FormState => "shared/lib/form-state.ts",
            Shared::DataAuth => "shared/lib/data/auth.ts",
            Shared::Email => "shared/lib/email/send.ts",
            Shared::InvitationEmail => "shared/lib/email/invitation-email.tsx",
            Shared::List => "shared/lib/validations/list.ts",
        }
    }

    fn path(self, paths: &SharedPaths) -> &str {
        match self {
            Shared::ActionResult => &paths.action_result,
            Shared::Server => &paths.server,
            Shared::FormData => &paths.form_data,
            Shared::FormState => &paths.form_state,
            Shared::DataAuth => &paths.data_auth,
            Shared::Email => &paths.email,
            Shared::InvitationEmail => &paths.invitation_email,
            Shared::List => &paths.list,
        }
    }
}

/// Adds the shared modules `which`, each written once and then left to the user.
pub(crate) fn shared_files(
    plan: &mut Plan,
    project: &Project,
    renderer: &Renderer,
    which: &[Shared],
) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Context {
        imports: Imports,
    }
    let layout = &project.layout;
    let context = Context {
        imports: imports(layout, None),
    };
    let paths = shared_paths(layout);
    for module in which {
        let path = module.path(&paths);
        if plan.get(path).is_none() {
            plan.write_once(path, renderer.render(module.template(), &context)?);
        }
    }
    Ok(())
}

/// Marks a generator's migration and rollback as history (never rewritten once there) and adds
/// the declarative schema file of what the migration creates (`name` at `depth`, see
/// [`schema_file`]).
pub(crate) fn migration_files(
    plan: &mut Plan,
    project: &Project,
    migration: &Migration,
    name: &str,
    depth: usize,
) -> Result<(), Error> {
    history_files(plan, project, migration);
    schema_file::add(plan, project, name, depth, &migration.path(&project.layout))
}

/// Marks a migration and its rollback in the plan as history: never rewritten once there.
pub(crate) fn history_files(plan: &mut Plan, project: &Project, migration: &Migration) {
    let layout = &project.layout;
    let (up, down) = (migration.path(layout), migration.rollback_path(layout));
    for file in plan.files.iter_mut() {
        if file.path == up || file.path == down {
            file.ownership = crate::plan::Ownership::History;
        }
    }
}

/// A migration file and its rollback, named `<YYYYMMDDHHMMSS>_<name>` as the Supabase CLI expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub stem: String,
}

impl Migration {
    /// The project's migration of this name that is in force, so that rerunning a command finds
    /// the same file (for `create_<x>`, the latest one no later `drop_<x>` undid); otherwise a
    /// new one ([`Migration::new`]). A malformed `timestamp` is bad input either way.
    pub fn find_or_new(
        project: &Project,
        name: &str,
        timestamp: Option<&str>,
    ) -> Result<Migration, Error> {
        let checked = timestamp.map(parse_timestamp).transpose()?;
        let existing = match name.strip_prefix("create_") {
            Some(what) => project.creation(what)?,
            None => project.migrations()?.iter().rev().find(|m| m.name == name),
        };
        if let Some(existing) = existing {
            return Ok(Migration {
                stem: format!("{}_{name}", existing.version),
            });
        }
        Migration::new(project, name, checked.as_deref())
    }

    /// A new migration, later than every migration of the project (including those this run
    /// planned): at `timestamp` when given, which must then be later than the latest (bad input
    /// naming it otherwise); else now (UTC), or one second after the latest when that is not
    /// later, so commands typed within one second are ordered as typed.
    pub fn new(project: &Project, name: &str, timestamp: Option<&str>) -> Result<Migration, Error> {
        let latest = project.latest_migration()?;
        let version = match timestamp {
            Some(text) => {
                let version = parse_timestamp(text)?;
                if let Some(latest) = latest.filter(|l| l.version >= version) {
                    return Err(Error::input(format!(
                        "`--timestamp {version}` is not later than {}/{}, the latest migration: a new migration must come after every one already there (the Supabase CLI applies them in version order, each once); pass a later timestamp, or leave --timestamp out",
                        project.layout.migrations_dir, latest.file
                    )));
                }
                version
            }
            None => {
                let now = jiff::Timestamp::now().strftime("%Y%m%d%H%M%S").to_string();
                match latest {
                    Some(latest) if latest.version >= now => second_after(&latest.version),
                    Some(_) | None => now,
                }
            }
        };
        Ok(Migration {
            stem: format!("{version}_{name}"),
        })
    }

    /// `YYYYMMDDHHMMSS`
    pub fn version(&self) -> &str {
        self.stem.split_once('_').map_or(&self.stem, |(v, _)| v)
    }

    /// What follows the version: `create_projects`.
    pub fn name(&self) -> &str {
        self.stem.split_once('_').map_or("", |(_, n)| n)
    }

    pub fn path(&self, layout: &Layout) -> String {
        format!("{}/{}.sql", layout.migrations_dir, self.stem)
    }

    pub fn rollback_path(&self, layout: &Layout) -> String {
        format!("{}/{}.down.sql", layout.rollbacks_dir, self.stem)
    }

    /// The file [`Project::migrations`] will list once this is written, with the command its
    /// header records.
    pub fn file(&self, command: Option<String>) -> crate::project::MigrationFile {
        crate::project::MigrationFile {
            file: format!("{}.sql", self.stem),
            version: self.version().to_string(),
            name: self.name().to_string(),
            command,
            changes: None,
        }
    }
}

/// The version one second after `version` (`YYYYMMDDHHMMSS`, UTC); a version that is not a
/// real time (written by hand) is followed by the next number.
pub fn second_after(version: &str) -> String {
    match jiff::civil::DateTime::strptime("%Y%m%d%H%M%S", version) {
        Ok(time) => time
            .checked_add(jiff::SignedDuration::from_secs(1))
            .map(|t| t.strftime("%Y%m%d%H%M%S").to_string())
            .unwrap_or_else(|_| version.to_string()),
        Err(_) => format!("{:014}", version.parse::<u64>().unwrap_or(0) + 1),
    }
}

fn parse_timestamp(text: &str) -> Result<String, Error> {
    let valid = text.len() == 14 && jiff::civil::DateTime::strptime("%Y%m%d%H%M%S", text).is_ok();
    if valid {
        Ok(text.to_string())
    } else {
        Err(Error::input(format!(
            "`--timestamp {text}` is not a timestamp; use YYYYMMDDHHMMSS in UTC, e.g. 20250131120000"
        )))
    }
}
