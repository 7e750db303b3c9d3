//! What a migration creates, as typed data: tables with their columns, constraints and indexes,
//! the row level security policies and grants that guard them, and Storage buckets. Generators
//! decide what goes in (a policy is built once, whether for a resource, a membership table, a
//! billing table or a resource's files); templates lay the values out as SQL, and the rollback
//! and the pgTAP test read the same values, so a migration, its undo and its test cannot disagree
//! about a name.

pub mod diff;
pub mod grant;
pub mod model;
pub mod policy;
pub mod risk;
pub mod storage;
pub mod table;
pub mod trigger;

pub use grant::{Grant, Privilege};
pub use policy::{ApiRole, Command, Policy};
pub use storage::Bucket;
