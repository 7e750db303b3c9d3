//! What an alter can do to the rows a table already holds: lose values, or stop the migration
//! because a row does not fit the new definition. Read off two models ([`super::model`]), the
//! second the target of [`super::diff::diff`] from the first, so it covers every kind of object
//! by the same rules. Defaults are not risks: they apply to rows written later (a default that
//! fills the nulls of a column becoming required is an [`Risk::FillsNulls`], which loses
//! nothing).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::model::{mentions, Model, Object};
use super::table::{Column, Constraint, ConstraintKind};

/// One thing an alter does to existing data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Risk {
    /// The column goes, and its values with it.
    DropsColumn { column: String },
    /// The column's values are converted to another type that may not hold them all: they may
    /// be rounded, or stop the migration.
    CastsColumn {
        column: String,
        from: String,
        to: String,
    },
    /// The column becomes `not null` without a default: a row where it is null stops the
    /// migration.
    RequiresColumn { column: String },
    /// A new `not null` column without a default: any existing row stops the migration.
    AddsRequiredColumn { column: String },
    /// Labels leave an enum type: a row holding one stops the migration.
    RemovesLabels {
        type_sql: String,
        labels: Vec<String>,
    },
    /// A constraint existing rows may break: one that does stops the migration.
    AddsConstraint { name: String, definition: String },
    /// The column becomes `not null` and its nulls take the default: nothing is lost, but a
    /// rollback cannot tell the filled values from the others.
    FillsNulls { column: String, default_sql: String },
    /// The audit log table goes (audit turned off, or a log of another shape), and every
    /// entry in it.
    DropsAuditLog { table_sql: String },
    /// A file field's bucket goes: an object in it stops the migration (its bytes live in
    /// Storage, outside the database, and deleting its row would orphan them).
    DropsBucket { id: String },
}

impl Risk {
    /// Whether the alter can lose existing values or fail on existing rows: what
    /// `--allow-data-loss` must accept.
    pub fn refused_by_default(&self) -> bool {
        match self {
            Risk::DropsColumn { .. }
            | Risk::CastsColumn { .. }
            | Risk::RequiresColumn { .. }
            | Risk::AddsRequiredColumn { .. }
            | Risk::RemovesLabels { .. }
            | Risk::AddsConstraint { .. }
            | Risk::DropsAuditLog { .. }
            | Risk::DropsBucket { .. } => true,
            Risk::FillsNulls { .. } => false,
        }
    }

    /// What a rollback of this alter cannot give back, if anything: the data as it was.
    pub fn lasting(&self) -> Option<String> {
        match self {
            Risk::DropsColumn { column } => Some(format!(
                "the values of column {column}, which it dropped (the column comes back empty)"
            )),
            Risk::CastsColumn { column, to, .. } => Some(format!(
                "the values of column {column} as they were before it converted them to {to}"
            )),
            Risk::FillsNulls { column, .. } => Some(format!(
                "which rows of column {column} were null before it filled them"
            )),
            Risk::DropsAuditLog { table_sql } => Some(format!(
                "the entries of the audit log {table_sql}, which it dropped (the log comes back empty)"
            )),
            // Only an empty bucket is dropped: nothing in it is lost.
            Risk::RequiresColumn { .. }
            | Risk::AddsRequiredColumn { .. }
            | Risk::RemovesLabels { .. }
            | Risk::AddsConstraint { .. }
            | Risk::DropsBucket { .. } => None,
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Risk::DropsColumn { column } => {
                write!(f, "drops column {column}, and every value in it")
            }
            Risk::CastsColumn { column, from, to } => write!(
                f,
                "converts column {column} from {from} to {to}: a value that does not fit stops the migration, and numbers may be rounded"
            ),
            Risk::RequiresColumn { column } => write!(
                f,
                "makes column {column} required without a default: a row where it is null stops the migration"
            ),
            Risk::AddsRequiredColumn { column } => write!(
                f,
                "adds the required column {column} without a default: any existing row stops the migration"
            ),
            Risk::RemovesLabels { type_sql, labels } => write!(
                f,
                "removes {} from {type_sql}: a row holding {} stops the migration",
                labels
                    .iter()
                    .map(|l| format!("'{l}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if labels.len() == 1 { "it" } else { "one" }
            ),
            Risk::AddsConstraint { name, definition } => write!(
                f,
                "adds the constraint {name} `{definition}`: a row that breaks it stops the migration"
            ),
            Risk::FillsNulls {
                column,
                default_sql,
            } => write!(
                f,
                "sets column {column} to its default ({default_sql}) where it is null, then makes it required"
            ),
            Risk::DropsAuditLog { table_sql } => write!(
                f,
                "drops the audit log {table_sql}, and every entry in it"
            ),
            Risk::DropsBucket { id } => write!(
                f,
                "drops the Storage bucket {id}: while it holds objects the migration stops (empty it through the Storage API first)"
            ),
        }
    }
}

/// What turning the table `old` describes into `new` does to the rows it holds.
pub fn risks(old: &Model, new: &Model) -> Vec<Risk> {
    let mut found = Vec::new();
    for object in &new.objects {
        match (object, old.get(&object.key())) {
            // A generated column is computed from the others: adding, changing or dropping it
            // neither rejects nor loses a value.
            (Object::Column(after), _) if after.generated_sql.is_some() => {}
            (Object::Column(after), None) => {
                if after.not_null && after.default_sql.is_none() {
                    found.push(Risk::AddsRequiredColumn {
                        column: after.name_sql.clone(),
                    });
                }
            }
            (Object::Column(after), Some(Object::Column(before))) => {
                if before.sql_type != after.sql_type && !widens(&before.sql_type, &after.sql_type) {
                    found.push(Risk::CastsColumn {
                        column: after.name_sql.clone(),
                        from: before.sql_type.clone(),
                        to: after.sql_type.clone(),
                    });
                }
                if after.not_null && !before.not_null {
                    found.push(match &after.default_sql {
                        Some(default) => Risk::FillsNulls {
                            column: after.name_sql.clone(),
                            default_sql: default.clone(),
                        },
                        None => Risk::RequiresColumn {
                            column: after.name_sql.clone(),
                        },
                    });
                }
            }
            (Object::EnumType(after), Some(Object::EnumType(before))) => {
                let labels: Vec<String> = before
                    .values
                    .iter()
                    .filter(|v| !after.values.contains(v))
                    .cloned()
                    .collect();
                if !labels.is_empty() {
                    found.push(Risk::RemovesLabels {
                        type_sql: after.type_sql.clone(),
                        labels,
                    });
                }
            }
            (Object::Constraint(after), before) => {
                let before = before.and_then(Object::as_constraint);
                if !holds_for_existing_rows(before, after, old, new) {
                    found.push(Risk::AddsConstraint {
                        name: after.name.clone(),
                        definition: after.definition(),
                    });
                }
            }
            // Indexes that are not constraints, triggers, policies and grants decide who may do
            // what from now on; they neither hold nor check the rows already there.
            (Object::EnumType(_), _)
            | (Object::Column(_), Some(_))
            | (Object::Index(_), _)
            | (Object::Trigger(_), _)
            | (Object::Policy(_), _)
            | (Object::Grants(_), _) => {}
            // A log kept keeps its entries; a limit changed keeps its callers' buckets.
            (Object::PrivateSchema(_), _)
            | (Object::RateLimiter(_), _)
            | (Object::RateLimit(_), _)
            | (Object::AuditLog(_), _) => {}
            // New limits apply to uploads to come; the objects already there stay. Storage
            // policies, like the table's, decide who may do what from now on.
            (Object::Bucket(_), _) | (Object::StoragePolicy(_), _) => {}
        }
    }
    for object in &old.objects {
        if let Object::AuditLog(before) = object {
            let kept = matches!(
                new.get(&object.key()),
                Some(Object::AuditLog(after)) if super::diff::same_log_table(before, after)
            );
            if !kept {
                found.push(Risk::DropsAuditLog {
                    table_sql: before.table_sql.clone(),
                });
            }
        }
        if let (Object::Bucket(bucket), None) = (object, new.get(&object.key())) {
            found.push(Risk::DropsBucket {
                id: bucket.id.clone(),
            });
        }
    }
    for column in old.columns().filter(|c| c.generated_sql.is_none()) {
        if new.column(&column.name_sql).is_none() {
            found.push(Risk::DropsColumn {
                column: column.name_sql.clone(),
            });
        }
    }
    found
}

/// Whether every value of `from` converts to `to` exactly.
fn widens(from: &str, to: &str) -> bool {
    // Every type's text form is exact (PostgreSQL 12 and later write the shortest exact form of
    // a double).
    if to == "text" {
        return true;
    }
    let integer_digits = |sql_type: &str| -> Option<u32> {
        match sql_type {
            "integer" => Some(10),
            "bigint" => Some(19),
            _ => None,
        }
    };
    match (numeric_digits(from), numeric_digits(to)) {
        // numeric(p, s) into numeric(p2, s2): as many digits before and after the point.
        (Some(Some((p, s))), Some(Some((p2, s2)))) => s2 >= s && p2 - s2 >= p - s,
        (Some(_), Some(None)) => true,
        (Some(None), Some(Some(_))) => false,
        (None, Some(digits)) => integer_digits(from).is_some_and(|n| match digits {
            None => true,
            Some((p, s)) => p - s >= n,
        }),
        (Some(_), None) | (None, None) => {
            matches!(
                (from, to),
                ("integer", "bigint") | ("integer", "double precision")
            )
        }
    }
}

/// For a numeric type, its precision and scale (`None` for unbounded `numeric`); `None` for
/// every other type.
fn numeric_digits(sql_type: &str) -> Option<Option<(u32, u32)>> {
    if sql_type == "numeric" {
        return Some(None);
    }
    let inner = sql_type.strip_prefix("numeric(")?.strip_suffix(')')?;
    let (p, s) = inner.split_once(',')?;
    Some(Some((p.trim().parse().ok()?, s.trim().parse().ok()?)))
}

/// Whether every row the table held under `old` satisfies `after` (which `before`, of the same
/// name, may have been).
fn holds_for_existing_rows(
    before: Option<&Constraint>,
    after: &Constraint,
    old: &Model,
    new: &Model,
) -> bool {
    if before.is_some_and(|b| b.kind == after.kind) {
        return true;
    }
    // Columns added by this alter hold nulls or their default in every existing row.
    let added = |column: &str| old.column(column).is_none();
    let added_without_default = |column: &str| {
        added(column)
            && new
                .column(column)
                .is_some_and(|c: &Column| c.default_sql.is_none())
    };
    match (&after.kind, before.map(|b| &b.kind)) {
        // A check passes on null, and defaults are checked against the field's bounds.
        (ConstraintKind::Check(expr), before) => {
            let columns: Vec<&Column> = new
                .columns()
                .filter(|c| mentions(expr, &c.name_sql))
                .collect();
            (!columns.is_empty() && columns.iter().all(|c| added(&c.name_sql)))
                || every_conjunct_mentions_one_of(expr, new, added_without_default)
                || matches!(before, Some(ConstraintKind::Check(old_expr)) if relaxes(old_expr, expr))
        }
        // Nulls never collide; a unique over more columns is implied by one over fewer.
        (ConstraintKind::Unique(columns), before) => {
            columns.iter().any(|c| added_without_default(c))
                || matches!(before, Some(ConstraintKind::Unique(old_columns))
                    if old_columns.iter().all(|c| columns.contains(c)))
        }
        // A key with a null column is not checked (match simple); a key on fewer of the same
        // pairs of columns is implied by the old one.
        (ConstraintKind::ForeignKey(fk), before) => {
            fk.columns.iter().any(|c| added_without_default(c))
                || matches!(before, Some(ConstraintKind::ForeignKey(old_fk))
                if old_fk.references_sql == fk.references_sql
                    && fk.columns.iter().zip(&fk.references).all(|pair| {
                        old_fk.columns.iter().zip(&old_fk.references).any(|old_pair| old_pair == pair)
                    }))
        }
        (ConstraintKind::PrimaryKey(_), _) => false,
    }
}

/// Whether each of the `and`-ed parts of a check mentions a column `added` says every existing
/// row holds null in (a file's path check names the row's folder column too): each part is then
/// null, as generated checks only use operators and functions that give null on null, so the
/// whole check is null, which passes. An `or` or a test of nulls makes no such promise.
fn every_conjunct_mentions_one_of(expr: &str, new: &Model, added: impl Fn(&str) -> bool) -> bool {
    let lower = expr.to_ascii_lowercase();
    if [" or ", " is ", "coalesce(", "case "]
        .iter()
        .any(|w| lower.contains(w))
    {
        return false;
    }
    let nulls: Vec<&Column> = new.columns().filter(|c| added(&c.name_sql)).collect();
    lower.split(" and ").all(|part| {
        nulls
            .iter()
            .any(|c| mentions(part, &c.name_sql.to_ascii_lowercase()))
    })
}

/// Whether the bound check `new` (`<subject> <= <number>` or `>=`) lets through every value
/// `old`, on the same subject with the same operator, let through.
fn relaxes(old: &str, new: &str) -> bool {
    let parse = |expr: &str| -> Option<(String, String, Decimal)> {
        let (rest, number) = expr.rsplit_once(' ')?;
        let (subject, op) = rest.rsplit_once(' ')?;
        Some((
            subject.to_string(),
            op.to_string(),
            Decimal::from_str(number).ok()?,
        ))
    };
    match (parse(old), parse(new)) {
        (Some((s1, op1, n1)), Some((s2, op2, n2))) if s1 == s2 && op1 == op2 => {
            match op1.as_str() {
                "<=" => n2 >= n1,
                ">=" => n2 <= n1,
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check on a column this alter adds without a default holds for the rows already there
    /// when each of its `and`-ed parts is null on them (a file's path check also names the
    /// folder column); an `or` or a null test makes no such promise, and neither does a default.
    #[test]
    fn a_check_on_a_new_column_holds_when_each_part_is_null_there() {
        let model = |columns: Vec<Column>, check: Option<&str>| Model {
            table_sql: "public.notes".into(),
            objects: columns
                .into_iter()
                .map(Object::Column)
                .chain(check.map(|expr| {
                    Object::Constraint(Constraint::new(
                        "scan_path",
                        ConstraintKind::Check(expr.to_string()),
                    ))
                }))
                .collect(),
            extensions: Vec::new(),
        };
        let owner = Column::new("user_id", "uuid");
        let old = model(vec![owner.clone()], None);
        let refused = |scan: Column, expr: &str| {
            let new = model(vec![owner.clone(), scan], Some(expr));
            risks(&old, &new)
                .iter()
                .any(|r| matches!(r, Risk::AddsConstraint { .. }))
        };
        let mut scan = Column::new("scan", "text");
        scan.not_null = false;
        let path = "scan ~ '^x$' and split_part(scan, '/', 1) = user_id::text";
        assert!(!refused(scan.clone(), path));
        assert!(refused(
            scan.clone(),
            "scan ~ '^x$' and user_id is not null"
        ));
        assert!(refused(
            scan.clone(),
            "scan ~ '^x$' or split_part(scan, '/', 1) = user_id::text"
        ));
        assert!(refused(scan.clone().default("'a/b'"), path));
    }

    #[test]
    fn widening_is_exact_narrowing_is_not() {
        let cases = [
            ("integer", "bigint", true),
            ("bigint", "integer", false),
            ("integer", "double precision", true),
            ("bigint", "double precision", false),
            ("integer", "numeric", true),
            ("integer", "numeric(12, 2)", true),
            ("integer", "numeric(11, 2)", false),
            ("bigint", "numeric(21, 2)", true),
            ("numeric(10, 2)", "numeric(12, 2)", true),
            ("numeric(10, 2)", "numeric(12, 4)", true),
            ("numeric(10, 2)", "numeric(10, 3)", false),
            ("numeric(10, 2)", "numeric(10, 1)", false),
            ("numeric(10, 2)", "numeric", true),
            ("numeric", "numeric(10, 2)", false),
            ("numeric", "integer", false),
            ("double precision", "numeric", false),
            ("public.note_status", "text", true),
            ("text", "public.note_status", false),
            ("text", "integer", false),
            ("date", "timestamptz", false),
        ];
        for (from, to, want) in cases {
            assert_eq!(widens(from, to), want, "{from} → {to}");
        }
    }

    #[test]
    fn a_bound_relaxes_only_the_same_way() {
        let cases = [
            (
                "char_length(title) <= 80",
                "char_length(title) <= 200",
                true,
            ),
            (
                "char_length(title) <= 200",
                "char_length(title) <= 80",
                false,
            ),
            ("amount >= 0.5", "amount >= 0", true),
            ("amount >= 0", "amount >= 0.5", false),
            ("amount >= 0", "amount <= 10", false),
            ("n <= 10", "m <= 20", false),
        ];
        for (old, new, want) in cases {
            assert_eq!(relaxes(old, new), want, "{old} → {new}");
        }
        assert!(mentions("char_length(\"order\") <= 3", "\"order\""));
        assert!(mentions("title ~ 'x'", "title"));
        assert!(!mentions("subtitle ~ 'x'", "title"));
    }
}
