//! The plan: every file a command would write, rendered in memory, compared with the disk,
//! and then written all together or not at all.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::project::Project;
use crate::session::SessionEntry;

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// What the run did, for the session record: written after the files, never on a dry run.
    pub session: Vec<SessionEntry>,
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
    pub fn record(&mut self, entry: SessionEntry) {
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

    pub fn to_json(&self, dry_run: bool) -> String {
        #[derive(Serialize)]
        struct Report<'a> {
            dry_run: bool,
            files: &'a [Entry],
            warnings: &'a [String],
        }
        serde_json::to_string_pretty(&Report {
            dry_run,
            files: &self.files,
            warnings: &self.warnings,
        })
        .expect("a plan serializes")
    }

    /// Writes every file the plan creates or overwrites: all of them, or none.
    ///
    /// Each file is first written to a temporary file beside its target; only when every one of
    /// them is staged are they renamed into place, so a failure leaves no partial file.
    pub fn apply(&self, root: &Path) -> Result<(), Error> {
        let mut created_dirs: Vec<PathBuf> = Vec::new();
        let staged = self.stage(root, &mut created_dirs);
        let staged = match staged {
            Ok(staged) => staged,
            Err(e) => {
                for dir in created_dirs.iter().rev() {
                    let _ = fs::remove_dir(dir);
                }
                return Err(e);
            }
        };
        for (temp, target) in staged {
            temp.persist(&target)
                .map_err(|e| Error::io(&target, e.error))?;
        }
        Ok(())
    }

    fn stage(
        &self,
        root: &Path,
        created_dirs: &mut Vec<PathBuf>,
    ) -> Result<Vec<(tempfile::NamedTempFile, PathBuf)>, Error> {
        let mut staged = Vec::new();
        for entry in self.files.iter().filter(|e| e.action.writes()) {
            let target = root.join(&entry.path);
            let dir = target.parent().unwrap_or(root);
            create_dir_all(dir, created_dirs)?;
            let mut temp = tempfile::Builder::new()
                .prefix(".scaffold-")
                .tempfile_in(dir)
                .map_err(|e| Error::io(dir, e))?;
            temp.write_all(entry.contents.as_bytes())
                .map_err(|e| Error::io(&target, e))?;
            set_permissions(&temp, &target)?;
            staged.push((temp, target));
        }
        Ok(staged)
    }
}

/// Creates a folder and its missing parents, remembering which ones it made.
fn create_dir_all(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current {
        if path.as_os_str().is_empty() || path.is_dir() {
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
        created.push(path);
    }
    Ok(())
}

/// New files get the usual `rw-r--r--`, replaced files keep the mode they had.
fn set_permissions(temp: &tempfile::NamedTempFile, target: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(target)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(target, e))?;
    }
    #[cfg(not(unix))]
    let _ = (temp, target);
    Ok(())
}
