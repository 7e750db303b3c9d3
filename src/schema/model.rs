//! A generated table as the database holds it: a list of named objects (enum types, columns,
//! constraints, indexes, triggers, policies, the grants, and for file fields their Storage
//! buckets and the `storage.objects` policies), built from the same values the create migration
//! is rendered from. An alter migration is the difference between two models
//! ([`super::diff`]), so a new kind of object gets alter support by being a variant here: the
//! compiler then asks, in each exhaustive match, for its key, how it is created and dropped, when
//! in a migration, whether PostgreSQL follows a column rename inside it, and whether changing it
//! can lose or reject data ([`super::risk`]).

use super::audit::AuditLog;
use super::rate_limit::{RateLimitRule, RateLimiter};
use super::storage::Bucket;
use super::table::{Column, Constraint, ConstraintKind, EnumType, Extension, Index};
use super::trigger::{Trigger, TriggerAction};
use super::{Grant, Policy, PrivateSchema};

/// One table and everything it is made of, in the order the create migration declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// `public.notes`
    pub table_sql: String,
    pub objects: Vec<Object>,
    /// The extensions the table's indexes need (`pg_trgm`). Not objects of the table: they are
    /// shared by the database, created when missing and dropped only once nothing uses them.
    pub extensions: Vec<Extension>,
}

/// One named thing a migration creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    EnumType(EnumType),
    Column(Column),
    Constraint(Constraint),
    Index(Index),
    Trigger(Trigger),
    Policy(Policy),
    /// Every grant on the table, as one object: revoked and granted again together.
    Grants(Vec<Grant>),
    /// The private schema, when the table's migration needs it (audit triggers, the limiter,
    /// a tenant root's helpers): ensured first, dropped last if nothing else is in it.
    PrivateSchema(PrivateSchema),
    /// The shared rate limiter, when the table has a limit: created if missing, dropped with
    /// the last rule of the project.
    RateLimiter(RateLimiter),
    /// One limited action: its rule (changed in place) and, for a write, its trigger.
    RateLimit(RateLimitRule),
    /// The table's audit log: the log table, its policy and grants, the triggers that write it.
    AuditLog(Box<AuditLog>),
    /// A file field's bucket (a row of `storage.buckets`): its limits change in place; it is
    /// dropped only empty (its objects' bytes live outside the database).
    Bucket(Bucket),
    /// A policy on `storage.objects` guarding the resource's buckets.
    StoragePolicy(Policy),
}

/// What tells two objects of two models apart: its kind and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    EnumType(String),
    Column(String),
    Constraint(String),
    Index(String),
    Trigger(String),
    Policy(String),
    Grants,
    PrivateSchema,
    RateLimiter,
    RateLimit(String),
    AuditLog(String),
    Bucket(String),
    StoragePolicy(String),
}

impl Object {
    pub fn key(&self) -> Key {
        match self {
            Object::EnumType(e) => Key::EnumType(e.type_sql.clone()),
            Object::Column(c) => Key::Column(c.name_sql.clone()),
            Object::Constraint(k) => Key::Constraint(k.name.clone()),
            Object::Index(i) => Key::Index(i.name.clone()),
            Object::Trigger(t) => Key::Trigger(t.name.clone()),
            Object::Policy(p) => Key::Policy(p.name.clone()),
            Object::Grants(_) => Key::Grants,
            Object::PrivateSchema(_) => Key::PrivateSchema,
            Object::RateLimiter(_) => Key::RateLimiter,
            Object::RateLimit(r) => Key::RateLimit(r.action.clone()),
            Object::AuditLog(a) => Key::AuditLog(a.table_sql.clone()),
            Object::Bucket(b) => Key::Bucket(b.id.clone()),
            Object::StoragePolicy(p) => Key::StoragePolicy(p.name.clone()),
        }
    }

    /// Whether two objects of the same key define the same thing. Comments (why a constraint
    /// or index is there) are not part of the database's definition.
    pub fn same_definition(&self, other: &Object) -> bool {
        match (self, other) {
            (Object::Constraint(a), Object::Constraint(b)) => a.name == b.name && a.kind == b.kind,
            (Object::Index(a), Object::Index(b)) => {
                a.name == b.name && a.columns == b.columns && a.method == b.method
            }
            (Object::Policy(a), Object::Policy(b))
            | (Object::StoragePolicy(a), Object::StoragePolicy(b)) => {
                Policy {
                    comment: None,
                    ..a.clone()
                } == Policy {
                    comment: None,
                    ..b.clone()
                }
            }
            (a, b) => a == b,
        }
    }
}

impl Object {
    /// Whether PostgreSQL must rebuild this object when the type of the column `name_sql`
    /// changes, rather than carry it over: a check keeps the casts of the old type in its stored
    /// expression, and PostgreSQL refuses to change the type of a column a policy, a trigger or a
    /// generated column uses. (Keys and indexes it rebuilds itself.)
    pub fn depends_on_type_of(&self, name_sql: &str) -> bool {
        match self {
            Object::Constraint(Constraint {
                kind: ConstraintKind::Check(expr),
                ..
            }) => mentions(expr, name_sql),
            Object::Policy(p) => [&p.using, &p.with_check]
                .into_iter()
                .flatten()
                .any(|expr| mentions(expr, name_sql)),
            Object::Trigger(t) => match &t.action {
                TriggerAction::SetUpdatedAt => false,
                TriggerAction::CheckReadable { column, .. } => column == name_sql,
            },
            Object::Column(c) => c
                .generated_sql
                .as_deref()
                .is_some_and(|expr| mentions(expr, name_sql)),
            // A public-read resource's read policy looks the object up in the table's file
            // column (`attached.<column>`); `name` alone is storage.objects' own column.
            Object::StoragePolicy(p) => [&p.using, &p.with_check]
                .into_iter()
                .flatten()
                .any(|expr| mentions(expr, &format!("attached.{name_sql}"))),
            // The audit triggers read rows as JSON, the limiter's count calls: neither names a
            // column.
            Object::EnumType(_)
            | Object::Constraint(_)
            | Object::Index(_)
            | Object::Grants(_)
            | Object::PrivateSchema(_)
            | Object::RateLimiter(_)
            | Object::RateLimit(_)
            | Object::AuditLog(_)
            | Object::Bucket(_) => false,
        }
    }

    /// Whether this object goes with the generated column `name_sql` when it is dropped to be
    /// generated again: PostgreSQL drops the indexes on it, and the diff creates them again.
    pub fn depends_on_generated(&self, name_sql: &str) -> bool {
        match self {
            Object::Index(i) => mentions(&i.columns, name_sql),
            Object::EnumType(_)
            | Object::Column(_)
            | Object::Constraint(_)
            | Object::Trigger(_)
            | Object::Policy(_)
            | Object::Grants(_)
            | Object::PrivateSchema(_)
            | Object::RateLimiter(_)
            | Object::RateLimit(_)
            | Object::AuditLog(_)
            | Object::Bucket(_)
            | Object::StoragePolicy(_) => false,
        }
    }
}

/// Whether `expr` names the column `name_sql` (as an identifier, not as part of another).
pub fn mentions(expr: &str, name_sql: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    expr.match_indices(name_sql).any(|(at, _)| {
        let before = expr[..at].chars().next_back();
        let after = expr[at + name_sql.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

impl Object {
    /// The column this object is, if it is one. (A question about one kind of object: the
    /// exhaustive matches are where every kind must give its own answer.)
    pub fn as_column(&self) -> Option<&Column> {
        if let Object::Column(c) = self {
            Some(c)
        } else {
            None
        }
    }

    /// The constraint this object is, if it is one.
    pub fn as_constraint(&self) -> Option<&Constraint> {
        if let Object::Constraint(c) = self {
            Some(c)
        } else {
            None
        }
    }
}

impl Model {
    /// The model of a table with these parts.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        table_sql: &str,
        enums: &[EnumType],
        columns: &[Column],
        constraints: &[Constraint],
        indexes: &[Index],
        triggers: &[Trigger],
        policies: &[Policy],
        grants: &[Grant],
        extensions: &[Extension],
    ) -> Model {
        let mut objects = Vec::new();
        objects.extend(enums.iter().cloned().map(Object::EnumType));
        objects.extend(columns.iter().cloned().map(Object::Column));
        objects.extend(constraints.iter().cloned().map(Object::Constraint));
        objects.extend(indexes.iter().cloned().map(Object::Index));
        objects.extend(triggers.iter().cloned().map(Object::Trigger));
        objects.extend(policies.iter().cloned().map(Object::Policy));
        objects.push(Object::Grants(grants.to_vec()));
        Model {
            table_sql: table_sql.to_string(),
            objects,
            extensions: extensions.to_vec(),
        }
    }

    /// This model with what the table's migration creates around it: the private schema and
    /// the shared limiter first (what the rest needs), the audit log and the rate limits last
    /// (they need the table), as the create migration orders them.
    pub fn with_surroundings(
        mut self,
        private_schema: bool,
        audit: Option<AuditLog>,
        rules: &[RateLimitRule],
    ) -> Model {
        let mut first = Vec::new();
        if private_schema {
            first.push(Object::PrivateSchema(PrivateSchema::new()));
        }
        if !rules.is_empty() {
            first.push(Object::RateLimiter(RateLimiter::new()));
        }
        self.objects.splice(0..0, first);
        self.objects
            .extend(audit.map(|a| Object::AuditLog(Box::new(a))));
        self.objects
            .extend(rules.iter().cloned().map(Object::RateLimit));
        self
    }

    /// The model with the resource's Storage buckets and `storage.objects` policies.
    pub fn with_storage(mut self, buckets: &[Bucket], policies: &[Policy]) -> Model {
        self.objects
            .extend(buckets.iter().cloned().map(Object::Bucket));
        self.objects
            .extend(policies.iter().cloned().map(Object::StoragePolicy));
        self
    }

    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.iter().find(|o| o.key() == *key)
    }

    pub fn columns(&self) -> impl Iterator<Item = &Column> {
        self.objects.iter().filter_map(Object::as_column)
    }

    pub fn column(&self, name_sql: &str) -> Option<&Column> {
        self.columns().find(|c| c.name_sql == name_sql)
    }
}
