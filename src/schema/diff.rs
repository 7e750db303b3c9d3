//! The statements that turn one model of a table into another ([`super::model`]): an alter
//! migration, and (the same function, the other way round) its rollback.
//!
//! Two passes. [`renames`] first renames, in place, what an explicit `--rename` renames (a
//! column, and every object named after it or naming it), giving the model of what the database
//! then holds; [`diff`] then compares that model with the new one object by object, matched by
//! kind and name. An object only in the old model is dropped, one only in the new is created, one
//! in both with another definition is dropped and created again, except columns and enum types,
//! which are altered in place so that their data stays. The statements run in an order that
//! never has an object depend on one that is not there yet, or not any more:
//!
//! 1. drop the policies (on the table and on `storage.objects`), triggers (with their
//!    functions), indexes and constraints that go or change (foreign keys first), so nothing
//!    depends on a column about to change, and the buckets that go (only empty ones: the
//!    statement stops the migration while a bucket holds objects);
//! 2. create the enum types that are new, add labels to those that only gain some (`alter type
//!    ... add value`, in place), and create a replacement for the others (labels removed or
//!    reordered: PostgreSQL cannot drop a label), after checking that no row holds a label that
//!    goes;
//! 3. drop the generated columns that go or change (their expression, or the type of a column
//!    they read: PostgreSQL can change neither in place), add the new columns, alter the changed
//!    ones (default, type with a cast, nulls filled with the new default, nullability), drop the
//!    removed ones, then add the generated columns that are new or changed;
//! 4. drop the enum types that go, and swap in the replacements;
//! 5. create the constraints (foreign keys last), indexes, triggers, grants and policies that are
//!    new or changed, then the new buckets, the new limits of changed ones (in place: a bucket
//!    keeps its objects) and the new or changed `storage.objects` policies.
//!
//! Extensions the new model needs and the old did not are created first; those only the old one
//! needed are dropped last, if nothing else in the database uses them.
//!
//! Around the table: the private schema and the shared rate limiter are ensured first (step 0)
//! and dropped, if nothing else uses them, last (step 7); an audit log or a rate limit that goes
//! is dropped in step 1 (its triggers are on the table), one that comes is created after step 5
//! (step 6).
//! A log whose table stays the same is kept, with its rows: only its policy, grants or trigger
//! functions change (`:sensitive`, written into the functions, or a sensitive field renamed).
//! A rate limit that changes is updated in place, so its callers' buckets keep counting.

use std::collections::BTreeSet;

use serde::Serialize;

use super::audit::AuditLog;
use super::model::{Key, Model, Object};
use super::rate_limit::{RateLimitRule, RateLimiter};
use super::storage::Bucket;
use super::table::{Column, Constraint, ConstraintKind, EnumType, Extension, Index};
use super::trigger::Trigger;
use super::{Grant, Policy, PrivateSchema};
use crate::render::sql_string;

/// One statement of an alter migration, laid out by `templates/schema/alter.sql`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    CreateExtension {
        extension: Extension,
    },
    /// Drops the extension unless other objects of the database still use it.
    DropExtension {
        extension: Extension,
    },
    RenameType {
        from_sql: String,
        /// The new name, without the schema.
        to: String,
    },
    RenameEnumValue {
        type_sql: String,
        /// SQL string literals.
        from: String,
        to: String,
    },
    RenameColumn {
        from: String,
        to: String,
    },
    RenameConstraint {
        from: String,
        to: String,
    },
    RenameIndex {
        from: String,
        to: String,
    },
    RenamePolicy {
        from_sql: String,
        to_sql: String,
    },
    DropPolicy {
        policy: Policy,
    },
    DropTrigger {
        trigger: Trigger,
    },
    DropIndex {
        index: Index,
    },
    DropConstraint {
        name: String,
    },
    CreateEnum {
        enum_type: EnumType,
    },
    AddEnumValue {
        type_sql: String,
        /// A SQL string literal.
        value: String,
        /// The label it goes before (a SQL string literal); at the end when `None`.
        before: Option<String>,
    },
    /// Stops the migration when a row of the table holds a label that is about to go.
    CheckEnumValues {
        column: String,
        type_sql: String,
        /// `'a', 'b'`
        values_sql: String,
        /// `a, b`, for the message.
        values: String,
    },
    AddColumn {
        column: Column,
    },
    DropDefault {
        column: String,
    },
    AlterType {
        column: String,
        sql_type: String,
        /// The expression that converts each value.
        using: String,
    },
    SetDefault {
        column: String,
        default_sql: String,
    },
    SetNotNull {
        column: String,
    },
    DropNotNull {
        column: String,
    },
    DropColumn {
        column: String,
    },
    DropEnum {
        type_sql: String,
    },
    AddConstraint {
        constraint: Constraint,
    },
    CreateIndex {
        index: Index,
    },
    CreateTrigger {
        trigger: Trigger,
    },
    /// Revokes everything from the API roles and grants exactly these.
    Grants {
        grants: Vec<Grant>,
    },
    CreatePolicy {
        policy: Policy,
    },
    /// Creates the private schema if missing; one of that name scaffold did not create stops
    /// the migration.
    EnsurePrivateSchema {
        schema: PrivateSchema,
    },
    /// Drops the private schema if nothing is left in it (other tables' objects may be).
    DropPrivateSchemaIfEmpty {
        schema: PrivateSchema,
    },
    /// Creates the shared limiter if missing (every migration writes the same definitions).
    CreateRateLimiter {
        limiter: RateLimiter,
    },
    /// Drops the shared limiter if no rule is left.
    DropRateLimiterIfUnused {
        limiter: RateLimiter,
    },
    /// Inserts a rule and, for a write, creates its trigger.
    AddRateLimit {
        limiter: RateLimiter,
        rule: RateLimitRule,
    },
    /// Sets a rule's limit in place: the callers' buckets keep counting.
    ChangeRateLimit {
        limiter: RateLimiter,
        rule: RateLimitRule,
    },
    /// Drops a rule's trigger and deletes the rule.
    DropRateLimit {
        limiter: RateLimiter,
        rule: RateLimitRule,
    },
    /// The log table, its policy, grants and triggers, as a create migration makes them.
    CreateAuditLog {
        audit: Box<AuditLog>,
    },
    /// The triggers, their functions, the policy and the log table, with its entries.
    DropAuditLog {
        audit: Box<AuditLog>,
    },
    /// The log table kept with its entries; what changed around it made again: its policy
    /// (`old_policy` dropped first), its grants, its trigger functions (`create or replace`).
    AlterAuditLog {
        audit: Box<AuditLog>,
        old_policy: Option<Policy>,
        grants: bool,
        functions: bool,
    },
    /// A policy on `storage.objects`.
    DropStoragePolicy {
        policy: Policy,
    },
    /// Stops the migration while the bucket holds objects, else deletes it.
    DropBucket {
        bucket: Bucket,
    },
    CreateBucket {
        bucket: Bucket,
    },
    /// New limits for the uploads to come; the objects already there stay.
    UpdateBucket {
        bucket: Bucket,
    },
    CreateStoragePolicy {
        policy: Policy,
    },
}

/// The statements that rename, in place, what `renamed` (the old model with some columns or enum
/// labels renamed: the same objects in the same order) names differently from `old`, and the
/// model of what the database holds afterwards. PostgreSQL follows a column rename inside
/// constraints, indexes, policies, grants and trigger column lists, so those keep their
/// definitions (and are renamed when their own name changes); it does not inside a function's
/// body, so a trigger stays as it was in the model returned, and [`diff`] replaces it.
pub fn renames(old: &Model, renamed: &Model) -> (Vec<Step>, Model) {
    assert_eq!(
        old.objects.len(),
        renamed.objects.len(),
        "a rename changes names, not the objects of a table"
    );
    let mut steps = Vec::new();
    let mut actual = Vec::new();
    for (before, after) in old.objects.iter().zip(&renamed.objects) {
        let kept = match (before, after) {
            (Object::EnumType(a), Object::EnumType(b)) => {
                if a.type_sql != b.type_sql {
                    steps.push(Step::RenameType {
                        from_sql: a.type_sql.clone(),
                        to: b.name_sql().to_string(),
                    });
                }
                for (from, to) in a.values.iter().zip(&b.values) {
                    if from != to {
                        steps.push(Step::RenameEnumValue {
                            type_sql: b.type_sql.clone(),
                            from: sql_string(from),
                            to: sql_string(to),
                        });
                    }
                }
                after
            }
            (Object::Column(a), Object::Column(b)) => {
                if a.name_sql != b.name_sql {
                    steps.push(Step::RenameColumn {
                        from: a.name_sql.clone(),
                        to: b.name_sql.clone(),
                    });
                }
                after
            }
            (Object::Constraint(a), Object::Constraint(b)) => {
                if a.name != b.name {
                    steps.push(Step::RenameConstraint {
                        from: a.name.clone(),
                        to: b.name.clone(),
                    });
                }
                after
            }
            (Object::Index(a), Object::Index(b)) => {
                if a.name != b.name {
                    steps.push(Step::RenameIndex {
                        from: a.name.clone(),
                        to: b.name.clone(),
                    });
                }
                after
            }
            (Object::Policy(a), Object::Policy(b)) => {
                if a.name != b.name {
                    steps.push(Step::RenamePolicy {
                        from_sql: a.name_sql(),
                        to_sql: b.name_sql(),
                    });
                }
                after
            }
            // The audit functions name sensitive columns in their bodies: like a trigger's
            // function, they are made again by `diff`.
            (Object::Trigger(_), Object::Trigger(_))
            | (Object::AuditLog(_), Object::AuditLog(_)) => before,
            (Object::Grants(_), Object::Grants(_))
            | (Object::PrivateSchema(_), Object::PrivateSchema(_))
            | (Object::RateLimiter(_), Object::RateLimiter(_))
            | (Object::RateLimit(_), Object::RateLimit(_)) => after,
            // A bucket is named after its field, and Storage cannot rename one: a file field is
            // never renamed (`Renames::check` refuses it), so a bucket stays as it was.
            (Object::Bucket(_), Object::Bucket(_)) => before,
            // PostgreSQL follows the rename inside the policy's expression.
            (Object::StoragePolicy(_), Object::StoragePolicy(_)) => after,
            (a, b) => panic!("a rename changed {:?} into {:?}", a.key(), b.key()),
        };
        actual.push(kept.clone());
    }
    (
        steps,
        Model {
            table_sql: renamed.table_sql.clone(),
            objects: actual,
            extensions: renamed.extensions.clone(),
        },
    )
}

/// The statements that turn a table as `old` describes it into `new`.
pub fn diff(old: &Model, new: &Model) -> Vec<Step> {
    let plan = Comparison::new(old, new);
    let mut steps = Vec::new();
    for extension in &new.extensions {
        if !old.extensions.contains(extension) {
            steps.push(Step::CreateExtension {
                extension: extension.clone(),
            });
        }
    }

    // 0. What the rest needs.
    for object in plan.arriving() {
        match object {
            Object::PrivateSchema(schema) => steps.push(Step::EnsurePrivateSchema {
                schema: schema.clone(),
            }),
            Object::RateLimiter(limiter) => steps.push(Step::CreateRateLimiter {
                limiter: limiter.clone(),
            }),
            Object::EnumType(_)
            | Object::Column(_)
            | Object::Constraint(_)
            | Object::Index(_)
            | Object::Trigger(_)
            | Object::Policy(_)
            | Object::Grants(_)
            | Object::RateLimit(_)
            | Object::AuditLog(_)
            | Object::Bucket(_)
            | Object::StoragePolicy(_) => {}
        }
    }

    // 1. What depends on columns goes first, and the audit log, limits and buckets that go.
    for object in plan.leaving() {
        match object {
            Object::Policy(policy) => steps.push(Step::DropPolicy {
                policy: policy.clone(),
            }),
            Object::StoragePolicy(policy) => steps.push(Step::DropStoragePolicy {
                policy: policy.clone(),
            }),
            Object::RateLimit(rule) => steps.push(Step::DropRateLimit {
                limiter: RateLimiter::new(),
                rule: rule.clone(),
            }),
            Object::AuditLog(audit) => steps.push(Step::DropAuditLog {
                audit: audit.clone(),
            }),
            Object::EnumType(_)
            | Object::Column(_)
            | Object::Constraint(_)
            | Object::Index(_)
            | Object::Trigger(_)
            | Object::Grants(_)
            | Object::PrivateSchema(_)
            | Object::RateLimiter(_)
            | Object::Bucket(_) => {}
        }
    }
    for object in plan.leaving() {
        if let Object::Bucket(bucket) = object {
            steps.push(Step::DropBucket {
                bucket: bucket.clone(),
            });
        }
    }
    for object in plan.leaving() {
        if let Object::Trigger(trigger) = object {
            steps.push(Step::DropTrigger {
                trigger: trigger.clone(),
            });
        }
    }
    for object in plan.leaving() {
        if let Object::Index(index) = object {
            steps.push(Step::DropIndex {
                index: index.clone(),
            });
        }
    }
    let leaving_constraints: Vec<&Constraint> =
        plan.leaving().filter_map(Object::as_constraint).collect();
    for constraint in foreign_keys_first(&leaving_constraints) {
        steps.push(Step::DropConstraint {
            name: constraint.name.clone(),
        });
    }

    // 2. Types the columns will need.
    let mut replaced = Vec::new();
    for object in &new.objects {
        let Object::EnumType(after) = object else {
            continue;
        };
        match old.get(&object.key()) {
            None => steps.push(Step::CreateEnum {
                enum_type: after.clone(),
            }),
            Some(Object::EnumType(before)) if before.values != after.values => {
                match added_labels(before, after, new) {
                    Some(added) => steps.extend(added),
                    None => {
                        let temporary = replacement(after, old, new);
                        let gone: Vec<&String> = before
                            .values
                            .iter()
                            .filter(|v| !after.values.contains(v))
                            .collect();
                        if !gone.is_empty() {
                            for column in old.columns().filter(|c| {
                                c.sql_type == before.type_sql && new.column(&c.name_sql).is_some()
                            }) {
                                steps.push(Step::CheckEnumValues {
                                    column: column.name_sql.clone(),
                                    type_sql: before.type_sql.clone(),
                                    values_sql: gone
                                        .iter()
                                        .map(|v| sql_string(v))
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                    values: gone
                                        .iter()
                                        .map(|v| v.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                });
                            }
                        }
                        steps.push(Step::CreateEnum {
                            enum_type: temporary.clone(),
                        });
                        replaced.push((after.type_sql.clone(), temporary.type_sql));
                    }
                }
            }
            Some(_) => {}
        }
    }
    let replacement_of = |sql_type: &str| {
        replaced
            .iter()
            .find(|(type_sql, _)| type_sql == sql_type)
            .map(|(_, temporary)| temporary.clone())
    };

    // 3. Columns: generated ones that go or change dropped, stored ones added, altered and
    // dropped, generated ones added.
    let generated = |c: &&Column| c.generated_sql.is_some();
    let stored = |c: &&Column| c.generated_sql.is_none();
    for before in old.columns().filter(generated) {
        if plan
            .leaving()
            .any(|o| o.key() == Key::Column(before.name_sql.clone()))
        {
            steps.push(Step::DropColumn {
                column: before.name_sql.clone(),
            });
        }
    }
    for column in new.columns().filter(stored) {
        if old.column(&column.name_sql).is_none() {
            steps.push(Step::AddColumn {
                column: column.clone(),
            });
        }
    }
    for after in new.columns().filter(stored) {
        let Some(before) = old.column(&after.name_sql) else {
            continue;
        };
        steps.extend(alter_column(before, after, replacement_of(&after.sql_type)));
    }
    for before in old.columns().filter(stored) {
        if new.column(&before.name_sql).is_none() {
            steps.push(Step::DropColumn {
                column: before.name_sql.clone(),
            });
        }
    }
    for after in new.columns().filter(generated) {
        if plan
            .arriving()
            .any(|o| o.key() == Key::Column(after.name_sql.clone()))
        {
            steps.push(Step::AddColumn {
                column: after.clone(),
            });
        }
    }

    // 4. Types no column uses any more.
    for object in &old.objects {
        if let (Object::EnumType(before), None) = (object, new.get(&object.key())) {
            steps.push(Step::DropEnum {
                type_sql: before.type_sql.clone(),
            });
        }
    }
    for (type_sql, temporary) in &replaced {
        steps.push(Step::DropEnum {
            type_sql: type_sql.clone(),
        });
        let name = type_sql
            .split_once('.')
            .map_or(type_sql.as_str(), |(_, n)| n);
        steps.push(Step::RenameType {
            from_sql: temporary.clone(),
            to: name.to_string(),
        });
    }

    // 5. What depends on columns, as the new model has it.
    let arriving_constraints: Vec<&Constraint> =
        plan.arriving().filter_map(Object::as_constraint).collect();
    let mut constraints = foreign_keys_first(&arriving_constraints);
    constraints.reverse();
    for constraint in constraints {
        steps.push(Step::AddConstraint {
            constraint: constraint.clone(),
        });
    }
    for object in plan.arriving() {
        match object {
            Object::Index(index) => steps.push(Step::CreateIndex {
                index: index.clone(),
            }),
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
            | Object::StoragePolicy(_) => {}
        }
    }
    for object in plan.arriving() {
        if let Object::Trigger(trigger) = object {
            steps.push(Step::CreateTrigger {
                trigger: trigger.clone(),
            });
        }
    }
    for object in plan.arriving() {
        if let Object::Grants(grants) = object {
            steps.push(Step::Grants {
                grants: grants.clone(),
            });
        }
    }
    for object in plan.arriving() {
        if let Object::Policy(policy) = object {
            steps.push(Step::CreatePolicy {
                policy: policy.clone(),
            });
        }
    }
    for object in &new.objects {
        let Object::Bucket(bucket) = object else {
            continue;
        };
        match old.get(&object.key()) {
            None => steps.push(Step::CreateBucket {
                bucket: bucket.clone(),
            }),
            Some(before) if !before.same_definition(object) => steps.push(Step::UpdateBucket {
                bucket: bucket.clone(),
            }),
            Some(_) => {}
        }
    }
    for object in plan.arriving() {
        if let Object::StoragePolicy(policy) = object {
            steps.push(Step::CreateStoragePolicy {
                policy: policy.clone(),
            });
        }
    }

    // 6. The audit log and the limits, on the table as it now is.
    for object in &new.objects {
        match (object, old.get(&object.key())) {
            (Object::AuditLog(after), None) => steps.push(Step::CreateAuditLog {
                audit: after.clone(),
            }),
            (Object::AuditLog(after), Some(Object::AuditLog(before))) if before != after => {
                if same_log_table(before, after) {
                    steps.push(Step::AlterAuditLog {
                        audit: after.clone(),
                        old_policy: (before.policy != after.policy).then(|| before.policy.clone()),
                        grants: before.grants != after.grants,
                        functions: before.sensitive != after.sensitive
                            || before.omitted_sql != after.omitted_sql
                            || before.triggers != after.triggers
                            || before.scope_source != after.scope_source,
                    });
                } else {
                    // Dropped in step 1 ([`recreated`]).
                    steps.push(Step::CreateAuditLog {
                        audit: after.clone(),
                    });
                }
            }
            (Object::RateLimit(rule), None) => steps.push(Step::AddRateLimit {
                limiter: RateLimiter::new(),
                rule: rule.clone(),
            }),
            (Object::RateLimit(after), Some(Object::RateLimit(before))) if before != after => {
                steps.push(Step::ChangeRateLimit {
                    limiter: RateLimiter::new(),
                    rule: after.clone(),
                });
            }
            (
                Object::EnumType(_)
                | Object::Column(_)
                | Object::Constraint(_)
                | Object::Index(_)
                | Object::Trigger(_)
                | Object::Policy(_)
                | Object::Grants(_)
                | Object::PrivateSchema(_)
                | Object::RateLimiter(_)
                | Object::AuditLog(_)
                | Object::RateLimit(_)
                | Object::Bucket(_)
                | Object::StoragePolicy(_),
                _,
            ) => {}
        }
    }

    // 7. What nothing of this table needs any more, if nothing else does: the limiter, then
    // the private schema it is in (the reverse of step 0).
    for object in old.objects.iter().rev() {
        if new.get(&object.key()).is_some() {
            continue;
        }
        match object {
            Object::RateLimiter(limiter) => steps.push(Step::DropRateLimiterIfUnused {
                limiter: limiter.clone(),
            }),
            Object::PrivateSchema(schema) => steps.push(Step::DropPrivateSchemaIfEmpty {
                schema: schema.clone(),
            }),
            Object::EnumType(_)
            | Object::Column(_)
            | Object::Constraint(_)
            | Object::Index(_)
            | Object::Trigger(_)
            | Object::Policy(_)
            | Object::Grants(_)
            | Object::RateLimit(_)
            | Object::AuditLog(_)
            | Object::Bucket(_)
            | Object::StoragePolicy(_) => {}
        }
    }

    // Extensions only the old model needed, if nothing else uses them.
    for extension in &old.extensions {
        if !new.extensions.contains(extension) {
            steps.push(Step::DropExtension {
                extension: extension.clone(),
            });
        }
    }
    steps
}

/// Whether two audit logs are the same table (its entries can stay): the same name, columns,
/// constraints and indexes. Otherwise the log is dropped and created again.
pub fn same_log_table(a: &AuditLog, b: &AuditLog) -> bool {
    a.table_sql == b.table_sql
        && a.sequence_sql == b.sequence_sql
        && a.columns == b.columns
        && a.constraints == b.constraints
        && a.indexes == b.indexes
        && a.scope_column == b.scope_column
}

/// The objects of two models, matched by key.
struct Comparison<'a> {
    old: &'a Model,
    new: &'a Model,
    /// Keys in both with another definition.
    changed: BTreeSet<Key>,
}

impl<'a> Comparison<'a> {
    fn new(old: &'a Model, new: &'a Model) -> Comparison<'a> {
        // Columns whose type changes, an enum type replaced included: what depends on their
        // type is built again ([`Object::depends_on_type_of`]).
        let retyped: Vec<&str> = new
            .columns()
            .filter(|after| {
                old.column(&after.name_sql).is_some_and(|before| {
                    before.sql_type != after.sql_type || enum_changed(old, new, &after.sql_type)
                })
            })
            .map(|c| c.name_sql.as_str())
            .collect();
        let mut changed: BTreeSet<Key> = old
            .objects
            .iter()
            .filter(|o| {
                new.get(&o.key()).is_some_and(|other| {
                    !o.same_definition(other)
                        || retyped.iter().any(|column| o.depends_on_type_of(column))
                })
            })
            .map(Object::key)
            .collect();
        // A generated column generated again takes its indexes with it.
        let regenerated: Vec<String> = old
            .columns()
            .filter(|c| {
                c.generated_sql.is_some() && changed.contains(&Key::Column(c.name_sql.clone()))
            })
            .map(|c| c.name_sql.clone())
            .collect();
        for object in &old.objects {
            if new.get(&object.key()).is_some()
                && regenerated.iter().any(|c| object.depends_on_generated(c))
            {
                changed.insert(object.key());
            }
        }
        Comparison { old, new, changed }
    }

    /// Old objects that are dropped: gone, or changed (except columns and enum types, which
    /// change in place).
    fn leaving(&self) -> impl Iterator<Item = &'a Object> + '_ {
        self.old.objects.iter().filter(|o| {
            let key = o.key();
            match self.new.get(&key) {
                None => true,
                Some(other) => self.changed.contains(&key) && recreated(o, other),
            }
        })
    }

    /// New objects that are created: new, or changed (as [`Comparison::leaving`]).
    fn arriving(&self) -> impl Iterator<Item = &'a Object> + '_ {
        self.new.objects.iter().filter(|o| {
            let key = o.key();
            match self.old.get(&key) {
                None => true,
                Some(other) => self.changed.contains(&key) && recreated(o, other),
            }
        })
    }
}

/// Whether the enum type `sql_type` (if it is one) has other labels in `new` than in `old`.
fn enum_changed(old: &Model, new: &Model, sql_type: &str) -> bool {
    let key = Key::EnumType(sql_type.to_string());
    match (old.get(&key), new.get(&key)) {
        (Some(before), Some(after)) => before != after,
        _ => false,
    }
}

/// Whether a changed object is dropped and created again (rather than altered in place, as
/// stored columns, enum types and buckets are, to keep their data; a generated column holds
/// nothing the table's other columns do not).
fn recreated(object: &Object, other: &Object) -> bool {
    match (object, other) {
        (Object::Column(c), _) => c.generated_sql.is_some(),
        (Object::AuditLog(a), Object::AuditLog(b)) => !same_log_table(a, b),
        // A rate limit is updated in place; the schema and the limiter never change. A bucket's
        // limits change in place: dropping it would take its objects.
        (
            Object::EnumType(_)
            | Object::PrivateSchema(_)
            | Object::RateLimiter(_)
            | Object::RateLimit(_)
            | Object::AuditLog(_)
            | Object::Bucket(_),
            _,
        ) => false,
        (
            Object::Constraint(_)
            | Object::Index(_)
            | Object::Trigger(_)
            | Object::Policy(_)
            | Object::Grants(_)
            | Object::StoragePolicy(_),
            _,
        ) => true,
    }
}

/// Foreign keys, then the other constraints: the order to drop them in (a foreign key may
/// depend on a unique constraint of the same table).
fn foreign_keys_first<'c>(constraints: &[&'c Constraint]) -> Vec<&'c Constraint> {
    let is_fk = |c: &&Constraint| matches!(c.kind, ConstraintKind::ForeignKey(_));
    let mut ordered: Vec<&Constraint> = constraints.iter().copied().filter(is_fk).collect();
    ordered.extend(constraints.iter().copied().filter(|c| !is_fk(c)));
    ordered
}

/// `alter type ... add value` for each new label, in place, when `after` only adds labels to
/// `before` (its labels keep their order) and no default of the new model uses an added one:
/// PostgreSQL refuses to use a label added in the same transaction, and the Supabase CLI runs
/// each migration file in one. `None` when the type must be replaced instead.
fn added_labels(before: &EnumType, after: &EnumType, new: &Model) -> Option<Vec<Step>> {
    let mut kept = after.values.iter().filter(|v| before.values.contains(v));
    if !kept.by_ref().eq(before.values.iter()) {
        return None;
    }
    let added: Vec<&String> = after
        .values
        .iter()
        .filter(|v| !before.values.contains(v))
        .collect();
    let used_as_default = new.columns().any(|c| {
        c.sql_type == after.type_sql
            && c.default_sql
                .as_ref()
                .is_some_and(|d| added.iter().any(|v| *d == sql_string(v)))
    });
    if used_as_default {
        return None;
    }
    Some(
        after
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| !before.values.contains(v))
            .map(|(at, value)| Step::AddEnumValue {
                type_sql: after.type_sql.clone(),
                value: sql_string(value),
                before: after.values[at + 1..]
                    .iter()
                    .find(|v| before.values.contains(v))
                    .map(|v| sql_string(v)),
            })
            .collect(),
    )
}

/// The type that replaces `after`'s old definition until the old one is dropped and it takes its
/// name: named after it, and unlike any type of either model.
fn replacement(after: &EnumType, old: &Model, new: &Model) -> EnumType {
    let name = after.name_sql().trim_matches('"');
    (1..)
        .map(|n| {
            let suffix = if n == 1 { String::new() } else { n.to_string() };
            let temporary =
                crate::generate::schema_identifier(format!("{name}_replacement{suffix}"));
            EnumType::new(
                format!("public.{}", crate::spec::ident::quote(&temporary)),
                &after.values,
            )
        })
        .find(|candidate| {
            let key = Key::EnumType(candidate.type_sql.clone());
            old.get(&key).is_none() && new.get(&key).is_none()
        })
        .expect("a free name")
}

/// The statements that change a column from `before` to `after`, in place. `replacement` is the
/// type that replaces its enum type, when it does.
fn alter_column(before: &Column, after: &Column, replacement: Option<String>) -> Vec<Step> {
    let column = &after.name_sql;
    let target = replacement
        .clone()
        .unwrap_or_else(|| after.sql_type.clone());
    let retyped = before.sql_type != after.sql_type || replacement.is_some();
    let default_changed = before.default_sql != after.default_sql;
    let filled = after.not_null && !before.not_null && after.default_sql.is_some();
    let mut steps = Vec::new();
    if before.default_sql.is_some() && (default_changed || retyped) {
        steps.push(Step::DropDefault {
            column: column.clone(),
        });
    }
    if retyped || filled {
        let value = if retyped {
            cast(column, &before.sql_type, &target, replacement.is_some())
        } else {
            column.clone()
        };
        let using = match (&after.default_sql, filled) {
            (Some(default), true) => format!("coalesce({value}, {default})"),
            (None, _) | (Some(_), false) => value,
        };
        steps.push(Step::AlterType {
            column: column.clone(),
            sql_type: target,
            using,
        });
    }
    if let Some(default) = &after.default_sql {
        if default_changed || retyped {
            steps.push(Step::SetDefault {
                column: column.clone(),
                default_sql: default.clone(),
            });
        }
    }
    match (before.not_null, after.not_null) {
        (false, true) => steps.push(Step::SetNotNull {
            column: column.clone(),
        }),
        (true, false) => steps.push(Step::DropNotNull {
            column: column.clone(),
        }),
        (true, true) | (false, false) => {}
    }
    steps
}

/// How a value of `from` becomes one of `to`: directly between numbers and to or from text,
/// otherwise through its text form (an enum label, a boolean, a date).
fn cast(column: &str, from: &str, to: &str, enum_replaced: bool) -> String {
    let direct =
        !enum_replaced && (from == "text" || to == "text" || (is_number(from) && is_number(to)));
    if direct {
        format!("{column}::{to}")
    } else {
        format!("{column}::text::{to}")
    }
}

/// The SQL types of number fields.
pub(crate) fn is_number(sql_type: &str) -> bool {
    matches!(sql_type, "integer" | "bigint" | "double precision")
        || sql_type == "numeric"
        || sql_type.starts_with("numeric(")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::table::ConstraintKind;

    fn model(objects: Vec<Object>) -> Model {
        Model {
            extensions: Vec::new(),
            table_sql: "public.t".into(),
            objects,
        }
    }

    fn enum_type(values: &[&str]) -> EnumType {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        EnumType::new("public.t_status".into(), &values)
    }

    fn status(default: Option<&str>) -> Object {
        let mut column = Column::new("status", "public.t_status");
        column.default_sql = default.map(sql_string);
        Object::Column(column)
    }

    fn kinds(steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .map(|s| {
                serde_json::to_value(s).unwrap()["step"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn labels_are_added_in_place_where_they_go_or_the_type_is_replaced() {
        let old = model(vec![Object::EnumType(enum_type(&["a", "c"])), status(None)]);
        let added = diff(
            &old,
            &model(vec![
                Object::EnumType(enum_type(&["x", "a", "b", "c", "y"])),
                status(None),
            ]),
        );
        let places: Vec<(String, Option<String>)> = added
            .iter()
            .map(|s| {
                let Step::AddEnumValue { value, before, .. } = s else {
                    panic!("{s:?}")
                };
                (value.clone(), before.clone())
            })
            .collect();
        assert_eq!(
            places,
            [
                ("'x'".to_string(), Some("'a'".to_string())),
                ("'b'".to_string(), Some("'c'".to_string())),
                ("'y'".to_string(), None)
            ]
        );
        // Used as a default in the same migration, or removed, or reordered: replaced.
        for (values, default) in [
            (&["a", "c", "d"][..], Some("d")),
            (&["a"][..], None),
            (&["c", "a"][..], None),
        ] {
            let steps = diff(
                &old,
                &model(vec![Object::EnumType(enum_type(values)), status(default)]),
            );
            let mut want = vec![];
            if values.len() == 1 {
                want.push("check_enum_values");
            }
            want.extend(["create_enum", "alter_type"]);
            if default.is_some() {
                want.push("set_default");
            }
            want.extend(["drop_enum", "rename_type"]);
            assert_eq!(kinds(&steps), want, "{values:?}");
        }
    }

    #[test]
    fn a_replacement_type_takes_a_name_no_type_has() {
        let taken = EnumType::new("public.t_status_replacement".into(), &["z".into()]);
        let old = model(vec![
            Object::EnumType(enum_type(&["a", "b"])),
            Object::EnumType(taken.clone()),
        ]);
        let new = model(vec![
            Object::EnumType(enum_type(&["b", "a"])),
            Object::EnumType(taken),
        ]);
        let created: Vec<String> = diff(&old, &new)
            .iter()
            .filter_map(|s| {
                if let Step::CreateEnum { enum_type } = s {
                    Some(enum_type.type_sql.clone())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(created, ["public.t_status_replacement2"]);
    }

    #[test]
    fn a_column_becoming_required_with_a_default_fills_its_nulls() {
        let mut before = Column::new("n", "integer");
        before.not_null = false;
        let after = Column::new("n", "bigint").default("0");
        let steps = alter_column(&before, &after, None);
        assert_eq!(
            steps,
            [
                Step::AlterType {
                    column: "n".into(),
                    sql_type: "bigint".into(),
                    using: "coalesce(n::bigint, 0)".into()
                },
                Step::SetDefault {
                    column: "n".into(),
                    default_sql: "0".into()
                },
                Step::SetNotNull { column: "n".into() },
            ]
        );
    }

    #[test]
    fn dependents_go_before_columns_change_and_come_back_after() {
        let check = |expr: &str| {
            Object::Constraint(Constraint::new(
                "t_n_max",
                ConstraintKind::Check(expr.to_string()),
            ))
        };
        let old = model(vec![
            Object::Column(Column::new("n", "integer")),
            check("n <= 10"),
        ]);
        let new = model(vec![
            Object::Column(Column::new("n", "bigint")),
            check("n <= 20"),
        ]);
        assert_eq!(
            kinds(&diff(&old, &new)),
            ["drop_constraint", "alter_type", "add_constraint"]
        );
        assert!(diff(&new, &new).is_empty());
    }
}
