//! Table privileges of the API roles: each gets exactly what its policies use, on the columns a
//! client may write.

use serde::{Serialize, Serializer};

use super::policy::ApiRole;

/// One privilege, on the whole table or on some columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privilege {
    Select,
    /// Select, on these columns only (already SQL identifiers): the others stay unreadable, and
    /// `select *` is refused.
    SelectColumns(Vec<String>),
    /// Insert, on these columns only (already SQL identifiers).
    Insert(Vec<String>),
    /// Update, on these columns only (already SQL identifiers).
    Update(Vec<String>),
    Delete,
    All,
}

impl Privilege {
    fn sql(&self) -> String {
        match self {
            Privilege::Select => "select".into(),
            Privilege::SelectColumns(columns) => format!("select ({})", columns.join(", ")),
            Privilege::Insert(columns) => format!("insert ({})", columns.join(", ")),
            Privilege::Update(columns) => format!("update ({})", columns.join(", ")),
            Privilege::Delete => "delete".into(),
            Privilege::All => "all".into(),
        }
    }
}

/// `grant <privileges> on table ... to <roles>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub privileges: Vec<Privilege>,
    pub roles: Vec<ApiRole>,
}

impl Grant {
    pub fn new(privileges: Vec<Privilege>, roles: &[ApiRole]) -> Grant {
        Grant {
            privileges,
            roles: roles.to_vec(),
        }
    }

    /// What the service role gets on every generated table: it bypasses row level security and
    /// is how trusted server code (webhooks, admin tasks) writes.
    pub fn service_role() -> Grant {
        Grant::new(vec![Privilege::All], &[ApiRole::ServiceRole])
    }

    /// `select, insert (a, b), update (b), delete`
    pub fn privileges_sql(&self) -> String {
        self.privileges
            .iter()
            .map(Privilege::sql)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Serialize for Grant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View {
            privileges: String,
            role: String,
        }
        View {
            privileges: self.privileges_sql(),
            role: ApiRole::list(&self.roles),
        }
        .serialize(serializer)
    }
}
