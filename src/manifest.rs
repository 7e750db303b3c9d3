//! The manifest, `.scaffold/manifest.json`: what each generation wrote, so that it can be undone
//! (`scaffold destroy`) and changed (the spec it was generated from).
//!
//! One entry per generation, keyed like its session entry (`resource:projects`,
//! `webhook:stripe`, `init`, `context`): the generator, the command line, the spec in the command
//! line's vocabulary (the same form as a spec file's `[[resource]]`), the migrations it added,
//! and every file it planned with the sha256 of the content scaffold generated for it and how
//! scaffold owns it. A file on disk with another hash has been changed since (or was kept as the
//! user's: a write-once module that was already there, a file left by `--skip-existing`).
//!
//! Human-readable and stable: keys sorted, two-space JSON, a final newline, so it diffs well and
//! is safe to commit. It is written in the same all-or-nothing write as the files it describes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::disk;
use crate::error::Error;
use crate::plan::Ownership;
use crate::spec::{AccessArg, ResourceSpec};
use crate::spec_file::ResourceEntry;

/// Where the manifest lives, from the project root.
pub const PATH: &str = ".scaffold/manifest.json";

/// The format's version, written in the file.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// By key: `resource:<table>`, `webhook:stripe`, `init`, `context`.
    pub generations: BTreeMap<String, Generation>,
    pub version: u32,
}

/// One generation: what a command wrote the last time it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generation {
    /// The command line that gives this generation.
    pub command: String,
    /// Every file it planned, by path.
    pub files: BTreeMap<String, FileRecord>,
    pub generator: Generator,
    /// The migrations it added, oldest first (paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migrations: Vec<String>,
    /// Its input, in the command line's vocabulary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<GenerationSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generator {
    Resource,
    WebhookStripe,
    Init,
    Context,
}

/// The input of a generation, as a spec file would give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GenerationSpec {
    Resource(ResourceEntry),
    Stripe(StripeEntry),
}

/// `scaffold webhook stripe`'s input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StripeEntry {
    pub events: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    pub ownership: RecordedOwnership,
    /// Of the content scaffold generated, lowercase hex.
    pub sha256: String,
}

/// [`Ownership`] as the manifest spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordedOwnership {
    /// Generated for this command: replaced on regeneration, removed by destroy when unchanged.
    Generated,
    /// A shared module written once: removed by destroy only when no other generation lists it.
    WriteOnce,
    /// A file scaffold adds to (`.env.example`): never removed.
    Merged,
    /// A migration or rollback: history, never rewritten.
    Migration,
}

impl From<Ownership> for RecordedOwnership {
    fn from(ownership: Ownership) -> Self {
        match ownership {
            Ownership::Generated => RecordedOwnership::Generated,
            Ownership::WriteOnce => RecordedOwnership::WriteOnce,
            Ownership::Merged => RecordedOwnership::Merged,
            Ownership::History => RecordedOwnership::Migration,
        }
    }
}

/// The sha256 of a text, lowercase hex.
pub fn sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

impl Manifest {
    /// The project's manifest; empty when there is none. A manifest that cannot be read as one
    /// is bad input naming the line and column, since it is a file people edit and merge.
    pub fn read(root: &Path) -> Result<Manifest, Error> {
        let Some(text) = disk::read_optional(&root.join(PATH))? else {
            return Ok(Manifest::default());
        };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            Error::input(format!(
                "{PATH}:{}:{}: {e}; fix it (it is JSON, as scaffold writes it) or delete it: scaffold then reads what it generated from the migrations' headers",
                e.line(),
                e.column()
            ))
        })?;
        if manifest.version != FORMAT {
            return Err(Error::input(format!(
                "{PATH}: format version {} is not one this scaffold reads ({FORMAT}); upgrade scaffold",
                manifest.version
            )));
        }
        Ok(manifest)
    }

    /// The resources it records, by table, as specs.
    pub fn resources(&self) -> Result<Vec<(String, ResourceSpec)>, Error> {
        let mut resources = Vec::new();
        for (key, generation) in &self.generations {
            let (Some(table), Some(GenerationSpec::Resource(entry))) =
                (key.strip_prefix("resource:"), &generation.spec)
            else {
                continue;
            };
            let spec = entry.to_spec(AccessArg::Owner).map_err(|e| {
                Error::input(format!(
                    "{PATH}: the spec of `{key}` is not valid: {e}; fix it or delete the entry"
                ))
            })?;
            resources.push((table.to_string(), spec));
        }
        Ok(resources)
    }

    /// Replaces the entry of `key`.
    pub fn record(&mut self, key: String, generation: Generation) {
        self.generations.insert(key, generation);
    }

    /// Removes the entry of `key`, returning it.
    pub fn forget(&mut self, key: &str) -> Option<Generation> {
        self.generations.remove(key)
    }

    /// Whether `text` is what scaffold last generated for `path` (a file no one changed since).
    pub fn wrote(&self, path: &str, text: &str) -> bool {
        let mut records = self.generations.values().filter_map(|g| g.files.get(path));
        let Some(first) = records.next() else {
            return false;
        };
        let hash = sha256(text);
        first.sha256 == hash || records.any(|r| r.sha256 == hash)
    }

    /// Whether a generation other than `except` lists `path`.
    pub fn used_elsewhere(&self, path: &str, except: &str) -> bool {
        self.generations
            .iter()
            .any(|(key, g)| key != except && g.files.contains_key(path))
    }

    /// The file's text: sorted keys, two-space indents, a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&Manifest {
            version: FORMAT,
            ..self.clone()
        })
        .expect("a manifest serializes");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex_of_the_utf8_bytes() {
        assert_eq!(
            sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_json_has_sorted_keys_and_reads_back() {
        let mut manifest = Manifest::default();
        let entry = ResourceEntry {
            access: Some(AccessArg::PublicRead),
            actions: None,
            fields: vec!["title:text".into()],
            name: "note".into(),
            plural: None,
            tenant: false,
            write_role: None,
        };
        let mut files = BTreeMap::new();
        for path in ["lib/b.ts", "app/a.ts"] {
            files.insert(
                path.to_string(),
                FileRecord {
                    ownership: RecordedOwnership::Generated,
                    sha256: sha256(path),
                },
            );
        }
        manifest.record(
            "resource:notes".into(),
            Generation {
                command: "scaffold resource note title:text --access public-read".into(),
                files,
                generator: Generator::Resource,
                migrations: vec!["supabase/migrations/20250101000000_create_notes.sql".into()],
                spec: Some(GenerationSpec::Resource(entry)),
            },
        );
        let text = manifest.to_json();
        let keys: Vec<usize> = [
            "\"generations\"",
            "\"resource:notes\"",
            "\"command\"",
            "\"files\"",
            "\"app/a.ts\"",
            "\"ownership\"",
            "\"sha256\"",
            "\"lib/b.ts\"",
            "\"generator\"",
            "\"migrations\"",
            "\"spec\"",
            "\"access\"",
            "\"fields\"",
            "\"name\"",
            "\"version\"",
        ]
        .iter()
        .map(|k| text.find(k).unwrap_or_else(|| panic!("{k} in {text}")))
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(text.ends_with("}\n"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".scaffold")).unwrap();
        std::fs::write(dir.path().join(PATH), &text).unwrap();
        let back = Manifest::read(dir.path()).unwrap();
        assert_eq!(back.to_json(), text);
        let resources = back.resources().unwrap();
        assert_eq!(resources.len(), 1);
        assert_eq!(resources[0].0, "notes");
        assert_eq!(
            resources[0].1.command_line(),
            "scaffold resource note title:text --access public-read"
        );
    }

    #[test]
    fn a_broken_manifest_is_bad_input_naming_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".scaffold")).unwrap();
        std::fs::write(
            dir.path().join(PATH),
            "{\n  \"generations\": {},\n<<<<<<< HEAD\n",
        )
        .unwrap();
        let err = Manifest::read(dir.path()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().starts_with(".scaffold/manifest.json:3:1: "),
            "{err}"
        );
    }
}
