//! The rate limiter, as data: the objects every rate-limited table shares (a rules table, an
//! unlogged table of buckets and the functions that count calls), all in the private schema
//! but for the two API names of the checks, and each table's rules and the triggers that
//! enforce its write limits.
//!
//! The shared objects are created by the first migration that needs them (`if not exists`,
//! `create or replace`: every such migration writes the same definitions) and dropped by the
//! rollback that deletes the last rule.

use serde::Serialize;

use super::PRIVATE_SCHEMA;

/// The names of the shared limiter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimiter {
    /// `action → (max_hits, period)`: the limits, one row per limited action.
    pub rules_sql: String,
    /// `(action, subject) → tat`: one row per caller with calls still counting.
    pub buckets_sql: String,
    pub buckets_sweep_index: &'static str,
    /// The trigger function enforcing write limits.
    pub enforce_fn_sql: String,
    /// For the signed-in caller (`auth.uid()`): security definer, in the private schema.
    pub check_fn_sql: String,
    /// For a client address, asked for by the service role only.
    pub check_ip_fn_sql: String,
    /// The API's names of those two (security invoker, in `public`).
    pub check_fn: &'static str,
    pub check_fn_public_sql: String,
    pub check_ip_fn: &'static str,
    pub check_ip_fn_public_sql: String,
    /// The SQLSTATE PostgREST reads to answer with the status and headers the error gives.
    pub error_sqlstate: &'static str,
    /// The `code` a client sees in the error body (supabase-js: `error.code`).
    pub error_code: &'static str,
    /// The signed-in caller's id: [`super::CALLER_ID_SQL`].
    pub caller_sql: &'static str,
}

impl RateLimiter {
    pub fn new() -> RateLimiter {
        let private = |name: &str| format!("{PRIVATE_SCHEMA}.{name}");
        RateLimiter {
            rules_sql: private("rate_limit_rules"),
            buckets_sql: private("rate_limit_buckets"),
            buckets_sweep_index: "rate_limit_buckets_sweep_at_idx",
            enforce_fn_sql: private("enforce_rate_limit"),
            check_fn_sql: private(CHECK_FN),
            check_ip_fn_sql: private(CHECK_IP_FN),
            check_fn: CHECK_FN,
            check_fn_public_sql: format!("public.{CHECK_FN}"),
            check_ip_fn: CHECK_IP_FN,
            check_ip_fn_public_sql: format!("public.{CHECK_IP_FN}"),
            error_sqlstate: "PGRST",
            error_code: ERROR_CODE,
            caller_sql: super::CALLER_ID_SQL,
        }
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new()
    }
}

const CHECK_FN: &str = "check_rate_limit";
const CHECK_IP_FN: &str = "check_ip_rate_limit";

/// The `code` of the error a limited write (or the generated TypeScript) reports.
pub const ERROR_CODE: &str = "PT429";

/// One limited action of one table.
///
/// What an alter migration does ([`super::model::Object::RateLimit`], [`super::diff`]), by what
/// changed: a limit added inserts its rule (and, for a write, creates its trigger); a limit
/// removed drops the trigger and deletes the rule, then the shared limiter goes if no rule is
/// left ([`super::model::Object::RateLimiter`]); a limit changed updates the rule's `max_hits`
/// and `period` in place (buckets keep counting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimitRule {
    /// `projects.create`: the rule's key, and the first part of every bucket's.
    pub action: String,
    /// The same, as a SQL string.
    pub action_sql: String,
    pub max_hits: u32,
    /// `'1 minute'`
    pub period_sql: String,
    /// In prose: `minute`.
    pub per: &'static str,
    /// For a write: the `before ... for each row` trigger that enforces it.
    pub trigger: Option<RateLimitTrigger>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimitTrigger {
    /// `rate_limit_create`
    pub name: String,
    /// `insert`, `update`, `delete`
    pub event: &'static str,
}
