//! How a resource's new spec differs from the one its table was created with, in what the
//! database holds (the table, its policies and grants, its audit log and rate limits): the
//! server actions and names as typed are not part of it. A change means the table needs an
//! alter migration (see `generate::resource::alter`), unless it only reorders the fields.

use std::fmt;

use super::{Access, Field, RateLimits, ResourceSpec};

/// One difference between the spec a table was created with and a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    FieldAdded(Field),
    FieldRemoved(Field),
    /// The same column, with another type, modifier, bound, default or reference.
    FieldChanged {
        old: Field,
        new: Field,
    },
    /// The same fields in another order (column order).
    FieldsReordered,
    Access {
        old: Access,
        new: Access,
    },
    /// The audit log turned on (`true`) or off.
    Audit(bool),
    RateLimits {
        old: RateLimits,
        new: RateLimits,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::FieldAdded(field) => write!(f, "adds `{field}`"),
            Change::FieldRemoved(field) => write!(f, "removes `{field}`"),
            Change::FieldChanged { old, new } => write!(f, "changes `{old}` to `{new}`"),
            Change::FieldsReordered => f.write_str("reorders the fields"),
            Change::Access { old, new } => write!(
                f,
                "changes the access from `{}` to `{}`",
                flags(*old),
                flags(*new)
            ),
            Change::Audit(true) => f.write_str("adds an audit log (`--audit`)"),
            Change::Audit(false) => f.write_str("removes its audit log"),
            Change::RateLimits { old, new } => {
                write!(f, "changes the rate limits from `{old}` to `{new}`")
            }
        }
    }
}

fn flags(access: Access) -> String {
    match access.flags().join(" ") {
        words if words.is_empty() => "--access owner".to_string(),
        words => words,
    }
}

/// Whether two fields give the same column.
fn same_column(a: &Field, b: &Field) -> bool {
    a.column() == b.column()
        && a.ty == b.ty
        && a.optional == b.optional
        && a.unique == b.unique
        && a.index == b.index
        && a.sensitive == b.sensitive
        && a.sortable == b.sortable
        && a.searchable == b.searchable
        && a.default == b.default
        && a.min == b.min
        && a.max == b.max
        && a.digits() == b.digits()
        // A file's media types are its bucket's allowed_mime_types.
        && a.accept == b.accept
        && (a.ref_table().is_none() || a.effective_on_delete() == b.effective_on_delete())
}

/// What `new` changes in the table `old` created (the same table); empty when nothing.
pub fn changes(old: &ResourceSpec, new: &ResourceSpec) -> Vec<Change> {
    let mut found = Vec::new();
    for field in &new.fields {
        match old.fields.iter().find(|o| o.column() == field.column()) {
            None => found.push(Change::FieldAdded(field.clone())),
            Some(before) if !same_column(before, field) => found.push(Change::FieldChanged {
                old: before.clone(),
                new: field.clone(),
            }),
            Some(_) => {}
        }
    }
    for field in &old.fields {
        if !new.fields.iter().any(|n| n.column() == field.column()) {
            found.push(Change::FieldRemoved(field.clone()));
        }
    }
    let columns =
        |spec: &ResourceSpec| -> Vec<String> { spec.fields.iter().map(Field::column).collect() };
    if found.is_empty() && columns(old) != columns(new) {
        found.push(Change::FieldsReordered);
    }
    if old.access != new.access {
        found.push(Change::Access {
            old: old.access,
            new: new.access,
        });
    }
    if old.audit != new.audit {
        found.push(Change::Audit(new.audit));
    }
    if old.rate_limits != new.rate_limits {
        found.push(Change::RateLimits {
            old: old.rate_limits.clone(),
            new: new.rate_limits.clone(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Role;

    fn spec(fields: &[&str], access: Access) -> ResourceSpec {
        let tokens: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        ResourceSpec::new("project", None, &tokens, access).unwrap()
    }

    #[test]
    fn only_what_the_database_holds_is_a_change() {
        let base = spec(&["name:text", "owner:ref=people"], Access::Owner);
        let with_file = spec(
            &[
                "name:text",
                "owner:ref=people",
                "logo:file:max=1mb:accept=image/png",
            ],
            Access::Owner,
        );
        for (fields, want) in [
            (&["name:text", "owner:ref=people", "logo:file:max=1mb:accept=image/png"][..], &[][..]),
            (
                &["name:text", "owner:ref=people", "logo:file:max=1mb:accept=image/png,image/webp"],
                &["changes `logo:file:max=1mb:accept=image/png` to `logo:file:max=1mb:accept=image/png,image/webp`"],
            ),
            (
                &["name:text", "owner:ref=people", "logo:file:max=2mb:accept=image/png"],
                &["changes `logo:file:max=1mb:accept=image/png` to `logo:file:max=2mb:accept=image/png`"],
            ),
        ] {
            let got: Vec<String> = changes(&with_file, &spec(fields, Access::Owner))
                .iter()
                .map(Change::to_string)
                .collect();
            assert_eq!(got, want, "{fields:?}");
        }
        let cases: &[(&[&str], Access, &[&str])] = &[
            (&["name:text", "owner:ref=people"], Access::Owner, &[]),
            (
                &["name:text", "owner_id:ref=people:on-delete=cascade"],
                Access::Owner,
                &[],
            ),
            (
                &["name:text", "owner:ref=people", "priority:int:optional"],
                Access::Owner,
                &["adds `priority:int:optional`"],
            ),
            (&["name:text"], Access::Owner, &["removes `owner:ref=people`"]),
            (
                &["name:text:max=80", "owner:ref=people"],
                Access::Owner,
                &["changes `name:text` to `name:text:max=80`"],
            ),
            (
                &["name:text", "owner:ref=people", "price:numeric:scale=2"],
                Access::Owner,
                &["adds `price:numeric:scale=2`"],
            ),
            (
                &["owner:ref=people", "name:text"],
                Access::Owner,
                &["reorders the fields"],
            ),
            (
                &["name:text", "owner:ref=people"],
                Access::Workspace {
                    write_role: Role::Admin,
                },
                &["changes the access from `--access owner` to `--access workspace --write-role admin`"],
            ),
        ];
        for (fields, access, want) in cases {
            let got: Vec<String> = changes(&base, &spec(fields, *access))
                .iter()
                .map(Change::to_string)
                .collect();
            assert_eq!(got, *want, "{fields:?}");
        }
        let fewer_actions = base
            .clone()
            .with_actions(&[crate::spec::ActionKind::List])
            .unwrap();
        assert!(changes(&base, &fewer_actions).is_empty());
        let audited = spec(&["name:text:sensitive", "owner:ref=people"], Access::Owner)
            .with_audit(true)
            .unwrap()
            .with_rate_limits(
                &RateLimits::parse("create=10/min", "--rate-limit").unwrap(),
                true,
            )
            .unwrap();
        let got: Vec<String> = changes(&base, &audited)
            .iter()
            .map(Change::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "changes `name:text` to `name:text:sensitive`",
                "adds an audit log (`--audit`)",
                "changes the rate limits from `none` to `create=10/min`"
            ]
        );
    }
}
