//! What a migration creates, as typed data: tables with their columns, constraints and indexes,
//! the row level security policies and grants that guard them, and Storage buckets. Generators
//! decide what goes in (a policy is built once, whether for a resource, a membership table, a
//! billing table or a resource's files); templates lay the values out as SQL, and the rollback
//! and the pgTAP test read the same values, so a migration, its undo and its test cannot disagree
//! about a name.

pub mod audit;
pub mod diff;
pub mod grant;
pub mod model;
pub mod policy;
pub mod rate_limit;
pub mod risk;
pub mod storage;
pub mod table;
pub mod trigger;

pub use grant::{Grant, Privilege};
pub use policy::{ApiRole, Command, Policy};

/// Where the functions and tables the API must not reach live (policy helpers, audit triggers,
/// the rate limiter): a schema the API does not expose, named so that a project cannot already
/// own it by accident (a migration checks that the schema it finds is scaffold's).
pub const PRIVATE_SCHEMA: &str = "scaffold_private";

/// The comment scaffold puts on [`PRIVATE_SCHEMA`] when it creates it, and looks for before
/// using it.
pub const PRIVATE_SCHEMA_COMMENT: &str =
    "scaffold: helper functions of the generated row level security policies (not exposed by the API)";

/// [`PRIVATE_SCHEMA`] as a migration ensures it (`templates/schema/private_schema.sql`): created
/// when missing, dropped by the rollback or alter that leaves it empty.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrivateSchema {
    pub private_schema: &'static str,
    pub private_schema_comment: &'static str,
}

impl PrivateSchema {
    pub fn new() -> PrivateSchema {
        PrivateSchema {
            private_schema: PRIVATE_SCHEMA,
            private_schema_comment: PRIVATE_SCHEMA_COMMENT,
        }
    }
}

impl Default for PrivateSchema {
    fn default() -> Self {
        PrivateSchema::new()
    }
}

/// `auth.uid()`'s own expression (supabase/auth's current body), for the trigger functions that
/// run on every write (the audit log's, the rate limiter's). Since supabase/auth pins
/// `search_path` on `auth.uid()`, PostgreSQL cannot inline it: each call switches the setting
/// and back, about 40 µs, more than writing the audit entry itself. Policies keep calling
/// `(select auth.uid())`, once per query.
pub const CALLER_ID_SQL: &str = "coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid";
pub use storage::Bucket;
