//! Every name a resource needs, derived once from what the user typed.

mod inflect;

use heck::{ToKebabCase, ToLowerCamelCase, ToUpperCamelCase};
use serde::Serialize;

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
