//! Invitations: how someone joins a tenant root. An admin or owner invites an email address with a
//! role no higher than their own; the invitee accepts with the token from the email while signed
//! in with that (confirmed) address. This module names the table, its status type, indexes and
//! functions, decides what the email shows of the tenant (its display column), and builds the
//! table's policy and grants.

use serde::Serialize;

use super::tenancy::{Tenancy, PRIVATE_SCHEMA};
use crate::generate::{app_dir, data_dir, schema_identifier};
use crate::naming::indefinite;
use crate::project::Layout;
use crate::render;
use crate::schema::policy::member_of;
use crate::schema::{ApiRole, Command, Grant, Policy, Privilege};
use crate::spec::field::FieldType;
use crate::spec::formats::EMAIL_PATTERN;
use crate::spec::{ident, Access, ResourceSpec, Role};

/// How long an invitation stays valid, as a PostgreSQL interval. The migration keeps it in one
/// function that inviting and re-sending both read; a project changes it by replacing that
/// function in a migration of its own.
pub const DEFAULT_TTL: &str = "7 days";

/// The longest email address an invitation takes (the SMTP path limit of RFC 5321).
pub const EMAIL_MAX_LENGTH: u32 = 254;

/// The longest send result recorded on an invitation: a Resend id is a UUID, an error a sentence.
pub const EMAIL_RESULT_MAX_LENGTH: u32 = 1000;

/// The columns a signed-in admin may read besides the tenant's: everything but the token's hash.
pub const READABLE_COLUMNS: &[&str] = &[
    "id",
    "role",
    "email",
    "status",
    "invited_by",
    "expires_at",
    "email_id",
    "email_error",
    "accepted_by",
    "accepted_at",
    "created_at",
    "updated_at",
];

/// One operation on invitations: a `security definer` function in [`PRIVATE_SCHEMA`] that checks
/// who may do it, and the `security invoker` function of the same name in `public` that the API
/// exposes and that only calls it.
#[derive(Serialize)]
pub struct Function {
    /// The name, as `supabase.rpc(...)` takes it.
    pub name: String,
    pub public_sql: String,
    pub private_sql: String,
}

impl Function {
    fn new(name: String) -> Function {
        let name = schema_identifier(name);
        Function {
            public_sql: format!("public.{}", ident::quote(&name)),
            private_sql: format!("{PRIVATE_SCHEMA}.{}", ident::quote(&name)),
            name,
        }
    }
}

#[derive(Serialize)]
pub struct EmailCheck {
    pub name: &'static str,
    pub expr: String,
}

#[derive(Serialize)]
pub struct Invitations {
    /// `workspace_invitations`
    pub table: String,
    pub table_sql: String,
    pub pkey: String,
    pub token_hash_key: String,
    pub tenant_index: String,
    pub pending_email_key: String,
    pub email_index: String,
    pub invited_by_index: String,
    pub accepted_by_index: String,
    pub status_type_sql: String,
    pub ttl_fn_sql: String,
    /// The default lifetime, as a SQL string literal (`'7 days'`).
    pub ttl_sql: String,
    /// The address's checks: the format resource fields and Zod share, in lower case, not too long.
    pub email_checks: Vec<EmailCheck>,
    pub email_max_length: u32,
    pub result_max_length: u32,
    /// The name of the output column that carries the tenant's display name (`workspace_name`).
    pub name_output: String,
    /// What fills it: the tenant root's display column (`w.name`), or `null::text` when it has no
    /// text field.
    pub name_sql: String,
    pub invite: Function,
    pub resend: Function,
    pub revoke: Function,
    pub record_email: Function,
    pub accept: Function,
    pub decline: Function,
    pub list_mine: Function,
    pub policies: Vec<Policy>,
    /// The pgTAP `policies_are` list.
    pub policy_names: String,
    pub grants: Vec<Grant>,
    pub ts: Ts,
}

/// The TypeScript around the functions: files, schemas, actions, reads and the page of the link.
#[derive(Serialize)]
pub struct Ts {
    pub validation_file: String,
    pub validation_import: String,
    pub actions_file: String,
    pub actions_import: String,
    pub data_file: String,
    pub data_import: String,
    /// The page the email's link opens, and its form.
    pub page_file: String,
    pub form_file: String,
    /// `/workspaces/invitations`: the link is `<SITE_URL><route>/<token>`.
    pub route: String,
    /// What the email calls the tenant when it has no name: `a workspace`.
    pub unnamed: String,
    pub invite_schema: String,
    pub invite_input: String,
    pub invite_fields: String,
    pub id_schema: String,
    pub token_schema: String,
    /// What inviting and re-sending answer.
    pub sent: String,
    /// What accepting answers.
    pub accepted: String,
    /// A row of the admins' list, and of the invitee's.
    pub row: String,
    pub mine_row: String,
    pub invite: String,
    pub resend: String,
    pub revoke: String,
    pub accept: String,
    pub decline: String,
    pub list: String,
    pub list_query: String,
    pub list_mine: String,
    pub list_mine_query: String,
    pub form: String,
    /// The columns the admins' list reads: every readable one.
    pub columns: String,
    /// The database's email pattern, as the body of a JavaScript regex literal.
    pub email_regex: String,
    pub email_max_length: u32,
}

impl Ts {
    fn new(spec: &ResourceSpec, tenancy: &Tenancy, layout: &Layout) -> Ts {
        let names = &spec.names;
        let (pascal, camel, kebab) = (&names.pascal, &names.camel, &names.kebab);
        let validation_file = format!("{}/{kebab}-invitation.ts", layout.validations_dir);
        let actions_file = format!("{}/{kebab}-invitations.ts", layout.actions_dir);
        let data_file = format!("{}/{kebab}-invitations.ts", data_dir(layout));
        let page_dir = format!(
            "{}/{}/invitations/[token]",
            app_dir(layout),
            names.kebab_plural
        );
        let mut columns = vec!["id".to_string(), tenancy.fk_column.clone()];
        columns.extend(
            READABLE_COLUMNS
                .iter()
                .filter(|c| **c != "id")
                .map(|c| c.to_string()),
        );
        Ts {
            validation_import: layout.import_path(&validation_file),
            actions_import: layout.import_path(&actions_file),
            data_import: layout.import_path(&data_file),
            page_file: format!("{page_dir}/page.tsx"),
            form_file: format!("{page_dir}/accept-form.tsx"),
            route: format!("/{}/invitations", names.kebab_plural),
            unnamed: indefinite(&tenancy.singular),
            invite_schema: format!("invite{pascal}MemberSchema"),
            invite_input: format!("Invite{pascal}MemberInput"),
            invite_fields: format!("invite{pascal}MemberFormFields"),
            id_schema: format!("{camel}InvitationIdSchema"),
            token_schema: format!("{camel}InvitationTokenSchema"),
            sent: format!("{pascal}InvitationSent"),
            accepted: format!("{pascal}InvitationAccepted"),
            row: format!("{pascal}Invitation"),
            mine_row: format!("My{pascal}Invitation"),
            invite: format!("invite{pascal}Member"),
            resend: format!("resend{pascal}Invitation"),
            revoke: format!("revoke{pascal}Invitation"),
            accept: format!("accept{pascal}Invitation"),
            decline: format!("decline{pascal}Invitation"),
            list: format!("list{pascal}Invitations"),
            list_query: format!("read{pascal}Invitations"),
            list_mine: format!("listMy{pascal}Invitations"),
            list_mine_query: format!("readMy{pascal}Invitations"),
            form: format!("Accept{pascal}InvitationForm"),
            columns: columns.join(", "),
            email_regex: super::zod::js_regex(EMAIL_PATTERN),
            email_max_length: EMAIL_MAX_LENGTH,
            validation_file,
            actions_file,
            data_file,
        }
    }
}

impl Invitations {
    /// The invitations of a tenant root; `None` for every other resource.
    pub fn of(spec: &ResourceSpec, tenancy: &Tenancy, layout: &Layout) -> Option<Invitations> {
        match spec.access {
            Access::TenantRoot => Some(Invitations::new(spec, tenancy, layout)),
            Access::Owner | Access::PublicRead | Access::Workspace { .. } => None,
        }
    }

    fn new(spec: &ResourceSpec, tenancy: &Tenancy, layout: &Layout) -> Invitations {
        let singular = &spec.names.singular;
        let table = schema_identifier(format!("{singular}_invitations"));
        let name = |suffix: &str| schema_identifier(format!("{table}_{suffix}"));
        let policies = policies(tenancy);
        Invitations {
            table_sql: format!("public.{}", ident::quote(&table)),
            pkey: name("pkey"),
            token_hash_key: name("token_hash_key"),
            tenant_index: name(&format!("{}_created_at_idx", tenancy.fk_column)),
            pending_email_key: name("pending_email_key"),
            email_index: name("pending_email_idx"),
            invited_by_index: name("invited_by_idx"),
            accepted_by_index: name("accepted_by_idx"),
            status_type_sql: format!(
                "public.{}",
                ident::quote(&schema_identifier(format!("{singular}_invitation_status")))
            ),
            ttl_fn_sql: format!(
                "{PRIVATE_SCHEMA}.{}",
                ident::quote(&schema_identifier(format!("{singular}_invitation_ttl")))
            ),
            ttl_sql: render::sql_string(DEFAULT_TTL),
            email_checks: vec![
                EmailCheck {
                    name: "email_format",
                    expr: format!("email ~ {}", render::sql_string(EMAIL_PATTERN)),
                },
                EmailCheck {
                    name: "email_lower_case",
                    expr: "email = lower(email)".into(),
                },
                EmailCheck {
                    name: "email_max_length",
                    expr: format!("char_length(email) <= {EMAIL_MAX_LENGTH}"),
                },
            ],
            email_max_length: EMAIL_MAX_LENGTH,
            result_max_length: EMAIL_RESULT_MAX_LENGTH,
            name_output: format!("{singular}_name"),
            name_sql: display_sql(spec),
            invite: Function::new(format!("invite_{singular}_member")),
            resend: Function::new(format!("resend_{singular}_invitation")),
            revoke: Function::new(format!("revoke_{singular}_invitation")),
            record_email: Function::new(format!("record_{singular}_invitation_email")),
            accept: Function::new(format!("accept_{singular}_invitation")),
            decline: Function::new(format!("decline_{singular}_invitation")),
            list_mine: Function::new(format!("my_{singular}_invitations")),
            policy_names: crate::schema::policy::names_sql(&policies),
            policies,
            grants: grants(tenancy),
            ts: Ts::new(spec, tenancy, layout),
            table,
        }
    }
}

/// What the invitation functions select as the tenant's name: its display column of the tenant
/// row `w`, or `null::text`.
pub fn display_sql(spec: &ResourceSpec) -> String {
    display_column(spec).map_or_else(
        || "null::text".into(),
        |c| format!("w.{}", ident::quote(&c)),
    )
}

/// The column an invitation shows the tenant by: a text field named `name`, else the first text
/// field. Whoever can change the tenant chooses it, so it is shown as text, never as markup.
fn display_column(spec: &ResourceSpec) -> Option<String> {
    let text = || spec.fields.iter().filter(|f| f.ty == FieldType::Text);
    text()
        .find(|f| f.column() == "name")
        .or_else(|| text().next())
        .map(|f| f.column())
}

/// Admins and owners read their tenant's invitations (every status, for history). Nobody writes
/// them through the table: inviting, re-sending, revoking, accepting and declining are functions
/// that check who may do what.
fn policies(tenancy: &Tenancy) -> Vec<Policy> {
    vec![Policy::new(
        "admins can read invitations",
        Command::Select,
        &[ApiRole::Authenticated],
        Some(member_of(
            &tenancy.fk_column,
            &tenancy.ids_fn_sql,
            Role::Admin,
        )),
        None,
    )]
}

/// Select on every column but the token's hash; no writes.
fn grants(tenancy: &Tenancy) -> Vec<Grant> {
    let mut columns = vec![tenancy.fk_column.clone()];
    columns.extend(READABLE_COLUMNS.iter().map(|c| c.to_string()));
    vec![
        Grant::new(
            vec![Privilege::SelectColumns(columns)],
            &[ApiRole::Authenticated],
        ),
        Grant::service_role(),
    ]
}
