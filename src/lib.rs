//! scaffold: generates the backend of a Next.js + Supabase app the way a senior engineer writes it.
//!
//! Data flows one way: command line → [`spec`] → [`plan`] (rendered by [`generate`] through
//! [`render`]) → written all at once by [`plan::Resolved::apply`] through [`disk`].

// Every decision on an enum (access mode, field type, ...) is an exhaustive match: a new variant
// must not compile (clippy, run by scripts/test) until each place that decides on it handles it.
#![deny(clippy::wildcard_enum_match_arm)]

pub mod app;
pub mod cli;
pub mod disk;
pub mod error;
pub mod generate;
pub mod interrupt;
pub mod jsonc;
pub mod manifest;
pub mod naming;
pub mod plan;
pub mod project;
pub mod prompt;
pub mod render;
pub mod schema;
pub mod session;
pub mod spec;
pub mod spec_file;
pub mod ts_layout;
