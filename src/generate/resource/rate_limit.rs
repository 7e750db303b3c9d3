//! A resource's rate limits (`--rate-limit`): one rule per limited action in the shared
//! limiter's rules table, keyed `<table>.<action>`, and for each write a trigger that counts
//! every row a signed-in user writes, so a limit holds however the table is reached (the
//! generated actions, or PostgREST called directly). Reads have no trigger in PostgreSQL: the
//! generated reads ask the limiter themselves.

use serde::Serialize;

use crate::render;
use crate::schema::rate_limit::{RateLimitRule, RateLimitTrigger, RateLimiter};
use crate::spec::{ActionKind, ResourceSpec};

/// What a rate-limited resource's migration, rollback and test need; `None` without limits.
#[derive(Serialize)]
pub struct RateLimiting {
    pub limiter: RateLimiter,
    pub rules: Vec<RateLimitRule>,
    /// The rules' keys, as a SQL list: `'projects.create', 'projects.update'`.
    pub actions_sql: String,
    /// Each action's key as a SQL string, when it is limited (for the tests).
    pub create: Option<String>,
    pub update: Option<String>,
    pub delete: Option<String>,
    /// The key of a limited read, if any.
    pub read: Option<String>,
    /// The keys the data layer's reads count against, when limited: `projects.get`.
    pub get_key: Option<String>,
    pub list_key: Option<String>,
}

impl RateLimiting {
    pub fn of(spec: &ResourceSpec) -> Option<RateLimiting> {
        if spec.rate_limits.is_empty() {
            return None;
        }
        let rules: Vec<RateLimitRule> = spec
            .rate_limits
            .iter()
            .map(|limit| {
                let action = action_key(spec, limit.action);
                let trigger = match limit.action {
                    ActionKind::Create => Some("insert"),
                    ActionKind::Update => Some("update"),
                    ActionKind::Delete => Some("delete"),
                    ActionKind::Get | ActionKind::List => None,
                }
                .map(|event| RateLimitTrigger {
                    name: format!("rate_limit_{}", limit.action.token()),
                    event,
                });
                RateLimitRule {
                    action_sql: render::sql_string(&action),
                    action,
                    max_hits: limit.max,
                    period_sql: render::sql_string(limit.period.interval_sql()),
                    per: limit.period.word(),
                    trigger,
                }
            })
            .collect();
        let plain_key_of = |action: ActionKind| {
            spec.rate_limits
                .get(action)
                .map(|_| action_key(spec, action))
        };
        let key_of = |action: ActionKind| {
            spec.rate_limits
                .get(action)
                .map(|_| render::sql_string(&action_key(spec, action)))
        };
        Some(RateLimiting {
            limiter: RateLimiter::new(),
            actions_sql: rules
                .iter()
                .map(|r| r.action_sql.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            create: key_of(ActionKind::Create),
            update: key_of(ActionKind::Update),
            delete: key_of(ActionKind::Delete),
            read: key_of(ActionKind::List).or_else(|| key_of(ActionKind::Get)),
            get_key: plain_key_of(ActionKind::Get),
            list_key: plain_key_of(ActionKind::List),
            rules,
        })
    }
}

/// `projects.create`: the key of one action's limit, unique in the project.
pub fn action_key(spec: &ResourceSpec, action: ActionKind) -> String {
    format!("{}.{}", spec.table(), action.token())
}
