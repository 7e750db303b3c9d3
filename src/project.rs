//! Where things go in the user's project: detected from its folders, or read from `scaffold.toml`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The project's conventions: every path is relative to the project root, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Folder the TypeScript import alias points at: `.` or `src`.
    pub source_root: String,
    /// The import alias for `source_root`, e.g. `@/`.
    pub import_alias: String,
    pub actions_dir: String,
    pub validations_dir: String,
    pub lib_dir: String,
    pub types_file: String,
    pub migrations_dir: String,
    pub rollbacks_dir: String,
    pub tests_dir: String,
}

impl Layout {
    /// The layout of a project, as detected from its folders: `src/` projects put code under `src/`.
    pub fn detect(root: &Path) -> Layout {
        let src = root.join("src/app").is_dir()
            || (root.join("src").is_dir() && !root.join("app").is_dir());
        let source_root = if src { "src" } else { "." };
        let under = |path: &str| {
            if src {
                format!("src/{path}")
            } else {
                path.to_string()
            }
        };
        Layout {
            source_root: source_root.to_string(),
            import_alias: "@/".to_string(),
            actions_dir: under("app/actions"),
            validations_dir: under("lib/validations"),
            lib_dir: under("lib"),
            types_file: under("types/supabase.ts"),
            migrations_dir: "supabase/migrations".to_string(),
            rollbacks_dir: "supabase/rollbacks".to_string(),
            tests_dir: "supabase/tests/database".to_string(),
        }
    }

    /// The import specifier of a TypeScript file: `src/lib/x.ts` → `@/lib/x`.
    pub fn import_path(&self, file: &str) -> String {
        let without_ext = file
            .strip_suffix(".tsx")
            .or_else(|| file.strip_suffix(".ts"))
            .unwrap_or(file);
        let relative = match self.source_root.as_str() {
            "." | "" => without_ext,
            root => without_ext
                .strip_prefix(root)
                .and_then(|rest| rest.strip_prefix('/'))
                .unwrap_or(without_ext),
        };
        format!("{}{relative}", self.import_alias)
    }
}

/// The project being generated into.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub layout: Layout,
}

impl Project {
    pub fn open(root: &Path) -> Result<Project, Error> {
        if root.exists() && !root.is_dir() {
            return Err(Error::input(format!(
                "--dir {}: not a folder",
                root.display()
            )));
        }
        Ok(Project {
            root: root.to_path_buf(),
            layout: Layout::detect(root),
        })
    }

    /// Reads a project file, `None` when it does not exist.
    pub fn read(&self, relative: &str) -> Result<Option<String>, Error> {
        let path = self.root.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Names of the files in a project folder, sorted; empty when it does not exist.
    pub fn list(&self, relative_dir: &str) -> Result<Vec<String>, Error> {
        let dir = self.root.join(relative_dir);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_follow_the_source_root() {
        let root = Layout::detect(Path::new("/nonexistent"));
        assert_eq!(
            root.import_path("lib/validations/project.ts"),
            "@/lib/validations/project"
        );
        let src = Layout {
            source_root: "src".into(),
            ..root.clone()
        };
        assert_eq!(
            src.import_path("src/lib/action-result.ts"),
            "@/lib/action-result"
        );
    }
}
