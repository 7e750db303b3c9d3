//! `--rename`: what a user says was renamed between the spec a table has and the new one. A
//! rename is never guessed from a field removed and another added (that would drop a column and
//! its data); it is said: `--rename title=heading` renames a field (its column keeps its values),
//! `--rename status:draft=pending` renames an enum label (the rows holding it keep it, renamed).

use std::fmt;

use super::field::FieldType;
use super::value::DefaultValue;
use super::{Field, ResourceSpec};
use crate::error::Error;

/// The renames of one alter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// Fields, by name as typed: (old, new).
    pub fields: Vec<(String, String)>,
    pub labels: Vec<LabelRename>,
}

/// An enum label renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRename {
    /// The field as the old spec names it.
    pub field: String,
    pub from: String,
    pub to: String,
}

impl fmt::Display for LabelRename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}={}", self.field, self.from, self.to)
    }
}

const GRAMMAR: &str =
    "`--rename OLD=NEW` renames a field, `--rename FIELD:OLD=NEW` a value of an enum field";

impl Renames {
    /// Parses `old=new` and `field:old=new` tokens.
    pub fn parse(tokens: &[String]) -> Result<Renames, Error> {
        let mut renames = Renames::default();
        for token in tokens {
            super::check_printable(token, "`--rename`")?;
            let bad = |why: &str| Error::input(format!("`--rename {token}`: {why}; {GRAMMAR}"));
            let (target, to) = token
                .split_once('=')
                .ok_or_else(|| bad("no `=` between the old name and the new one"))?;
            let (field, from) = match target.split_once(':') {
                Some((field, from)) => (Some(field), from),
                None => (None, target),
            };
            if from.is_empty() || to.is_empty() || field.is_some_and(str::is_empty) {
                return Err(bad("a name is missing"));
            }
            if from == to {
                return Err(bad("the old and the new name are the same"));
            }
            match field {
                None => renames.fields.push((from.to_string(), to.to_string())),
                Some(field) => renames.labels.push(LabelRename {
                    field: field.to_string(),
                    from: from.to_string(),
                    to: to.to_string(),
                }),
            }
        }
        Ok(renames)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.labels.is_empty()
    }

    /// The command line's flags that give these renames.
    pub fn flags(&self) -> Vec<String> {
        let fields = self.fields.iter().map(|(a, b)| format!("--rename {a}={b}"));
        let labels = self.labels.iter().map(|l| format!("--rename {l}"));
        fields.chain(labels).collect()
    }

    /// Checks that each rename names a field (or label) `old` has and `new` does not, and that
    /// `new` has under its new name and `old` does not; label renames then name their field as
    /// `old` does.
    pub fn check(&self, old: &ResourceSpec, new: &ResourceSpec) -> Result<Renames, Error> {
        let table = old.table();
        let has = |spec: &ResourceSpec, name: &str| spec.fields.iter().any(|f| f.name == name);
        let names = |spec: &ResourceSpec| {
            spec.fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, (from, to)) in self.fields.iter().enumerate() {
            let flag = format!("`--rename {from}={to}`");
            if !has(old, from) {
                return Err(Error::input(format!(
                    "{flag}: public.{table} has no field `{from}`; its fields: {}",
                    names(old)
                )));
            }
            if !has(new, to) {
                return Err(Error::input(format!(
                    "{flag}: the new spec has no field `{to}`; its fields: {}",
                    names(new)
                )));
            }
            if has(new, from) || has(old, to) {
                return Err(Error::input(format!(
                    "{flag}: a rename takes a field the new spec no longer has to one the table does not have yet, and `{}` is in both",
                    if has(new, from) { from } else { to }
                )));
            }
            let is_file = |spec: &ResourceSpec, name: &str| {
                spec.fields
                    .iter()
                    .any(|f| f.name == name && f.ty == FieldType::File)
            };
            if is_file(old, from) || is_file(new, to) {
                return Err(Error::input(format!(
                    "{flag}: `{from}` is a file field, and its Storage bucket ({table}.{from}) is named after it; Storage cannot rename a bucket that holds objects (each object's bucket and path are its address), so a file field is not renamed. Keep its name, or remove it and add `{to}` (a new, empty bucket: the files move through the Storage API, which scaffold cannot do in a migration)"
                )));
            }
            let twice = self.fields[..i].iter().any(|(a, b)| a == from || b == to);
            if twice {
                return Err(Error::input(format!("{flag}: that field is renamed twice")));
            }
        }
        let mut labels = Vec::new();
        for label in &self.labels {
            let flag = format!("`--rename {label}`");
            let old_name = if has(old, &label.field) {
                label.field.clone()
            } else if let Some((from, _)) = self.fields.iter().find(|(_, to)| *to == label.field) {
                from.clone()
            } else {
                return Err(Error::input(format!(
                    "{flag}: public.{table} has no field `{}`; its fields: {}",
                    label.field,
                    names(old)
                )));
            };
            let new_name = self.renamed(&old_name);
            let values = |spec: &ResourceSpec, name: &str| {
                spec.fields.iter().find(|f| f.name == name).and_then(|f| {
                    if let FieldType::Enum { values } = &f.ty {
                        Some(values.clone())
                    } else {
                        None
                    }
                })
            };
            let (Some(before), Some(after)) = (values(old, &old_name), values(new, &new_name))
            else {
                return Err(Error::input(format!(
                    "{flag}: `{}` is not an enum field in both the table and the new spec",
                    label.field
                )));
            };
            let fits = before.contains(&label.from)
                && !before.contains(&label.to)
                && after.contains(&label.to)
                && !after.contains(&label.from);
            if !fits {
                return Err(Error::input(format!(
                    "{flag}: a label rename takes a value the field has ({}) to one the new spec gives it instead ({})",
                    before.join(","),
                    after.join(",")
                )));
            }
            labels.push(LabelRename {
                field: old_name,
                ..label.clone()
            });
        }
        Ok(Renames {
            fields: self.fields.clone(),
            labels,
        })
    }

    /// The field's name after the renames.
    fn renamed(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(from, _)| from == name)
            .map_or_else(|| name.to_string(), |(_, to)| to.clone())
    }

    /// The renames that undo these (checked: the labels name their fields as `old` did).
    pub fn reversed(&self) -> Renames {
        Renames {
            fields: self
                .fields
                .iter()
                .map(|(a, b)| (b.clone(), a.clone()))
                .collect(),
            labels: self
                .labels
                .iter()
                .map(|l| LabelRename {
                    field: self.renamed(&l.field),
                    from: l.to.clone(),
                    to: l.from.clone(),
                })
                .collect(),
        }
    }

    /// `spec` with these renames made (checked against it): the same table, with the renamed
    /// fields and labels under their new names, and nothing else changed.
    pub fn apply(&self, spec: &ResourceSpec) -> ResourceSpec {
        let mut renamed = spec.clone();
        for field in &mut renamed.fields {
            let name = field.name.clone();
            for label in self.labels.iter().filter(|l| l.field == name) {
                rename_label(field, &label.from, &label.to);
            }
            field.name = self.renamed(&field.name);
        }
        renamed
    }

    /// What the renames change, in words.
    pub fn describe(&self) -> Vec<String> {
        let fields = self
            .fields
            .iter()
            .map(|(a, b)| format!("renames `{a}` to `{b}`"));
        let labels = self.labels.iter().map(|l| {
            format!(
                "renames the value `{}` of `{}` to `{}`",
                l.from,
                self.renamed(&l.field),
                l.to
            )
        });
        fields.chain(labels).collect()
    }
}

fn rename_label(field: &mut Field, from: &str, to: &str) {
    if let FieldType::Enum { values } = &mut field.ty {
        for value in values.iter_mut().filter(|v| *v == from) {
            *value = to.to_string();
        }
    }
    if field.default == Some(DefaultValue::Literal(from.to_string())) {
        field.default = Some(DefaultValue::Literal(to.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Access;

    fn spec(fields: &[&str]) -> ResourceSpec {
        let tokens: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        ResourceSpec::new("project", None, &tokens, Access::Owner).unwrap()
    }

    fn renames(tokens: &[&str]) -> Result<Renames, Error> {
        Renames::parse(&tokens.iter().map(|t| t.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn a_rename_gives_the_old_spec_the_new_names_and_undoes_itself() {
        let old = spec(&["title:text", "status:enum=draft,done:default=draft"]);
        let new = spec(&["heading:text", "state:enum=pending,done:default=pending"]);
        let checked = renames(&["title=heading", "status=state", "state:draft=pending"])
            .unwrap()
            .check(&old, &new)
            .unwrap();
        assert_eq!(
            checked.labels[0].field, "status",
            "named as the old spec names it"
        );
        assert_eq!(checked.apply(&old), new);
        assert_eq!(checked.reversed().apply(&new), old);
        assert_eq!(
            checked.describe(),
            [
                "renames `title` to `heading`",
                "renames `status` to `state`",
                "renames the value `draft` of `state` to `pending`"
            ]
        );
    }

    #[test]
    fn renames_that_do_not_fit_are_refused_naming_why() {
        let old = spec(&["title:text", "status:enum=draft,done"]);
        let new = spec(&["heading:text", "title2:text", "status:enum=pending,done"]);
        let cases: &[(&[&str], &str)] = &[
            (&["title"], "no `=` between the old name and the new one"),
            (&["=heading"], "a name is missing"),
            (&["title=title"], "the old and the new name are the same"),
            (
                &["name=heading"],
                "public.projects has no field `name`; its fields: title, status",
            ),
            (&["title=headline"], "the new spec has no field `headline`"),
            (
                &["status:draft=pending", "status:done=finished"],
                "a label rename takes a value",
            ),
            (&["title:a=b"], "`title` is not an enum field"),
        ];
        for (tokens, want) in cases {
            let err = renames(tokens)
                .and_then(|r| r.check(&old, &new))
                .unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(err.to_string().contains(want), "{tokens:?}: {err}");
        }
    }
}
