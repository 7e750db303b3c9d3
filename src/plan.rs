//! The plan: every file a command would write, rendered in memory, compared with the disk,
//! and then written all together or not at all.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::disk;
use crate::error::Error;
use crate::manifest::{self, FileRecord, Generation, GenerationSpec, Generator, RecordedOwnership};
use crate::project::Project;
use crate::session::PlannedEntry;

/// How a planned file treats one that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// Generated for this command: a different file on disk is a conflict.
    Generated,
    /// Shared module written once per project: an existing file is the user's and is kept.
    WriteOnce,
    /// Computed from the file on disk (e.g. `.env.example` with missing entries appended):
    /// a difference is an update, never a conflict.
    Merged,
    /// A migration or its rollback: once written it is history (it may have run), so a file
    /// already there is kept as it is, even with `--force`.
    History,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub contents: String,
    pub ownership: Ownership,
}

/// What the generators produce: files, nothing written yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// What the run did, for the session record: written after the files, never on a dry run.
    pub session: Vec<PlannedEntry>,
    /// Things the user should know that do not stop the run, such as a table the output needs
    /// and no migration creates.
    pub warnings: Vec<String>,
    /// What the manifest records of this run: one entry per generation.
    pub generations: Vec<PlannedGeneration>,
    /// Files to delete (`scaffold destroy`), each only if unchanged since scaffold wrote it.
    pub removals: Vec<Removal>,
    /// Generations undone (`scaffold destroy`): their manifest and session entries go.
    pub forget: Vec<String>,
}

/// A generation as the manifest will record it, once its files are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedGeneration {
    /// `resource:<table>`, `webhook:stripe`, ...: the session entry's key.
    pub key: String,
    pub generator: Generator,
    pub command: String,
    pub spec: Option<GenerationSpec>,
    /// The paths of its files in the plan.
    pub paths: Vec<String>,
}

/// A file `scaffold destroy` removes if it is as scaffold wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub path: String,
    /// The sha256 scaffold recorded for it (the manifest's); `None` when unknown, and then
    /// `original` decides.
    pub sha256: Option<String>,
    /// The content scaffold wrote, when it can be rendered again: for the diff of a file the
    /// user changed since.
    pub original: Option<String>,
}

impl Plan {
    pub fn add(&mut self, path: impl Into<String>, contents: String, ownership: Ownership) {
        let path = path.into();
        debug_assert!(
            !self.files.iter().any(|f| f.path == path),
            "{path} planned twice"
        );
        self.files.push(PlannedFile {
            path,
            contents,
            ownership,
        });
    }

    pub fn generated(&mut self, path: impl Into<String>, contents: String) {
        self.add(path, contents, Ownership::Generated);
    }

    pub fn write_once(&mut self, path: impl Into<String>, contents: String) {
        self.add(path, contents, Ownership::WriteOnce);
    }

    /// Adds an entry to the session record (see [`crate::session`]).
    pub fn record(&mut self, entry: PlannedEntry) {
        self.session.retain(|e| e.key != entry.key);
        self.session.push(entry);
    }

    pub fn get(&self, path: &str) -> Option<&PlannedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Records every file planned so far as one generation of the manifest.
    pub fn generation(
        &mut self,
        key: impl Into<String>,
        generator: Generator,
        command: impl Into<String>,
        spec: Option<GenerationSpec>,
    ) {
        let paths = self.files.iter().map(|f| f.path.clone()).collect();
        self.generations.push(PlannedGeneration {
            key: key.into(),
            generator,
            command: command.into(),
            spec,
            paths,
        });
    }

    /// Adds another plan's files, session entries, warnings and generations (`scaffold apply`).
    /// A file both plan is a shared module: planned once. `seen` indexes this plan's paths.
    pub fn merge(
        &mut self,
        other: Plan,
        seen: &mut std::collections::HashMap<String, usize>,
    ) -> Result<(), Error> {
        for file in other.files {
            match seen.get(&file.path) {
                Some(&at) if self.files[at].contents == file.contents => {}
                Some(_) => {
                    return Err(Error::input(format!(
                        "{} would be written twice with different content; declare the resources that write it in separate runs",
                        file.path
                    )))
                }
                None => {
                    seen.insert(file.path.clone(), self.files.len());
                    self.files.push(file);
                }
            }
        }
        for entry in other.session {
            self.record(entry);
        }
        self.warnings.extend(other.warnings);
        self.generations.extend(other.generations);
        self.removals.extend(other.removals);
        self.forget.extend(other.forget);
        Ok(())
    }
}

/// What to do with a generated file that exists with other content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    #[default]
    Stop,
    Overwrite,
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// New file.
    Create,
    /// Same content on disk: nothing to do.
    Identical,
    /// Different content on disk and no permission to replace it.
    Conflict,
    /// Different content on disk, replaced because of `--force`.
    Overwrite,
    /// Different content on disk, left alone because of `--skip-existing`.
    Skip,
    /// A write-once shared module the project already has: left alone.
    Keep,
    /// A merged file gains what it was missing.
    Update,
    /// A file `scaffold destroy` deletes: it is as scaffold wrote it (or `--force`).
    Remove,
}

impl Action {
    pub fn writes(self) -> bool {
        matches!(self, Action::Create | Action::Overwrite | Action::Update)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub path: String,
    pub action: Action,
    pub bytes: usize,
    #[serde(skip)]
    pub contents: String,
    #[serde(skip)]
    pub existing: Option<String>,
    /// A file to remove (`scaffold destroy`); kept (`Keep`) when changed since it was written,
    /// and then `contents` is what scaffold wrote, when known.
    #[serde(skip)]
    pub removal: bool,
}

/// What became of a resolved plan, as `--json` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `--dry-run`: shown, nothing written.
    DryRun,
    /// Every file written.
    Written,
    /// A conflict stopped the run before anything was written.
    Stopped,
}

/// A plan compared with the disk.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    pub files: Vec<Entry>,
    pub warnings: Vec<String>,
}

impl Plan {
    /// Compares every planned file with the disk, and adds the manifest (`.scaffold/manifest.json`)
    /// as it will be after the run when the run changes what it records. Files to remove are
    /// removed when unchanged since scaffold wrote them, or with `on_conflict` `Overwrite`.
    pub fn resolve(self, project: &Project, on_conflict: OnConflict) -> Result<Resolved, Error> {
        let mut files = Vec::with_capacity(self.files.len() + self.removals.len() + 1);
        let before = project.manifest()?;
        let mut record = before.clone();
        let records_change = !self.generations.is_empty() || !self.forget.is_empty();
        for key in &self.forget {
            record.forget(key);
        }
        let by_path: std::collections::HashMap<&str, &PlannedFile> =
            self.files.iter().map(|f| (f.path.as_str(), f)).collect();
        let migrations_dir = format!("{}/", project.layout.migrations_dir);
        for generation in &self.generations {
            let mut recorded = std::collections::BTreeMap::new();
            for path in &generation.paths {
                if let Some(file) = by_path.get(path.as_str()) {
                    recorded.insert(
                        path.clone(),
                        FileRecord {
                            ownership: file.ownership.into(),
                            sha256: manifest::sha256(&file.contents),
                        },
                    );
                }
            }
            // The generation's earlier migrations stay its own: a create migration and the
            // alter migrations after it (a rerun that alters plans only the new one).
            if let Some(earlier) = before.generations.get(&generation.key) {
                for (path, file) in &earlier.files {
                    if file.ownership == RecordedOwnership::Migration {
                        recorded.entry(path.clone()).or_insert_with(|| file.clone());
                    }
                }
            }
            let migrations = recorded
                .iter()
                .filter(|(p, f)| {
                    p.starts_with(&migrations_dir) && f.ownership == RecordedOwnership::Migration
                })
                .map(|(p, _)| p.clone())
                .collect();
            record.record(
                generation.key.clone(),
                Generation {
                    command: generation.command.clone(),
                    files: recorded,
                    generator: generation.generator,
                    migrations,
                    spec: generation.spec.clone(),
                },
            );
        }
        for file in self.files {
            let existing = project.read(&file.path)?;
            let action = match (&existing, file.ownership) {
                (None, _) => Action::Create,
                (Some(text), _) if *text == file.contents => Action::Identical,
                (Some(_), Ownership::WriteOnce | Ownership::History) => Action::Keep,
                (Some(_), Ownership::Merged) => Action::Update,
                // As scaffold wrote it (the manifest's hash): not the user's, so regenerated
                // (unless --skip-existing says to keep every existing file).
                (Some(text), Ownership::Generated)
                    if on_conflict != OnConflict::Skip && before.wrote(&file.path, text) =>
                {
                    Action::Overwrite
                }
                (Some(_), Ownership::Generated) => match on_conflict {
                    OnConflict::Stop => Action::Conflict,
                    OnConflict::Overwrite => Action::Overwrite,
                    OnConflict::Skip => Action::Skip,
                },
            };
            files.push(Entry {
                bytes: file.contents.len(),
                path: file.path,
                action,
                contents: file.contents,
                existing,
                removal: false,
            });
        }
        for removal in self.removals {
            let Some(existing) = project.read(&removal.path)? else {
                continue;
            };
            let unchanged = match (&removal.sha256, &removal.original) {
                (Some(hash), _) => manifest::sha256(&existing) == *hash,
                (None, Some(original)) => existing == *original,
                (None, None) => false,
            };
            let action = if unchanged || on_conflict == OnConflict::Overwrite {
                Action::Remove
            } else {
                Action::Keep
            };
            files.push(Entry {
                bytes: existing.len(),
                path: removal.path,
                action,
                contents: removal.original.unwrap_or_default(),
                existing: Some(existing),
                removal: true,
            });
        }
        if records_change {
            let text = record.to_json();
            let existing = project.read(manifest::PATH)?;
            let action = match &existing {
                None => Action::Create,
                Some(old) if *old == text => Action::Identical,
                Some(_) => Action::Update,
            };
            files.push(Entry {
                path: manifest::PATH.to_string(),
                action,
                bytes: text.len(),
                contents: text,
                existing,
                removal: false,
            });
        }
        Ok(Resolved {
            files,
            warnings: self.warnings,
        })
    }
}

impl Resolved {
    pub fn conflicts(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|e| e.action == Action::Conflict)
            .map(|e| e.path.as_str())
            .collect()
    }

    /// Fails, writing nothing, when any generated file would replace different content.
    pub fn check_conflicts(&self) -> Result<(), Error> {
        let conflicts = self.conflicts();
        if conflicts.is_empty() {
            return Ok(());
        }
        Err(Error::Conflict(format!(
            "{} file(s) already exist with different content:\n  {}\nnothing was written; review with --dry-run, then rerun with --force to overwrite or --skip-existing to keep them",
            conflicts.len(),
            conflicts.join("\n  ")
        )))
    }

    /// A unified diff of every change the plan would make.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for entry in self.files.iter().filter(|e| {
            matches!(
                e.action,
                Action::Create | Action::Overwrite | Action::Conflict | Action::Update
            ) || (e.removal && e.action == Action::Remove)
        }) {
            let old = entry.existing.as_deref().unwrap_or("");
            let new = if entry.removal {
                ""
            } else {
                entry.contents.as_str()
            };
            let (from, to) = match (&entry.existing, entry.removal) {
                (_, true) => (format!("a/{}", entry.path), "/dev/null".to_string()),
                (Some(_), false) => (format!("a/{}", entry.path), format!("b/{}", entry.path)),
                (None, false) => ("/dev/null".to_string(), format!("b/{}", entry.path)),
            };
            if old.is_empty() && added_lines(&mut out, &from, &to, new) {
                continue;
            }
            let diff = similar::TextDiff::from_lines(old, new);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&from, &to)
                    .to_string(),
            );
        }
        out
    }

    /// The plan as `--json` prints it: `dry_run`, `written` (false on a dry run and when a
    /// conflict stopped the run), each file's `path`, `action` and `bytes`, and the warnings.
    pub fn to_json(&self, outcome: Outcome) -> String {
        #[derive(Serialize)]
        struct Report<'a> {
            dry_run: bool,
            written: bool,
            files: &'a [Entry],
            warnings: &'a [String],
        }
        let (dry_run, written) = match outcome {
            Outcome::DryRun => (true, false),
            Outcome::Written => (false, true),
            Outcome::Stopped => (false, false),
        };
        serde_json::to_string_pretty(&Report {
            dry_run,
            written,
            files: &self.files,
            warnings: &self.warnings,
        })
        .expect("a plan serializes")
    }

    /// The changes of files the user edited since scaffold wrote them, which `scaffold destroy`
    /// keeps: a diff from what scaffold wrote to what is there, or a note when what scaffold
    /// wrote cannot be told.
    pub fn kept_changes(&self) -> String {
        let mut out = String::new();
        for entry in self
            .files
            .iter()
            .filter(|e| e.removal && e.action == Action::Keep)
        {
            let now = entry.existing.as_deref().unwrap_or("");
            if entry.contents.is_empty() {
                out.push_str(&format!(
                    "{}: changed since scaffold wrote it (its sha256 differs from the manifest's)\n",
                    entry.path
                ));
                continue;
            }
            let diff = similar::TextDiff::from_lines(entry.contents.as_str(), now);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("a/{} (as scaffold wrote it)", entry.path),
                        &format!("b/{} (now)", entry.path),
                    )
                    .to_string(),
            );
        }
        out
    }

    /// Writes every file the plan creates, overwrites or updates, and removes those it removes:
    /// all of them or none, as [`disk::write_all`] describes.
    pub fn apply(&self, root: &Path) -> Result<(), Error> {
        let files: Vec<(PathBuf, &str)> = self
            .files
            .iter()
            .filter(|e| e.action.writes())
            .map(|e| (root.join(&e.path), e.contents.as_str()))
            .collect();
        let removed: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|e| e.action == Action::Remove)
            .map(|e| root.join(&e.path))
            .collect();
        disk::write_and_remove(&files, &removed)
    }
}

/// Appends the unified diff from nothing to `text` (every line added), exactly as
/// `similar`'s unified diff writes it, without diffing: a new file's diff is most of a dry
/// run's. Returns false, appending nothing, unless `text` is lines each ending in `\n` (and no
/// `\r`, which `similar` also splits lines at); the general diff handles the rest.
fn added_lines(out: &mut String, from: &str, to: &str, text: &str) -> bool {
    if text.is_empty() || !text.ends_with('\n') || text.contains('\r') {
        return false;
    }
    let ends: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
    out.reserve(from.len() + to.len() + text.len() + ends.len() + 32);
    out.push_str(&format!("--- {from}\n+++ {to}\n"));
    if ends.len() == 1 {
        out.push_str("@@ -0,0 +1 @@\n");
    } else {
        out.push_str(&format!("@@ -0,0 +1,{} @@\n", ends.len()));
    }
    let mut start = 0;
    for end in ends {
        out.push('+');
        out.push_str(&text[start..=end]);
        start = end + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new file's diff is `similar`'s, byte for byte; texts it would split otherwise than at
    /// `\n`, or without a last newline, are left to `similar`.
    #[test]
    fn a_new_files_diff_is_the_general_diffs() {
        let cases = [
            ("one line", "a\n", true),
            ("lines", "a\nb\n\nc\n", true),
            ("a blank line", "\n", true),
            ("many lines", &"line\n".repeat(500), true),
            ("no last newline", "a\nb", false),
            ("a carriage return", "a\r\nb\n", false),
            ("a lone carriage return", "a\rb\n", false),
            ("nothing", "", false),
        ];
        for (what, text, fast) in cases {
            let mut out = String::new();
            assert_eq!(
                added_lines(&mut out, "/dev/null", "b/x.ts", text),
                fast,
                "{what}"
            );
            if fast {
                let general = similar::TextDiff::from_lines("", text)
                    .unified_diff()
                    .context_radius(3)
                    .header("/dev/null", "b/x.ts")
                    .to_string();
                assert_eq!(out, general, "{what}");
            } else {
                assert_eq!(out, "", "{what}");
            }
        }
    }
}
