//! The template environment: embedded templates, the project's overrides, and the filters they use.
//!
//! A template that fails is reported so the user can act on it, in release builds too: the
//! file to open (the user's override under `.scaffold/templates/`, or the built-in template's
//! name), the line, what went wrong (for an undefined value, the variable or expression), the
//! lines around it, the templates that included it, and the error's causes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use include_dir::{include_dir, Dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::disk;
use crate::error::Error;
use crate::spec::ident;
use crate::ts_layout;

/// The templates built into the binary, by the relative path they are looked up with.
pub static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Where a project keeps its own versions of templates, mirroring [`EMBEDDED`].
pub const OVERRIDE_DIR: &str = ".scaffold/templates";

pub struct Renderer {
    env: Arc<Environment<'static>>,
    overrides: PathBuf,
    /// Whether [`OVERRIDE_DIR`] may hold templates: false when it does not exist, so that a
    /// project without overrides (most) costs one look rather than one per template.
    look_for_overrides: bool,
    /// The names the loader took from [`OVERRIDE_DIR`] (or failed to read there): an error in
    /// one of them is the user's to fix. Recorded when loading rather than checked on disk
    /// when reporting, so the report is about the file that was actually used.
    overridden: Arc<Mutex<BTreeSet<String>>>,
    /// The second thread of [`Renderer::render_all`], started by a [`Warmup`] and still
    /// parsing, if any.
    helper: Mutex<Option<Helper>>,
}

/// Built-in templates parsed ahead on another thread, started before the command line is even
/// read: parsing is most of what a run costs, and until the files are rendered the process uses
/// one core. [`Renderer::new`] takes over its environment and thread when the project has no
/// overrides (the only templates it knows are the built-in ones); otherwise the work is dropped.
pub struct Warmup {
    env: Arc<Environment<'static>>,
    overridden: Arc<Mutex<BTreeSet<String>>>,
    helper: Helper,
}

impl Warmup {
    /// Starts parsing `templates`, in this order, on a new thread. A guess of what the command
    /// will render: a template it does not need costs the other core's time, never a result.
    /// None when no thread can be started: the templates are then parsed as they are rendered.
    pub fn start(templates: &[&'static str]) -> Option<Warmup> {
        let overridden = Arc::new(Mutex::new(BTreeSet::new()));
        let env = Arc::new(environment(None, Arc::clone(&overridden)));
        let helper = Helper::start(&env, templates.to_vec())?;
        Some(Warmup {
            env,
            overridden,
            helper,
        })
    }
}

/// The texts (or errors) of the templates a [`Helper`] rendered.
type Rendered = Vec<(&'static str, Result<String, minijinja::Error>)>;

/// A thread that parses templates from a [`Queue`] until [`Renderer::render_all`] gives it the
/// context, then renders templates from it, as `render_all` does on its own thread meanwhile.
struct Helper {
    queue: Arc<Queue>,
    job: Arc<Job>,
    /// Taken when joined.
    thread: Option<std::thread::JoinHandle<Rendered>>,
}

impl Helper {
    /// None when the system refuses another thread: the caller does all the work itself.
    fn start(env: &Arc<Environment<'static>>, names: Vec<&'static str>) -> Option<Helper> {
        let queue = Arc::new(Queue {
            names,
            next: AtomicUsize::new(0),
            parsed: Mutex::new(Vec::new()),
        });
        let job = Arc::new(Job::default());
        let thread = std::thread::Builder::new()
            .spawn({
                let (env, queue, job) = (Arc::clone(env), Arc::clone(&queue), Arc::clone(&job));
                move || help(&env, &queue, &job)
            })
            .ok()?;
        Some(Helper {
            queue,
            job,
            thread: Some(thread),
        })
    }

    /// Waits for it to render what it takes.
    fn join(mut self) -> Rendered {
        let thread = self.thread.take().expect("joined once");
        thread
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    }
}

impl Drop for Helper {
    /// A thread never asked to render (a warm-up a command did not use, or one parsed without
    /// the project's overrides) stops after its current template rather than wait for ever.
    fn drop(&mut self) {
        self.queue.close();
        self.job.set(JobState::Cancelled);
    }
}

/// The helper's side of [`Helper`]. A template that fails to parse before the context is known
/// is not cached: rendering it parses it again and reports the error.
fn help(env: &Environment<'static>, queue: &Queue, job: &Job) -> Rendered {
    while !job.given() {
        let Some(name) = queue.take() else { break };
        let _ = env.get_template(name);
        queue.parsed(name);
    }
    let JobState::Render { context, needed } = job.wait() else {
        return Vec::new();
    };
    let mut rendered = Rendered::new();
    while let Some(name) = queue.next() {
        if needed.contains(&name) {
            let text = env
                .get_template(name)
                .and_then(|template| template.render(&context));
            rendered.push((name, text));
        }
    }
    rendered
}

/// Template names, each taken once: to parse and render, or, once parsed ahead, to render.
struct Queue {
    names: Vec<&'static str>,
    next: AtomicUsize,
    /// Taken and parsed before the context was known, not yet taken to render.
    parsed: Mutex<Vec<&'static str>>,
}

impl Queue {
    /// The next template to parse.
    fn take(&self) -> Option<&'static str> {
        self.names
            .get(self.next.fetch_add(1, Ordering::Relaxed))
            .copied()
    }

    /// Puts back a template it parsed, to render.
    fn parsed(&self, name: &'static str) {
        self.lock_parsed().push(name);
    }

    /// The next template to render: one parsed already, else one to parse.
    fn next(&self) -> Option<&'static str> {
        let parsed = self.lock_parsed().pop();
        parsed.or_else(|| self.take())
    }

    fn lock_parsed(&self) -> std::sync::MutexGuard<'_, Vec<&'static str>> {
        self.parsed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes what is left to parse, so the thread taking from it stops after its current one.
    fn close(&self) {
        self.next.store(self.names.len(), Ordering::Relaxed);
    }
}

/// What a [`Helper`] is to do once it has parsed what it took before the context was known.
#[derive(Default)]
struct Job {
    state: Mutex<JobState>,
    changed: std::sync::Condvar,
}

#[derive(Clone, Default)]
enum JobState {
    #[default]
    Waiting,
    Render {
        context: minijinja::Value,
        needed: Vec<&'static str>,
    },
    Cancelled,
}

impl Job {
    fn set(&self, state: JobState) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
        self.changed.notify_all();
    }

    fn given(&self) -> bool {
        !matches!(
            *self.state.lock().unwrap_or_else(PoisonError::into_inner),
            JobState::Waiting
        )
    }

    fn wait(&self) -> JobState {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let state = self
            .changed
            .wait_while(state, |state| matches!(state, JobState::Waiting))
            .unwrap_or_else(PoisonError::into_inner);
        state.clone()
    }
}

/// How every template is parsed and rendered.
fn configure(env: &mut Environment<'_>) {
    // Release builds start with debug off, which drops the variable's name from "undefined
    // value" and the template source from errors; the report needs both, in every build.
    env.set_debug(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // We generate code, not HTML: a value is written as it is, whatever the file's extension
    // (minijinja's default would HTML-escape `.html` and JSON-escape `.json`, `.js`, `.yaml`
    // templates). Templates quote values themselves, with `sql_string`, `ts_string`, `tojson`.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("static syntax config"),
    );
}

/// An environment configured for scaffold, loading the overrides in `overrides` (when given)
/// before the built-in templates, and noting in `overridden` which it took.
fn environment(
    overrides: Option<PathBuf>,
    overridden: Arc<Mutex<BTreeSet<String>>>,
) -> Environment<'static> {
    let mut env = Environment::new();
    configure(&mut env);
    env.set_loader(move |name| load(overrides.as_deref(), &overridden, name));
    env.add_filter("snake_case", |text: &str| text.to_snake_case());
    env.add_filter("camel_case", |text: &str| text.to_lower_camel_case());
    env.add_filter("pascal_case", |text: &str| text.to_upper_camel_case());
    env.add_filter("kebab_case", |text: &str| text.to_kebab_case());
    env.add_filter("ident", |name: &str| ident::quote(name));
    env.add_filter("indefinite", |word: &str| crate::naming::indefinite(word));
    env.add_filter("sql_string", |text: &str| sql_string(text));
    env.add_filter("ts_string", |text: &str| ts_string(text));
    env.add_filter("sql_comment", |text: &str| sql_comment(text));
    env.add_function(
        "ts_chain",
        |indent: usize, prefix: &str, head: &str, calls: Vec<String>, suffix: &str| {
            ts_layout::chain(indent, prefix, head, &calls, suffix)
        },
    );
    env.add_function(
        "ts_call",
        |indent: usize, prefix: &str, callee: &str, args: Vec<String>, suffix: &str| {
            ts_layout::call(indent, prefix, callee, &args, suffix)
        },
    );
    env.add_function(
        "ts_signature",
        |head: &str, params: Vec<String>, returns: &str| {
            ts_layout::signature(head, &params, returns)
        },
    );
    env.add_function(
        "ts_declare",
        |head: &str, params: Vec<String>, returns: &str| {
            ts_layout::overload(head, &params, returns)
        },
    );
    env.add_function("ts_import", |names: Vec<String>, from: &str| {
        ts_layout::import(&names, from)
    });
    env.add_function("ts_fits", |line: &str| ts_layout::fits(line));
    env.add_function("ts_alias", |left: &str, generic: &str, arg: &str| {
        ts_layout::alias(left, generic, arg)
    });
    env.add_function(
        "ts_array",
        |left: &str, items: Vec<String>, suffix: &str| ts_layout::array(left, &items, suffix),
    );
    env
}

impl Renderer {
    /// A renderer that prefers the project's overrides over the embedded templates, taking
    /// over `warmup`'s parsed templates when the project has no overrides.
    pub fn new(project_root: &Path, warmup: Option<Warmup>) -> Renderer {
        let overrides = project_root.join(OVERRIDE_DIR);
        let look_for_overrides = !matches!(
            std::fs::metadata(&overrides),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound
        );
        let (env, overridden, helper) = match warmup {
            Some(warmup) if !look_for_overrides => {
                (warmup.env, warmup.overridden, Some(warmup.helper))
            }
            // No warm-up, or one parsed without the project's overrides, of no use here: dropped
            // at the end of this function, which stops its thread.
            _ => {
                let overridden = Arc::new(Mutex::new(BTreeSet::new()));
                let search = look_for_overrides.then(|| overrides.clone());
                let env = environment(search, Arc::clone(&overridden));
                (Arc::new(env), overridden, None)
            }
        };
        Renderer {
            env,
            overrides,
            look_for_overrides,
            overridden,
            helper: Mutex::new(helper),
        }
    }

    /// Renders one template; a failure names the file, line and expression to fix (see the
    /// module documentation).
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, Error> {
        // Parsing is most of what rendering costs, and text without a tag renders as itself.
        let search = self.look_for_overrides.then_some(self.overrides.as_path());
        if let Ok(Some(text)) = load(search, &self.overridden, name) {
            if !has_tags(&text) {
                return Ok(text);
            }
        }
        self.env
            .get_template(name)
            .and_then(|template| template.render(minijinja::value::Serde(&context)))
            .map_err(|err| self.error(name, &err))
    }

    /// Renders each of `templates` with one context. Parsing is most of what a run does and the
    /// files of a plan are independent, so two threads take templates from one queue, each
    /// rendering what it takes (parsed ahead or not): this one and the [`Warmup`]'s, or else a
    /// new one with `templates` largest first (by the built-in template's size, a good guess of
    /// its cost), so the two end close together. The texts come in the order of `templates`; an
    /// error is the first failing template's, as rendering one after the other would report it.
    pub fn render_all(
        &self,
        templates: &[&'static str],
        context: &minijinja::Value,
    ) -> Result<Vec<String>, Error> {
        let warmed = self
            .helper
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let helper = warmed.or_else(|| {
            if templates.len() < 2 {
                return None;
            }
            let mut names = templates.to_vec();
            names.sort_by_key(|name| std::cmp::Reverse(embedded(name).map_or(0, str::len)));
            Helper::start(&self.env, names)
        });
        let mut rendered: Vec<Option<Result<String, Error>>> =
            templates.iter().map(|_| None).collect();
        // A template named twice is rendered here once, and again below.
        let slot = |name: &str| templates.iter().position(|t| *t == name);
        if let Some(helper) = helper {
            helper.job.set(JobState::Render {
                context: context.clone(),
                needed: templates.to_vec(),
            });
            while let Some(name) = helper.queue.next() {
                if let Some(index) = slot(name) {
                    rendered[index] = Some(self.render(name, context));
                }
            }
            for (name, text) in helper.join() {
                if let Some(index) = slot(name) {
                    rendered[index] = Some(text.map_err(|err| self.error(name, &err)));
                }
            }
        }
        templates
            .iter()
            .zip(rendered)
            .map(|(name, text)| text.unwrap_or_else(|| self.render(name, context)))
            .collect()
    }

    /// The report of a failed render of `requested`:
    ///
    /// ```text
    /// your template override /p/.scaffold/templates/resource/.../structure.sql, line 3: undefined value: `no_such_variable` is undefined
    ///    2 | select has_table('public', {{ table | sql_string }}, 'exists');
    ///    3 > {{ no_such_variable }}
    ///      |    ^^^^^^^^^^^^^^^^
    ///   included from built-in template resource/supabase/tests/database/table.test.sql, line 14
    /// ```
    ///
    /// An error inside an `{% include %}` comes back as "could not render include" against
    /// the including template, with the included template's error as its source: the report
    /// leads with the innermost template the error has a place in, and lists the templates
    /// around it as where it was included from. Other causes follow as `caused by:`.
    fn error(&self, requested: &str, err: &minijinja::Error) -> Error {
        let mut frames = vec![Frame::of(err)];
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            if let Some(inner) = cause.downcast_ref::<minijinja::Error>() {
                frames.push(Frame::of(inner));
            } else if let Some(unreadable) = cause.downcast_ref::<UnreadableOverride>() {
                frames.push(Frame {
                    name: Some(&unreadable.name),
                    line: None,
                    what: unreadable.to_string(),
                    excerpt: None,
                });
            } else {
                causes.push(cause.to_string());
            }
            source = cause.source();
        }
        let located = frames
            .iter()
            .rposition(|f| f.name.is_some())
            .unwrap_or(frames.len() - 1);
        let overridden = self
            .overridden
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let user_override = frames
            .iter()
            .filter_map(|f| f.name)
            .chain([requested])
            .any(|name| overridden.contains(name));
        let at = |frame: &Frame| {
            let name = frame.name.unwrap_or(requested);
            let origin = if overridden.contains(name) {
                format!(
                    "your template override {}",
                    self.overrides.join(name).display()
                )
            } else {
                format!("built-in template {name}")
            };
            match frame.line {
                Some(line) => format!("{origin}, line {line}"),
                None => origin,
            }
        };

        let here = &frames[located];
        let mut message = format!("{}: {}", at(here), here.what);
        if let Some(excerpt) = &here.excerpt {
            message.push('\n');
            message.push_str(excerpt);
        }
        // Errors below the located one have no place of their own: they say what failed there.
        for frame in &frames[located + 1..] {
            message.push_str(&format!("\n  caused by: {}", frame.what));
        }
        for cause in causes {
            message.push_str(&format!("\n  caused by: {cause}"));
        }
        for frame in frames[..located].iter().rev().filter(|f| f.name.is_some()) {
            message.push_str(&format!("\n  included from {}", at(frame)));
        }
        Error::Template {
            message,
            user_override,
        }
    }
}

/// One template error of a chain, as the report shows it.
struct Frame<'a> {
    /// The template it happened in, when known.
    name: Option<&'a str>,
    line: Option<usize>,
    what: String,
    excerpt: Option<String>,
}

impl Frame<'_> {
    fn of(err: &minijinja::Error) -> Frame<'_> {
        Frame {
            name: err.name(),
            line: err.line(),
            // minijinja's own Display adds `(in NAME:LINE)`, which the report says better.
            what: match err.detail() {
                Some(detail) => format!("{}: {detail}", err.kind()),
                None => err.kind().to_string(),
            },
            excerpt: err
                .template_source()
                .zip(err.line())
                .map(|(source, line)| excerpt(source, line, err.range())),
        }
    }
}

/// A template override that exists but cannot be read: the loader's error, naming the template.
#[derive(Debug)]
struct UnreadableOverride {
    name: String,
    error: Error,
}

impl std::fmt::Display for UnreadableOverride {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The report already names the file.
        if let Error::Io { source, .. } = &self.error {
            write!(f, "cannot be read: {source}")
        } else {
            write!(f, "cannot be read: {}", self.error)
        }
    }
}

/// The chain ends here: [`Display`](std::fmt::Display) holds the I/O error.
impl std::error::Error for UnreadableOverride {}

/// The line of `source` an error is on, with the line before and after, and the failing
/// expression underlined when its byte `range` starts on that line.
fn excerpt(source: &str, line: usize, range: Option<std::ops::Range<usize>>) -> String {
    let mut out = Vec::new();
    let mut offset = 0;
    for (index, text) in source.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let start = offset;
        offset += text.len();
        let text = text.trim_end_matches(['\n', '\r']);
        if number + 1 < line {
            continue;
        }
        if number > line + 1 {
            break;
        }
        if number != line {
            out.push(format!("{number:>4} | {text}"));
            continue;
        }
        out.push(format!("{number:>4} > {text}"));
        let end = start + text.len();
        if let Some(range) = range.clone().filter(|r| (start..=end).contains(&r.start)) {
            let before = &source[start..range.start];
            let marked = &source[range.start..range.end.clamp(range.start, end)];
            // Tabs stay tabs so the carets line up under them.
            let pad: String = before
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let carets = "^".repeat(marked.chars().count().max(1));
            out.push(format!("     | {pad}{carets}"));
        }
    }
    out.join("\n")
}

/// The text of template `name`: the project's override in `overrides` (noted in `overridden`),
/// else the embedded one, else none.
fn load(
    overrides: Option<&Path>,
    overridden: &Mutex<BTreeSet<String>>,
    name: &str,
) -> Result<Option<String>, minijinja::Error> {
    let own = match overrides {
        Some(dir) => disk::read_optional(&dir.join(name)),
        None => Ok(None),
    };
    if !matches!(own, Ok(None)) {
        overridden
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_string());
    }
    match own {
        Ok(Some(text)) => Ok(Some(text)),
        Ok(None) => Ok(embedded(name).map(str::to_string)),
        Err(error) => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "cannot load a template override",
        )
        .with_source(UnreadableOverride {
            name: name.to_string(),
            error,
        })),
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

/// Text for the rest of a `--` comment line: control characters and Unicode line and paragraph
/// separators are written as escapes (`\u{a}`), so nothing the text holds can end the comment
/// and start SQL. (The spec layer refuses control characters in every token already; this is
/// the second line of defence.)
pub fn sql_comment(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
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

    #[derive(Serialize)]
    struct Context {
        name: &'static str,
    }

    /// A renderer for a project whose overrides are `files` (path under `.scaffold/templates/`,
    /// text); an empty text makes a folder where the file would be, which cannot be read.
    fn with_overrides(files: &[(&str, &str)]) -> (tempfile::TempDir, Renderer) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let own = dir.path().join(OVERRIDE_DIR).join(path);
            if text.is_empty() {
                std::fs::create_dir_all(&own).unwrap();
            } else {
                std::fs::create_dir_all(own.parent().unwrap()).unwrap();
                std::fs::write(&own, text).unwrap();
            }
        }
        let renderer = Renderer::new(dir.path(), None);
        (dir, renderer)
    }

    #[test]
    fn templates_get_case_filters_and_quoting() {
        let (_dir, renderer) = with_overrides(&[(
            "probe.txt",
            "{{ name | snake_case }} {{ name | camel_case }} {{ name | pascal_case }} {{ name | kebab_case }} {{ name | indefinite }} {{ \"it's\" | sql_string }} {{ 'say \"hi\"' | ts_string }} {{ 'order' | ident }}",
        )]);
        assert_eq!(
            renderer
                .render("probe.txt", Context { name: "line_item" })
                .unwrap(),
            r#"line_item lineItem LineItem line-item a line_item 'it''s' 'say "hi"' "order""#
        );
    }

    /// Whatever reaches a `--` comment stays on its line: the attack of issue 12, a default with
    /// a newline and a grant after it, and every other line breaker.
    #[test]
    fn sql_comments_cannot_be_ended_by_their_text() {
        let cases = [
            (
                "scaffold resource note 'title:text:default=draft\n;grant select on auth.users to anon;--'",
                r"scaffold resource note 'title:text:default=draft\u{a};grant select on auth.users to anon;--'",
            ),
            ("a\rb\u{0}c\td", r"a\u{d}b\u{0}c\u{9}d"),
            ("a\u{85}b\u{2028}c\u{2029}d", r"a\u{85}b\u{2028}c\u{2029}d"),
            ("plain: it's fine -- and $$ too", "plain: it's fine -- and $$ too"),
        ];
        for (text, want) in cases {
            let comment = sql_comment(text);
            assert_eq!(comment, want);
            assert!(!comment.chars().any(|c| c.is_control()), "{comment:?}");
        }
    }

    #[test]
    fn values_are_written_as_they_are_whatever_the_extension() {
        let text = "{{ name }}";
        let names = [
            "x.html", "x.xml", "x.json", "x.js", "x.yaml", "x.sql", "x.ts", "x.md",
        ];
        let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, text)).collect();
        let (_dir, renderer) = with_overrides(&files);
        let name = r#"<a href="x">it's & "that"</a>"#;
        for template in names {
            assert_eq!(
                renderer.render(template, Context { name }).unwrap(),
                name,
                "{template}"
            );
        }
    }

    #[test]
    fn an_undefined_value_is_named_in_release_builds_too() {
        let mut env = Environment::new();
        // What a release build starts with.
        env.set_debug(false);
        configure(&mut env);
        env.add_template("t.sql", "a\n{{ user.nmae }}\n").unwrap();
        let err = env
            .get_template("t.sql")
            .unwrap()
            .render(minijinja::context!(user => minijinja::context!(name => "x")))
            .unwrap_err();
        assert_eq!(err.detail(), Some("`user.nmae` is undefined"));
        assert!(
            err.template_source().is_some(),
            "the source is kept for the excerpt"
        );
    }

    #[test]
    fn a_failed_render_names_the_file_line_and_expression_to_fix() {
        // A built-in template including an override is in tests/cli.rs: it needs a real
        // resource's context.
        /// What, the overrides, the template rendered, lines the report holds, exit code.
        type Case = (
            &'static str,
            Overrides,
            &'static str,
            &'static [&'static str],
            u8,
        );
        type Overrides = &'static [(&'static str, &'static str)];
        let cases: &[Case] = &[
            (
                "an undefined variable in a top-level override",
                &[("page.ts", "one\ntwo\nx {{ no_such_variable }} y\nfour\nfive\n")],
                "page.ts",
                &[
                    "your template override {root}/.scaffold/templates/page.ts, line 3: undefined value: `no_such_variable` is undefined",
                    "   2 | two",
                    "   3 > x {{ no_such_variable }} y",
                    "     |      ^^^^^^^^^^^^^^^^",
                    "   4 | four",
                ],
                2,
            ),
            (
                "a built-in template an override includes: the override is where to look",
                &[("mine.ts", "// mine\n{% include \"init/proxy.ts\" %}\n")],
                "mine.ts",
                &[
                    "built-in template init/proxy.ts, line 3: undefined value: `imports` is undefined",
                    "  included from your template override {root}/.scaffold/templates/mine.ts, line 2",
                ],
                2,
            ),
            (
                "an override included by an override, with tabs before the error",
                &[
                    ("outer.sql", "a\n{% include \"inner.sql\" %}\n"),
                    ("inner.sql", "\t{{ name }} {{ name.nope.deeper }}\n"),
                ],
                "outer.sql",
                &[
                    "your template override {root}/.scaffold/templates/inner.sql, line 1: undefined value: `name.nope` is undefined",
                    "   1 > \t{{ name }} {{ name.nope.deeper }}",
                    "     | \t                  ^^^^^^^^^^^^",
                    "  included from your template override {root}/.scaffold/templates/outer.sql, line 2",
                ],
                2,
            ),
            (
                "a syntax error in an override",
                &[("broken.ts", "ok\n{% if name %}\nno endif\n")],
                "broken.ts",
                &["your template override {root}/.scaffold/templates/broken.ts, line 3: syntax error: unexpected end of input, expected end of block"],
                2,
            ),
            (
                "an override including a template that does not exist",
                &[("lonely.ts", "{% include \"nowhere.ts\" %}\n")],
                "lonely.ts",
                &["your template override {root}/.scaffold/templates/lonely.ts, line 1: template not found: tried to include non-existing template 'nowhere.ts'",
                    "   1 > {% include \"nowhere.ts\" %}"],
                2,
            ),
            (
                "an override that cannot be read",
                &[("folder.ts", "")],
                "folder.ts",
                &["your template override {root}/.scaffold/templates/folder.ts: cannot be read: Is a directory (os error 21)"],
                2,
            ),
            (
                "a built-in template given too little: our bug",
                &[],
                crate::generate::init::PROXY_TEMPLATE,
                &[
                    "built-in template init/proxy.ts, line 3: undefined value: `imports` is undefined",
                    "   3 > import { updateSession } from \"{{ imports.proxy }}\";",
                ],
                1,
            ),
        ];
        for (what, overrides, template, want, code) in cases {
            let (dir, renderer) = with_overrides(overrides);
            let err = renderer
                .render(template, Context { name: "x" })
                .unwrap_err();
            let message = err.to_string();
            let root = dir.path().display().to_string();
            for line in *want {
                let line = line.replace("{root}", &root);
                assert!(
                    message.lines().any(|l| l == line),
                    "{what}: no line\n{line}\nin\n{message}"
                );
            }
            assert_eq!(err.exit_code(), *code, "{what}: {message}");
        }
    }

    /// Built-in templates, overridden in the project: a warm-up parsed the built-in ones.
    const DECIMAL: &str = "resource/lib/validations/decimal.ts";
    const FILE: &str = "resource/lib/validations/file.ts";

    /// A warm-up parses built-in templates only, so a project with overrides renders its own.
    #[test]
    fn a_warm_up_gives_way_to_the_projects_overrides() {
        let (dir, renderer) = with_overrides(&[(DECIMAL, "mine: {{ name }}\n")]);
        let warmed = Renderer::new(dir.path(), Warmup::start(&[DECIMAL, FILE]));
        let context = minijinja::Value::from(minijinja::value::Serde(Context { name: "x" }));
        for renderer in [&renderer, &warmed] {
            let texts = renderer.render_all(&[DECIMAL, FILE], &context).unwrap();
            assert_eq!(texts[0], "mine: x\n");
            assert_eq!(texts[1], embedded(FILE).unwrap());
        }
    }

    /// Whichever thread renders a failing template, the error is the first failing one in the
    /// order asked for, and names the user's file.
    #[test]
    fn render_all_reports_the_first_failure_in_the_order_asked() {
        let (dir, _) =
            with_overrides(&[(DECIMAL, "{{ no_decimal }}\n"), (FILE, "{{ no_file }}\n")]);
        let context = minijinja::Value::from(minijinja::value::Serde(Context { name: "x" }));
        for (order, first) in [
            ([DECIMAL, FILE], "no_decimal"),
            ([FILE, DECIMAL], "no_file"),
        ] {
            for _ in 0..20 {
                let renderer = Renderer::new(dir.path(), None);
                let Err(Error::Template {
                    message,
                    user_override,
                }) = renderer.render_all(&order, &context)
                else {
                    panic!("{order:?} rendered");
                };
                assert!(user_override);
                assert!(
                    message.contains(&format!("`{first}` is undefined")),
                    "{message}"
                );
                assert!(message.contains(order[0]), "{message}");
            }
        }
    }

    /// A warm-up no renderer takes (another command, or a project with overrides) stops its
    /// thread when dropped, whether it is still parsing or already waiting for a context.
    #[test]
    fn a_dropped_warm_up_stops_its_thread() {
        let env = Arc::new(environment(None, Arc::default()));
        for names in [vec![], vec![DECIMAL, FILE, DECIMAL, FILE]] {
            let mut helper = Helper::start(&env, names).expect("a thread");
            let thread = helper.thread.take().unwrap();
            drop(helper);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while !thread.is_finished() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the thread still runs"
                );
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            assert!(thread.join().unwrap().is_empty(), "it rendered nothing");
        }
    }
}
