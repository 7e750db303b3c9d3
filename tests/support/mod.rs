//! Shared helpers for the integration tests. Each test file that needs them
//! declares `mod support;` (Cargo compiles every tests/*.rs file as its own
//! crate, so this folder is not a test target itself).
//!
//! `pg`: throwaway PostgreSQL clusters prepared like a Supabase project
//! (fixtures/sql/supabase-stand-in.sql), with psql, pg_dump, pg_prove, the
//! splinter-style lint of fixtures/sql/lint.sql and the Supabase CLI.
pub mod pg;
