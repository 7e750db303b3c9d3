//! `scaffold context` (and `init`): the documents coding agents read from `.claude/context/`,
//! rules and examples. The rules describe the conventions the templates follow; the examples'
//! code blocks are the real templates rendered for [`SAMPLE`], with this project's layout, so
//! they are exactly what `scaffold resource` writes for it.

use serde::Serialize;

use super::{imports, Imports, Migration};
use crate::error::Error;
use crate::naming::Names;
use crate::plan::Plan;
use crate::project::{Layout, Project, CONFIG_FILE};
use crate::render::{Renderer, OVERRIDE_DIR};
use crate::spec::{Access, ResourceSpec};

/// The resource the examples show: `scaffold resource note title:text:max=200 body:text:optional`.
pub const SAMPLE: (&str, &[&str]) = ("note", &["title:text:max=200", "body:text:optional"]);

/// The tenant root whose invitations the email rules show: `scaffold resource workspace
/// name:text --tenant`.
pub const EMAIL_SAMPLE: (&str, &[&str]) = ("workspace", &["name:text"]);

/// The migration timestamp of the examples, so they are the same on every run.
pub const SAMPLE_TIMESTAMP: &str = "20250101000000";

/// Where the documents go, relative to the project root.
pub const RULES_DIR: &str = ".claude/context/rules";
pub const EXAMPLES_DIR: &str = ".claude/context/examples";

/// The documents, each as the folder it goes in and the template it is rendered from; the
/// file keeps the template's name.
pub const DOCUMENTS: &[(&str, &str)] = &[
    (RULES_DIR, "context/rules/api-auth-patterns.md"),
    (RULES_DIR, "context/rules/supabase-database-patterns.md"),
    (RULES_DIR, "context/rules/typescript-patterns.md"),
    (RULES_DIR, "context/rules/nextjs-page-patterns.md"),
    (RULES_DIR, "context/rules/project-organization-patterns.md"),
    (RULES_DIR, "context/rules/email-content-patterns.md"),
    (
        EXAMPLES_DIR,
        "context/examples/typescript-server-action-examples.md",
    ),
    (
        EXAMPLES_DIR,
        "context/examples/typescript-database-examples.md",
    ),
    (EXAMPLES_DIR, "context/examples/nextjs-page-examples.md"),
];

/// The spec of [`EMAIL_SAMPLE`].
pub fn email_sample_spec() -> ResourceSpec {
    let fields: Vec<String> = EMAIL_SAMPLE.1.iter().map(|f| f.to_string()).collect();
    ResourceSpec::new(EMAIL_SAMPLE.0, None, &fields, Access::TenantRoot)
        .expect("the email sample is valid")
}

/// The spec of [`SAMPLE`].
pub fn sample_spec() -> ResourceSpec {
    let fields: Vec<String> = SAMPLE.1.iter().map(|f| f.to_string()).collect();
    ResourceSpec::new(SAMPLE.0, None, &fields, Access::Owner).expect("the sample is valid")
}

#[derive(Serialize)]
struct Context<'a> {
    layout: &'a Layout,
    config_file: &'static str,
    override_dir: &'static str,
    imports: Imports,
    init: super::init::InitPaths,
    session_file: &'a str,
    sample: Sample,
    email: EmailSample,
}

/// What the email rules show: the shared email modules as a tenant root writes them, and the
/// names of its invitation actions and functions that send and record.
#[derive(Serialize)]
struct EmailSample {
    command: String,
    send: File,
    template: File,
    invitations: super::resource::invitations::Invitations,
}

#[derive(Serialize)]
struct Sample {
    command: String,
    names: Names,
    files: SampleFiles,
    /// The page and form a user writes around the sample's generated modules: not generated,
    /// shown in the page examples (and built with `next build` by scaffold's own tests).
    ui: SampleUi,
    /// Import specifiers of the sample's generated modules.
    import: SampleImports,
}

/// Where the page examples put the sample's page and form (`<app>/notes/page.tsx`,
/// `<app>/notes/note-form.tsx`).
#[derive(Serialize)]
struct SampleUi {
    page: String,
    form: String,
}

#[derive(Serialize)]
struct SampleImports {
    actions: String,
    data: String,
}

/// The sample's generated files, each as its path and contents.
#[derive(Serialize)]
struct SampleFiles {
    migration: File,
    rollback: File,
    test: File,
    validation: File,
    actions: File,
    data: File,
    action_result: File,
    form_data: File,
    form_state: File,
    data_auth: File,
    list: File,
    server: File,
}

#[derive(Serialize)]
struct File {
    path: String,
    code: String,
}

/// Plans the rules and examples documents.
pub fn plan(project: &Project, renderer: &Renderer) -> Result<Plan, Error> {
    let layout = &project.layout;
    let spec = sample_spec();
    let migration = Migration {
        stem: format!("{SAMPLE_TIMESTAMP}_create_{}", spec.table()),
    };
    let generated = super::resource::plan(
        &spec,
        project,
        renderer,
        &super::resource::Migrations::Create(migration.clone()),
    )?;
    let file = |path: String| -> File {
        let code = generated
            .get(&path)
            .unwrap_or_else(|| panic!("the sample plans {path}"))
            .contents
            .clone();
        File { path, code }
    };
    let names = &spec.names;
    let shared = super::shared_paths(layout);
    let actions_path = format!("{}/{}.ts", layout.actions_dir, names.kebab_plural);
    let data_path = format!("{}/{}.ts", super::data_dir(layout), names.kebab_plural);
    let app_dir = match layout.source_root.as_str() {
        "." | "" => "app".to_string(),
        root => format!("{root}/app"),
    };
    let ui = SampleUi {
        page: format!("{app_dir}/{}/page.tsx", names.kebab_plural),
        form: format!("{app_dir}/{}/{}-form.tsx", names.kebab_plural, names.kebab),
    };
    let import = SampleImports {
        actions: layout.import_path(&actions_path),
        data: layout.import_path(&data_path),
    };
    let files = SampleFiles {
        migration: file(migration.path(layout)),
        rollback: file(migration.rollback_path(layout)),
        test: file(format!("{}/{}.test.sql", layout.tests_dir, spec.table())),
        validation: file(format!("{}/{}.ts", layout.validations_dir, names.kebab)),
        actions: file(actions_path),
        data: file(data_path),
        action_result: file(shared.action_result),
        form_data: file(shared.form_data),
        form_state: file(shared.form_state),
        data_auth: file(shared.data_auth),
        list: file(shared.list),
        server: file(shared.server),
    };
    let context = Context {
        email: email_sample(project, renderer)?,
        layout,
        config_file: CONFIG_FILE,
        override_dir: OVERRIDE_DIR,
        imports: imports(layout, Some(&names.kebab)),
        init: super::init::paths(layout),
        session_file: &layout.session_file,
        sample: Sample {
            command: spec.command_line(),
            names: names.clone(),
            files,
            ui,
            import,
        },
    };
    let mut plan = Plan::default();
    for (dir, template) in DOCUMENTS {
        let name = template.rsplit('/').next().unwrap_or(template);
        plan.generated(
            format!("{dir}/{name}"),
            renderer.render(template, &context)?,
        );
    }
    Ok(plan)
}

/// The email modules and invitation names of [`EMAIL_SAMPLE`], rendered as `scaffold resource`
/// writes them for this project.
fn email_sample(project: &Project, renderer: &Renderer) -> Result<EmailSample, Error> {
    let spec = email_sample_spec();
    let migration = Migration {
        stem: format!("{SAMPLE_TIMESTAMP}_create_{}", spec.table()),
    };
    let generated = super::resource::plan(
        &spec,
        project,
        renderer,
        &super::resource::Migrations::Create(migration),
    )?;
    let shared = super::shared_paths(&project.layout);
    let file = |path: String| -> File {
        let code = generated
            .get(&path)
            .unwrap_or_else(|| panic!("the email sample plans {path}"))
            .contents
            .clone();
        File { path, code }
    };
    Ok(EmailSample {
        command: spec.command_line(),
        send: file(shared.email),
        template: file(shared.invitation_email),
        invitations: super::resource::invitations_of(&spec, &project.layout)
            .expect("the email sample is a tenant root"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::EMBEDDED;

    #[test]
    fn every_document_has_its_template() {
        for (_, template) in DOCUMENTS {
            assert!(EMBEDDED.get_file(template).is_some(), "{template}");
        }
    }
}
