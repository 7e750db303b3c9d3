//! The session record: a Markdown file (by default `.claude/tasks/session-current.md`) where every
//! successful generation documents what it did, for the people and coding agents working next.
//!
//! Each generator adds one [`SessionEntry`] to its [`Plan`](crate::plan::Plan) with
//! [`Plan::record`](crate::plan::Plan::record), rendered from a template under
//! `templates/session/` with the same context as its code, so the record cannot drift from the
//! files. After the plan is written, [`record`] merges the entries into the file:
//!
//! - each entry sits between marker comments keyed by what it documents
//!   (`<!-- scaffold:begin resource:projects -->` … `<!-- scaffold:end resource:projects -->`);
//!   recording the same key again replaces that entry in place, a new key is appended;
//! - every byte outside the markers is kept as it was;
//! - the file is replaced atomically ([`disk::write_atomic`]) while holding an exclusive lock on
//!   a sibling `.lock` file, so concurrent `scaffold` processes never lose each other's entries.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::disk;
use crate::error::Error;
use crate::render::Renderer;

/// Where the session record goes when `scaffold.toml` says nothing else.
pub const DEFAULT_PATH: &str = ".claude/tasks/session-current.md";

/// What a new session file starts with.
pub const HEADER: &str = "# Current session\n\nBackend work recorded by `scaffold`: one entry per generated resource, replaced when it is generated again.\nEdit freely outside the `scaffold:begin` / `scaffold:end` markers; text between them is rewritten.\n";

/// One generator's entry: the Markdown documenting it, and the key that identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    /// What the entry documents, e.g. `resource:projects` or `webhook:stripe`: a later entry
    /// with the same key replaces this one. Letters, digits and `_ - : . /` only.
    pub key: String,
    /// The entry's Markdown, without the markers.
    pub markdown: String,
}

/// An entry a generator plans: rendered only when the run is recorded (not with `--dry-run`
/// or `--no-session`), from a template under `templates/` (e.g. `session/resource.md`) and the
/// generator's own context.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedEntry {
    pub key: String,
    pub template: &'static str,
    pub context: minijinja::Value,
}

impl PlannedEntry {
    pub fn new(key: impl Into<String>, template: &'static str, context: impl Serialize) -> Self {
        let key = key.into();
        debug_assert!(valid_key(&key), "bad session key {key:?}");
        PlannedEntry {
            key,
            template,
            context: minijinja::Value::from(minijinja::value::Serde(context)),
        }
    }

    pub fn render(&self, renderer: &Renderer) -> Result<SessionEntry, Error> {
        Ok(SessionEntry {
            key: self.key.clone(),
            markdown: renderer.render(self.template, &self.context)?,
        })
    }
}

impl SessionEntry {
    pub fn begin_marker(&self) -> String {
        format!("<!-- scaffold:begin {} -->", self.key)
    }

    pub fn end_marker(&self) -> String {
        format!("<!-- scaffold:end {} -->", self.key)
    }

    /// The entry as it appears in the file, markers included, ending with a newline.
    fn block(&self) -> String {
        let body = self.markdown.trim_matches('\n');
        format!("{}\n{body}\n{}\n", self.begin_marker(), self.end_marker())
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-:./".contains(c))
}

/// The session file's new text: `existing` (or [`HEADER`] when there is none) with each entry
/// replacing the block of the same key, or appended after a blank line
/// ([`disk::append_block`]). Text outside the markers is kept byte for byte.
pub fn merge(
    existing: Option<&str>,
    entries: &[SessionEntry],
    path: &str,
) -> Result<String, Error> {
    let mut text = existing.unwrap_or(HEADER).to_string();
    for entry in entries {
        text = place(&text, entry).ok_or_else(|| {
            Error::Conflict(format!(
                "{path}: the markers of `{}` are incomplete or out of order; restore `{}` … `{}` (or delete both) and rerun; the generated files were written",
                entry.key,
                entry.begin_marker(),
                entry.end_marker()
            ))
        })?;
    }
    Ok(text)
}

/// `text` with `entry` replacing the block between its markers, or appended after a blank line
/// when there is none ([`disk::append_block`]); everything outside the markers is kept byte for
/// byte. `None` when only one marker is there, or the end comes first. Other files that carry a
/// scaffold block (`AGENTS.md`) follow the same rule.
pub fn place(text: &str, entry: &SessionEntry) -> Option<String> {
    let (begin, end) = (entry.begin_marker(), entry.end_marker());
    match (find_line(text, &begin), find_line(text, &end)) {
        (Some(start), Some(stop)) if start < stop => {
            let after_end = line_end(text, stop + end.len());
            Some(format!(
                "{}{}{}",
                &text[..start],
                entry.block(),
                &text[after_end..]
            ))
        }
        (None, None) => Some(disk::append_block(text, &entry.block())),
        _ => None,
    }
}

/// The byte offset of `marker` when it fills a whole line (surrounding spaces allowed).
fn find_line(text: &str, marker: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == marker {
            return Some(offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    None
}

/// The offset just past the end of the line holding `offset` (past its newline, if any).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// The session file's new text without the entries of `keys` (`scaffold destroy`): each block,
/// markers included, goes with the blank line [`merge`] put before it; a key with no entry is
/// skipped. Text outside the markers is kept byte for byte.
pub fn remove(existing: &str, keys: &[String], path: &str) -> Result<String, Error> {
    let mut text = existing.to_string();
    for key in keys {
        let begin = format!("<!-- scaffold:begin {key} -->");
        let end = format!("<!-- scaffold:end {key} -->");
        text = match (find_line(&text, &begin), find_line(&text, &end)) {
            (Some(start), Some(stop)) if start < stop => {
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let after_end = line_end(&text, stop + end.len());
                let mut before = &text[..line_start];
                let mut after = &text[after_end..];
                if before.ends_with("\n\n") {
                    before = &before[..before.len() - 1];
                } else if before.is_empty() {
                    after = after.strip_prefix('\n').unwrap_or(after);
                }
                format!("{before}{after}")
            }
            (None, None) => continue,
            _ => {
                return Err(Error::Conflict(format!(
                    "{path}: the markers of `{key}` are incomplete or out of order; restore `{begin}` … `{end}` (or delete both) and rerun; the files were written"
                )))
            }
        };
    }
    Ok(text)
}

/// Removes the entries of `keys` from the session file at `relative`, under its lock (see
/// [`record`]). Returns whether the file changed.
pub fn forget(root: &Path, relative: &str, keys: &[String]) -> Result<bool, Error> {
    let path = root.join(relative);
    if keys.is_empty() || !path.exists() {
        return Ok(false);
    }
    let _lock = disk::lock(&lock_path(&path))?;
    let Some(existing) = disk::read_optional(&path)? else {
        return Ok(false);
    };
    let text = remove(&existing, keys, relative)?;
    if text == existing {
        return Ok(false);
    }
    disk::write_atomic(&path, &text)?;
    Ok(true)
}

/// Merges `entries` into the session file at `relative` (from the project root): locks it,
/// reads it, writes the merged text to a temporary file and renames it into place. Returns
/// whether the file changed.
pub fn record(root: &Path, relative: &str, entries: &[SessionEntry]) -> Result<bool, Error> {
    if entries.is_empty() {
        return Ok(false);
    }
    let path = root.join(relative);
    let dir = path.parent().unwrap_or(root).to_path_buf();
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let _lock = disk::lock(&lock_path(&path))?;
    let existing = disk::read_optional(&path)?;
    let merged = merge(existing.as_deref(), entries, relative)?;
    if existing.as_deref() == Some(merged.as_str()) {
        return Ok(false);
    }
    disk::write_atomic(&path, &merged)?;
    Ok(true)
}

/// The lock file beside the session file: `session-current.md` → `.session-current.md.lock`.
/// It is never removed: removing it would let two processes lock different files.
pub fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, markdown: &str) -> SessionEntry {
        SessionEntry {
            key: key.into(),
            markdown: markdown.into(),
        }
    }

    #[test]
    fn merging_keeps_everything_outside_the_markers() {
        let notes = entry("resource:notes", "## notes v2\n");
        let tasks = entry("resource:tasks", "## tasks\n");
        let cases: &[(&str, Option<&str>, &[&SessionEntry], &str)] = &[
            (
                "a new file starts with the header",
                None,
                &[&notes],
                &format!("{HEADER}\n<!-- scaffold:begin resource:notes -->\n## notes v2\n<!-- scaffold:end resource:notes -->\n"),
            ),
            (
                "an entry is appended after a blank line, even without a final newline",
                Some("mine"),
                &[&notes],
                "mine\n\n<!-- scaffold:begin resource:notes -->\n## notes v2\n<!-- scaffold:end resource:notes -->\n",
            ),
            (
                "the same key is replaced in place, text around it untouched",
                Some("top \t\r\n<!-- scaffold:begin resource:notes -->\nold\n  more old\n<!-- scaffold:end resource:notes -->\n  after, no newline"),
                &[&notes],
                "top \t\r\n<!-- scaffold:begin resource:notes -->\n## notes v2\n<!-- scaffold:end resource:notes -->\n  after, no newline",
            ),
            (
                "other keys are left alone",
                Some("<!-- scaffold:begin resource:tasks -->\nold tasks\n<!-- scaffold:end resource:tasks -->\n\nnote to self\n"),
                &[&notes],
                "<!-- scaffold:begin resource:tasks -->\nold tasks\n<!-- scaffold:end resource:tasks -->\n\nnote to self\n\n<!-- scaffold:begin resource:notes -->\n## notes v2\n<!-- scaffold:end resource:notes -->\n",
            ),
            (
                "several entries at once",
                Some(""),
                &[&tasks, &notes],
                "<!-- scaffold:begin resource:tasks -->\n## tasks\n<!-- scaffold:end resource:tasks -->\n\n<!-- scaffold:begin resource:notes -->\n## notes v2\n<!-- scaffold:end resource:notes -->\n",
            ),
            (
                "a marker quoted inside a line is not a marker",
                Some("see `<!-- scaffold:begin resource:notes -->`\n"),
                &[&notes],
                "see `<!-- scaffold:begin resource:notes -->`\n\n<!-- scaffold:begin resource:notes -->\n## notes v2\n<!-- scaffold:end resource:notes -->\n",
            ),
        ];
        for (what, existing, entries, want) in cases {
            let entries: Vec<SessionEntry> = entries.iter().map(|e| (*e).clone()).collect();
            let got = merge(*existing, &entries, "session.md").unwrap();
            assert_eq!(got, *want, "{what}");
            assert_eq!(
                merge(Some(&got), &entries, "session.md").unwrap(),
                got,
                "{what}: merging again changes nothing"
            );
        }
    }

    #[test]
    fn removing_an_entry_undoes_merging_it() {
        let notes = entry("resource:notes", "## notes\n");
        let tasks = entry("resource:tasks", "## tasks\n");
        let keys = |k: &[&str]| -> Vec<String> { k.iter().map(|k| k.to_string()).collect() };
        for existing in [None, Some("mine\r\n  kept  "), Some("")] {
            let with_tasks = merge(existing, std::slice::from_ref(&tasks), "s.md").unwrap();
            let with_both = merge(Some(&with_tasks), std::slice::from_ref(&notes), "s.md").unwrap();
            assert_eq!(
                remove(&with_both, &keys(&["resource:notes"]), "s.md").unwrap(),
                with_tasks,
                "{existing:?}: the last entry"
            );
            let only_notes = merge(existing, std::slice::from_ref(&notes), "s.md").unwrap();
            assert_eq!(
                remove(&with_both, &keys(&["resource:tasks"]), "s.md").unwrap(),
                only_notes,
                "{existing:?}: an entry before another"
            );
            assert_eq!(
                remove(&with_both, &keys(&["resource:nothing"]), "s.md").unwrap(),
                with_both
            );
        }
        let err = remove(
            "<!-- scaffold:begin resource:notes -->\n",
            &keys(&["resource:notes"]),
            "s.md",
        )
        .unwrap_err();
        assert!(err.to_string().contains("markers of `resource:notes`"));
    }

    #[test]
    fn broken_markers_are_reported_not_guessed_at() {
        let notes = entry("resource:notes", "x");
        for existing in [
            "<!-- scaffold:begin resource:notes -->\nno end\n",
            "<!-- scaffold:end resource:notes -->\nno begin\n",
            "<!-- scaffold:end resource:notes -->\n<!-- scaffold:begin resource:notes -->\n",
        ] {
            let err = merge(Some(existing), std::slice::from_ref(&notes), "s.md").unwrap_err();
            assert!(
                err.to_string().contains("markers of `resource:notes`"),
                "{existing:?}: {err}"
            );
        }
    }

    #[test]
    fn keys_are_plain_words() {
        for (key, ok) in [
            ("resource:notes", true),
            ("webhook:stripe", true),
            ("", false),
            ("a -->", false),
        ] {
            assert_eq!(valid_key(key), ok, "{key:?}");
        }
    }
}
