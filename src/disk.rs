//! Reading and writing files. Every file scaffold reads from or writes to the project goes
//! through here, so each rule (a missing file is `None`, a write is atomic and keeps the file's
//! mode, a block is appended after a blank line, a set of files is written all or none) is
//! written once.
//!
//! What [`write_all`] promises, precisely:
//!
//! - **No partial file.** Each file is written to a temporary file beside its target
//!   (`.scaffold-XXXXXX`, same folder, so same file system) and renamed over it; a rename is
//!   atomic, so a reader sees the old file or the new one, never a mix.
//! - **All or none, through the renames.** Nothing is renamed until every file is staged.
//!   Before the renames, every file about to be replaced gets a hard link beside it
//!   (`.scaffold-backup-XXXXXX`, a copy where the file system has no hard links). If a rename
//!   fails, the files already renamed are put back: a replaced file is its backup again (the
//!   same inode: same bytes, same mode), a new file is removed, and so are the folders made for
//!   them. If putting back fails too, the error names the files it could not restore.
//! - **Not across a killed process.** Ctrl-C is held until the write is done (see
//!   [`crate::interrupt`]), but `SIGKILL` or a crash during the renames can leave some files
//!   replaced and others not, plus `.scaffold-*` files, which are safe to delete.
//! - **Not durable against power loss.** Nothing is `fsync`ed, by design: the rename is what
//!   rules out a partial file, and an `fsync` per file costs more than generating it. After
//!   the machine crashes, a file written just before may be empty or old; rerun the command.
//! - **Not isolated.** The plan compares the disk with what it will write before writing; a
//!   file another program changes in between is replaced. Only the session record is locked.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

use crate::error::Error;

/// The mode of a new file: `rw-r--r--`, what editors and `git checkout` give source files.
#[cfg(unix)]
const NEW_FILE_MODE: u32 = 0o644;

/// A file's text, `None` when it does not exist; other failures name the path.
pub fn read_optional(path: &Path) -> Result<Option<String>, Error> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The names of the entries of a folder, sorted; empty when the folder does not exist.
/// Names that are not UTF-8 are left out: nothing scaffold looks for has one.
pub fn list_names(dir: &Path) -> Result<Vec<String>, Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// `text` with `block` appended, separated from what is there by a blank line: the last line
/// gets its newline if it lacks one, and a blank line is added unless the text already ends
/// with one (blank lines already there are the user's and stay). An empty text is just the
/// block. The text is never changed, only added to.
pub fn append_block(text: &str, block: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2 + block.len());
    out.push_str(text);
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        if !(out == "\n" || out.ends_with("\n\n")) {
            out.push('\n');
        }
    }
    out.push_str(block);
    out
}

/// Replaces (or creates) one file atomically: a temporary file beside it, renamed over it.
/// A replaced file keeps its mode, a new one gets `rw-r--r--`. The folder must exist.
pub fn write_atomic(path: &Path, contents: &str) -> Result<(), Error> {
    let staged = stage(path, contents)?;
    staged.keep_mode(&existing(path)?)?;
    staged
        .temp
        .persist(path)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Writes every `(path, contents)`, creating missing folders: all of them or none (see the
/// module documentation for exactly what that covers).
pub fn write_all(files: &[(PathBuf, &str)]) -> Result<(), Error> {
    write_and_remove(files, &[])
}

/// Like [`write_all`], and removes the files at `removed` in the same all-or-none step: each
/// gets a hard link beside it before anything is renamed, so a failure puts it back too.
/// Folders are left in place, even when empty.
pub fn write_and_remove(files: &[(PathBuf, &str)], removed: &[PathBuf]) -> Result<(), Error> {
    let mut created_dirs = Vec::new();
    let result = stage_and_rename(files, removed, &mut created_dirs);
    if result.is_err() {
        // Children before parents. A folder someone else put a file in meanwhile is not empty
        // and stays: removing it is not ours to do.
        for dir in created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

fn stage_and_rename(
    files: &[(PathBuf, &str)],
    removed: &[PathBuf],
    created_dirs: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    let mut staged = Vec::with_capacity(files.len());
    let mut folders = HashSet::new();
    for (target, contents) in files {
        create_dir_all(parent(target), created_dirs, &mut folders)?;
        staged.push(stage(target, contents)?);
    }
    let mut backups = Vec::with_capacity(staged.len());
    for file in &staged {
        let found = existing(&file.target)?;
        file.keep_mode(&found)?;
        backups.push(backup(&file.target, &found)?);
    }
    let removed_backups = removed
        .iter()
        .map(|target| backup(target, &existing(target)?))
        .collect::<Result<Vec<_>, _>>()?;
    let mut renamed: Vec<(PathBuf, Option<TempPath>)> =
        Vec::with_capacity(staged.len() + removed.len());
    for (file, backup) in staged.into_iter().zip(backups) {
        let Staged { temp, target } = file;
        if let Err(e) = temp.persist(&target) {
            return Err(put_back(renamed, Error::io(&target, e.error)));
        }
        renamed.push((target, backup));
    }
    for (target, backup) in removed.iter().zip(removed_backups) {
        // Put back like a replaced file: its backup renamed over the (now missing) target.
        if let Err(e) = fs::remove_file(target) {
            return Err(put_back(renamed, Error::io(target, e)));
        }
        renamed.push((target.clone(), backup));
    }
    // Dropping the backups removes the links; the replaced contents go with them.
    Ok(())
}

/// A file written beside its target, not yet renamed over it. Dropping it removes it.
struct Staged {
    temp: NamedTempFile,
    target: PathBuf,
}

fn stage(target: &Path, contents: &str) -> Result<Staged, Error> {
    let dir = parent(target);
    let mut temp = tempfile::Builder::new()
        .prefix(".scaffold-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    temp.write_all(contents.as_bytes())
        .map_err(|e| Error::io(target, e))?;
    Ok(Staged {
        temp,
        target: target.to_path_buf(),
    })
}

impl Staged {
    /// Gives the staged file the mode of the file it replaces (`found`, what is at the target
    /// now; through a symbolic link, the mode of what it points to), or `rw-r--r--`.
    fn keep_mode(&self, found: &Option<fs::Metadata>) -> Result<(), Error> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = match found {
                Some(meta) if meta.file_type().is_symlink() => {
                    fs::metadata(&self.target).map_or(NEW_FILE_MODE, |m| m.permissions().mode())
                }
                Some(meta) => meta.permissions().mode(),
                None => NEW_FILE_MODE,
            };
            self.temp
                .as_file()
                .set_permissions(fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io(&self.target, e))?;
        }
        #[cfg(not(unix))]
        let _ = found;
        Ok(())
    }
}

/// What is at `target` now (a symbolic link itself, not what it points to); `None` when nothing.
fn existing(target: &Path) -> Result<Option<fs::Metadata>, Error> {
    match fs::symlink_metadata(target) {
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(target, e)),
    }
}

/// A second name for the file at `target` (`found` is what is there), so it can be put back
/// after the rename over it; `None` when there is nothing there, or a folder (no rename replaces
/// a folder with a file). A symbolic link is linked itself, not what it points to, and so comes
/// back as a link.
fn backup(target: &Path, found: &Option<fs::Metadata>) -> Result<Option<TempPath>, Error> {
    match found {
        None => return Ok(None),
        Some(meta) if meta.is_dir() => return Ok(None),
        Some(_) => {}
    }
    let link = tempfile::Builder::new()
        .prefix(".scaffold-backup-")
        .make_in(parent(target), |path| match fs::hard_link(target, path) {
            // `make_in` tries another name on AlreadyExists; anything else means no hard links
            // here (FAT, some network file systems), so copy.
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => copy_new(target, path),
            linked => linked,
        })
        .map_err(|e| Error::io(target, e))?;
    Ok(Some(link.into_temp_path()))
}

/// Copies `from` to `to`, which must not exist yet, with its mode.
fn copy_new(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = File::open(from)?;
    let mut copy = File::create_new(to)?;
    io::copy(&mut source, &mut copy)?;
    copy.set_permissions(source.metadata()?.permissions())
}

/// Undoes the renames done so far, newest first, and returns the error to report: `failure`,
/// or, when some file could not be put back, an error that also names those files.
fn put_back(renamed: Vec<(PathBuf, Option<TempPath>)>, failure: Error) -> Error {
    let mut left = Vec::new();
    for (target, backup) in renamed.into_iter().rev() {
        let restored = match backup {
            Some(backup) => backup.persist(&target).map_err(|e| e.error),
            None => fs::remove_file(&target),
        };
        if let Err(e) = restored {
            left.push(format!("{}: {e}", target.display()));
        }
    }
    if left.is_empty() {
        failure
    } else {
        Error::NotRestored {
            failure: Box::new(failure),
            left,
        }
    }
}

/// The folder a file goes in; `.` for a bare file name.
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Creates a folder and its missing parents, remembering which ones it made, parents first.
/// `folders` holds those known to be there already (made or seen by earlier calls), so the
/// files of one folder look for it once.
fn create_dir_all(
    dir: &Path,
    created: &mut Vec<PathBuf>,
    folders: &mut HashSet<PathBuf>,
) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current {
        if path.as_os_str().is_empty() || folders.contains(path) {
            break;
        }
        if path.is_dir() {
            folders.insert(path.to_path_buf());
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        match fs::create_dir(&path) {
            Ok(()) => created.push(path.clone()),
            // Another process (a concurrent scaffold run) made it meanwhile: it is not ours
            // to remove on failure.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        folders.insert(path);
    }
    Ok(())
}

/// An exclusive lock on a file, held until this is dropped (closing the file releases it).
pub struct Lock {
    _file: File,
}

/// Waits for an exclusive lock on `path` (the standard library's `File::lock`: `flock` on
/// Unix), creating the file when it is missing. Lock files are never removed: removing one
/// would let two processes lock different files of the same name.
pub fn lock(path: &Path) -> Result<Lock, Error> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.lock().map_err(|e| Error::io(path, e))?;
    Ok(Lock { _file: file })
}

/// Waits for an exclusive lock on a folder, held until the returned guard is dropped: the
/// folder itself is locked (`flock` on its descriptor), so nothing is created in it. Where a
/// folder cannot be opened as a file (not Unix), a `.lock` file in it is locked instead.
pub fn lock_folder(dir: &Path) -> Result<Lock, Error> {
    #[cfg(unix)]
    {
        let file = File::open(dir).map_err(|e| Error::io(dir, e))?;
        file.lock().map_err(|e| Error::io(dir, e))?;
        Ok(Lock { _file: file })
    }
    #[cfg(not(unix))]
    {
        lock(&dir.join(".lock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_appended_after_one_blank_line() {
        let cases = [
            ("an empty text is just the block", "", "B\n"),
            ("a last line without newline gets one", "a", "a\n\nB\n"),
            ("a last line gets a blank line after it", "a\n", "a\n\nB\n"),
            ("a blank line already there is enough", "a\n\n", "a\n\nB\n"),
            (
                "more blank lines are the user's and stay",
                "a\n\n\n",
                "a\n\n\nB\n",
            ),
            ("a lone newline is a blank line", "\n", "\nB\n"),
        ];
        for (what, text, want) in cases {
            assert_eq!(append_block(text, "B\n"), want, "{what}");
        }
    }

    #[test]
    fn a_missing_file_or_folder_is_none_or_empty_other_failures_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert_eq!(read_optional(&missing).unwrap(), None);
        assert_eq!(list_names(&missing).unwrap(), Vec::<String>::new());
        fs::write(dir.path().join("b.txt"), "text").unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        assert_eq!(
            read_optional(&dir.path().join("b.txt")).unwrap().as_deref(),
            Some("text")
        );
        assert_eq!(list_names(dir.path()).unwrap(), ["a", "b.txt"]);
        let err = read_optional(&dir.path().join("a")).unwrap_err();
        assert!(err
            .to_string()
            .starts_with(&dir.path().join("a").display().to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_a_new_one_gets_0644() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("script.sh");
        fs::write(&script, "old").unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o750)).unwrap();
        let fresh = dir.path().join("new.txt");
        write_atomic(&script, "new").unwrap();
        write_all(&[(fresh.clone(), "x")]).unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            (fs::read_to_string(&script).unwrap().as_str(), mode(&script)),
            ("new", 0o750)
        );
        assert_eq!(mode(&fresh), 0o644);
        assert_eq!(
            list_names(dir.path()).unwrap(),
            ["new.txt", "script.sh"],
            "no temporary file left"
        );
    }

    /// Every file and folder below `dir`: path, contents (or `/` for a folder) and mode.
    fn tree(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(folder) = stack.pop() {
            for name in list_names(&folder).unwrap() {
                let path = folder.join(&name);
                let meta = fs::symlink_metadata(&path).unwrap();
                #[cfg(unix)]
                let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
                #[cfg(not(unix))]
                let mode = 0;
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                if meta.is_dir() {
                    found.push((relative, b"/".to_vec(), mode));
                    stack.push(path);
                } else {
                    found.push((relative, fs::read(&path).unwrap(), mode));
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn a_failed_rename_puts_back_every_file_already_renamed() {
        // The targets, in write order: replaced files, new files in new folders, new files in
        // existing ones. The blocked target is a folder holding a file, which no rename can
        // replace; staging and backing up succeed, so the failure comes in the rename phase.
        let targets = [
            "keep.txt",
            "new/deep/one.ts",
            "app/actions/notes.ts",
            "app/fresh.ts",
            "script.sh",
        ];
        for blocked in 0..targets.len() {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            fs::create_dir_all(root.join("app/actions")).unwrap();
            fs::write(root.join("keep.txt"), "the user's text\n").unwrap();
            fs::write(root.join("app/actions/notes.ts"), "// old\n").unwrap();
            fs::write(root.join("script.sh"), "#!/bin/sh\n").unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let exec = fs::Permissions::from_mode(0o755);
                fs::set_permissions(root.join("script.sh"), exec).unwrap();
            }
            let target = root.join(targets[blocked]);
            let _ = fs::remove_file(&target);
            fs::create_dir_all(&target).unwrap();
            fs::write(target.join("inside"), "a folder in the way").unwrap();
            let before = tree(root);

            let files: Vec<(PathBuf, &str)> = targets
                .iter()
                .map(|t| (root.join(t), "generated\n"))
                .collect();
            let err = write_all(&files).unwrap_err();

            assert!(
                err.to_string().starts_with(&target.display().to_string()),
                "blocked {}: the error names it: {err}",
                targets[blocked]
            );
            assert_eq!(
                tree(root),
                before,
                "blocked {}: the project is as it was",
                targets[blocked]
            );
        }
    }

    #[test]
    fn a_failed_removal_puts_back_every_file_written_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("replaced.ts"), "old\n").unwrap();
        fs::write(root.join("removed.ts"), "the user's\n").unwrap();
        let before = tree(root);
        // The second removal fails: its file is not there.
        let err = write_and_remove(
            &[
                (root.join("replaced.ts"), "new\n"),
                (root.join("new/created.ts"), "new\n"),
            ],
            &[root.join("removed.ts"), root.join("missing.ts")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("missing.ts"), "{err}");
        assert_eq!(tree(root), before, "the project is as it was");

        write_and_remove(
            &[(root.join("replaced.ts"), "new\n")],
            &[root.join("removed.ts")],
        )
        .unwrap();
        assert_eq!(list_names(root).unwrap(), ["replaced.ts"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_lock_is_exclusive_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_folder(dir.path()).unwrap();
        let other = File::open(dir.path()).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        assert_eq!(list_names(dir.path()).unwrap(), Vec::<String>::new());
        drop(held);
        other.try_lock().unwrap();
    }

    #[test]
    fn a_lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let held = lock(&path).unwrap();
        let other = File::open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        other.try_lock().unwrap();
    }
}
