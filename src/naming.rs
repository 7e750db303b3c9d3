//! Every name a resource needs, derived once from what the user typed.

mod inflect;

use heck::{ToKebabCase, ToLowerCamelCase, ToUpperCamelCase};
use serde::Serialize;

use crate::spec::ActionKind;

/// Type names the generated modules of a resource use besides its own (imports, and globals in
/// type positions): a resource whose row type ([`Names::pascal`]) had one of these names would
/// shadow it (`page` → `Page`). A test keeps the list in step with the templates' imports.
pub const TS_TYPES_IN_USE: &[&str] = &[
    "ActionResult",
    "CursorPage",
    "Database",
    "EmailDelivery",
    "FileLimits",
    "FormData",
    "FormFields",
    "FormState",
    "Page",
    "Promise",
    "SignedUpload",
    "SupabaseClient",
    "Tables",
    "TablesInsert",
    "TablesUpdate",
    "WithDecimals",
];

/// Functions the generated modules import: a resource whose server action or read had one of
/// these names would clash with it (`client` → `createClient`, `supabase` → `getSupabase`). A
/// test keeps the list in step with the templates' imports.
pub const TS_FUNCTIONS_IN_USE: &[&str] = &[
    "cache",
    "createClient",
    "decimal",
    "failure",
    "fileInput",
    "fromDatabaseError",
    "fromStorageError",
    "getSupabase",
    "getUserId",
    "invalid",
    "limitRead",
    "notFound",
    "ok",
    "parseInput",
    "removeFiles",
    "renderInvitationEmail",
    "replaced",
    "revalidatePath",
    "sendEmail",
    "setsFile",
    "toFormState",
    "unauthorized",
    "withDecimals",
    "withSignedUrl",
    "withSignedUrls",
];

/// The names of one resource: `project` gives table `projects`, type `Project`, files `project.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// snake_case singular: `line_item`
    pub singular: String,
    /// snake_case plural: `line_items` (also the table name)
    pub plural: String,
    /// TypeScript type of one row: `LineItem`
    pub pascal: String,
    /// TypeScript name of many rows, used in function names: `LineItems`
    pub pascal_plural: String,
    /// camelCase singular: `lineItem`
    pub camel: String,
    /// file name of the validation module: `line-item`
    pub kebab: String,
    /// file name of the actions module and route segment: `line-items`
    pub kebab_plural: String,
}

impl Names {
    /// Derives the names from a snake_case resource name given in either number.
    pub fn derive(name: &str, plural_override: Option<&str>) -> Names {
        let singular = singularize(name);
        let plural = plural_override
            .map(str::to_string)
            .unwrap_or_else(|| pluralize(&singular));
        Names {
            pascal: singular.to_upper_camel_case(),
            pascal_plural: plural.to_upper_camel_case(),
            camel: singular.to_lower_camel_case(),
            kebab: singular.to_kebab_case(),
            kebab_plural: plural.to_kebab_case(),
            singular,
            plural,
        }
    }

    pub fn table(&self) -> &str {
        &self.plural
    }

    /// The server action's function name: `createProject`, ..., `listProjects`.
    pub fn action(&self, kind: ActionKind) -> String {
        match kind {
            ActionKind::Create => format!("create{}", self.pascal),
            ActionKind::Update => format!("update{}", self.pascal),
            ActionKind::Delete => format!("delete{}", self.pascal),
            ActionKind::Get => format!("get{}", self.pascal),
            ActionKind::List => format!("list{}", self.pascal_plural),
        }
    }
}

/// Inflects only the last word of a snake_case name: `line_item` → `line_items`.
fn inflect_last_word(name: &str, inflect: fn(&str) -> String) -> String {
    let (head, last) = match name.rsplit_once('_') {
        Some((head, last)) => (Some(head), last),
        None => (None, name),
    };
    let inflected = inflect(last);
    match head {
        Some(head) => format!("{head}_{inflected}"),
        None => inflected,
    }
}

/// The word with its indefinite article: `a project`, `an invoice`.
pub fn indefinite(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}

pub fn pluralize(name: &str) -> String {
    inflect_last_word(name, inflect::plural)
}

pub fn singularize(name: &str) -> String {
    inflect_last_word(name, inflect::singular)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name a resource's modules import, by a literal `import { ... }` in a template or a
    /// quoted name in an import list of the templates or actions.rs, is in [`TS_TYPES_IN_USE`]
    /// (types) or [`TS_FUNCTIONS_IN_USE`] (functions).
    #[test]
    fn the_names_generated_modules_import_are_listed() {
        let mut sources: Vec<String> = vec![include_str!("generate/resource/actions.rs").into()];
        for folder in ["resource", "tenant"] {
            let mut stack = vec![crate::render::EMBEDDED
                .get_dir(folder)
                .expect("a template folder")];
            while let Some(dir) = stack.pop() {
                stack.extend(dir.dirs());
                sources.extend(
                    dir.files()
                        .filter(|f| f.path().extension().is_some_and(|e| e == "ts"))
                        .map(|f| f.contents_utf8().unwrap_or_default().to_string()),
                );
            }
        }
        let mut imported = Vec::new();
        for text in &sources {
            for line in text.lines() {
                let line = line.trim();
                let names = line
                    .strip_prefix("import type {")
                    .or_else(|| line.strip_prefix("import {"))
                    .or_else(|| line.strip_prefix("{{ ts_import(["));
                if let Some(rest) = names {
                    let list = rest.split(['}', ']']).next().unwrap_or_default();
                    imported.extend(list.split(',').map(|n| {
                        let n = n.trim().trim_matches('"');
                        n.strip_prefix("type ").unwrap_or(n).to_string()
                    }));
                }
            }
            for (at, _) in text.match_indices("\"type ") {
                let name: String = text[at + 6..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                imported.push(name);
            }
        }
        // Names in Rust import lists (actions.rs) are quoted and start a `(bool, "name")` pair.
        let rust = include_str!("generate/resource/actions.rs");
        for (at, _) in rust.match_indices(", \"") {
            let name: String = rust[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            imported.push(name);
        }
        let names: Vec<&String> = imported
            .iter()
            .filter(|n| {
                !n.is_empty() && *n != "type" && n.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .collect();
        let types = names
            .iter()
            .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()));
        assert!(
            types.clone().count() > 3,
            "found the imported types {names:?}"
        );
        for name in types {
            assert!(
                TS_TYPES_IN_USE.contains(&name.as_str()),
                "the generated modules import the type {name}: add it to TS_TYPES_IN_USE"
            );
        }
        let functions = names
            .iter()
            .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()));
        assert!(
            functions.clone().count() > 3,
            "found the imported functions {names:?}"
        );
        for name in functions {
            assert!(
                TS_FUNCTIONS_IN_USE.contains(&name.as_str()) || name.as_str() == "z",
                "the generated modules import the function {name}: add it to TS_FUNCTIONS_IN_USE"
            );
        }
    }

    #[test]
    fn derives_every_name_from_either_number() {
        let cases: &[(&str, Option<&str>, [&str; 7])] = &[
            (
                "project",
                None,
                [
                    "project", "projects", "Project", "Projects", "project", "project", "projects",
                ],
            ),
            (
                "projects",
                None,
                [
                    "project", "projects", "Project", "Projects", "project", "project", "projects",
                ],
            ),
            (
                "line_item",
                None,
                [
                    "line_item",
                    "line_items",
                    "LineItem",
                    "LineItems",
                    "lineItem",
                    "line-item",
                    "line-items",
                ],
            ),
            (
                "categories",
                None,
                [
                    "category",
                    "categories",
                    "Category",
                    "Categories",
                    "category",
                    "category",
                    "categories",
                ],
            ),
            (
                "person",
                None,
                [
                    "person", "people", "Person", "People", "person", "person", "people",
                ],
            ),
            (
                "company_address",
                None,
                [
                    "company_address",
                    "company_addresses",
                    "CompanyAddress",
                    "CompanyAddresses",
                    "companyAddress",
                    "company-address",
                    "company-addresses",
                ],
            ),
            (
                "status",
                None,
                [
                    "status", "statuses", "Status", "Statuses", "status", "status", "statuses",
                ],
            ),
            (
                "cactus",
                Some("cactuses"),
                [
                    "cactus", "cactuses", "Cactus", "Cactuses", "cactus", "cactus", "cactuses",
                ],
            ),
            (
                "invoice",
                None,
                [
                    "invoice", "invoices", "Invoice", "Invoices", "invoice", "invoice", "invoices",
                ],
            ),
        ];
        for (input, plural, want) in cases {
            let n = Names::derive(input, *plural);
            let got = [
                n.singular.as_str(),
                n.plural.as_str(),
                n.pascal.as_str(),
                n.pascal_plural.as_str(),
                n.camel.as_str(),
                n.kebab.as_str(),
                n.kebab_plural.as_str(),
            ];
            assert_eq!(&got, want, "names of {input}");
        }
    }
}
