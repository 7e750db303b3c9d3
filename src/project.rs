//! Where things go in the user's project: detected from its folders, or read from `scaffold.toml`.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::disk;
use crate::error::Error;
use crate::manifest::Manifest;
use crate::spec::{AccessArg, ResourceSpec};

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
    /// The session record every generation documents itself in (see [`crate::session`]).
    pub session_file: String,
    /// The `--access` of `scaffold resource` when none is given: `owner`, `public-read`, ...
    pub default_access: AccessArg,
    /// Supabase's declarative schema: one file per generated table, kept current.
    pub schemas_dir: String,
    /// Whether to write the declarative schema files (`declarative_schema = false` opts out).
    pub declarative_schema: bool,
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
            import_alias: detect_alias(root, source_root).unwrap_or_else(|| DEFAULT_ALIAS.into()),
            actions_dir: under("app/actions"),
            validations_dir: under("lib/validations"),
            lib_dir: under("lib"),
            types_file: under("types/supabase.ts"),
            migrations_dir: "supabase/migrations".to_string(),
            rollbacks_dir: "supabase/rollbacks".to_string(),
            tests_dir: "supabase/tests/database".to_string(),
            session_file: crate::session::DEFAULT_PATH.to_string(),
            default_access: AccessArg::Owner,
            schemas_dir: "supabase/schemas".to_string(),
            declarative_schema: true,
        }
    }

    /// The detected layout with the keys `scaffold.toml` sets replaced; unknown keys, paths
    /// outside the project and unknown access modes are input errors naming the key.
    pub fn with_config(detected: Layout, text: &str) -> Result<Layout, Error> {
        let bad = |why: String| Error::input(format!("{CONFIG_FILE}: {why}"));
        let given: toml::Table = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut merged = toml::Table::try_from(&detected).expect("a layout is a table");
        for (key, value) in given {
            if key == "default_access" {
                check_access(&value).map_err(bad)?;
            }
            if !merged.contains_key(&key) {
                let keys: Vec<&str> = merged.keys().map(String::as_str).collect();
                return Err(bad(format!(
                    "unknown key `{key}`; keys: {}",
                    keys.join(", ")
                )));
            }
            merged.insert(key, value);
        }
        let layout: Layout = merged
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
        for (key, path) in layout.paths() {
            let outside = path.is_empty()
                || path.starts_with('/')
                || path.contains('\\')
                || path.split('/').any(|part| part == "..");
            if outside {
                return Err(bad(format!(
                    "`{key} = \"{path}\"`: paths are relative to the project root, with `/`, inside the project"
                )));
            }
        }
        if !layout.import_alias.ends_with('/') {
            return Err(bad(format!(
                "`import_alias = \"{}\"` must end with `/`, e.g. \"@/\"",
                layout.import_alias
            )));
        }
        Ok(layout)
    }

    /// Every path setting, by key.
    fn paths(&self) -> [(&'static str, &str); 10] {
        [
            ("source_root", &self.source_root),
            ("actions_dir", &self.actions_dir),
            ("validations_dir", &self.validations_dir),
            ("lib_dir", &self.lib_dir),
            ("types_file", &self.types_file),
            ("migrations_dir", &self.migrations_dir),
            ("rollbacks_dir", &self.rollbacks_dir),
            ("tests_dir", &self.tests_dir),
            ("session_file", &self.session_file),
            ("schemas_dir", &self.schemas_dir),
        ]
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

/// Why a `default_access` value is not an access mode, naming the allowed ones.
fn check_access(value: &toml::Value) -> Result<(), String> {
    let given = value.as_str();
    if given.is_some_and(|g| AccessArg::from_str(g, false).is_ok()) {
        return Ok(());
    }
    let allowed: Vec<&str> = AccessArg::value_variants()
        .iter()
        .map(|a| a.token())
        .collect();
    Err(format!(
        "`default_access = {value}` is not an access mode; use one of {}",
        allowed.join(", ")
    ))
}

/// The file `scaffold init` writes, holding every convention; optional.
pub const CONFIG_FILE: &str = "scaffold.toml";

/// The import alias assumed when tsconfig.json maps none to the source root.
pub const DEFAULT_ALIAS: &str = "@/";

/// The import alias `tsconfig.json` maps to the source root: `"@/*": ["./*"]` gives `@/`.
/// `None` when there is no tsconfig.json, it cannot be parsed, or no alias points there.
pub fn detect_alias(root: &Path, source_root: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join("tsconfig.json")).ok()?;
    let config = crate::jsonc::parse(&text).ok()?;
    let options = config.get("compilerOptions")?;
    let base = options
        .get("baseUrl")
        .and_then(|b| b.as_str())
        .unwrap_or(".");
    let want = normalize(&format!("{}/*", normalize(&format!("{source_root}/"))));
    let paths = options.get("paths")?.as_object()?;
    paths.iter().find_map(|(key, targets)| {
        let alias = key.strip_suffix('*').filter(|a| a.ends_with('/'))?;
        let hit = targets
            .as_array()?
            .iter()
            .filter_map(|t| t.as_str())
            .any(|target| normalize(&format!("{base}/{target}")) == want);
        hit.then(|| alias.to_string())
    })
}

/// A relative path without `.` segments or repeated slashes: `./src/./*` → `src/*`.
fn normalize(path: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The project being generated into. Generators learn about it only through this: its layout,
/// and (read on first use, once) its migrations, its manifest and the resources scaffold
/// generated before, plus what the current run has planned so far ([`Project::plan_migration`]).
#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub layout: Layout,
    migrations: OnceCell<Vec<MigrationFile>>,
    manifest: OnceCell<Manifest>,
    resources: OnceCell<BTreeMap<String, ResourceSpec>>,
}

/// A migration file of the project: `<version>_<name>.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    /// The file name.
    pub file: String,
    /// `YYYYMMDDHHMMSS`
    pub version: String,
    /// What follows the version: `create_projects`.
    pub name: String,
    /// The command in its `-- Generated by scaffold: ` header, when scaffold wrote it.
    pub command: Option<String>,
    /// What an alter migration changes, as its `-- Alters <table>: ` header line says.
    pub changes: Option<String>,
}

/// The header line that says which command wrote a migration.
pub const GENERATED_BY: &str = "-- Generated by scaffold: ";

/// The header line of an alter migration that says what it changes: `-- Alters public.notes: ...`.
pub const ALTERS: &str = "-- Alters ";

impl Project {
    pub fn open(root: &Path) -> Result<Project, Error> {
        if root.exists() && !root.is_dir() {
            return Err(Error::input(format!(
                "--dir {}: not a folder",
                root.display()
            )));
        }
        let detected = Layout::detect(root);
        let config = root.join(CONFIG_FILE);
        let layout = match disk::read_optional(&config)? {
            Some(text) => Layout::with_config(detected, &text)?,
            None => detected,
        };
        Ok(Project {
            root: root.to_path_buf(),
            layout,
            migrations: OnceCell::new(),
            manifest: OnceCell::new(),
            resources: OnceCell::new(),
        })
    }

    /// Waits for the project's lock (on its root folder: nothing is created) and holds it until
    /// the returned guard is dropped. Every command that writes takes it before it reads the
    /// migrations and keeps it until its files are written, so two `scaffold` processes in one
    /// project never pick the same version or plan against each other's half-written state.
    /// `None` for a root that does not exist yet: there is nothing to plan against.
    pub fn lock(&self) -> Result<Option<disk::Lock>, Error> {
        if !self.root.is_dir() {
            return Ok(None);
        }
        disk::lock_folder(&self.root).map(Some)
    }

    /// The project's migrations, oldest first (by version, as the Supabase CLI applies them),
    /// followed by those this run has planned.
    pub fn migrations(&self) -> Result<&[MigrationFile], Error> {
        if let Some(migrations) = self.migrations.get() {
            return Ok(migrations);
        }
        let dir = self.root.join(&self.layout.migrations_dir);
        let mut migrations = Vec::new();
        for file in disk::list_names(&dir)? {
            let Some((version, name)) = file
                .strip_suffix(".sql")
                .and_then(|stem| stem.split_once('_'))
            else {
                continue;
            };
            if version.len() != 14 || !version.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let text = disk::read_optional(&dir.join(&file))?;
            let header = |line: &str| text.as_deref().and_then(|t| header_line(t, line));
            migrations.push(MigrationFile {
                version: version.to_string(),
                name: name.to_string(),
                command: header(GENERATED_BY),
                changes: header(ALTERS).and_then(|l| l.split_once(": ").map(|(_, c)| c.into())),
                file,
            });
        }
        Ok(self.migrations.get_or_init(|| migrations))
    }

    /// The latest migration, if any.
    pub fn latest_migration(&self) -> Result<Option<&MigrationFile>, Error> {
        Ok(self
            .migrations()?
            .iter()
            .max_by(|a, b| a.version.cmp(&b.version)))
    }

    /// The migration `create_<what>` that is in force: the latest of that name, unless a later
    /// `drop_<what>` (written by `scaffold destroy`) undid it.
    pub fn creation(&self, what: &str) -> Result<Option<&MigrationFile>, Error> {
        let create = format!("create_{what}");
        let drop = format!("drop_{what}");
        let mut found = None;
        for migration in self.migrations()? {
            if migration.name == create {
                found = Some(migration);
            } else if migration.name == drop {
                found = None;
            }
        }
        Ok(found)
    }

    /// The alter migrations of `table` since the create migration in force
    /// ([`Project::creation`]), oldest first: `alter_<table>`, as `scaffold resource` writes
    /// when a resource's spec changes.
    pub fn alterations(&self, table: &str) -> Result<Vec<&MigrationFile>, Error> {
        let (create, alter, drop) = (
            format!("create_{table}"),
            format!("alter_{table}"),
            format!("drop_{table}"),
        );
        let mut found = Vec::new();
        for migration in self.migrations()? {
            if migration.name == create || migration.name == drop {
                found.clear();
            } else if migration.name == alter {
                found.push(migration);
            }
        }
        Ok(found)
    }

    /// What the manifest (`.scaffold/manifest.json`) records; empty when there is none.
    pub fn manifest(&self) -> Result<&Manifest, Error> {
        if let Some(manifest) = self.manifest.get() {
            return Ok(manifest);
        }
        let manifest = Manifest::read(&self.root)?;
        Ok(self.manifest.get_or_init(|| manifest))
    }

    /// The resources scaffold generated in this project, by table: the spec the manifest
    /// records, or (for a project without one) the command the header of each create or alter
    /// migration records, the latest winning (a header that is not a valid `scaffold resource`
    /// command line, say one edited by hand, leaves its table unknown or as it was); a resource
    /// `scaffold destroy` dropped is gone. Includes the resources this run has planned
    /// ([`Project::plan_migration`]).
    pub fn resources(&self) -> Result<&BTreeMap<String, ResourceSpec>, Error> {
        if let Some(resources) = self.resources.get() {
            return Ok(resources);
        }
        let mut resources = BTreeMap::new();
        for migration in self.migrations()? {
            let Some(command) = migration.command.as_deref() else {
                continue;
            };
            let made = migration
                .name
                .strip_prefix("create_")
                .or_else(|| migration.name.strip_prefix("alter_"));
            if let Some(table) = made {
                if let Some(spec) = crate::cli::resource_spec_of_command(command) {
                    if spec.table() == table {
                        resources.insert(table.to_string(), spec);
                    }
                }
            } else if let Some(table) = migration.name.strip_prefix("drop_") {
                resources.remove(table);
            }
        }
        for (table, spec) in self.manifest()?.resources()? {
            resources.insert(table, spec);
        }
        Ok(self.resources.get_or_init(|| resources))
    }

    /// Adds a migration this run will write, and the resource it creates, to what
    /// [`Project::migrations`] and [`Project::resources`] return: the resources of one
    /// `scaffold apply` see each other, and each new version comes after the last one planned.
    pub fn plan_migration(
        &mut self,
        migration: MigrationFile,
        resource: Option<ResourceSpec>,
    ) -> Result<(), Error> {
        self.resources()?;
        if let Some(spec) = resource {
            let resources = self.resources.get_mut().expect("read above");
            resources.insert(spec.table().to_string(), spec);
        }
        let migrations = self.migrations.get_mut().expect("read by resources()");
        if !migrations.contains(&migration) {
            migrations.push(migration);
        }
        Ok(())
    }

    /// Whether git tracks the file (`git ls-files`): committed, or staged to be. No git, or a
    /// project that is not a repository, means not committed.
    pub fn committed(&self, relative: &str) -> bool {
        std::process::Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["ls-files", "--error-unmatch", "--", relative])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Reads a project file, `None` when it does not exist.
    pub fn read(&self, relative: &str) -> Result<Option<String>, Error> {
        disk::read_optional(&self.root.join(relative))
    }
}

/// The command a migration's leading comment block names in its `-- Generated by scaffold: `
/// line, if any.
pub fn header_command(text: &str) -> Option<String> {
    header_line(text, GENERATED_BY)
}

/// What follows `prefix` on a line of a migration's leading comment block, if any line starts
/// with it.
fn header_line(text: &str, prefix: &str) -> Option<String> {
    text.lines()
        .take_while(|line| line.starts_with("--"))
        .find_map(|line| line.strip_prefix(prefix))
        .map(str::to_string)
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

    #[test]
    fn the_import_alias_comes_from_tsconfig_paths() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("{\"compilerOptions\": {\"paths\": {\"@/*\": [\"./*\"]}}}", ".", Some("@/")),
            (
                "{\n  // Next's default\n  \"compilerOptions\": {\n    \"paths\": { \"~/*\": [\"./src/*\"], },\n  },\n}",
                "src",
                Some("~/"),
            ),
            ("{\"compilerOptions\": {\"baseUrl\": \"src\", \"paths\": {\"@app/*\": [\"*\"]}}}", "src", Some("@app/")),
            ("{\"compilerOptions\": {\"paths\": {\"@/*\": [\"./src/*\"]}}}", ".", None),
            ("{\"compilerOptions\": {\"paths\": {\"@ui\": [\"./ui\"]}}}", ".", None),
            ("{\"compilerOptions\": {}}", ".", None),
            ("not json", ".", None),
        ];
        for (tsconfig, source_root, want) in cases {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("tsconfig.json"), tsconfig).unwrap();
            assert_eq!(
                detect_alias(dir.path(), source_root).as_deref(),
                *want,
                "{tsconfig}"
            );
        }
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(detect_alias(empty.path(), "."), None);
    }

    #[test]
    fn scaffold_toml_overrides_what_it_sets_and_rejects_the_rest() {
        let detected = Layout::detect(Path::new("/nonexistent"));
        let layout = Layout::with_config(
            detected.clone(),
            "actions_dir = \"app/_actions\"\ndefault_access = \"public-read\"\n",
        )
        .unwrap();
        assert_eq!(layout.actions_dir, "app/_actions");
        assert_eq!(layout.default_access, AccessArg::PublicRead);
        assert_eq!(layout.migrations_dir, detected.migrations_dir);
        let written = toml::to_string(&detected).unwrap();
        assert_eq!(
            Layout::with_config(detected.clone(), &written).unwrap(),
            detected
        );

        let cases: &[(&str, &str)] = &[
            ("action_dir = \"x\"", "unknown key `action_dir`; keys:"),
            ("actions_dir = 3", "actions_dir"),
            ("actions_dir = \"../elsewhere\"", "`actions_dir = \"../elsewhere\"`: paths are relative"),
            ("session_file = \"/tmp/s.md\"", "`session_file = \"/tmp/s.md\"`"),
            ("import_alias = \"@\"", "must end with `/`"),
            ("default_access = \"everyone\"", "`default_access = \"everyone\"` is not an access mode; use one of owner, public-read"),
            ("actions_dir = ", "scaffold.toml:"),
        ];
        for (text, want) in cases {
            let err = Layout::with_config(detected.clone(), text).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{text}");
            assert!(err.to_string().contains(want), "{text}: {err}");
        }
    }
}
