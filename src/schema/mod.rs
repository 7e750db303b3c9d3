//! What a migration creates, as typed data: tables with their columns, constraints and indexes,
//! and the row level security policies and grants that guard them. Generators decide what goes
//! in (a policy is built once, whether for a resource, a membership table or a billing table);
//! templates lay the values out as SQL, and the rollback and the pgTAP test read the same values,
//! so a migration, its undo and its test cannot disagree about a name.

pub mod diff;
pub mod grant;
pub mod model;
pub mod policy;
pub mod risk;
pub mod table;
pub mod trigger;

pub use grant::{Grant, Privilege};
pub use policy::{ApiRole, Command, Policy};
