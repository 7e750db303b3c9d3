//! `scaffold resource`: a table with row level security, its rollback and pgTAP test, Zod schemas
//! and server actions. Every decision is made here; the templates only lay it out.

use serde::Serialize;

use super::{check_identifier, imports, schema_identifier, Imports, Migration};
use crate::error::Error;
use crate::naming::{indefinite, Names};
use crate::plan::Plan;
use crate::project::Project;
use crate::render::{self, Renderer};
use crate::session::SessionEntry;
use crate::spec::formats::{EMAIL_PATTERN, URL_PATTERN};
use crate::spec::{ident, Access, Field, FieldType, ResourceSpec, Role, TENANT};

/// Fixed ids in the generated pgTAP tests, so a failing test names the same rows every run.
const TEST_OWNER: &str = "11111111-1111-4111-8111-111111111111";
const TEST_OTHER: &str = "22222222-2222-4222-8222-222222222222";
const TEST_ROW: &str = "33333333-3333-4333-8333-333333333333";
const TEST_PARENT: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const TEST_OTHER_PARENT: &str = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const TEST_ADMIN: &str = "66666666-6666-4666-8666-666666666666";
const TEST_MEMBER: &str = "77777777-7777-4777-8777-777777777777";
const TEST_NEWCOMER: &str = "88888888-8888-4888-8888-888888888888";
const TEST_WORKSPACE: &str = "99999999-9999-4999-8999-999999999999";
const TEST_OTHER_WORKSPACE: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";

/// Plans every file of one resource.
pub fn plan(
    spec: &ResourceSpec,
    project: &Project,
    renderer: &Renderer,
    migration: &Migration,
) -> Result<Plan, Error> {
    let context = Context::new(spec, project, migration)?;
    let mut plan = Plan {
        warnings: missing_tables(spec, project)?,
        ..Plan::default()
    };
    for (template, path) in [
        (
            "resource/supabase/migrations/create_table.sql",
            &context.paths.migration,
        ),
        (
            "resource/supabase/rollbacks/create_table.down.sql",
            &context.paths.rollback,
        ),
        (test_template(&context), &context.paths.test),
        (
            "resource/lib/validations/resource.ts",
            &context.paths.validation,
        ),
        ("resource/app/actions/resources.ts", &context.paths.actions),
    ] {
        plan.generated(path.clone(), renderer.render(template, &context)?);
    }
    if spec.tenant {
        for (template, path) in [
            (
                "tenant/lib/validations/member.ts",
                &context.m.validation_file,
            ),
            ("tenant/app/actions/members.ts", &context.m.actions_file),
        ] {
            plan.generated(path.clone(), renderer.render(template, &context)?);
        }
    }
    super::shared_files(&mut plan, project, renderer)?;
    plan.record(SessionEntry::render(
        renderer,
        format!("resource:{}", spec.table()),
        "session/resource.md",
        minijinja::context! {
            actions_import => project.layout.import_path(&context.paths.actions),
            types_file => &project.layout.types_file,
            ..minijinja::Value::from(minijinja::value::Serde(&context))
        },
    )?);
    Ok(plan)
}

/// Tables the migration refers to that no migration of the project creates (by the name
/// scaffold gives one), each as a warning that says what to run: applying would fail.
fn missing_tables(spec: &ResourceSpec, project: &Project) -> Result<Vec<String>, Error> {
    let migrations = project.list(&project.layout.migrations_dir)?;
    let created = |table: &str| {
        let suffix = format!("_create_{table}.sql");
        migrations.iter().any(|file| file.ends_with(&suffix))
    };
    let mut warnings = Vec::new();
    if spec.access == Access::Workspace {
        let tenant = Names::derive(TENANT, None);
        if !created(&tenant.plural) {
            warnings.push(format!(
                "`--access workspace` refers to public.{} and no migration in {} creates it: generate the tenant root first, e.g. `scaffold resource {TENANT} name:text --tenant`",
                tenant.plural, project.layout.migrations_dir
            ));
        }
    }
    for field in &spec.fields {
        if let FieldType::Ref { table } = &field.ty {
            if table != spec.table() && !created(table) {
                warnings.push(format!(
                    "`{field}` refers to public.{table} and no migration in {} creates it: generate it first (scaffold resource {table} ...), or ignore this if your own migration creates it",
                    project.layout.migrations_dir
                ));
            }
        }
    }
    Ok(warnings)
}

fn test_template(context: &Context) -> &'static str {
    match context.mode {
        "tenant" => "resource/supabase/tests/database/table.tenant.test.sql",
        "workspace" => "resource/supabase/tests/database/table.workspace.test.sql",
        _ => "resource/supabase/tests/database/table.test.sql",
    }
}

#[derive(Serialize)]
struct Context {
    command: String,
    summary: &'static str,
    table: String,
    table_sql: String,
    singular: String,
    owner_column: &'static str,
    public_read: bool,
    /// `owner`, `public_read`, `workspace` (rows belong to a workspace) or `tenant` (the workspace itself).
    mode: &'static str,
    tenancy: Tenancy,
    route: String,
    paths: Paths,
    enums: Vec<EnumType>,
    columns: Vec<Column>,
    checks: Vec<Check>,
    indexes: Vec<Index>,
    trigger: Trigger,
    policies: Vec<Policy>,
    grants: Vec<Grant>,
    t: PgTap,
    imports: Imports,
    patterns: Vec<Pattern>,
    /// Whether the schema needs `JSON_VALUE`, any JSON but null (a not-null jsonb field).
    json_value: bool,
    enum_lists: Vec<EnumList>,
    schemas: Schemas,
    types: Types,
    form_fields: String,
    zod_fields: Vec<ZodField>,
    actions: Actions,
    read_doc: ReadDoc,
    selected: Selected,
    create_doc: String,
    update_doc: String,
    delete_doc: String,
    /// Names of the membership schemas and actions of a tenant root.
    m: Members,
}

#[derive(Serialize)]
struct Members {
    row: String,
    roles: String,
    id_key: String,
    schema: String,
    add_schema: String,
    change_schema: String,
    input: String,
    add_input: String,
    change_input: String,
    list: String,
    add: String,
    change: String,
    remove: String,
    leave: String,
    validation_file: String,
    actions_file: String,
    validation_import: String,
}

impl Members {
    fn new(names: &Names, project: &Project) -> Members {
        let (pascal, camel) = (&names.pascal, &names.camel);
        let layout = &project.layout;
        let validation_file = format!("{}/{}-member.ts", layout.validations_dir, names.kebab);
        Members {
            row: format!("{pascal}Member"),
            roles: format!("{camel}Roles"),
            id_key: format!("{camel}Id"),
            schema: format!("{camel}MemberSchema"),
            add_schema: format!("add{pascal}MemberSchema"),
            change_schema: format!("change{pascal}MemberRoleSchema"),
            input: format!("{pascal}MemberInput"),
            add_input: format!("Add{pascal}MemberInput"),
            change_input: format!("Change{pascal}MemberRoleInput"),
            list: format!("list{pascal}Members"),
            add: format!("add{pascal}Member"),
            change: format!("change{pascal}MemberRole"),
            remove: format!("remove{pascal}Member"),
            leave: format!("leave{pascal}"),
            validation_import: layout.import_path(&validation_file),
            actions_file: format!("{}/{}-members.ts", layout.actions_dir, names.kebab),
            validation_file,
        }
    }
}

/// The names of the tenant root and everything around it (members, roles, helpers).
#[derive(Serialize)]
struct Tenancy {
    singular: String,
    plural: String,
    table_sql: String,
    fk_column: String,
    members_table: String,
    members_table_sql: String,
    members_user_index: String,
    created_by_index: String,
    role_type_sql: String,
    ids_fn_sql: String,
    add_creator_fn_sql: String,
    guard_fn_sql: String,
    lookup_fn_sql: String,
    add_member_fn: String,
    add_member_fn_sql: String,
    write_role: Role,
}

impl Tenancy {
    fn new(names: &Names, write_role: Role) -> Tenancy {
        let singular = &names.singular;
        let members_table = schema_identifier(format!("{singular}_members"));
        let add_member_fn = schema_identifier(format!("add_{singular}_member"));
        let private = |name: String| format!("private.{}", ident::quote(&schema_identifier(name)));
        Tenancy {
            singular: singular.replace('_', " "),
            plural: names.plural.replace('_', " "),
            table_sql: format!("public.{}", ident::quote(&names.plural)),
            fk_column: format!("{singular}_id"),
            members_table_sql: format!("public.{}", ident::quote(&members_table)),
            members_user_index: schema_identifier(format!("{members_table}_user_id_idx")),
            created_by_index: schema_identifier(format!("{}_created_by_idx", names.plural)),
            role_type_sql: format!(
                "public.{}",
                ident::quote(&schema_identifier(format!("{singular}_role")))
            ),
            ids_fn_sql: private(format!("my_{singular}_ids")),
            add_creator_fn_sql: private(format!("add_{singular}_creator")),
            guard_fn_sql: private(format!("guard_{singular}_roles")),
            lookup_fn_sql: private(format!("{singular}_member_id_by_email")),
            add_member_fn_sql: format!("public.{}", ident::quote(&add_member_fn)),
            add_member_fn,
            members_table,
            write_role,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Paths {
    pub migration: String,
    pub rollback: String,
    pub test: String,
    pub validation: String,
    pub actions: String,
}

#[derive(Serialize)]
struct EnumType {
    type_sql: String,
    values_sql: String,
}

#[derive(Serialize)]
struct Column {
    name_sql: String,
    sql_type: String,
    not_null: bool,
    default_sql: Option<String>,
    unique: bool,
    foreign_key: Option<ForeignKey>,
}

#[derive(Serialize)]
struct ForeignKey {
    name: String,
    references_sql: String,
    on_delete: &'static str,
}

#[derive(Serialize)]
struct Check {
    name: String,
    expr: String,
}

#[derive(Serialize)]
struct Index {
    name: String,
    columns: String,
    why: String,
}

#[derive(Serialize)]
struct Trigger {
    function_sql: String,
    name: &'static str,
}

#[derive(Serialize)]
struct Policy {
    name: String,
    name_sql: String,
    command: &'static str,
    roles: &'static str,
    using: Option<String>,
    with_check: Option<String>,
}

#[derive(Serialize)]
struct Grant {
    privileges: String,
    role: &'static str,
}

#[derive(Serialize)]
struct PgTap {
    owner: &'static str,
    other: &'static str,
    row: &'static str,
    admin: &'static str,
    member: &'static str,
    newcomer: &'static str,
    workspace: &'static str,
    other_workspace: &'static str,
    columns: String,
    values: String,
    update: PgTapUpdate,
    /// Tables the resource refers to, each needing rows the owner can see.
    parents: Vec<String>,
    first_parent_row: &'static str,
    second_parent_row: &'static str,
    policy_names: String,
}

#[derive(Serialize)]
struct PgTapUpdate {
    set: String,
    matches: String,
    revert: String,
}

#[derive(Serialize)]
struct Pattern {
    name: &'static str,
    doc: &'static str,
    regex: String,
}

#[derive(Serialize)]
struct EnumList {
    name: String,
    values: Vec<String>,
}

#[derive(Serialize)]
struct Schemas {
    create: String,
    update: String,
    id: String,
    list: String,
}

#[derive(Serialize)]
struct Types {
    row: String,
    create_input: String,
    update_input: String,
    list_input: String,
}

#[derive(Serialize)]
struct ZodField {
    key: String,
    head: &'static str,
    calls: Vec<String>,
    form_kind: &'static str,
}

#[derive(Serialize)]
struct Actions {
    create: String,
    update: String,
    delete: String,
    get: String,
    list: String,
}

#[derive(Serialize)]
struct ReadDoc {
    get: String,
    list: String,
}

impl Context {
    fn new(
        spec: &ResourceSpec,
        project: &Project,
        migration: &Migration,
    ) -> Result<Context, Error> {
        let names = &spec.names;
        let table = spec.table().to_string();
        let table_sql = format!("public.{}", ident::quote(&table));
        let layout = &project.layout;
        let paths = Paths {
            migration: migration.path(layout),
            rollback: migration.rollback_path(layout),
            test: format!("{}/{table}.test.sql", layout.tests_dir),
            validation: format!("{}/{}.ts", layout.validations_dir, names.kebab),
            actions: format!("{}/{}.ts", layout.actions_dir, names.kebab_plural),
        };
        let owner_column = spec.owner_column();
        let public_read = spec.access == Access::PublicRead;
        let mode = match (spec.tenant, spec.access) {
            (true, _) => "tenant",
            (false, Access::Owner) => "owner",
            (false, Access::PublicRead) => "public_read",
            (false, Access::Workspace) => "workspace",
        };
        let tenancy = if spec.tenant {
            Tenancy::new(names, spec.write_role)
        } else {
            Tenancy::new(&Names::derive(TENANT, None), spec.write_role)
        };

        let mut enums = Vec::new();
        let mut enum_lists = Vec::new();
        let mut columns = Vec::new();
        let mut checks = Vec::new();
        let mut indexes = vec![match mode {
            "tenant" => Index {
                name: schema_identifier(format!("{table}_created_at_idx")),
                columns: "(created_at desc)".into(),
                why: "Backs the newest-first list.".into(),
            },
            "workspace" => Index {
                name: schema_identifier(format!("{table}_workspace_id_created_at_idx")),
                columns: "(workspace_id, created_at desc)".into(),
                why: format!("Backs the policies' {} check, the foreign key and the newest-first list per {}.", tenancy.singular, tenancy.singular),
            },
            _ => Index {
                name: schema_identifier(format!("{table}_{owner_column}_created_at_idx")),
                columns: format!("({owner_column}, created_at desc)"),
                why: "Backs the policies' owner check, the foreign key to auth.users and the newest-first list.".into(),
            },
        }];
        if public_read {
            indexes.push(Index {
                name: schema_identifier(format!("{table}_created_at_idx")),
                columns: "(created_at desc)".into(),
                why: "Backs the public newest-first list.".into(),
            });
        }
        let mut zod_fields = Vec::new();
        if mode == "workspace" {
            zod_fields.push(ZodField {
                key: "workspace_id".into(),
                head: "z",
                calls: vec!["uuid()".into()],
                form_kind: "formatted",
            });
        }
        let mut uses_email = false;
        let mut uses_url = false;
        let mut uses_json_value = false;

        for field in &spec.fields {
            let column = field.column();
            let column_sql = ident::quote(&column);
            let mut foreign_key = None;
            let sql_type = match &field.ty {
                FieldType::Enum { values } => {
                    let type_name = schema_identifier(format!("{}_{column}", names.singular));
                    let type_sql = format!("public.{}", ident::quote(&type_name));
                    enums.push(EnumType {
                        type_sql: type_sql.clone(),
                        values_sql: values
                            .iter()
                            .map(|v| render::sql_string(v))
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                    enum_lists.push(EnumList {
                        name: format!("{}{}Values", names.camel, heck::AsUpperCamelCase(&column)),
                        values: values.iter().map(|v| render::ts_string(v)).collect(),
                    });
                    type_sql
                }
                FieldType::Ref { table: target } => {
                    let fk = check_identifier(format!("{column}_fkey"), &field.name)?;
                    foreign_key = Some((
                        fk,
                        format!("public.{} (id)", ident::quote(target)),
                        field.effective_on_delete().sql(),
                    ));
                    indexes.push(Index {
                        name: schema_identifier(format!("{table}_{column}_idx")),
                        columns: format!("({column_sql})"),
                        why: format!("Covers the foreign key {column} → {target}."),
                    });
                    "uuid".to_string()
                }
                other => sql_type(other).to_string(),
            };
            for (kind, expr) in check_exprs(field, &column_sql) {
                checks.push(Check {
                    name: check_identifier(format!("{column}_{kind}"), &field.name)?,
                    expr,
                });
            }
            if field.index {
                indexes.push(Index {
                    name: schema_identifier(format!("{table}_{column}_idx")),
                    columns: format!("({column_sql})"),
                    why: format!("Requested with `{}:index`.", field.name),
                });
            }
            uses_email |= field.ty == FieldType::Email;
            uses_url |= field.ty == FieldType::Url;
            uses_json_value |= field.ty == FieldType::Jsonb && !field.optional;
            let enum_list = enum_lists.last().map(|e| e.name.clone());
            zod_fields.push(zod_field(field, &column, enum_list.as_deref()));
            columns.push(Column {
                name_sql: column_sql,
                sql_type,
                not_null: !field.optional,
                default_sql: field.default.as_deref().map(|d| default_sql(field, d)),
                unique: field.unique,
                foreign_key: foreign_key.map(|(name, references_sql, on_delete)| ForeignKey {
                    name,
                    references_sql,
                    on_delete,
                }),
            });
        }

        let function = schema_identifier(format!("{table}_set_updated_at"));
        let policies = with_reference_checks(
            policies(mode, owner_column, &tenancy),
            &reference_checks(spec),
        );
        let grants = grants(spec, mode, owner_column);
        let t = pgtap(spec, &policies);

        let mut patterns = Vec::new();
        if uses_email {
            patterns.push(Pattern {
                name: "EMAIL_PATTERN",
                doc: "The pattern the database's check constraint uses, so both accept the same addresses.",
                regex: js_regex(EMAIL_PATTERN),
            });
        }
        if uses_url {
            patterns.push(Pattern {
                name: "URL_PATTERN",
                doc: "The pattern the database's check constraint uses: absolute http(s) URLs on a domain.",
                regex: js_regex(URL_PATTERN),
            });
        }

        let (pascal, plural) = (&names.pascal, &names.pascal_plural);
        let tenant_word = tenancy.singular.clone();
        let mut context = Context {
            selected: Selected::default(),
            command: spec.command_line(),
            summary: match mode {
                "owner" => "each row belongs to the user who created it; only they can read or change it.",
                "public_read" => "anyone may read; only the user who created a row can change it.",
                "tenant" => "a tenant root: members read it, admins change it, owners delete it.",
                _ if spec.write_role == Role::Admin => "each row belongs to a workspace; its members read it, its admins and owners change it.",
                _ if spec.write_role == Role::Owner => "each row belongs to a workspace; its members read it, its owners change it.",
                _ => "each row belongs to a workspace; its members read and change it.",
            },
            table_sql,
            singular: names.singular.replace('_', " "),
            owner_column,
            public_read,
            mode,
            tenancy,
            route: format!("/{}", names.kebab_plural),
            paths,
            enums,
            columns,
            checks,
            indexes,
            trigger: Trigger {
                function_sql: format!("public.{}", ident::quote(&function)),
                name: "set_updated_at",
            },
            policies,
            grants,
            t,
            imports: imports(&project.layout, Some(&names.kebab)),
            patterns,
            json_value: uses_json_value,
            enum_lists,
            schemas: Schemas {
                create: format!("create{pascal}Schema"),
                update: format!("update{pascal}Schema"),
                id: format!("{}IdSchema", names.camel),
                list: format!("list{plural}Schema"),
            },
            types: Types {
                row: pascal.clone(),
                create_input: format!("Create{pascal}Input"),
                update_input: format!("Update{pascal}Input"),
                list_input: format!("List{plural}Input"),
            },
            form_fields: format!("{}FormFields", names.camel),
            zod_fields,
            actions: Actions {
                create: format!("create{pascal}"),
                update: format!("update{pascal}"),
                delete: format!("delete{pascal}"),
                get: format!("get{pascal}"),
                list: format!("list{plural}"),
            },
            create_doc: match mode {
                "tenant" => format!("Creates {} and makes the signed-in user its owner.", indefinite(&tenant_word)),
                "workspace" => format!("Creates {} in a workspace the signed-in user may write to.", indefinite(&names.singular.replace('_', " "))),
                _ => format!("Creates {} owned by the signed-in user.", indefinite(&names.singular.replace('_', " "))),
            },
            update_doc: match mode {
                "tenant" => format!("Changes {}; admins and owners can, and only the fields given.", indefinite(&tenant_word)),
                "workspace" => format!("Changes {}; only the fields given.", indefinite(&names.singular.replace('_', " "))),
                _ => format!("Changes {}; only its owner can, and only the fields given.", indefinite(&names.singular.replace('_', " "))),
            },
            delete_doc: match mode {
                "tenant" => format!("Deletes {} with everything in it; only its owners can.", indefinite(&tenant_word)),
                "workspace" => format!("Deletes {}.", indefinite(&names.singular.replace('_', " "))),
                _ => format!("Deletes {}; only its owner can.", indefinite(&names.singular.replace('_', " "))),
            },
            m: Members::new(names, project),
            read_doc: match mode {
                "tenant" => ReadDoc {
                    get: format!("Reads one of the signed-in user's {table}."),
                    list: format!("Lists the {table} the signed-in user belongs to, newest first."),
                },
                "workspace" => ReadDoc {
                    get: format!("Reads one {}, if the signed-in user belongs to its workspace.", names.singular.replace('_', " ")),
                    list: format!("Lists a workspace's {table}, newest first."),
                },
                "owner" => ReadDoc {
                    get: format!("Reads one of the signed-in user's {table}."),
                    list: format!("Lists the signed-in user's {table}, newest first."),
                },
                _ => ReadDoc {
                    get: format!(
                        "Reads one {}; anyone may, signed in or not.",
                        names.singular.replace('_', " ")
                    ),
                    list: format!("Lists {table}, newest first; anyone may, signed in or not."),
                },
            },
            table,
        };
        context.selected = Selected::new(spec, &context);
        Ok(context)
    }
}

/// The server actions to write (`--actions`), and the imports exactly those need.
#[derive(Serialize, Default)]
struct Selected {
    create: bool,
    update: bool,
    delete: bool,
    get: bool,
    list: bool,
    /// Some action changes rows, so the module imports `revalidatePath`.
    revalidate: bool,
    /// Some action parses form input, so the module imports `parseInput`.
    parse_input: bool,
    result_imports: Vec<String>,
    validation_imports: Vec<String>,
    /// The written actions' function names, in order.
    names: Vec<String>,
}

impl Selected {
    fn new(spec: &ResourceSpec, context: &Context) -> Selected {
        use crate::spec::ActionKind::{Create, Delete, Get, List, Update};
        let has = |a| spec.has(a);
        let by_id = has(Update) || has(Delete) || has(Get);
        let reads_signed_in = !context.public_read && (has(Get) || has(List));
        let writes = has(Create) || has(Update) || has(Delete);
        let (schemas, types) = (&context.schemas, &context.types);
        let keep = |items: Vec<(bool, String)>| -> Vec<String> {
            items
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, name)| name)
                .collect()
        };
        Selected {
            create: has(Create),
            update: has(Update),
            delete: has(Delete),
            get: has(Get),
            list: has(List),
            names: [
                (Create, &context.actions.create),
                (Update, &context.actions.update),
                (Delete, &context.actions.delete),
                (Get, &context.actions.get),
                (List, &context.actions.list),
            ]
            .into_iter()
            .filter(|(action, _)| has(*action))
            .map(|(_, name)| name.clone())
            .collect(),
            revalidate: writes,
            parse_input: has(Create) || has(Update),
            result_imports: keep(vec![
                (true, "type ActionResult".into()),
                (true, "fromDatabaseError".into()),
                (true, "invalid".into()),
                (by_id, "notFound".into()),
                (true, "ok".into()),
                (has(List), "type Page".into()),
                (writes || reads_signed_in, "unauthorized".into()),
            ]),
            validation_imports: keep(vec![
                (has(Create), format!("type {}", types.create_input)),
                (has(Create), schemas.create.clone()),
                (has(List), format!("type {}", types.list_input)),
                (has(List), schemas.list.clone()),
                (has(Create) || has(Update), context.form_fields.clone()),
                (by_id, schemas.id.clone()),
                (has(Update), format!("type {}", types.update_input)),
                (has(Update), schemas.update.clone()),
            ]),
        }
    }
}

fn sql_type(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Text | FieldType::Email | FieldType::Url => "text",
        FieldType::Int => "integer",
        FieldType::Bigint => "bigint",
        FieldType::Numeric => "numeric",
        FieldType::Float => "double precision",
        FieldType::Bool => "boolean",
        FieldType::Date => "date",
        FieldType::Timestamptz => "timestamptz",
        FieldType::Uuid | FieldType::Ref { .. } => "uuid",
        FieldType::Jsonb => "jsonb",
        FieldType::Enum { .. } => unreachable!("enums are typed by their own type"),
    }
}

/// The check constraints of a field, as (name suffix, expression).
fn check_exprs(field: &Field, column: &str) -> Vec<(&'static str, String)> {
    let mut checks = Vec::new();
    let pattern = match field.ty {
        FieldType::Email => Some(EMAIL_PATTERN),
        FieldType::Url => Some(URL_PATTERN),
        _ => None,
    };
    if let Some(pattern) = pattern {
        checks.push((
            "format",
            format!("{column} ~ {}", render::sql_string(pattern)),
        ));
    }
    if field.ty.is_textual() {
        if let Some(min) = &field.min {
            checks.push(("min_length", format!("char_length({column}) >= {min}")));
        }
        if let Some(max) = &field.max {
            checks.push(("max_length", format!("char_length({column}) <= {max}")));
        }
    } else {
        if let Some(min) = &field.min {
            checks.push(("min", format!("{column} >= {}", js_number(min))));
        }
        if let Some(max) = &field.max {
            checks.push(("max", format!("{column} <= {}", js_number(max))));
        }
    }
    checks
}

fn default_sql(field: &Field, value: &str) -> String {
    match (&field.ty, value) {
        (FieldType::Date, "today") => "current_date".into(),
        (FieldType::Timestamptz, "now") => "now()".into(),
        (FieldType::Uuid, "random") => "gen_random_uuid()".into(),
        (FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float, _) => {
            js_number(value)
        }
        (FieldType::Bool, _) => value.into(),
        (FieldType::Jsonb, _) => format!("{}::jsonb", render::sql_string(value)),
        _ => render::sql_string(value),
    }
}

fn zod_field(field: &Field, column: &str, enum_list: Option<&str>) -> ZodField {
    let mut head = "z";
    let mut calls: Vec<String> = match &field.ty {
        FieldType::Text => vec!["string()".into()],
        FieldType::Email => vec!["email({ pattern: EMAIL_PATTERN })".into()],
        FieldType::Url => vec!["url()".into(), "regex(URL_PATTERN)".into()],
        FieldType::Int => vec!["int32()".into()],
        FieldType::Bigint => vec!["int()".into()],
        FieldType::Numeric | FieldType::Float => vec!["number()".into()],
        FieldType::Bool => vec!["boolean()".into()],
        FieldType::Date => {
            head = "z.iso";
            vec!["date()".into()]
        }
        FieldType::Timestamptz => {
            head = "z.iso";
            vec!["datetime({ offset: true })".into()]
        }
        FieldType::Uuid | FieldType::Ref { .. } => vec!["uuid()".into()],
        // z.json() accepts null, which a not-null jsonb column rejects (PostgREST stores JSON
        // null as SQL null); JSON_VALUE is every other JSON value, in the input type too.
        FieldType::Jsonb if !field.optional => {
            head = "JSON_VALUE";
            vec![]
        }
        FieldType::Jsonb => vec!["json()".into()],
        FieldType::Enum { .. } => vec![format!("enum({})", enum_list.unwrap_or_default())],
    };
    if let Some(min) = &field.min {
        calls.push(format!("min({})", js_number(min)));
    }
    if let Some(max) = &field.max {
        calls.push(format!("max({})", js_number(max)));
    }
    if field.optional {
        calls.push("nullish()".into());
    } else if field.default.is_some() {
        calls.push("optional()".into());
    }
    ZodField {
        key: column.to_string(),
        head,
        calls,
        form_kind: match field.ty {
            FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float => "number",
            FieldType::Bool => "boolean",
            FieldType::Jsonb => "json",
            // An empty input is a value of free text, but no date, uuid, email, URL or enum
            // value: it means none.
            FieldType::Text => "text",
            _ => "formatted",
        },
    }
}

/// A decimal as JavaScript and Prettier write it: no leading zeros, no trailing fraction zeros.
fn js_number(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    let number = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    if number == "0" {
        number
    } else {
        format!("{sign}{number}")
    }
}

/// A pattern as the body of a JavaScript regex literal.
fn js_regex(pattern: &str) -> String {
    pattern.replace('/', r"\/")
}

/// For each ref, the condition that the row it points at is one the caller can read: a foreign
/// key check bypasses row level security, so without it anyone who learns an id could attach
/// rows to someone else's data (and so block or cascade their deletes). A ref to the table itself
/// is left out: PostgreSQL rejects a policy that reads its own table (infinite recursion).
fn reference_checks(spec: &ResourceSpec) -> Vec<String> {
    let table = ident::quote(spec.table());
    spec.fields
        .iter()
        .filter_map(|field| match &field.ty {
            FieldType::Ref { table: target } if target != spec.table() => {
                let column = format!("{table}.{}", ident::quote(&field.column()));
                let visible = format!(
                    "exists (select 1 from public.{} referenced where referenced.id = {column})",
                    ident::quote(target)
                );
                Some(if field.optional {
                    format!("({column} is null or {visible})")
                } else {
                    visible
                })
            }
            _ => None,
        })
        .collect()
}

/// Adds the reference checks to the `with check` of the policies that write rows.
fn with_reference_checks(mut policies: Vec<Policy>, checks: &[String]) -> Vec<Policy> {
    if checks.is_empty() {
        return policies;
    }
    for policy in &mut policies {
        if let Some(check) = &policy.with_check {
            let lines: String = checks.iter().map(|c| format!("\n  and {c}")).collect();
            policy.with_check = Some(format!("\n  {check}{lines}\n"));
        }
    }
    policies
}

fn policies(mode: &str, owner: &str, tenancy: &Tenancy) -> Vec<Policy> {
    let policy =
        |name: &str, command, roles, using: Option<&str>, with_check: Option<&str>| Policy {
            name: name.to_string(),
            name_sql: ident::quote(name),
            command,
            roles,
            using: using.map(str::to_string),
            with_check: with_check.map(str::to_string),
        };
    let member_of = |column: &str, role: Role| {
        let argument = match role {
            Role::Member => String::new(),
            other => format!("'{}'", other.token()),
        };
        format!(
            "{column} = any (array(select {}({argument})))",
            tenancy.ids_fn_sql
        )
    };
    match mode {
        "tenant" => {
            let (read, admin, owner_role) = (
                member_of("id", Role::Member),
                member_of("id", Role::Admin),
                member_of("id", Role::Owner),
            );
            let creator = "created_by = (select auth.uid())";
            vec![
                policy(
                    "members can read",
                    "select",
                    "authenticated",
                    Some(&read),
                    None,
                ),
                policy(
                    "users can create and so own",
                    "insert",
                    "authenticated",
                    None,
                    Some(creator),
                ),
                policy(
                    "admins can update",
                    "update",
                    "authenticated",
                    Some(&admin),
                    Some(&admin),
                ),
                policy(
                    "owners can delete",
                    "delete",
                    "authenticated",
                    Some(&owner_role),
                    None,
                ),
            ]
        }
        "workspace" => {
            let write_role = tenancy.write_role;
            let read = member_of("workspace_id", Role::Member);
            let write = member_of("workspace_id", write_role);
            let who = format!("{}s", write_role.token());
            vec![
                policy(
                    "members can read",
                    "select",
                    "authenticated",
                    Some(&read),
                    None,
                ),
                policy(
                    &format!("{who} can create"),
                    "insert",
                    "authenticated",
                    None,
                    Some(&write),
                ),
                policy(
                    &format!("{who} can update"),
                    "update",
                    "authenticated",
                    Some(&write),
                    Some(&write),
                ),
                policy(
                    &format!("{who} can delete"),
                    "delete",
                    "authenticated",
                    Some(&write),
                    None,
                ),
            ]
        }
        _ => {
            let is_owner = format!("{owner} = (select auth.uid())");
            let read = if mode == "public_read" {
                policy(
                    "anyone can read",
                    "select",
                    "anon, authenticated",
                    Some("true"),
                    None,
                )
            } else {
                policy(
                    "owners can read their rows",
                    "select",
                    "authenticated",
                    Some(&is_owner),
                    None,
                )
            };
            vec![
                read,
                policy(
                    "users can create rows they own",
                    "insert",
                    "authenticated",
                    None,
                    Some(&is_owner),
                ),
                policy(
                    "owners can update their rows",
                    "update",
                    "authenticated",
                    Some(&is_owner),
                    Some(&is_owner),
                ),
                policy(
                    "owners can delete their rows",
                    "delete",
                    "authenticated",
                    Some(&is_owner),
                    None,
                ),
            ]
        }
    }
}

/// What each API role may do. Signed-in users write only the columns a client should: on insert
/// the fields, the owner column and (client-chosen ids being fine) `id`; on update the fields
/// (and, for workspace rows, the workspace, which the policies check). Timestamps are the
/// database's, and ownership never changes by update.
fn grants(spec: &ResourceSpec, mode: &str, owner_column: &str) -> Vec<Grant> {
    let fields: Vec<String> = spec
        .fields
        .iter()
        .map(|f| ident::quote(&f.column()))
        .collect();
    let insert = [
        vec!["id".to_string(), owner_column.to_string()],
        fields.clone(),
    ]
    .concat();
    let mut update = fields;
    if mode == "workspace" {
        update.push(owner_column.to_string());
    }
    let mut grants = vec![Grant {
        privileges: format!(
            "select, insert ({}), update ({}), delete",
            insert.join(", "),
            update.join(", ")
        ),
        role: "authenticated",
    }];
    if spec.access == Access::PublicRead {
        grants.push(Grant {
            privileges: "select".into(),
            role: "anon",
        });
    }
    grants.push(Grant {
        privileges: "all".into(),
        role: "service_role",
    });
    grants
}

fn pgtap(spec: &ResourceSpec, policies: &[Policy]) -> PgTap {
    let samples: Vec<(String, String)> = spec.fields.iter().map(sample_values).collect();
    let columns = spec
        .fields
        .iter()
        .map(|f| ident::quote(&f.column()))
        .collect::<Vec<_>>()
        .join(", ");
    let values = samples
        .iter()
        .map(|(a, _)| a.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let first = ident::quote(&spec.fields[0].column());
    let (before, after) = &samples[0];
    PgTap {
        owner: TEST_OWNER,
        other: TEST_OTHER,
        row: TEST_ROW,
        admin: TEST_ADMIN,
        member: TEST_MEMBER,
        newcomer: TEST_NEWCOMER,
        workspace: TEST_WORKSPACE,
        other_workspace: TEST_OTHER_WORKSPACE,
        columns,
        values,
        update: PgTapUpdate {
            set: format!("{first} = {after}"),
            matches: format!("{first} = {after}"),
            revert: format!("{first} = {before}"),
        },
        parents: spec
            .fields
            .iter()
            .filter_map(|f| match &f.ty {
                FieldType::Ref { table } => Some(format!("public.{}", ident::quote(table))),
                _ => None,
            })
            .fold(Vec::new(), |mut parents, table| {
                if !parents.contains(&table) {
                    parents.push(table);
                }
                parents
            }),
        first_parent_row: TEST_PARENT,
        second_parent_row: TEST_OTHER_PARENT,
        policy_names: policies
            .iter()
            .map(|p| render::sql_string(&p.name))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Two different values the field's constraints accept, as SQL literals.
fn sample_values(field: &Field) -> (String, String) {
    let quoted = |a: &str, b: &str| (render::sql_string(a), render::sql_string(b));
    match &field.ty {
        FieldType::Text => {
            let min = field
                .min
                .as_deref()
                .and_then(|m| m.parse::<usize>().ok())
                .unwrap_or(0);
            let max = field
                .max
                .as_deref()
                .and_then(|m| m.parse::<usize>().ok())
                .unwrap_or(usize::MAX);
            let length = 6.clamp(min, max.max(min));
            quoted(&"a".repeat(length), &"b".repeat(length))
        }
        FieldType::Email | FieldType::Url => {
            let (first, second) = (bounded_sample(field, 'a'), bounded_sample(field, 'b'));
            quoted(&first, &second)
        }
        FieldType::Int | FieldType::Bigint | FieldType::Numeric | FieldType::Float => {
            let bound = |b: &Option<String>| b.as_deref().and_then(|v| v.parse::<f64>().ok());
            let (min, max) = (bound(&field.min), bound(&field.max));
            let clamp = |v: f64| v.max(min.unwrap_or(f64::MIN)).min(max.unwrap_or(f64::MAX));
            let first = clamp(1.0);
            let second = if clamp(first + 1.0) != first {
                clamp(first + 1.0)
            } else {
                clamp(first - 1.0)
            };
            (number_literal(first), number_literal(second))
        }
        FieldType::Bool => ("true".into(), "false".into()),
        FieldType::Date => quoted("2024-01-31", "2024-02-29"),
        FieldType::Timestamptz => quoted("2024-01-31T12:00:00Z", "2024-02-29T12:00:00Z"),
        FieldType::Uuid => quoted(
            "44444444-4444-4444-8444-444444444444",
            "55555555-5555-4555-8555-555555555555",
        ),
        FieldType::Ref { .. } => quoted(TEST_PARENT, TEST_OTHER_PARENT),
        FieldType::Jsonb => (r#"'{"sample": 1}'"#.into(), r#"'{"sample": 2}'"#.into()),
        FieldType::Enum { values } => {
            let first = &values[0];
            quoted(first, values.get(1).unwrap_or(first))
        }
    }
}

/// An email address or URL of a length within the field's bounds, made of `letter`s.
fn bounded_sample(field: &Field, letter: char) -> String {
    let bound = |b: &Option<String>| b.as_deref().and_then(|v| v.parse::<usize>().ok());
    let (min, max) = (
        bound(&field.min).unwrap_or(0),
        bound(&field.max).unwrap_or(usize::MAX),
    );
    let fill = |n: usize| letter.to_string().repeat(n);
    if field.ty == FieldType::Email {
        let length = 17.clamp(min, max.max(min));
        match length.checked_sub("@example.com".len()) {
            Some(local) if local > 0 => format!("{}@example.com", fill(local)),
            _ => format!("{}@b.co", fill(length.saturating_sub("@b.co".len()).max(1))),
        }
    } else {
        let length = 21.clamp(min, max.max(min));
        match length.checked_sub("https://example.com/".len()) {
            Some(path) => format!("https://example.com/{}", fill(path)),
            None => format!(
                "http://{}.bc",
                fill(length.saturating_sub("http://.bc".len()).max(1))
            ),
        }
    }
}

fn number_literal(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_url_samples_fit_their_bounds() {
        for token in [
            "m:email",
            "m:email:max=6",
            "m:email:max=9",
            "m:email:min=40",
            "m:email:min=8:max=8",
            "u:url",
            "u:url:max=11",
            "u:url:max=15",
            "u:url:min=60",
            "u:url:min=20:max=20",
        ] {
            let field = crate::spec::field::parse(token).unwrap();
            for letter in ['a', 'b'] {
                let sample = bounded_sample(&field, letter);
                let within = |b: &Option<String>, ok: fn(usize, usize) -> bool| {
                    b.as_deref()
                        .is_none_or(|b| ok(sample.len(), b.parse().unwrap()))
                };
                assert!(
                    within(&field.min, |l, b| l >= b) && within(&field.max, |l, b| l <= b),
                    "{token}: {sample}"
                );
                assert!(
                    crate::spec::formats::check_default(&field, &sample).is_ok(),
                    "{token}: {sample} must be valid"
                );
            }
        }
    }

    #[test]
    fn numbers_are_written_as_prettier_writes_them() {
        for (input, want) in [
            ("0", "0"),
            ("007", "7"),
            ("1000.50", "1000.5"),
            ("-0.0", "0"),
            ("-3.10", "-3.1"),
            ("10", "10"),
        ] {
            assert_eq!(js_number(input), want, "{input}");
        }
    }
}
