//! The template environment: embedded templates, the project's overrides, and the filters they use.

use std::path::{Path, PathBuf};

use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use include_dir::{include_dir, Dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::error::Error;
use crate::prettier;
use crate::spec::ident;

/// The templates built into the binary, by the relative path they are looked up with.
pub static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Where a project keeps its own versions of templates, mirroring [`EMBEDDED`].
pub const OVERRIDE_DIR: &str = ".scaffold/templates";

pub struct Renderer {
    env: Environment<'static>,
    overrides: PathBuf,
}

impl Renderer {
    /// A renderer that prefers the project's overrides over the embedded templates.
    pub fn new(project_root: &Path) -> Renderer {
        let overrides = project_root.join(OVERRIDE_DIR);
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("static syntax config"),
        );
        let search = overrides.clone();
        env.set_loader(move |name| load(&search, name));
        env.add_filter("snake_case", |text: &str| text.to_snake_case());
        env.add_filter("camel_case", |text: &str| text.to_lower_camel_case());
        env.add_filter("pascal_case", |text: &str| text.to_upper_camel_case());
        env.add_filter("kebab_case", |text: &str| text.to_kebab_case());
        env.add_filter("ident", |name: &str| ident::quote(name));
        env.add_filter("indefinite", |word: &str| crate::naming::indefinite(word));
        env.add_filter("sql_string", |text: &str| sql_string(text));
        env.add_filter("ts_string", |text: &str| ts_string(text));
        env.add_function(
            "ts_chain",
            |indent: usize, prefix: &str, head: &str, calls: Vec<String>, suffix: &str| {
                prettier::chain(indent, prefix, head, &calls, suffix)
            },
        );
        env.add_function(
            "ts_call",
            |indent: usize, prefix: &str, callee: &str, args: Vec<String>, suffix: &str| {
                prettier::call(indent, prefix, callee, &args, suffix)
            },
        );
        env.add_function(
            "ts_signature",
            |head: &str, params: Vec<String>, returns: &str| {
                prettier::signature(head, &params, returns)
            },
        );
        env.add_function("ts_import", |names: Vec<String>, from: &str| {
            prettier::import(&names, from)
        });
        env.add_function("ts_fits", |line: &str| prettier::fits(line));
        env.add_function("ts_alias", |left: &str, generic: &str, arg: &str| {
            prettier::alias(left, generic, arg)
        });
        env.add_function(
            "ts_array",
            |left: &str, items: Vec<String>, suffix: &str| prettier::array(left, &items, suffix),
        );
        Renderer { env, overrides }
    }

    /// Renders one template; errors name the template, the line and, for an override, its file.
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, Error> {
        let context = minijinja::value::Serde(&context);
        let result = load(&self.overrides, name).and_then(|source| match source {
            // Parsing is most of what rendering costs, and text without a tag renders as itself.
            Some(text) if !has_tags(&text) => Ok(text),
            Some(text) => self.env.render_named_str(name, &text, context),
            // minijinja reports the missing template its own way.
            None => self
                .env
                .get_template(name)
                .and_then(|template| template.render(context)),
        });
        result.map_err(|err| {
            let own = self.overrides.join(name);
            let origin = if own.is_file() {
                format!("your template override {}", own.display())
            } else {
                format!("built-in template {name}")
            };
            let line = err.line().map(|l| format!(" line {l}")).unwrap_or_default();
            Error::Template(format!(
                "{origin}{line}: {err}\n{}",
                err.display_debug_info()
            ))
        })
    }
}

/// The text of template `name`: the project's override, else the embedded one, else none.
fn load(overrides: &Path, name: &str) -> Result<Option<String>, minijinja::Error> {
    let own = overrides.join(name);
    match std::fs::read_to_string(&own) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(embedded(name).map(str::to_string))
        }
        Err(e) => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("cannot read {}: {e}", own.display()),
        )),
    }
}

/// The embedded template at `name`, e.g. `resource/app/actions/resources.ts`.
fn embedded(name: &str) -> Option<&'static str> {
    // `Dir::get_file` visits every entry of the tree and compares each as a `Path`, component by
    // component; going down only the folders on the way, comparing bytes, costs a fraction.
    let mut dir: &Dir<'static> = &EMBEDDED;
    for (slash, _) in name.match_indices('/') {
        dir = dir
            .dirs()
            .find(|d| d.path().as_os_str() == &name[..slash])?;
    }
    dir.files()
        .find(|f| f.path().as_os_str() == name)?
        .contents_utf8()
}

/// Whether `text` holds a minijinja tag: `{{`, `{%` or `{#`.
fn has_tags(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|pair| pair[0] == b'{' && matches!(pair[1], b'{' | b'%' | b'#'))
}

/// A SQL string literal: `it's` → `'it''s'`.
pub fn sql_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A TypeScript string literal as Prettier writes it: double quotes, unless the text holds more
/// double quotes than single ones.
pub fn ts_string(text: &str) -> String {
    let doubles = text.matches('"').count();
    let singles = text.matches('\'').count();
    let json = serde_json::to_string(text).expect("a string serializes");
    if doubles > singles {
        let inner = json[1..json.len() - 1]
            .replace("\\\"", "\"")
            .replace('\'', "\\'");
        format!("'{inner}'")
    } else {
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_get_case_filters_and_strict_undefined() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join(OVERRIDE_DIR).join("probe.txt");
        std::fs::create_dir_all(own.parent().unwrap()).unwrap();
        std::fs::write(
            &own,
            "{{ name | snake_case }} {{ name | camel_case }} {{ name | pascal_case }} {{ name | kebab_case }} {{ name | indefinite }} {{ \"it's\" | sql_string }} {{ 'say \"hi\"' | ts_string }} {{ 'order' | ident }}",
        )
        .unwrap();
        let renderer = Renderer::new(dir.path());
        #[derive(Serialize)]
        struct Context {
            name: &'static str,
        }
        assert_eq!(
            renderer
                .render("probe.txt", Context { name: "line_item" })
                .unwrap(),
            r#"line_item lineItem LineItem line-item a line_item 'it''s' 'say "hi"' "order""#
        );
        std::fs::write(own.with_file_name("strict.txt"), "{{ name }} {{ missing }}").unwrap();
        let err = renderer
            .render("strict.txt", Context { name: "x" })
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("strict.txt") && err.contains("undefined"),
            "{err}"
        );
    }
}
