//! The plan: every file a command would write, rendered in memory, compared with the disk,
//! and then written all together or not at all.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::disk;
use crate::error::Error;
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
    pub fn resolve(self, project: &Project, on_conflict: OnConflict) -> Result<Resolved, Error> {
        let mut files = Vec::with_capacity(self.files.len());
        for file in self.files {
            let existing = project.read(&file.path)?;
            let action = match (&existing, file.ownership) {
                (None, _) => Action::Create,
                (Some(text), _) if *text == file.contents => Action::Identical,
                (Some(_), Ownership::WriteOnce) => Action::Keep,
                (Some(_), Ownership::Merged) => Action::Update,
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
            )
        }) {
            let old = entry.existing.as_deref().unwrap_or("");
            let (from, to) = match entry.existing {
                Some(_) => (format!("a/{}", entry.path), format!("b/{}", entry.path)),
                None => ("/dev/null".to_string(), format!("b/{}", entry.path)),
            };
            let diff = similar::TextDiff::from_lines(old, entry.contents.as_str());
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

    /// Writes every file the plan creates, overwrites or updates: all of them or none, as
    /// [`disk::write_all`] describes.
    pub fn apply(&self, root: &Path) -> Result<(), Error> {
        let files: Vec<(PathBuf, &str)> = self
            .files
            .iter()
            .filter(|e| e.action.writes())
            .map(|e| (root.join(&e.path), e.contents.as_str()))
            .collect();
        disk::write_all(&files)
    }
}
