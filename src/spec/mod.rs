//! The resource model: what the user asked for, validated, independent of how it is written out.

pub mod access;
pub mod change;
pub mod field;
pub mod file;
pub mod formats;
pub mod ident;
pub mod rate_limit;
pub mod rename;
pub mod value;

use serde::{Deserialize, Serialize};

pub use access::{Access, AccessArg, Role, TENANT};
pub use field::{Field, FieldKind, FieldType, OnDelete, Search, Unique};
pub use rate_limit::{RateLimit, RateLimits};

use crate::error::Error;
use crate::naming::Names;

/// Columns every generated table has; a field may not reuse their names.
const GENERATED_COLUMNS: &[&str] = &["id", "created_at", "updated_at"];

/// The generated `tsvector` column of a table whose free text is `searchable`.
pub const SEARCH_VECTOR: &str = "search_vector";

/// Keys every JavaScript object inherits that a snake_case column can spell: Zod reads a
/// left-out `constructor` as `Object.prototype.constructor` (a function) and rejects the input.
const INHERITED_KEYS: &[&str] = &["constructor"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    pub names: Names,
    pub fields: Vec<Field>,
    pub access: Access,
    /// The server actions to write, in [`ActionKind::ALL`] order: all of them unless
    /// `--actions` says otherwise.
    pub actions: Vec<ActionKind>,
    /// Whether every change to a row is recorded in its audit log (`--audit`).
    pub audit: bool,
    /// How often each signed-in user may call each action (`--rate-limit`).
    pub rate_limits: RateLimits,
    /// The `--plural` the user gave, kept to write the command line back.
    plural_override: Option<String>,
    name_as_typed: String,
}

impl ResourceSpec {
    /// Builds a spec from the command line's words, validating every one of them.
    pub fn new(
        name: &str,
        plural: Option<&str>,
        field_tokens: &[String],
        access: Access,
    ) -> Result<ResourceSpec, Error> {
        check_printable(name, "resource name")?;
        if let Some(plural) = plural {
            check_printable(plural, "`--plural`")?;
        }
        ident::check(name)
            .map_err(|why| Error::input(format!("`{name}` is not a valid resource name: {why}")))?;
        if let Some(plural) = plural {
            ident::check(plural).map_err(|why| {
                Error::input(format!(
                    "`--plural {plural}` is not a valid table name: {why}"
                ))
            })?;
        }
        let names = Names::derive(name, plural);
        for derived in [&names.singular, &names.plural] {
            ident::check(derived).map_err(|why| {
                Error::input(format!(
                    "`{name}` gives the name `{derived}`, which cannot be used: {why}; pass --plural to choose the table name"
                ))
            })?;
        }
        if crate::naming::TS_TYPES_IN_USE.contains(&names.pascal.as_str()) {
            return Err(Error::input(format!(
                "`{name}` gives the TypeScript type `{}`, which the generated modules already use for another type ({}); choose another name, e.g. `{}_item`",
                names.pascal,
                crate::naming::TS_TYPES_IN_USE.join(", "),
                names.singular
            )));
        }
        let clash = ActionKind::ALL
            .iter()
            .map(|kind| names.action(*kind))
            .find(|action| crate::naming::TS_FUNCTIONS_IN_USE.contains(&action.as_str()));
        if let Some(action) = clash {
            return Err(Error::input(format!(
                "`{name}` gives the function `{action}`, a name the generated modules already import; choose another name, e.g. `{}_item`",
                names.singular
            )));
        }
        let fields = field_tokens
            .iter()
            .map(|token| field::parse(token))
            .collect::<Result<Vec<_>, _>>()?;
        let spec = ResourceSpec {
            names,
            fields,
            access,
            actions: ActionKind::ALL.to_vec(),
            audit: false,
            rate_limits: RateLimits::none(),
            plural_override: plural.map(str::to_string),
            name_as_typed: name.to_string(),
        };
        spec.check_columns(field_tokens)?;
        Ok(spec)
    }

    /// The column that ties a row to whoever controls it.
    pub fn owner_column(&self) -> &'static str {
        self.access.owner_column()
    }

    fn check_columns(&self, tokens: &[String]) -> Result<(), Error> {
        let owner = self.owner_column();
        let mut seen: Vec<String> = Vec::new();
        for (field, token) in self.fields.iter().zip(tokens) {
            let unscoped = match self.access {
                Access::TenantRoot => field.unique == Some(Unique::Scoped),
                Access::Owner | Access::PublicRead | Access::Workspace { .. } => false,
            };
            let tenant_file = match self.access {
                Access::TenantRoot => field.ty == FieldType::File && !field.optional,
                Access::Owner | Access::PublicRead | Access::Workspace { .. } => false,
            };
            if tenant_file {
                return Err(Error::input(format!(
                    "invalid field `{token}`: a tenant root's files live in its own folder, which only its admins can upload to, and it has none before it exists; make it `optional` and upload once it is created"
                )));
            }
            if unscoped {
                return Err(Error::input(format!(
                    "invalid field `{token}`: `unique` is scoped to a row's owner or workspace, and a tenant root has neither; write `{}:unique=global` to make it unique across the whole table (anyone who can create one then learns whether a value is taken, and can take it first)",
                    token.split(':').take(2).collect::<Vec<_>>().join(":")
                )));
            }
            let column = field.column();
            if GENERATED_COLUMNS.contains(&column.as_str()) || column == owner {
                return Err(Error::input(format!(
                    "invalid field `{token}`: `{column}` is a column scaffold generates ({}, {owner}); choose another name",
                    GENERATED_COLUMNS.join(", ")
                )));
            }
            let words = self
                .fields
                .iter()
                .any(|f| f.search() == Some(Search::Words));
            if words && column == SEARCH_VECTOR {
                return Err(Error::input(format!(
                    "invalid field `{token}`: `{SEARCH_VECTOR}` is the column scaffold generates for the `searchable` text fields; choose another name"
                )));
            }
            if INHERITED_KEYS.contains(&column.as_str()) {
                return Err(Error::input(format!(
                    "invalid field `{token}`: every JavaScript object already has a `{column}`, so the generated Zod schema could not tell it missing; choose another name"
                )));
            }
            if seen.contains(&column) {
                return Err(Error::input(format!(
                    "invalid field `{token}`: column `{column}` is defined twice"
                )));
            }
            seen.push(column);
        }
        Ok(())
    }

    pub fn table(&self) -> &str {
        self.names.table()
    }

    /// The resource name as the user typed it (`project` or `projects`).
    pub fn name_as_typed(&self) -> &str {
        &self.name_as_typed
    }

    /// The `--plural` the user gave, if any.
    pub fn plural_override(&self) -> Option<&str> {
        self.plural_override.as_deref()
    }

    /// The command line that produces this spec, to rerun or script it.
    pub fn command_line(&self) -> String {
        let mut words = vec![
            "scaffold".to_string(),
            "resource".into(),
            self.name_as_typed.clone(),
        ];
        words.extend(self.fields.iter().map(|f| shell_word(&f.to_string())));
        words.extend(self.access.flags().into_iter().map(str::to_string));
        if let Some(plural) = &self.plural_override {
            words.push(format!("--plural {plural}"));
        }
        if self.actions != ActionKind::ALL {
            let tokens: Vec<&str> = self.actions.iter().map(|a| a.token()).collect();
            words.push(format!("--actions {}", tokens.join(",")));
        }
        if self.audit {
            words.push("--audit".into());
        }
        if !self.rate_limits.is_empty() {
            words.push(format!("--rate-limit {}", self.rate_limits));
        }
        words.join(" ")
    }

    /// Keeps only the given server actions (`--actions`); at least one, order and repeats
    /// don't matter.
    pub fn with_actions(mut self, actions: &[ActionKind]) -> Result<ResourceSpec, Error> {
        if actions.is_empty() {
            return Err(Error::input(
                "`--actions` needs at least one of create, update, delete, get, list",
            ));
        }
        self.actions = ActionKind::ALL
            .iter()
            .copied()
            .filter(|a| actions.contains(a))
            .collect();
        Ok(self)
    }

    /// Records every change to a row in the table's audit log, or not. A `sensitive` field
    /// means something only in an audit log, so without one it is refused.
    pub fn with_audit(mut self, audit: bool) -> Result<ResourceSpec, Error> {
        if let (false, Some(field)) = (audit, self.fields.iter().find(|f| f.sensitive)) {
            return Err(Error::input(format!(
                "invalid field `{field}`: `sensitive` only changes what the audit log records, and {} has none; add --audit (or `audit = true` in scaffold.toml)",
                self.table()
            )));
        }
        self.audit = audit;
        Ok(self)
    }

    /// Limits how often each user calls each action. Call after [`ResourceSpec::with_actions`]:
    /// a read limit applies through the generated read, so one for a read that is not written
    /// is refused when `explicit` (given for this resource) and dropped when it is a project
    /// default. Write limits hold in the database whatever actions are written.
    pub fn with_rate_limits(
        mut self,
        limits: &RateLimits,
        explicit: bool,
    ) -> Result<ResourceSpec, Error> {
        let missing = limits.iter().find(|l| !l.is_write() && !self.has(l.action));
        self.rate_limits = match (missing, explicit) {
            (Some(limit), true) => {
                return Err(Error::input(format!(
                    "`--rate-limit {limit}` limits the `{}` read, which `--actions` leaves out; limit only the actions written",
                    limit.action.token()
                )))
            }
            (Some(_), false) => {
                let applying: Vec<ActionKind> = ActionKind::ALL
                    .into_iter()
                    .filter(|a| a.is_write() || self.has(*a))
                    .collect();
                limits.only(&applying)
            }
            (None, _) => limits.clone(),
        };
        Ok(self)
    }

    /// The tables this resource's migration needs to exist first, besides its own: those its
    /// refs point at, and the tenant root for `--access workspace`.
    pub fn dependencies(&self) -> Vec<String> {
        let mut tables: Vec<String> = self
            .fields
            .iter()
            .filter_map(Field::ref_table)
            .filter(|table| *table != self.table())
            .map(str::to_string)
            .collect();
        match self.access {
            Access::Workspace { .. } => tables.push(Names::derive(TENANT, None).plural),
            Access::Owner | Access::PublicRead | Access::TenantRoot => {}
        }
        tables
    }

    /// Whether the server action is written.
    pub fn has(&self, action: ActionKind) -> bool {
        self.actions.contains(&action)
    }
}

/// What `scaffold resource` (or a spec file) assumes for what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    pub access: AccessArg,
    pub audit: bool,
    pub rate_limits: RateLimits,
}

impl Defaults {
    /// scaffold's own: what a command line that says nothing means, and so what a migration
    /// header or a manifest entry (which spell out everything else) is read with.
    pub fn builtin() -> Defaults {
        Defaults {
            access: AccessArg::Owner,
            audit: false,
            rate_limits: RateLimits::none(),
        }
    }
}

/// The server actions a resource can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Insert a row.
    Create,
    /// Change some fields of a row.
    Update,
    /// Delete a row.
    Delete,
    /// Read one row by id.
    Get,
    /// List rows, newest first, a page at a time.
    List,
}

impl ActionKind {
    pub const ALL: [ActionKind; 5] = [
        ActionKind::Create,
        ActionKind::Update,
        ActionKind::Delete,
        ActionKind::Get,
        ActionKind::List,
    ];

    /// Whether it changes rows (so the database itself can enforce its rate limit).
    pub fn is_write(self) -> bool {
        match self {
            ActionKind::Create | ActionKind::Update | ActionKind::Delete => true,
            ActionKind::Get | ActionKind::List => false,
        }
    }

    pub fn token(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Update => "update",
            ActionKind::Delete => "delete",
            ActionKind::Get => "get",
            ActionKind::List => "list",
        }
    }
}

/// Rejects a token from the command line, the wizard or a spec file that holds a control
/// character (Unicode Cc: newline, carriage return, tab, NUL, ...): nothing scaffold generates
/// needs one, and one copied into a generated file could end the comment or string it is in.
pub fn check_printable(token: &str, what: &str) -> Result<(), Error> {
    match token.chars().find(|c| c.is_control()) {
        None => Ok(()),
        Some(c) => Err(Error::input(format!(
            "invalid {what} `{}`: it contains the control character U+{:04X}; tokens cannot hold control characters (newline, carriage return, tab, NUL, ...)",
            token.escape_debug(),
            c as u32
        ))),
    }
}

/// Quotes a word for POSIX shells when it holds anything a shell would interpret.
fn shell_word(word: &str) -> String {
    let safe = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-:=,./@+".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn rejects_bad_resources_naming_the_token() {
        let cases: &[(&str, &[&str], &str)] = &[
            ("page", &["title:text"], "the TypeScript type `Page`"),
            ("promises", &["title:text"], "the TypeScript type `Promise`"),
            ("client", &["name:text"], "the function `createClient`"),
            ("supabase", &["name:text"], "the function `getSupabase`"),
            (
                "note",
                &["constructor:text"],
                "every JavaScript object already has a `constructor`",
            ),
            (
                "user-table; drop",
                &["title:text"],
                "`user-table; drop` is not a valid resource name",
            ),
            ("Project", &["title:text"], "`Project`"),
            ("note", &["id:uuid"], "`id` is a column scaffold generates"),
            (
                "note",
                &["created_at:timestamptz"],
                "`created_at` is a column scaffold generates",
            ),
            (
                "note",
                &["user_id:uuid"],
                "`user_id` is a column scaffold generates",
            ),
            (
                "note",
                &["title:text", "title:text:optional"],
                "column `title` is defined twice",
            ),
            (
                "task",
                &["project:ref", "project_id:uuid"],
                "column `project_id` is defined twice",
            ),
        ];
        for (name, fields, want) in cases {
            let err = ResourceSpec::new(name, None, &tokens(fields), Access::Owner)
                .expect_err(name)
                .to_string();
            assert!(
                err.contains(want),
                "{name} {fields:?}: {err:?} should mention {want:?}"
            );
        }
        let long = "a".repeat(64);
        let err = ResourceSpec::new(&long, None, &tokens(&["t:text"]), Access::Owner).unwrap_err();
        assert!(err.to_string().contains("63"), "{err}");
    }

    /// Keywords are names like any other: the checks apply to what is derived from them.
    #[test]
    fn accepts_sql_keywords_as_resource_and_field_names() {
        for (name, fields, table, pascal) in [
            ("order", &["order:int", "user:text"][..], "orders", "Order"),
            ("user", &["group:ref", "select:bool"][..], "users", "User"),
            (
                "groups",
                &["table:text", "left:date"][..],
                "groups",
                "Group",
            ),
        ] {
            let spec = ResourceSpec::new(name, None, &tokens(fields), Access::Owner)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((spec.table(), spec.names.pascal.as_str()), (table, pascal));
        }
    }

    #[test]
    fn control_characters_are_refused_in_every_token() {
        let attack = "title:text:default=draft\n;grant select on auth.users to anon;--";
        let cases: &[(&str, Option<&str>, &[&str], &str)] = &[
            (
                "note",
                None,
                &[attack],
                "invalid field `title:text:default=draft\\n;grant select on auth.users to anon;--`: it contains the control character U+000A",
            ),
            ("note", None, &["title:text:default=a\rb"], "U+000D"),
            ("note", None, &["title:text:default=a\tb"], "U+0009"),
            ("note", None, &["title:text:default=a\0b"], "U+0000"),
            ("note", None, &["title:text:default=a\u{85}b"], "U+0085"),
            ("note", None, &["title:text:max=5\n"], "U+000A"),
            ("no\nte", None, &["title:text"], "invalid resource name `no\\nte`"),
            ("note", Some("notes\n"), &["title:text"], "invalid `--plural` `notes\\n`"),
        ];
        for (name, plural, fields, want) in cases {
            let err = ResourceSpec::new(name, *plural, &tokens(fields), Access::Owner)
                .expect_err(name)
                .to_string();
            assert!(
                err.contains(want),
                "{fields:?}: {err:?} should mention {want:?}"
            );
            assert!(!err.contains('\n') && !err.contains('\r'), "{err:?}");
        }
    }

    #[test]
    fn unique_on_a_tenant_root_must_say_global() {
        let err = ResourceSpec::new(
            "workspace",
            None,
            &tokens(&["slug:text:unique:max=40"]),
            Access::TenantRoot,
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .contains("invalid field `slug:text:unique:max=40`: `unique` is scoped")
                && err.to_string().contains("write `slug:text:unique=global`"),
            "{err}"
        );
        let spec = ResourceSpec::new(
            "workspace",
            None,
            &tokens(&["slug:text:unique=global"]),
            Access::TenantRoot,
        )
        .unwrap();
        assert_eq!(spec.fields[0].unique, Some(Unique::Global));
    }

    #[test]
    fn audit_and_rate_limits_combine_with_the_rest_of_the_spec() {
        let spec = |fields: &[&str], actions: &[ActionKind]| {
            ResourceSpec::new("note", None, &tokens(fields), Access::Owner)
                .unwrap()
                .with_actions(actions)
                .unwrap()
        };
        let err = spec(&["title:text", "secret:text:sensitive"], &ActionKind::ALL)
            .with_audit(false)
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().starts_with(
                "invalid field `secret:text:sensitive`: `sensitive` only changes what the audit log records, and notes has none; add --audit"
            ),
            "{err}"
        );
        assert!(spec(&["secret:text:sensitive"], &ActionKind::ALL)
            .with_audit(true)
            .is_ok());

        let limits = RateLimits::parse("create=10/min,list=100/min", "--rate-limit").unwrap();
        let writes_only = [ActionKind::Create, ActionKind::Get];
        let err = spec(&["title:text"], &writes_only)
            .with_rate_limits(&limits, true)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--rate-limit list=100/min` limits the `list` read, which `--actions` leaves out; limit only the actions written"
        );
        // A project default for a read the resource does not have is left out; writes stay
        // limited whatever actions are written (the database enforces them).
        let defaulted = spec(&["title:text"], &[ActionKind::Get])
            .with_rate_limits(&limits, false)
            .unwrap();
        assert_eq!(defaulted.rate_limits.to_string(), "create=10/min");
        assert_eq!(
            defaulted.with_audit(true).unwrap().command_line(),
            "scaffold resource note title:text --actions get --audit --rate-limit create=10/min"
        );
    }

    #[test]
    fn a_tenant_roots_files_are_optional() {
        let tokens = tokens(&["logo:file:max=1mb:accept=image/png"]);
        let err = ResourceSpec::new("workspace", None, &tokens, Access::TenantRoot).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains(
                "invalid field `logo:file:max=1mb:accept=image/png`: a tenant root's files live in its own folder"
            ),
            "{err}"
        );
        let optional = self::tokens(&["logo:file:optional:max=1mb:accept=image/png"]);
        assert!(ResourceSpec::new("workspace", None, &optional, Access::TenantRoot).is_ok());
        assert!(ResourceSpec::new("note", None, &tokens, Access::Owner).is_ok());
    }

    #[test]
    fn writes_its_command_line_back() {
        let spec = ResourceSpec::new(
            "projects",
            Some("projectz"),
            &tokens(&["name:text:max=80", "meta:jsonb:default={\"a\": 1}"]),
            Access::PublicRead,
        )
        .unwrap();
        assert_eq!(
            spec.command_line(),
            r#"scaffold resource projects name:text:max=80 'meta:jsonb:default={"a": 1}' --access public-read --plural projectz"#
        );
    }
}
