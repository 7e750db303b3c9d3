//! Row level security policies, and the expressions they are built from.

use serde::{Serialize, Serializer};

use crate::spec::{ident, Role};

/// The statement kinds a policy covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    Select,
    Insert,
    Update,
    Delete,
    All,
}

impl Command {
    /// `select`, `insert`, ...: as `create policy ... for` writes it.
    pub fn keyword(self) -> &'static str {
        match self {
            Command::Select => "select",
            Command::Insert => "insert",
            Command::Update => "update",
            Command::Delete => "delete",
            Command::All => "all",
        }
    }

    /// Whether the policy checks rows being read or changed (`using`).
    pub fn filters_existing_rows(self) -> bool {
        match self {
            Command::Select | Command::Update | Command::Delete | Command::All => true,
            Command::Insert => false,
        }
    }

    /// Whether the policy checks rows being written (`with check`).
    pub fn checks_new_rows(self) -> bool {
        match self {
            Command::Insert | Command::Update | Command::All => true,
            Command::Select | Command::Delete => false,
        }
    }
}

/// The roles PostgREST runs requests as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiRole {
    Anon,
    Authenticated,
    ServiceRole,
}

impl ApiRole {
    pub fn sql(self) -> &'static str {
        match self {
            ApiRole::Anon => "anon",
            ApiRole::Authenticated => "authenticated",
            ApiRole::ServiceRole => "service_role",
        }
    }

    /// `anon, authenticated`: a role list as SQL writes it.
    pub fn list(roles: &[ApiRole]) -> String {
        roles.iter().map(|r| r.sql()).collect::<Vec<_>>().join(", ")
    }
}

/// One policy on one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub command: Command,
    pub roles: Vec<ApiRole>,
    /// `as restrictive`: every restrictive policy must pass as well as one permissive one.
    pub restrictive: bool,
    pub using: Option<String>,
    pub with_check: Option<String>,
    /// Why the policy is there, written above it when the reason is not obvious from its name
    /// (lines of at most 100 characters).
    pub comment: Option<&'static str>,
}

impl Policy {
    /// A permissive policy; `using` and `with_check` must be given exactly where `command`
    /// takes them.
    pub fn new(
        name: impl Into<String>,
        command: Command,
        roles: &[ApiRole],
        using: Option<String>,
        with_check: Option<String>,
    ) -> Policy {
        let name = name.into();
        debug_assert_eq!(
            using.is_some(),
            command.filters_existing_rows(),
            "policy {name:?}: `using` for {command:?}"
        );
        debug_assert_eq!(
            with_check.is_some(),
            command.checks_new_rows(),
            "policy {name:?}: `with check` for {command:?}"
        );
        Policy {
            name,
            command,
            roles: roles.to_vec(),
            restrictive: false,
            using,
            with_check,
            comment: None,
        }
    }

    pub fn restrictive(mut self) -> Policy {
        self.restrictive = true;
        self
    }

    pub fn commented(mut self, why: &'static str) -> Policy {
        self.comment = Some(why);
        self
    }

    /// The policy's name as a SQL identifier (always quoted: names are sentences).
    pub fn name_sql(&self) -> String {
        ident::quote(&self.name)
    }

    /// Renames the policy and lets it through rows satisfying any of `conditions` as well.
    pub fn or_using(mut self, name: String, conditions: &[String]) -> Policy {
        if let (Some(using), false) = (&self.using, conditions.is_empty()) {
            let lines: String = conditions.iter().map(|c| format!("\n  or {c}")).collect();
            self.using = Some(format!("\n  {using}{lines}\n"));
        }
        self.name = name;
        self
    }

    /// Adds conditions to what rows written through this policy must satisfy.
    pub fn and_check(mut self, conditions: &[String]) -> Policy {
        if let (Some(check), false) = (&self.with_check, conditions.is_empty()) {
            let lines: String = conditions.iter().map(|c| format!("\n  and {c}")).collect();
            self.with_check = Some(format!("\n  {check}{lines}\n"));
        }
        self
    }
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            name: &'a str,
            name_sql: String,
            command: Command,
            roles: String,
            restrictive: bool,
            using: &'a Option<String>,
            with_check: &'a Option<String>,
            /// The comment's lines, each written after `-- `.
            comment: Vec<&'static str>,
        }
        View {
            name: &self.name,
            name_sql: self.name_sql(),
            command: self.command,
            roles: ApiRole::list(&self.roles),
            restrictive: self.restrictive,
            using: &self.using,
            with_check: &self.with_check,
            comment: self.comment.map_or_else(Vec::new, |c| c.lines().collect()),
        }
        .serialize(serializer)
    }
}

/// `column = (select auth.uid())`: the row belongs to the caller. The select makes PostgreSQL
/// evaluate `auth.uid()` once per query (an initplan) instead of once per row.
pub fn owned_by_caller(column: &str) -> String {
    format!("{column} = (select auth.uid())")
}

/// `column = any (array(select ids_fn(...)))`: the row's tenant is one where the caller's role is
/// at least `role`. The array is computed once per query.
pub fn member_of(column: &str, ids_fn_sql: &str, role: Role) -> String {
    let argument = match role {
        Role::Member => String::new(),
        Role::Admin | Role::Owner => format!("'{}'", role.token()),
    };
    format!("{column} = any (array(select {ids_fn_sql}({argument})))")
}

/// A SQL array of the policies' names, as pgTAP's `policies_are` takes it.
pub fn names_sql(policies: &[Policy]) -> String {
    policies
        .iter()
        .map(|p| crate::render::sql_string(&p.name))
        .collect::<Vec<_>>()
        .join(", ")
}
