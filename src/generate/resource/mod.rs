//! `scaffold resource`: a table with row level security, its rollback and pgTAP test, Zod schemas
//! and server actions. Split by concern, as Phoenix splits `phx.gen`: [`table`] (columns, checks,
//! indexes), [`access`] (policies and grants), [`files`] (buckets and storage policies of file
//! fields), [`tenancy`] (tenant roots and their members),
//! [`zod`] (validation), [`test_data`] (pgTAP samples), [`actions`] and [`docs`]. This module only
//! assembles their results into the templates' context and names the files.

mod access;
mod actions;
pub mod alter;
mod audit;
mod docs;
pub(crate) mod files;
mod history;
pub(crate) mod invitations;
mod list;
mod rate_limit;
mod refs;
mod table;
mod tenancy;
mod test_data;
mod zod;

use serde::Serialize;

use super::{imports, init, Imports, Migration};
use crate::error::Error;
use crate::naming::Names;
use crate::plan::{Ownership, Plan};
use crate::project::Project;
use crate::render::Renderer;
use crate::schema::{Grant, Policy};
use crate::session::PlannedEntry;
use crate::spec::{Access, ResourceSpec, TENANT};

/// The templates this generator renders, by what they write.
pub mod templates {
    pub const MIGRATION: &str = "resource/supabase/migrations/create_table.sql";
    pub const ROLLBACK: &str = "resource/supabase/rollbacks/create_table.down.sql";
    pub const ALTER_MIGRATION: &str = "resource/supabase/migrations/alter_table.sql";
    pub const ALTER_ROLLBACK: &str = "resource/supabase/rollbacks/alter_table.down.sql";
    pub const TEST_OWNER: &str = "resource/supabase/tests/database/table.test.sql";
    pub const TEST_WORKSPACE: &str = "resource/supabase/tests/database/table.workspace.test.sql";
    pub const TEST_TENANT: &str = "resource/supabase/tests/database/table.tenant.test.sql";
    pub const TEST_INVITATIONS: &str =
        "resource/supabase/tests/database/table.invitations.test.sql";
    pub const INVITATION_VALIDATION: &str = "tenant/lib/validations/invitation.ts";
    pub const INVITATION_ACTIONS: &str = "tenant/app/actions/invitations.ts";
    pub const INVITATION_DATA: &str = "tenant/lib/data/invitations.ts";
    pub const INVITATION_PAGE: &str = "tenant/app/invitations/page.tsx";
    pub const INVITATION_FORM: &str = "tenant/app/invitations/accept-form.tsx";
    pub const VALIDATION: &str = "resource/lib/validations/resource.ts";
    pub const DECIMAL: &str = "resource/lib/validations/decimal.ts";
    pub const FILE: &str = "resource/lib/validations/file.ts";
    pub const STORAGE: &str = "resource/lib/storage.ts";
    pub const ACTIONS: &str = "resource/app/actions/resources.ts";
    pub const DATA: &str = "resource/lib/data/resources.ts";
    pub const MEMBER_VALIDATION: &str = "tenant/lib/validations/member.ts";
    pub const MEMBER_ACTIONS: &str = "tenant/app/actions/members.ts";
    pub const MEMBER_DATA: &str = "tenant/lib/data/members.ts";
    pub const SESSION: &str = "session/resource.md";

    /// What a new resource with the default access and actions renders, the costliest to parse
    /// first: parsed ahead, before the command line is read (see [`crate::render::Warmup`]).
    pub const LIKELY: &[&str] = &[ACTIONS, DATA, VALIDATION, TEST_OWNER, MIGRATION, ROLLBACK];

    pub const ALL: &[&str] = &[
        MIGRATION,
        ROLLBACK,
        ALTER_MIGRATION,
        ALTER_ROLLBACK,
        TEST_OWNER,
        TEST_WORKSPACE,
        TEST_TENANT,
        TEST_INVITATIONS,
        INVITATION_VALIDATION,
        INVITATION_ACTIONS,
        INVITATION_DATA,
        INVITATION_PAGE,
        INVITATION_FORM,
        VALIDATION,
        DECIMAL,
        FILE,
        STORAGE,
        ACTIONS,
        DATA,
        MEMBER_VALIDATION,
        MEMBER_ACTIONS,
        MEMBER_DATA,
        SESSION,
    ];
}

/// A tenant root's invitations (their SQL and TypeScript names), for the documents that describe
/// them; `None` for every other resource.
pub(crate) fn invitations_of(
    spec: &ResourceSpec,
    layout: &crate::project::Layout,
) -> Option<invitations::Invitations> {
    invitations::Invitations::of(spec, &tenancy::Tenancy::of(spec), layout)
}

/// The migration a run of `scaffold resource` writes for its table.
pub enum Migrations {
    /// The create migration: a new one, or (the spec unchanged) the one already there.
    Create(Migration),
    /// None: the table is as the spec describes it already, after alter migrations of its
    /// create migration `creation`.
    Current { creation: Migration },
    /// An alter migration of the table `creation` created, from the spec `old` it has now.
    Alter {
        creation: Migration,
        migration: Migration,
        alteration: Box<alter::Alteration>,
        old: Box<ResourceSpec>,
    },
}

impl Migrations {
    /// The table's create migration.
    pub fn creation(&self) -> &Migration {
        match self {
            Migrations::Create(creation)
            | Migrations::Current { creation }
            | Migrations::Alter { creation, .. } => creation,
        }
    }
}

/// Plans every file of one resource.
pub fn plan(
    spec: &ResourceSpec,
    project: &Project,
    renderer: &Renderer,
    migrations: &Migrations,
) -> Result<Plan, Error> {
    let context = Context::new(spec, project, migrations)?;
    // Converted once, for every template.
    let value = minijinja::Value::from(minijinja::value::Serde(&context));
    let paths = &context.paths;
    let layout = &project.layout;
    let mut plan = Plan {
        warnings: missing_tables(spec, project)?,
        ..Plan::default()
    };
    let files = rendered_together(spec, &context, migrations, layout);
    let (names, targets): (Vec<&'static str>, Vec<String>) = files.into_iter().unzip();
    for (path, text) in targets
        .into_iter()
        .zip(renderer.render_all(&names, &value)?)
    {
        plan.generated(path, text);
    }
    let depth = super::schema_file::depth(project, spec)?;
    match migrations {
        Migrations::Create(migration) => {
            super::migration_files(&mut plan, project, migration, spec.table(), depth)?;
        }
        Migrations::Current { .. } | Migrations::Alter { .. } => {
            if let Migrations::Alter { migration, .. } = migrations {
                super::history_files(&mut plan, project, migration);
            }
            // The declarative schema is the table as a fresh create migration makes it.
            let created = renderer.render(templates::MIGRATION, &value)?;
            super::schema_file::add_sql(&mut plan, project, spec.table(), depth, &created);
        }
    }
    if let Migrations::Alter { old, creation, .. } = migrations {
        moved_schema_file(&mut plan, project, renderer, old, creation, depth)?;
    }
    super::shared_files(&mut plan, project, renderer, super::Shared::ALL)?;
    let limited_reads = context.selected.limited_reads();
    if limited_reads {
        // An anonymous read is counted by its address, which only the service role may name.
        super::shared_files(
            &mut plan,
            project,
            renderer,
            &[super::Shared::DataRateLimit],
        )?;
        init::admin_client(&mut plan, project, renderer)?;
    }
    if context.invitations.is_some() {
        // Invitations send email: its modules, written once, and the settings they read.
        super::shared_files(&mut plan, project, renderer, super::Shared::EMAIL)?;
    }
    if limited_reads || context.invitations.is_some() {
        let existing = project.read(init::ENV_EXAMPLE)?;
        let mut env = init::merge_env(existing.as_deref(), renderer)?;
        if context.invitations.is_some() {
            env = init::append_env(Some(&env), super::email::ENV, renderer)?;
        }
        plan.add(init::ENV_EXAMPLE, env, Ownership::Merged);
    }
    // Written once, like the shared modules, by the first resource with a numeric field.
    if context.zod.decimal_import.is_some() && plan.get(&paths.decimal).is_none() {
        plan.write_once(
            paths.decimal.clone(),
            renderer.render(templates::DECIMAL, &value)?,
        );
    }
    // Written once, like the shared modules, by the first resource with a file field.
    if context.zod.uploads.is_some() {
        let mut once = vec![(&paths.file, templates::FILE)];
        if context.selected.writes() || context.selected.reads() {
            once.push((&paths.storage, templates::STORAGE));
        }
        for (path, template) in once {
            if plan.get(path).is_none() {
                plan.write_once(path.clone(), renderer.render(template, &value)?);
            }
        }
    }
    plan.record(PlannedEntry::new(
        format!("resource:{}", spec.table()),
        templates::SESSION,
        minijinja::context! {
            actions_import => project.layout.import_path(&paths.actions),
            data_import => project.layout.import_path(&paths.data),
            types_file => &project.layout.types_file,
            ..value
        },
    ));
    Ok(plan)
}

/// The templates a resource renders in one go (see [`Renderer::render_all`]), each with the file
/// it writes.
fn rendered_together(
    spec: &ResourceSpec,
    context: &Context,
    migrations: &Migrations,
    layout: &crate::project::Layout,
) -> Vec<(&'static str, String)> {
    let paths = &context.paths;
    let test_template = match spec.access {
        Access::Owner | Access::PublicRead => templates::TEST_OWNER,
        Access::Workspace { .. } => templates::TEST_WORKSPACE,
        Access::TenantRoot => templates::TEST_TENANT,
    };
    let mut files = Vec::new();
    match migrations {
        Migrations::Create(_) => {
            files.push((templates::MIGRATION, paths.migration.clone()));
            files.push((templates::ROLLBACK, paths.rollback.clone()));
        }
        Migrations::Alter { migration, .. } => {
            files.push((templates::ALTER_MIGRATION, migration.path(layout)));
            files.push((templates::ALTER_ROLLBACK, migration.rollback_path(layout)));
        }
        Migrations::Current { .. } => {}
    }
    files.push((test_template, paths.test.clone()));
    files.push((templates::VALIDATION, paths.validation.clone()));
    if context.selected.writes() {
        files.push((templates::ACTIONS, paths.actions.clone()));
    }
    if context.selected.reads() {
        files.push((templates::DATA, paths.data.clone()));
    }
    if let Some(members) = &context.members {
        files.push((
            templates::MEMBER_VALIDATION,
            members.validation_file.clone(),
        ));
        files.push((templates::MEMBER_ACTIONS, members.actions_file.clone()));
    }
    if let Some(members_data) = &context.members_data {
        files.push((templates::MEMBER_DATA, members_data.file.clone()));
    }
    if let Some(test) = &paths.invitations_test {
        files.push((templates::TEST_INVITATIONS, test.clone()));
    }
    if let Some(invitations) = &context.invitations {
        let ts = &invitations.ts;
        files.push((templates::INVITATION_VALIDATION, ts.validation_file.clone()));
        files.push((templates::INVITATION_ACTIONS, ts.actions_file.clone()));
        files.push((templates::INVITATION_DATA, ts.data_file.clone()));
        files.push((templates::INVITATION_PAGE, ts.page_file.clone()));
        files.push((templates::INVITATION_FORM, ts.form_file.clone()));
    }
    files
}

/// When an alter changes the table's depth among the generated tables (a ref added or removed),
/// its declarative schema file changes name: the old one goes (if unchanged since written), or
/// the Supabase CLI would create the table twice.
fn moved_schema_file(
    plan: &mut Plan,
    project: &Project,
    renderer: &Renderer,
    old: &ResourceSpec,
    creation: &Migration,
    depth: usize,
) -> Result<(), Error> {
    let old_depth = super::schema_file::depth(project, old)?;
    let Some(path) = super::schema_file::path(project, old.table(), old_depth) else {
        return Ok(());
    };
    if old_depth == depth {
        return Ok(());
    }
    let context = Context::new(
        old,
        project,
        &Migrations::Current {
            creation: creation.clone(),
        },
    )?;
    let created = renderer.render(templates::MIGRATION, &context)?;
    let recorded = project
        .manifest()?
        .generations
        .get(&format!("resource:{}", old.table()))
        .and_then(|g| g.files.get(&path))
        .map(|record| record.sha256.clone());
    plan.removals.push(crate::plan::Removal {
        path,
        sha256: recorded,
        original: Some(super::schema_file::contents(&created)),
    });
    Ok(())
}

/// The tenant root a workspace resource belongs to, when no migration of the project creates it
/// (by the name scaffold gives one): a warning that says what to run, since applying would fail.
/// (A ref to an unknown table is refused instead, in [`refs::resolve`].)
fn missing_tables(spec: &ResourceSpec, project: &Project) -> Result<Vec<String>, Error> {
    let migrations = project.migrations()?;
    let created = |table: &str| {
        let name = format!("create_{table}");
        migrations.iter().any(|m| m.name == name)
    };
    let mut warnings = Vec::new();
    match spec.access {
        Access::Workspace { .. } => {
            let tenant = Names::derive(TENANT, None);
            if !created(&tenant.plural) {
                warnings.push(format!(
                    "`--access workspace` refers to public.{} and no migration in {} creates it: generate the tenant root first, e.g. `scaffold resource {TENANT} name:text --tenant`",
                    tenant.plural, project.layout.migrations_dir
                ));
            }
        }
        Access::Owner | Access::PublicRead | Access::TenantRoot => {}
    }
    Ok(warnings)
}

/// A log table named like a table another resource of the project has (or will have as its
/// log) would fail the migration: refused, naming both.
fn check_log_name(
    spec: &ResourceSpec,
    audit: Option<&crate::schema::audit::AuditLog>,
    project: &Project,
) -> Result<(), Error> {
    let resources = project.resources()?;
    if let Some(log) = audit {
        if resources.contains_key(&log.table) {
            return Err(Error::input(format!(
                "the audit log of public.{} would be public.{}, a table scaffold already generated; choose another name (--plural)",
                spec.table(),
                log.table
            )));
        }
    }
    let logged = resources
        .values()
        .find(|other| other.audit && audit::table_name(other.table()) == spec.table());
    if let Some(other) = logged {
        return Err(Error::input(format!(
            "public.{} is the audit log of public.{}; choose another name (--plural)",
            spec.table(),
            other.table()
        )));
    }
    Ok(())
}

/// Where the resource's files go.
#[derive(Serialize)]
pub(crate) struct Paths {
    pub migration: String,
    pub rollback: String,
    pub test: String,
    pub validation: String,
    /// The `'use server'` module of the mutations.
    pub actions: String,
    /// The `server-only` data-access module of the reads.
    pub data: String,
    /// The exact-decimal helpers numeric fields use.
    pub decimal: String,
    /// The upload checks file fields use.
    pub file: String,
    /// The server-only Storage helpers of file fields' actions and reads.
    pub storage: String,
    /// A tenant root's second pgTAP file: its invitations.
    pub invitations_test: Option<String>,
}

/// Where a tenant root's member list is read: the data-access module beside the resource's.
#[derive(Serialize)]
struct MembersData {
    file: String,
    import: String,
    /// The private query the cached `list` wraps: `readWorkspaceMembers`.
    list_query: String,
}

impl MembersData {
    fn of(members: &tenancy::Members, names: &Names, layout: &crate::project::Layout) -> Self {
        let file = format!("{}/{}-members.ts", super::data_dir(layout), names.kebab);
        MembersData {
            import: layout.import_path(&file),
            list_query: members.list.replacen("list", "read", 1),
            file,
        }
    }
}

/// What the templates see. Every part is decided by its own module.
#[derive(Serialize)]
struct Context {
    command: String,
    access: Access,
    table: String,
    table_sql: String,
    /// In prose: `line item`.
    singular: String,
    owner_column: &'static str,
    route: String,
    paths: Paths,
    imports: Imports,
    #[serde(flatten)]
    table_shape: table::Table,
    policies: Vec<Policy>,
    grants: Vec<Grant>,
    /// File fields' buckets and the `storage.objects` policies over them.
    files: files::Files,
    tenancy: tenancy::Tenancy,
    members: Option<tenancy::Members>,
    /// A tenant root's members read, in the data-access layer.
    members_data: Option<MembersData>,
    /// Whether the migration needs the private schema (helpers, audit triggers, the limiter).
    uses_private_schema: bool,
    audit: Option<crate::schema::audit::AuditLog>,
    rate_limiting: Option<rate_limit::RateLimiting>,
    /// An audited resource's log reads, in the data module.
    history: Option<history::History>,
    invitations: Option<invitations::Invitations>,
    #[serde(flatten)]
    zod: zod::Zod,
    list: list::List,
    test: test_data::TestData,
    actions: actions::Actions,
    selected: actions::Selected,
    #[serde(flatten)]
    docs: docs::Docs,
    /// The alter migration this run writes, if it writes one.
    alteration: Option<AlterContext>,
    /// The alter migrations of the table since its create migration, this run's last.
    alters: Vec<AlterRecord>,
}

/// An alter migration's files and what it does, for its templates.
#[derive(Serialize)]
struct AlterContext {
    migration: String,
    rollback: String,
    #[serde(flatten)]
    alteration: alter::Alteration,
}

/// An alter migration of the table, for the session record.
#[derive(Serialize)]
struct AlterRecord {
    migration: String,
    rollback: String,
    /// What it changed, as its header says.
    changes: Option<String>,
}

impl Context {
    fn new(
        spec: &ResourceSpec,
        project: &Project,
        migrations: &Migrations,
    ) -> Result<Context, Error> {
        let migration = migrations.creation();
        let names = &spec.names;
        let table = spec.table();
        let layout = &project.layout;
        let tenancy = tenancy::Tenancy::of(spec);
        let refs = refs::resolve(spec, project)?;
        let policies = access::policies(spec, &refs, &tenancy)?;
        let audit = audit::log(spec, &tenancy);
        check_log_name(spec, audit.as_ref(), project)?;
        let rate_limiting = rate_limit::RateLimiting::of(spec);
        let history = history::History::of(spec, audit.as_ref());
        let files = files::Files::new(spec, &tenancy)?;
        let decimal = format!("{}/decimal.ts", layout.validations_dir);
        let file = format!("{}/file.ts", layout.validations_dir);
        let storage = format!("{}/storage.ts", layout.lib_dir);
        let zod = zod::Zod::new(
            spec,
            layout.import_path(&decimal),
            layout.import_path(&file),
            layout.import_path(&storage),
        );
        let actions = actions::Actions::new(spec);
        let members = tenancy::Members::of(spec, &tenancy, layout);
        let invitations = invitations::Invitations::of(spec, &tenancy, layout);
        let alteration = match migrations {
            Migrations::Alter {
                migration,
                alteration,
                ..
            } => Some(AlterContext {
                migration: migration.path(layout),
                rollback: migration.rollback_path(layout),
                alteration: (**alteration).clone(),
            }),
            Migrations::Create(_) | Migrations::Current { .. } => None,
        };
        let mut alters = Vec::new();
        for file in project.alterations(table)? {
            let written = Migration {
                stem: file.file.trim_end_matches(".sql").to_string(),
            };
            let current = alteration
                .as_ref()
                .filter(|a| a.migration == written.path(layout));
            alters.push(AlterRecord {
                migration: written.path(layout),
                rollback: written.rollback_path(layout),
                changes: match current {
                    Some(a) => Some(a.alteration.changes.join("; ")),
                    None => file.changes.clone(),
                },
            });
        }
        let list = list::List::new(spec, &|field| {
            matches!(field.ty, crate::spec::FieldType::Enum { .. })
                .then(|| zod::enum_list_name(spec, &field.column()))
        });
        Ok(Context {
            alteration,
            alters,
            command: spec.command_line(),
            access: spec.access,
            table: table.to_string(),
            table_sql: format!("public.{}", crate::spec::ident::quote(table)),
            singular: names.singular.replace('_', " "),
            owner_column: spec.owner_column(),
            route: format!("/{}", names.kebab_plural),
            paths: Paths {
                migration: migration.path(layout),
                rollback: migration.rollback_path(layout),
                test: format!("{}/{table}.test.sql", layout.tests_dir),
                validation: format!("{}/{}.ts", layout.validations_dir, names.kebab),
                actions: format!("{}/{}.ts", layout.actions_dir, names.kebab_plural),
                data: format!("{}/{}.ts", super::data_dir(layout), names.kebab_plural),
                decimal,
                file,
                storage,
                invitations_test: invitations
                    .as_ref()
                    .map(|i| format!("{}/{}.test.sql", layout.tests_dir, i.table)),
            },
            imports: imports(layout, Some(&names.kebab)),
            table_shape: table::Table::new(spec, &refs, &tenancy)?,
            test: test_data::TestData::new(spec, &policies, &files),
            files,
            grants: access::grants(spec),
            policies,
            members_data: members
                .as_ref()
                .map(|members| MembersData::of(members, names, layout)),
            members,
            uses_private_schema: uses_private_schema(
                spec,
                audit.is_some(),
                rate_limiting.is_some(),
            ),
            audit,
            rate_limiting,
            invitations,
            docs: docs::Docs::new(spec, &tenancy),
            selected: actions::Selected::new(spec, &actions, &zod, &list, history.as_ref()),
            history,
            list,
            actions,
            zod,
            tenancy,
        })
    }
}

/// Whether the migration of `spec` needs the private schema: a tenant root's helpers, audit
/// triggers, the rate limiter.
fn uses_private_schema(spec: &ResourceSpec, audited: bool, limited: bool) -> bool {
    match spec.access {
        Access::TenantRoot => true,
        Access::Owner | Access::PublicRead | Access::Workspace { .. } => audited || limited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new resource `note` with `fields` and `access` in an empty project (kept in the folder
    /// returned): its template context, and the templates it renders in one go.
    fn new_note(
        fields: &[&str],
        access: Access,
    ) -> (tempfile::TempDir, Context, Vec<&'static str>) {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::open(dir.path()).unwrap();
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let spec = ResourceSpec::new("note", None, &fields, access).expect("a valid spec");
        let migration = Migration::new(&project, "create_notes", None).unwrap();
        let migrations = Migrations::Create(migration);
        let context = Context::new(&spec, &project, &migrations).unwrap();
        let names = rendered_together(&spec, &context, &migrations, &project.layout)
            .into_iter()
            .map(|(template, _)| template)
            .collect();
        (dir, context, names)
    }

    /// The warm-up's guess is what it claims to be: exactly the templates that a new resource
    /// with the default access and actions renders in one go, so none of its parsing is wasted.
    #[test]
    fn the_likely_templates_are_those_of_a_default_resource() {
        // Owner access is the default of a project without `scaffold.toml`.
        let (_dir, _, names) = new_note(&["title:text"], Access::Owner);
        let rendered: std::collections::BTreeSet<&str> = names.into_iter().collect();
        let likely: std::collections::BTreeSet<&str> = templates::LIKELY.iter().copied().collect();
        assert_eq!(rendered, likely);
        assert_eq!(likely.len(), templates::LIKELY.len(), "each named once");
    }

    /// `render_all` writes what rendering its templates one after the other writes, with or
    /// without a warm-up, whatever the warm-up guessed: right, wrong, or partly.
    #[test]
    fn a_warm_up_never_changes_what_is_rendered() {
        use crate::render::{Renderer, Warmup};
        use crate::spec::Role;
        use templates::*;
        let workspace = Access::Workspace {
            write_role: Role::Member,
        };
        let cases: [(&str, Access, Option<&[&'static str]>); 5] = [
            ("owner, no warm-up", Access::Owner, None),
            ("owner, guessed right", Access::Owner, Some(LIKELY)),
            ("workspace, guessed an owner", workspace, Some(LIKELY)),
            (
                "tenant root, guessed partly",
                Access::TenantRoot,
                Some(&[TEST_TENANT, SESSION, ROLLBACK]),
            ),
            (
                "public read, nothing guessed",
                Access::PublicRead,
                Some(&[]),
            ),
        ];
        for (case, access, guess) in cases {
            let (dir, context, names) = new_note(&["title:text", "body:text:optional"], access);
            let value = minijinja::Value::from(minijinja::value::Serde(&context));
            let one_by_one = Renderer::new(dir.path(), None);
            let expected: Vec<String> = names
                .iter()
                .map(|name| one_by_one.render(name, &value).unwrap())
                .collect();
            let renderer = Renderer::new(dir.path(), guess.and_then(Warmup::start));
            let rendered = renderer.render_all(&names, &value).unwrap();
            assert_eq!(rendered, expected, "{case}");
        }
    }
}
