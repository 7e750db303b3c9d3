//! Spec files: `scaffold apply FILE` declares many resources (and the Stripe webhook) at once,
//! in the command line's vocabulary, as TOML or, for agents, the same structure as JSON:
//!
//! ```toml
//! [[resource]]
//! name = "workspace"
//! fields = ["name:text:max=80", "slug:text:unique"]
//! tenant = true
//!
//! [[resource]]
//! name = "invoice"
//! fields = ["amount:numeric:min=0", "project:ref"]
//! access = "workspace"
//! write_role = "admin"
//!
//! [webhook.stripe]
//! events = ["checkout.session.completed"]
//! ```
//!
//! Every value is checked as the command line checks it; an error names the file, line and
//! column of the bad token and what is allowed there. The resources come back ordered so that
//! each one's migration comes after the tables it references and its tenant root (a cycle is
//! bad input naming it).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::spec::{field, Access, AccessArg, ActionKind, ResourceSpec, Role};

/// A resource as a spec file (and the manifest) writes it: the command line's words.
/// Fields are declared in sorted order, so it serializes with sorted keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceEntry {
    /// `--access`; scaffold.toml's `default_access` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessArg>,
    /// `--actions`; all of them when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionKind>>,
    /// `NAME:TYPE[:MODIFIER...]`, as on the command line.
    pub fields: Vec<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plural: Option<String>,
    /// `--tenant`
    #[serde(default, skip_serializing_if = "is_false")]
    pub tenant: bool,
    /// `--write-role`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_role: Option<Role>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl ResourceEntry {
    /// The entry that gives `spec`, spelled as its command line is.
    pub fn from_spec(spec: &ResourceSpec) -> ResourceEntry {
        let (access, tenant, write_role) = match spec.access {
            Access::Owner => (Some(AccessArg::Owner), false, None),
            Access::PublicRead => (Some(AccessArg::PublicRead), false, None),
            Access::Workspace { write_role } => (
                Some(AccessArg::Workspace),
                false,
                (write_role != Role::Member).then_some(write_role),
            ),
            Access::TenantRoot => (None, true, None),
        };
        ResourceEntry {
            access,
            actions: (spec.actions != ActionKind::ALL).then(|| spec.actions.clone()),
            fields: spec.fields.iter().map(|f| f.to_string()).collect(),
            name: spec.name_as_typed().to_string(),
            plural: spec.plural_override().map(str::to_string),
            tenant,
            write_role,
        }
    }

    /// The spec, validated exactly as the command line validates it.
    pub fn to_spec(&self, default_access: AccessArg) -> Result<ResourceSpec, Error> {
        let plural = self.plural.as_deref();
        // A tenant root's access is its membership: the default does not apply.
        let default_access = if self.tenant {
            AccessArg::Owner
        } else {
            default_access
        };
        let access = Access::from_args(
            &self.name,
            plural,
            self.access.unwrap_or(default_access),
            self.tenant,
            self.write_role,
        )?;
        ResourceSpec::new(&self.name, plural, &self.fields, access)?
            .with_actions(self.actions.as_deref().unwrap_or(&ActionKind::ALL))
    }
}

/// What a spec file declares, checked.
#[derive(Debug)]
pub struct SpecFile {
    /// In the order their migrations must run.
    pub resources: Vec<Declared>,
    /// `[webhook.stripe]`: its events (the default set when it gives none).
    pub stripe: Option<Vec<&'static str>>,
    /// For messages about a declaration: `path:line:column` of each resource's name.
    locations: Vec<String>,
}

/// One `[[resource]]`.
#[derive(Debug)]
pub struct Declared {
    pub spec: ResourceSpec,
    /// Its index in the file's list, for [`SpecFile::location`].
    pub index: usize,
}

impl SpecFile {
    /// Where the `index`-th resource is declared: `path:line:column` of its name.
    pub fn location(&self, index: usize) -> &str {
        &self.locations[index]
    }

    /// Parses and checks a spec file. `path` is how messages name it; a name ending in `.json`
    /// is read as JSON, anything else as TOML. `default_access` is scaffold.toml's.
    pub fn parse(path: &str, text: &str, default_access: AccessArg) -> Result<SpecFile, Error> {
        let source = Source { path, text };
        let root = if path.ends_with(".json") {
            json_tree(&source)?
        } else {
            toml_tree(&source)?
        };
        let top = source.map(&root, "a spec file", TOP_KEYS)?;
        let mut declared: Vec<(ResourceSpec, Range<usize>)> = Vec::new();
        let mut stripe = None;
        for (key, key_span, value) in top {
            match key.as_str() {
                "resource" => {
                    for item in source.list(value, "`resource`: a list of resources")? {
                        let (spec, name_span) = source.resource(item, default_access)?;
                        if let Some((_, earlier)) =
                            declared.iter().find(|(s, _)| s.table() == spec.table())
                        {
                            return Err(source.error(
                                &name_span,
                                format!(
                                    "public.{} is declared twice (first at {}); declare each resource once",
                                    spec.table(),
                                    source.position(earlier)
                                ),
                            ));
                        }
                        declared.push((spec, name_span));
                    }
                }
                "webhook" => stripe = Some(source.webhook(value)?),
                _ => {
                    return Err(source.error(
                        key_span,
                        format!("unknown key `{key}`; a spec file has {}", keys(TOP_KEYS)),
                    ))
                }
            }
        }
        let stripe = stripe.flatten();
        if declared.is_empty() && stripe.is_none() {
            return Err(source.error(
                &root.span,
                "declares nothing: add a `[[resource]]` with a `name` and `fields`, or `[webhook.stripe]`".to_string(),
            ));
        }
        let locations = declared
            .iter()
            .map(|(_, span)| format!("{path}:{}", source.position(span)))
            .collect();
        let order =
            order(&declared.iter().map(|(s, _)| s).collect::<Vec<_>>()).map_err(|cycle| {
                source.error(&declared[cycle[0]].1, cycle_message(&declared, &cycle))
            })?;
        let mut slots: Vec<Option<ResourceSpec>> =
            declared.into_iter().map(|(spec, _)| Some(spec)).collect();
        let resources = order
            .into_iter()
            .map(|index| Declared {
                spec: slots[index].take().expect("each index once"),
                index,
            })
            .collect();
        Ok(SpecFile {
            resources,
            stripe,
            locations,
        })
    }
}

fn cycle_message(declared: &[(ResourceSpec, Range<usize>)], cycle: &[usize]) -> String {
    let names: Vec<&str> = cycle
        .iter()
        .chain(cycle.first())
        .map(|&i| declared[i].0.table())
        .collect();
    format!(
        "the resources reference each other in a cycle: {}; a migration can only reference tables that earlier migrations create, so remove one of these references",
        names.join(" → ")
    )
}

/// Indexes of `specs` in an order where every table comes after those it depends on, keeping
/// the earliest declared one ready first; or, when they depend on each other in a cycle, the
/// indexes along it.
pub fn order(specs: &[&ResourceSpec]) -> Result<Vec<usize>, Vec<usize>> {
    let index: BTreeMap<&str, usize> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.table(), i))
        .collect();
    let needs: Vec<BTreeSet<usize>> = specs
        .iter()
        .map(|s| {
            s.dependencies()
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    // Kahn's algorithm, taking the first ready spec in the given order each time.
    let mut waiting: Vec<usize> = needs.iter().map(BTreeSet::len).collect();
    let mut needed_by: Vec<Vec<usize>> = vec![Vec::new(); specs.len()];
    for (i, deps) in needs.iter().enumerate() {
        for &d in deps {
            needed_by[d].push(i);
        }
    }
    let mut ready: BTreeSet<usize> = (0..specs.len()).filter(|&i| waiting[i] == 0).collect();
    let mut done = vec![false; specs.len()];
    let mut order = Vec::with_capacity(specs.len());
    while let Some(next) = ready.pop_first() {
        done[next] = true;
        order.push(next);
        for &dependent in &needed_by[next] {
            waiting[dependent] -= 1;
            if waiting[dependent] == 0 {
                ready.insert(dependent);
            }
        }
    }
    if order.len() == specs.len() {
        return Ok(order);
    }
    // What is left depends on itself through others: walk dependencies that are not done
    // until one repeats.
    let start = (0..specs.len())
        .find(|&i| !done[i])
        .expect("something is left");
    let mut path = vec![start];
    loop {
        let last = *path.last().expect("not empty");
        let next = needs[last]
            .iter()
            .copied()
            .find(|&d| !done[d])
            .expect("a spec left undone waits on another");
        if let Some(at) = path.iter().position(|&p| p == next) {
            return Err(path[at..].to_vec());
        }
        path.push(next);
    }
}

const TOP_KEYS: &[&str] = &["resource", "webhook"];
const RESOURCE_KEYS: &[&str] = &[
    "name",
    "fields",
    "access",
    "tenant",
    "write_role",
    "plural",
    "actions",
];

fn keys(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value of the file with where it is, whichever the format.
#[derive(Debug)]
struct Node {
    span: Range<usize>,
    value: Value,
}

/// A key of a table, where the key is, and its value.
type Entry = (String, Range<usize>, Node);

#[derive(Debug)]
enum Value {
    Str(String),
    Bool(bool),
    List(Vec<Node>),
    Map(Vec<Entry>),
    /// Numbers, dates, null: never allowed, named for the message.
    Other(&'static str),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::List(_) => "a list",
            Value::Map(_) => "a table",
            Value::Other(kind) => kind,
        }
    }
}

struct Source<'a> {
    path: &'a str,
    text: &'a str,
}

impl Source<'_> {
    /// `line:column` (1-based, columns in characters) of a byte offset.
    fn position(&self, span: &Range<usize>) -> String {
        let (line, column) = self.line_column(span.start);
        format!("{line}:{column}")
    }

    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// Bad input at `span`: `path:line:column: message`, then the line with the token marked.
    fn error(&self, span: &Range<usize>, message: String) -> Error {
        let (line, column) = self.line_column(span.start);
        let text = self.text.lines().nth(line - 1).unwrap_or("");
        let start = column - 1;
        let width = self.text[span.start.min(self.text.len())..span.end.min(self.text.len())]
            .lines()
            .next()
            .map_or(1, |t| t.chars().count().max(1));
        let width = width.min(text.chars().count().saturating_sub(start).max(1));
        let gutter = " ".repeat(line.to_string().len());
        Error::input(format!(
            "{}:{line}:{column}: {message}\n{gutter} |\n{line} | {text}\n{gutter} | {}{}",
            self.path,
            " ".repeat(start),
            "^".repeat(width)
        ))
    }

    fn map<'n>(&self, node: &'n Node, what: &str, allowed: &[&str]) -> Result<&'n [Entry], Error> {
        if let Value::Map(entries) = &node.value {
            return Ok(entries);
        }
        Err(self.error(
            &node.span,
            format!(
                "{what} is a table (keys {}), not {}",
                keys(allowed),
                node.value.kind()
            ),
        ))
    }

    fn list<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Node], Error> {
        if let Value::List(items) = &node.value {
            return Ok(items);
        }
        Err(self.error(&node.span, format!("{what}, not {}", node.value.kind())))
    }

    fn string<'n>(&self, node: &'n Node, what: &str) -> Result<&'n str, Error> {
        if let Value::Str(text) = &node.value {
            return Ok(text);
        }
        Err(self.error(&node.span, format!("{what}, not {}", node.value.kind())))
    }

    /// A string that must be one of a clap value enum's spellings.
    fn choice<E: clap::ValueEnum>(&self, node: &Node, key: &str) -> Result<E, Error> {
        let allowed: Vec<String> = E::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        let what = format!("`{key}` is one of {}", allowed.join(", "));
        let text = self.string(node, &what)?;
        E::from_str(text, false)
            .map_err(|_| self.error(&node.span, format!("`{key} = \"{text}\"`: {what}")))
    }

    /// One `[[resource]]`: its spec and the span of its name.
    fn resource(
        &self,
        node: &Node,
        default_access: AccessArg,
    ) -> Result<(ResourceSpec, Range<usize>), Error> {
        let entries = self.map(node, "each `[[resource]]`", RESOURCE_KEYS)?;
        let mut name = None;
        let mut fields: Option<(&Node, Vec<(String, &Node)>)> = None;
        let mut entry = ResourceEntry {
            access: None,
            actions: None,
            fields: Vec::new(),
            name: String::new(),
            plural: None,
            tenant: false,
            write_role: None,
        };
        let mut flag_span = None;
        let mut plural_span = None;
        for (key, key_span, value) in entries {
            match key.as_str() {
                "name" => {
                    let text = self.string(value, "`name` is the resource's name, a string")?;
                    name = Some((text.to_string(), value.span.clone()));
                }
                "fields" => {
                    let what = "`fields` is a list of NAME:TYPE[:MODIFIER...] strings, e.g. [\"title:text:max=200\"]";
                    let mut tokens = Vec::new();
                    for item in self.list(value, what)? {
                        let token = self.string(item, what)?;
                        field::parse(token).map_err(|e| self.error(&item.span, e.to_string()))?;
                        tokens.push((token.to_string(), item));
                    }
                    fields = Some((value, tokens));
                }
                "access" => {
                    entry.access = Some(self.choice(value, "access")?);
                    flag_span = Some(value.span.clone());
                }
                "write_role" => {
                    entry.write_role = Some(self.choice(value, "write_role")?);
                    flag_span = Some(value.span.clone());
                }
                "tenant" => {
                    let Value::Bool(tenant) = value.value else {
                        return Err(self.error(
                            &value.span,
                            format!("`tenant` is true or false, not {}", value.value.kind()),
                        ));
                    };
                    entry.tenant = tenant;
                    flag_span = Some(value.span.clone());
                }
                "plural" => {
                    let text = self.string(value, "`plural` is the table name, a string")?;
                    entry.plural = Some(text.to_string());
                    plural_span = Some(value.span.clone());
                }
                "actions" => {
                    let what = "`actions` is a list of create, update, delete, get, list";
                    let mut actions = Vec::new();
                    for item in self.list(value, what)? {
                        actions.push(self.choice(item, "actions")?);
                    }
                    if actions.is_empty() {
                        return Err(self.error(
                            &value.span,
                            "`actions` needs at least one of create, update, delete, get, list; leave it out for all of them".to_string(),
                        ));
                    }
                    entry.actions = Some(actions);
                }
                _ => {
                    return Err(self.error(
                        key_span,
                        format!(
                            "unknown key `{key}` in a `[[resource]]`; allowed: {}",
                            keys(RESOURCE_KEYS)
                        ),
                    ))
                }
            }
        }
        let Some((name, name_span)) = name else {
            return Err(self.error(
                &node.span,
                "this `[[resource]]` has no `name`: add one, e.g. name = \"project\"".to_string(),
            ));
        };
        let Some((fields_node, tokens)) = fields.filter(|(_, t)| !t.is_empty()) else {
            return Err(self.error(
                &name_span,
                format!("`{name}` has no `fields`: add them as on the command line, e.g. fields = [\"title:text\"]"),
            ));
        };
        entry.name = name;
        entry.fields = tokens.iter().map(|(t, _)| t.clone()).collect();
        entry
            .to_spec(default_access)
            .map(|spec| (spec, name_span.clone()))
            .map_err(|e| {
                let message = e.to_string();
                // Point at what the message is about: a field it quotes, the plural, the name, or
                // the access flags.
                let span = tokens
                    .iter()
                    .find(|(t, _)| message.contains(&format!("`{t}`")))
                    .map(|(_, node)| node.span.clone())
                    .or_else(|| {
                        message
                            .contains("--plural")
                            .then(|| plural_span.clone())
                            .flatten()
                    })
                    .or_else(|| {
                        (message.contains("--tenant")
                            || message.contains("--write-role")
                            || message.contains("--access"))
                        .then(|| flag_span.clone())
                        .flatten()
                    })
                    .unwrap_or_else(|| {
                        if message.contains("column") {
                            fields_node.span.clone()
                        } else {
                            name_span.clone()
                        }
                    });
                self.error(&span, message)
            })
    }

    /// `[webhook]`: `stripe` with its optional `events`.
    fn webhook(&self, node: &Node) -> Result<Option<Vec<&'static str>>, Error> {
        let mut events = None;
        for (key, key_span, value) in self.map(node, "`webhook`", &["stripe"])? {
            if key != "stripe" {
                return Err(self.error(
                    key_span,
                    format!("unknown webhook `{key}`; scaffold writes `stripe`"),
                ));
            }
            let mut chosen = None;
            for (key, key_span, value) in self.map(value, "`webhook.stripe`", &["events"])? {
                if key != "events" {
                    return Err(self.error(
                        key_span,
                        format!("unknown key `{key}` in `[webhook.stripe]`; allowed: `events`"),
                    ));
                }
                let what = "`events` is a list of Stripe event types";
                let mut list = Vec::new();
                for item in self.list(value, what)? {
                    let event = self.string(item, what)?;
                    crate::generate::webhook_stripe::events(Some(&[event.to_string()]))
                        .map_err(|e| self.error(&item.span, e.to_string()))?;
                    list.push(event.to_string());
                }
                chosen = Some(
                    crate::generate::webhook_stripe::events(Some(&list))
                        .map_err(|e| self.error(&value.span, e.to_string()))?,
                );
            }
            events = Some(match chosen {
                Some(events) => events,
                None => crate::generate::webhook_stripe::events(None)?,
            });
        }
        Ok(events)
    }
}

/// The TOML file as a tree of [`Node`]s; a syntax error names its line and column.
fn toml_tree(source: &Source<'_>) -> Result<Node, Error> {
    use toml::de::{DeTable, DeValue};
    fn convert(value: &toml::Spanned<DeValue<'_>>) -> Node {
        let span = value.span();
        let value = match value.get_ref() {
            DeValue::String(text) => Value::Str(text.to_string()),
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Integer(_) => Value::Other("a number"),
            DeValue::Float(_) => Value::Other("a number"),
            DeValue::Datetime(_) => Value::Other("a date"),
            DeValue::Array(items) => Value::List(items.iter().map(convert).collect()),
            DeValue::Table(table) => Value::Map(
                table
                    .iter()
                    .map(|(k, v)| (k.get_ref().to_string(), k.span(), convert(v)))
                    .collect(),
            ),
        };
        Node { span, value }
    }
    let table = DeTable::parse(source.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        source.error(&span, e.message().trim().to_string())
    })?;
    let span = table.span();
    Ok(Node {
        span,
        value: Value::Map(
            table
                .get_ref()
                .iter()
                .map(|(k, v)| (k.get_ref().to_string(), k.span(), convert(v)))
                .collect(),
        ),
    })
}

/// The JSON file as a tree of [`Node`]s. serde_json checks the syntax first (its errors name
/// the line and column); the tree is then read from text known to be valid JSON.
fn json_tree(source: &Source<'_>) -> Result<Node, Error> {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(source.text) {
        let offset = offset_of(source.text, e.line(), e.column());
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_string();
        return Err(source.error(&(offset..offset + 1), message));
    }
    let mut reader = JsonReader {
        text: source.text.as_bytes(),
        at: 0,
    };
    Ok(reader.value())
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Reads valid JSON into [`Node`]s with their byte spans.
struct JsonReader<'a> {
    text: &'a [u8],
    at: usize,
}

impl JsonReader<'_> {
    fn skip_space(&mut self) {
        while self.at < self.text.len() && self.text[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Node {
        self.skip_space();
        let start = self.at;
        let value = match self.text.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(b'}') => {
                            self.at += 1;
                            break;
                        }
                        Some(b',') => self.at += 1,
                        _ => {
                            let key_start = self.at;
                            let key = self.string();
                            let key_span = key_start..self.at;
                            self.skip_space();
                            self.at += 1; // the colon
                            let value = self.value();
                            entries.push((key, key_span, value));
                        }
                    }
                }
                Value::Map(entries)
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(b']') => {
                            self.at += 1;
                            break;
                        }
                        Some(b',') => self.at += 1,
                        _ => items.push(self.value()),
                    }
                }
                Value::List(items)
            }
            Some(b'"') => Value::Str(self.string()),
            Some(b't') => {
                self.at += 4;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.at += 5;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.at += 4;
                Value::Other("null")
            }
            _ => {
                while self.at < self.text.len() && b"+-.eE0123456789".contains(&self.text[self.at])
                {
                    self.at += 1;
                }
                Value::Other("a number")
            }
        };
        Node {
            span: start..self.at,
            value,
        }
    }

    /// A string token starting at the quote; its text, unescaped by serde_json.
    fn string(&mut self) -> String {
        let start = self.at;
        self.at += 1;
        while self.at < self.text.len() {
            match self.text[self.at] {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        let raw = std::str::from_utf8(&self.text[start..self.at]).unwrap_or("\"\"");
        serde_json::from_str(raw).unwrap_or_default()
    }
}

/// The spec file text for resources, as `--save-spec` writes it: TOML, or JSON for a path
/// ending in `.json`.
pub fn write(path: &str, resources: &[ResourceEntry]) -> String {
    #[derive(Serialize)]
    struct File<'a> {
        resource: &'a [ResourceEntry],
    }
    let file = File {
        resource: resources,
    };
    if path.ends_with(".json") {
        let mut text = serde_json::to_string_pretty(&file).expect("a spec file serializes");
        text.push('\n');
        text
    } else {
        toml::to_string(&file).expect("a spec file serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> Result<SpecFile, Error> {
        SpecFile::parse(path, text, AccessArg::Owner)
    }

    fn tables(file: &SpecFile) -> Vec<&str> {
        file.resources.iter().map(|d| d.spec.table()).collect()
    }

    const TOML: &str = r#"
[[resource]]
name = "task"
fields = ["title:text", "project:ref"]
access = "workspace"
write_role = "admin"

[[resource]]
name = "project"
fields = ["name:text"]
access = "workspace"

[[resource]]
name = "workspace"
fields = ["name:text:max=80"]
tenant = true

[[resource]]
name = "note"
fields = ["title:text", "parent:ref=notes:optional"]
actions = ["create", "list"]

[webhook.stripe]
"#;

    #[test]
    fn resources_come_after_what_they_reference_and_toml_and_json_agree() {
        let file = parse("app.toml", TOML).unwrap();
        assert_eq!(tables(&file), ["workspaces", "projects", "tasks", "notes"]);
        assert_eq!(
            file.stripe.as_ref().map(Vec::len),
            Some(crate::generate::webhook_stripe::events(None).unwrap().len())
        );
        let json = r#"{
  "resource": [
    {"name": "task", "fields": ["title:text", "project:ref"], "access": "workspace", "write_role": "admin"},
    {"name": "project", "fields": ["name:text"], "access": "workspace"},
    {"name": "workspace", "fields": ["name:text:max=80"], "tenant": true},
    {"name": "note", "fields": ["title:text", "parent:ref=notes:optional"], "actions": ["create", "list"]}
  ],
  "webhook": {"stripe": {}}
}"#;
        let from_json = parse("app.json", json).unwrap();
        let lines = |f: &SpecFile| -> Vec<String> {
            f.resources.iter().map(|d| d.spec.command_line()).collect()
        };
        assert_eq!(lines(&from_json), lines(&file));
        assert_eq!(from_json.location(0), "app.json:3:14");
        assert_eq!(file.location(3), "app.toml:19:8");
    }

    #[test]
    fn an_entry_survives_its_spec() {
        let file = parse("app.toml", TOML).unwrap();
        for declared in &file.resources {
            let entry = ResourceEntry::from_spec(&declared.spec);
            assert_eq!(
                entry.to_spec(AccessArg::PublicRead).unwrap(),
                declared.spec,
                "{entry:?}"
            );
        }
        let entries: Vec<ResourceEntry> = file
            .resources
            .iter()
            .map(|d| ResourceEntry::from_spec(&d.spec))
            .collect();
        for path in ["saved.toml", "saved.json"] {
            let again = parse(path, &write(path, &entries)).unwrap();
            assert_eq!(tables(&again), tables(&file), "{path}");
        }
    }

    #[test]
    fn errors_point_at_the_bad_token_and_say_what_is_allowed() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = [\"title:text\", \"body:txt\"]\n",
                "a.toml:3:25: ",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = [\"title:text\"]\naccess = \"everyone\"\n",
                "a.toml:4:10: `access = \"everyone\"`: `access` is one of owner, public-read, workspace",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = [\"title:text\"]\nacess = \"owner\"\n",
                "a.toml:4:1: unknown key `acess` in a `[[resource]]`; allowed: `name`, `fields`",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"bad-name\"\nfields = [\"title:text\"]\n",
                "a.toml:2:8: `bad-name` is not a valid resource name",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = [\"title:text\", \"title:int\"]\n",
                "a.toml:3:25: invalid field `title:int`: column `title` is defined twice",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = [\"t:text\"]\ntenant = true\naccess = \"public-read\"\n",
                "a.toml:4:10: `--tenant` and `--access public-read` do not combine",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = \"title:text\"\n",
                "a.toml:3:10: `fields` is a list of NAME:TYPE[:MODIFIER...] strings",
            ),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\n",
                "a.toml:2:8: `note` has no `fields`",
            ),
            ("a.toml", "[[resource]\n", "a.toml:1:"),
            (
                "a.toml",
                "[[resource]]\nname = \"note\"\nfields = [\"t:text\"]\n[[resource]]\nname = \"notes\"\nfields = [\"t:text\"]\n",
                "a.toml:5:8: public.notes is declared twice (first at 2:8)",
            ),
            (
                "a.toml",
                "[webhook.stripe]\nevents = [\"invoice.paid\", \"charge.refunded\"]\n",
                "a.toml:2:27: `charge.refunded` is not a Stripe event",
            ),
            ("a.toml", "", "a.toml:1:1: declares nothing"),
            (
                "a.json",
                "{\"resource\": [{\"name\": \"note\", \"fields\": [\"title:text\", 3]}]}",
                "a.json:1:57: `fields` is a list of NAME:TYPE[:MODIFIER...] strings, e.g. [\"title:text:max=200\"], not a number",
            ),
            (
                "a.json",
                "{\n  \"resource\": [\n    {\"name\": \"note\", \"fields\": [\"body:txt\"]}\n  ]\n}",
                "a.json:3:33: ",
            ),
            ("a.json", "{\"resource\": [}", "a.json:1:15: expected value"),
            (
                "a.json",
                "{\"resources\": []}",
                "a.json:1:2: unknown key `resources`; a spec file has `resource`, `webhook`",
            ),
        ];
        for (path, text, want) in cases {
            let err = parse(path, text).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{text}");
            assert!(
                err.to_string().starts_with(want),
                "{text:?}:\n{err}\nshould start with {want:?}"
            );
        }
        let err = parse(
            "a.toml",
            "[[resource]]\nname = \"note\"\nfields = [\"title:text\", \"body:txt\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.ends_with("3 | fields = [\"title:text\", \"body:txt\"]\n  |                         ^^^^^^^^^^"),
            "the line is shown with the token marked:\n{err}"
        );
    }

    #[test]
    fn a_cycle_is_named_from_where_it_starts() {
        let text = "[[resource]]\nname = \"gamma\"\nfields = [\"t:text\"]\n\n[[resource]]\nname = \"alpha\"\nfields = [\"beta:ref\"]\n\n[[resource]]\nname = \"beta\"\nfields = [\"alpha:ref\"]\n";
        let err = parse("c.toml", text).unwrap_err().to_string();
        assert!(
            err.starts_with("c.toml:6:8: the resources reference each other in a cycle: alphas → betas → alphas;"),
            "{err}"
        );
        let self_ref = "[[resource]]\nname = \"task\"\nfields = [\"parent:ref=tasks:optional\"]\n";
        assert_eq!(tables(&parse("s.toml", self_ref).unwrap()), ["tasks"]);
    }
}
