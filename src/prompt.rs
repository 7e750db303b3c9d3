//! Interactive prompts: `scaffold resource` with no fields, on a terminal, asks for the spec.
//!
//! The questions are asked through the [`Prompter`] trait, so the wizard's logic runs in unit
//! tests with [`Scripted`] answers and on a terminal with [`Terminal`] (dialoguer). Every answer
//! is checked as it is typed with the same functions, and so the same messages, as the command
//! line; the wizard's result is the list of words the command line would have had.

use std::collections::VecDeque;
use std::io::IsTerminal;

use clap::ValueEnum;

use crate::error::Error;
use crate::naming::{self, Names};
use crate::spec::field::{Bounds, FieldKind, OnDelete, Search};
use crate::spec::file::Size;
use crate::spec::{field, ident, Access, AccessArg, ActionKind, ResourceSpec, Role};

/// What a question-asker can do. Each method returns [`Error::Cancelled`] when the user aborts.
pub trait Prompter {
    /// A line of text, starting as `initial`; `check` refuses an answer with the message shown.
    fn input(
        &mut self,
        prompt: &str,
        initial: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, Error>;
    /// One of `items`, by index.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize, Error>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error>;
    /// Any number of `items`, by index, starting from `checked`.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> Result<Vec<usize>, Error>;
}

/// Whether scaffold may ask: stdin and stderr are terminals and neither `--yes` nor
/// `--no-input` was given.
pub fn can_prompt(yes: bool, no_input: bool) -> bool {
    !yes && !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Prompts on the terminal with dialoguer.
pub struct Terminal {
    theme: Box<dyn dialoguer::theme::Theme>,
}

impl Default for Terminal {
    fn default() -> Terminal {
        restore_cursor_on_ctrl_c();
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Terminal {
            theme: if plain {
                Box::new(dialoguer::theme::SimpleTheme)
            } else {
                Box::new(dialoguer::theme::ColorfulTheme::default())
            },
        }
    }
}

/// Ctrl-C at a prompt stops scaffold (exit code 130) before anything is written. dialoguer
/// hides the cursor while a list is shown, and a bare SIGINT would leave it hidden in the
/// user's shell, so it is shown again first.
fn restore_cursor_on_ctrl_c() {
    crate::interrupt::on_stop(|| {
        let _ = dialoguer::console::Term::stderr().show_cursor();
        eprintln!();
    });
}

fn terminal_error(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(error) = error;
    if error.kind() == std::io::ErrorKind::Interrupted {
        let _ = dialoguer::console::Term::stderr().show_cursor();
        Error::Cancelled
    } else {
        Error::io(std::path::Path::new("the terminal"), error)
    }
}

impl Prompter for Terminal {
    fn input(
        &mut self,
        prompt: &str,
        initial: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, Error> {
        dialoguer::Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .with_initial_text(initial)
            .allow_empty(true)
            .validate_with(|answer: &String| check(answer.trim()))
            .interact_text()
            .map(|answer| answer.trim().to_string())
            .map_err(terminal_error)
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize, Error> {
        dialoguer::Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
            .map_err(terminal_error)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error> {
        dialoguer::Confirm::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(terminal_error)
    }

    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> Result<Vec<usize>, Error> {
        dialoguer::MultiSelect::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .defaults(checked)
            .interact()
            .map_err(terminal_error)
    }
}

/// Answers given in advance, for tests: each question takes the next answer. A select answer is
/// the item's text up to the first space (`text`, `public-read`); a confirm answer is `y` or
/// `n`; an empty answer to either takes the default. Refused input answers are collected in
/// [`Scripted::refusals`] and the next answer is tried, as a user would retype.
#[derive(Debug, Default)]
pub struct Scripted {
    answers: VecDeque<String>,
    /// Every prompt asked, in order.
    pub asked: Vec<String>,
    /// The message of every refused answer, in order.
    pub refusals: Vec<String>,
}

impl Scripted {
    pub fn new(answers: &[&str]) -> Scripted {
        Scripted {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            ..Scripted::default()
        }
    }

    fn next(&mut self, prompt: &str) -> Result<String, Error> {
        self.asked.push(prompt.to_string());
        // Running out of answers is what pressing Ctrl-C looks like to the wizard.
        self.answers.pop_front().ok_or(Error::Cancelled)
    }
}

impl Prompter for Scripted {
    fn input(
        &mut self,
        prompt: &str,
        initial: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, Error> {
        loop {
            let answer = self.next(prompt)?;
            let answer = if answer == "<initial>" {
                initial.to_string()
            } else {
                answer
            };
            match check(&answer) {
                Ok(()) => return Ok(answer),
                Err(message) => self.refusals.push(message),
            }
        }
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize, Error> {
        let answer = self.next(prompt)?;
        if answer.is_empty() {
            return Ok(default);
        }
        let index = items
            .iter()
            .position(|item| item.split(' ').next() == Some(answer.as_str()))
            .unwrap_or_else(|| panic!("{prompt}: no item {answer:?} in {items:?}"));
        Ok(index)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Error> {
        match self.next(prompt)?.as_str() {
            "" => Ok(default),
            "y" => Ok(true),
            "n" => Ok(false),
            other => panic!("{prompt}: answer y or n, not {other:?}"),
        }
    }

    /// The answer lists the chosen items' first words separated by commas; empty keeps the
    /// checked ones.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> Result<Vec<usize>, Error> {
        let answer = self.next(prompt)?;
        if answer.is_empty() {
            return Ok((0..items.len()).filter(|&i| checked[i]).collect());
        }
        Ok(items
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                let word = item.split(' ').next().unwrap_or_default();
                answer.split(',').any(|chosen| chosen == word)
            })
            .map(|(i, _)| i)
            .collect())
    }
}

/// What the wizard learned: the words of the equivalent command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceAnswers {
    pub name: String,
    pub plural: Option<String>,
    pub fields: Vec<String>,
    pub access: AccessArg,
    pub write_role: Option<Role>,
    pub actions: Vec<ActionKind>,
}

impl ResourceAnswers {
    /// The spec, validated exactly as the command line validates it.
    pub fn spec(&self, tenant: bool) -> Result<ResourceSpec, Error> {
        let plural = self.plural.as_deref();
        let access = Access::from_args(&self.name, plural, self.access, tenant, self.write_role)?;
        ResourceSpec::new(&self.name, plural, &self.fields, access)?.with_actions(&self.actions)
    }
}

/// What the command line already said; the wizard asks only for the rest.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub name: Option<String>,
    pub plural: Option<String>,
    pub access: Option<AccessArg>,
    pub write_role: Option<Role>,
    pub actions: Option<Vec<ActionKind>>,
    /// `--tenant`: a tenant root's access is its membership, so access is not asked.
    pub tenant: bool,
    /// The access mode to offer first (scaffold.toml's `default_access`).
    pub default_access: Option<AccessArg>,
}

fn variants<E: ValueEnum>() -> Vec<(E, String)> {
    E::value_variants()
        .iter()
        .filter_map(|v| {
            let value = v.to_possible_value()?;
            let label = match value.get_help() {
                Some(help) => format!("{} ({help})", value.get_name()),
                None => value.get_name().to_string(),
            };
            Some((v.clone(), label))
        })
        .collect()
}

fn choose<E: ValueEnum + PartialEq>(
    prompter: &mut dyn Prompter,
    prompt: &str,
    default: Option<&E>,
) -> Result<E, Error> {
    let options = variants::<E>();
    let labels: Vec<String> = options.iter().map(|(_, label)| label.clone()).collect();
    let start = default
        .and_then(|d| options.iter().position(|(v, _)| v == d))
        .unwrap_or(0);
    let index = prompter.select(prompt, &labels, start)?;
    Ok(options[index].0.clone())
}

/// Asks for a resource spec, field by field.
pub fn resource(prompter: &mut dyn Prompter, given: &Given) -> Result<ResourceAnswers, Error> {
    let name_check = |name: &str| -> Result<(), String> {
        ResourceSpec::new(name, None, &[], Access::Owner)
            .map(drop)
            .map_err(|e| e.to_string())
    };
    let mut name = match &given.name {
        Some(name) => name.clone(),
        None => prompter.input(
            "Resource name (snake_case, singular or plural)",
            "",
            &name_check,
        )?,
    };
    let mut plural = given.plural.clone();
    if plural.is_none() {
        let derived = Names::derive(&name, None);
        let singular = prompter.input("Singular", &derived.singular, &name_check)?;
        if singular != derived.singular {
            name = singular;
        }
        let derived = Names::derive(&name, None);
        let plural_check = |plural: &str| -> Result<(), String> {
            ResourceSpec::new(&name, Some(plural), &[], Access::Owner)
                .map(drop)
                .map_err(|e| e.to_string())
        };
        let answer = prompter.input("Plural (the table name)", &derived.plural, &plural_check)?;
        if answer != derived.plural {
            plural = Some(answer);
        }
    }

    let mut fields: Vec<String> = Vec::new();
    loop {
        fields.push(ask_field(
            prompter,
            &name,
            plural.as_deref(),
            &fields,
            given.tenant,
        )?);
        if !prompter.confirm("Add another field?", false)? {
            break;
        }
    }

    let access = match given.access {
        Some(access) => access,
        None if given.tenant => AccessArg::Owner,
        None => choose(prompter, "Access", given.default_access.as_ref())?,
    };
    let write_role = match (access, given.write_role) {
        (AccessArg::Workspace, None) => Some(choose(
            prompter,
            "Lowest role that may create, change and delete rows",
            Some(&Role::Member),
        )?),
        (_, role) => role,
    };
    let actions = match &given.actions {
        Some(actions) => actions.clone(),
        None => choose_actions(prompter)?,
    };
    Ok(ResourceAnswers {
        name,
        plural,
        fields,
        access,
        write_role,
        actions,
    })
}

/// Which server actions to write: all are checked; at least one must stay.
fn choose_actions(prompter: &mut dyn Prompter) -> Result<Vec<ActionKind>, Error> {
    let options = variants::<ActionKind>();
    let labels: Vec<String> = options.iter().map(|(_, label)| label.clone()).collect();
    let mut prompt = "Server actions to write (space toggles, enter accepts)".to_string();
    loop {
        let chosen = prompter.multi_select(&prompt, &labels, &vec![true; labels.len()])?;
        if !chosen.is_empty() {
            return Ok(chosen.into_iter().map(|i| options[i].0).collect());
        }
        prompt = "Choose at least one server action (space toggles, enter accepts)".to_string();
    }
}

/// Asks for one field and returns its token, `NAME:TYPE[:MODIFIER...]`. A tenant root's
/// unique fields are global: it has no owner to scope them by.
fn ask_field(
    prompter: &mut dyn Prompter,
    resource: &str,
    plural: Option<&str>,
    before: &[String],
    tenant: bool,
) -> Result<String, Error> {
    // A field name is checked as the command line checks `NAME:text`, and against the fields
    // before it and the generated columns, with the same messages.
    let name_check = |name: &str| -> Result<(), String> {
        ident::check(name).map_err(|why| format!("`{name}` is not a valid field name: {why}"))?;
        let mut tokens = before.to_vec();
        tokens.push(format!("{name}:text"));
        ResourceSpec::new(resource, plural, &tokens, Access::Owner)
            .map(drop)
            .map_err(|e| e.to_string())
    };
    let number = before.len() + 1;
    let name = prompter.input(&format!("Field {number}: name"), "", &name_check)?;

    let labels: Vec<String> = FieldKind::ALL
        .iter()
        .map(|kind| format!("{} ({})", kind.keyword(), kind.describe()))
        .collect();
    let kind = FieldKind::ALL[prompter.select(&format!("`{name}`: type"), &labels, 0)?];
    let parses = |token: &str| field::parse(token).map(drop).map_err(|e| e.to_string());

    let ty = match kind {
        FieldKind::Enum => {
            let values = prompter.input(
                &format!("`{name}`: values, comma-separated (e.g. draft,published)"),
                "",
                &|values| parses(&format!("{name}:enum={values}")),
            )?;
            format!("enum={values}")
        }
        FieldKind::Ref => {
            let derived = naming::pluralize(name.strip_suffix("_id").unwrap_or(&name));
            let table =
                prompter.input(&format!("`{name}`: referenced table"), &derived, &|table| {
                    parses(&format!("{name}:ref={table}"))
                })?;
            if table == derived {
                "ref".to_string()
            } else {
                format!("ref={table}")
            }
        }
        FieldKind::Text
        | FieldKind::Int
        | FieldKind::Bigint
        | FieldKind::Numeric
        | FieldKind::Float
        | FieldKind::Bool
        | FieldKind::Date
        | FieldKind::Timestamptz
        | FieldKind::Uuid
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::Jsonb
        | FieldKind::File => kind.keyword().to_string(),
    };
    let mut token = format!("{name}:{ty}");

    // A tenant root's files live in its own folder, which nobody can write before it exists.
    let ask_required = !(tenant && kind == FieldKind::File);
    if !ask_required || !prompter.confirm(&format!("`{name}`: required?"), true)? {
        token.push_str(":optional");
    }
    if kind == FieldKind::File {
        return ask_file_limits(prompter, &name, token);
    }
    if kind == FieldKind::Ref {
        let optional = token.ends_with(":optional");
        let labels: Vec<String> = OnDelete::ALL
            .iter()
            .map(|a| format!("{} (when the referenced row is deleted)", a.token()))
            .collect();
        let default = if optional { 2 } else { 0 };
        let chosen = prompter.select(&format!("`{name}`: on delete"), &labels, default)?;
        if chosen != default {
            let with = format!("{token}:on-delete={}", OnDelete::ALL[chosen].token());
            // set-null on a required field is refused with the command line's message.
            field::parse(&with)?;
            token = with;
        }
        return Ok(token);
    }
    if kind.can_be_unique() && prompter.confirm(&format!("`{name}`: unique?"), false)? {
        // Scoped unless asked otherwise: a table-wide unique reveals others' values.
        let scopes = [
            "per-owner (among the rows of one owner or workspace: others' rows neither collide nor reveal theirs)".to_string(),
            "global (across the whole table: anyone who can insert learns whether a value is taken)".to_string(),
        ];
        let global =
            tenant || prompter.select(&format!("`{name}`: unique across"), &scopes, 0)? == 1;
        token.push_str(if global { ":unique=global" } else { ":unique" });
    }
    let optional = token.ends_with(":optional");
    if kind.sortable()
        && !optional
        && prompter.confirm(&format!("`{name}`: can lists be sorted by it?"), false)?
    {
        token.push_str(":sortable");
    }
    if let Some(search) = kind.search() {
        let how = match search {
            Search::Words => "by words",
            Search::Substring => "by any part",
        };
        if prompter.confirm(&format!("`{name}`: can lists search it ({how})?"), false)? {
            token.push_str(":searchable");
        }
    }
    if kind == FieldKind::Numeric {
        for (key, label) in [
            ("scale", "digits after the point (scale; 2 for money)"),
            ("precision", "digits in all (precision, up to 1000)"),
        ] {
            token = ask_modifier(prompter, &format!("`{name}`: {label}"), token, key)?;
        }
    }
    if let Some(bounds) = kind.bounds() {
        let what = match bounds {
            Bounds::Length => "length",
            Bounds::Value(_) => "value",
            Bounds::Size => "size",
        };
        for (key, label) in [("min", "minimum"), ("max", "maximum")] {
            token = ask_modifier(prompter, &format!("`{name}`: {label} {what}"), token, key)?;
        }
    }
    ask_modifier(
        prompter,
        &format!("`{name}`: default{}", kind.default_hint()),
        token,
        "default",
    )
}

/// Asks for a file field's bucket limits, both required: its largest size and its media types.
fn ask_file_limits(
    prompter: &mut dyn Prompter,
    name: &str,
    token: String,
) -> Result<String, Error> {
    let max = prompter.input(
        &format!("`{name}`: largest size (b, kb, mb or gb; 1 mb = 1,000,000 bytes)"),
        "",
        &|value| Size::parse(value).map(drop),
    )?;
    let with_max = format!("{token}:max={max}");
    let accept = prompter.input(
        &format!("`{name}`: media types it accepts, comma-separated (e.g. image/png,image/*)"),
        "",
        &|value| {
            field::parse(&format!("{with_max}:accept={value}"))
                .map(drop)
                .map_err(|e| e.to_string())
        },
    )?;
    Ok(format!("{with_max}:accept={accept}"))
}

/// Asks for an optional `KEY=VALUE` modifier, checked as the command line checks the token with
/// it added; returns the token with it, or unchanged when the answer is empty.
fn ask_modifier(
    prompter: &mut dyn Prompter,
    prompt: &str,
    token: String,
    key: &str,
) -> Result<String, Error> {
    let with = |value: &str| format!("{token}:{key}={value}");
    let answer = prompter.input(&format!("{prompt} (empty for none)"), "", &|value| {
        if value.is_empty() {
            Ok(())
        } else {
            field::parse(&with(value))
                .map(drop)
                .map_err(|e| e.to_string())
        }
    })?;
    Ok(if answer.is_empty() {
        token
    } else {
        with(&answer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(given: Given, answers: &[&str]) -> (Result<ResourceAnswers, Error>, Scripted) {
        let mut scripted = Scripted::new(answers);
        let result = resource(&mut scripted, &given);
        (result, scripted)
    }

    fn command_line(answers: &ResourceAnswers) -> String {
        answers.spec(false).unwrap().command_line()
    }

    #[test]
    fn answers_make_the_same_spec_as_the_command_line() {
        let cases: &[(&[&str], &str)] = &[
            (
                // name, singular, plural; title: text, required, not unique, sortable,
                // searchable, max 200, no default; body: text, optional (never sortable), not
                // searchable, ...; access owner.
                &[
                    "note", "<initial>", "<initial>", "title", "text", "y", "n", "y", "y", "",
                    "200", "", "y", "body", "text", "n", "n", "n", "", "", "", "n", "owner", "",
                ],
                "scaffold resource note title:text:sortable:searchable:max=200 body:text:optional",
            ),
            (
                &[
                    "projects", "<initial>", "<initial>", "status", "enum", "active,archived",
                    "y", "n", "n", "active", "y", "budget", "numeric", "y", "n", "n", "2", "", "0", "", "", "y",
                    "owner_id", "ref", "people", "n", "restrict", "n", "public-read", "",
                ],
                "scaffold resource projects status:enum=active,archived:default=active budget:numeric:scale=2:min=0 owner_id:ref=people:optional:on-delete=restrict --access public-read",
            ),
            (
                &[
                    "person", "<initial>", "persons", "due_on", "date", "y", "n", "n", "today", "n",
                    "workspace", "admin", "list,create",
                ],
                "scaffold resource person due_on:date:default=today --access workspace --write-role admin --plural persons --actions create,list",
            ),
            (
                &["line_item", "<initial>", "<initial>", "project", "ref", "<initial>", "y", "", "n", "", ""],
                "scaffold resource line_item project:ref",
            ),
            (
                // avatar: a file, optional; its largest size and media types (both required).
                &[
                    "profile", "<initial>", "<initial>", "avatar", "file", "n", "5mb",
                    "image/png,image/jpeg", "n", "owner", "",
                ],
                "scaffold resource profile avatar:file:optional:max=5mb:accept=image/png,image/jpeg",
            ),
            (
                // code: unique per owner; slug: unique across the table.
                &[
                    "tag", "<initial>", "<initial>", "code", "text", "y", "y", "per-owner", "n",
                    "n", "", "", "", "y", "slug", "text", "y", "y", "global", "n", "n", "", "", "",
                    "n", "owner", "",
                ],
                "scaffold resource tag code:text:unique slug:text:unique=global",
            ),
        ];
        for (answers, want) in cases {
            let (result, scripted) = run(Given::default(), answers);
            let result =
                result.unwrap_or_else(|e| panic!("{want}: {e}; asked {:?}", scripted.asked));
            assert_eq!(command_line(&result), *want);
            assert!(scripted.refusals.is_empty(), "{:?}", scripted.refusals);
            let words: Vec<String> = shell_words(want);
            let access = Access::from_args(
                &words[2],
                result.plural.as_deref(),
                result.access,
                false,
                result.write_role,
            )
            .unwrap();
            let spec = ResourceSpec::new(
                &words[2],
                result.plural.as_deref(),
                &words[3..3 + result.fields.len()],
                access,
            )
            .and_then(|spec| spec.with_actions(&result.actions))
            .unwrap();
            assert_eq!(spec, result.spec(false).unwrap(), "{want}");
        }
    }

    fn shell_words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn refuses_answers_with_the_command_lines_messages() {
        let cases: &[(&[&str], &str)] = &[
            (&["2fa", "note"], "`2fa` is not a valid resource name"),
            (
                &["note", "<initial>", "<initial>", "id", "title"],
                "`id` is a column scaffold generates",
            ),
            (
                &["note", "<initial>", "<initial>", "Title", "title"],
                "`Title` is not a valid field name",
            ),
            (
                &[
                    "note",
                    "<initial>",
                    "<initial>",
                    "kind",
                    "enum",
                    "A,b",
                    "a,b",
                ],
                "invalid field `kind:enum=A,b`: enum value `A` is not allowed",
            ),
            (
                &[
                    "note",
                    "<initial>",
                    "<initial>",
                    "n",
                    "int",
                    "y",
                    "n",
                    "n",
                    "1.5",
                    "1",
                ],
                "invalid field `n:int:min=1.5`",
            ),
            (
                &[
                    "note",
                    "<initial>",
                    "<initial>",
                    "n",
                    "int",
                    "y",
                    "n",
                    "n",
                    "5",
                    "2",
                    "3",
                ],
                "`min=5` is greater than `max=2`",
            ),
            (
                &[
                    "note",
                    "<initial>",
                    "<initial>",
                    "s",
                    "enum",
                    "a,b",
                    "y",
                    "n",
                    "n",
                    "c",
                    "a",
                ],
                "`default=c` does not fit enum",
            ),
            (
                &["note", "<initial>", "Notes", "notes"],
                "`--plural Notes` is not a valid table name",
            ),
        ];
        for (answers, want) in cases {
            let (_, scripted) = run(Given::default(), answers);
            assert!(
                scripted.refusals.iter().any(|r| r.contains(want)),
                "{answers:?}: refusals {:?} should include {want:?}",
                scripted.refusals
            );
        }
    }

    #[test]
    fn asks_only_for_what_the_command_line_left_out() {
        let given = Given {
            name: Some("note".into()),
            plural: Some("notes".into()),
            access: Some(AccessArg::PublicRead),
            ..Given::default()
        };
        let (result, scripted) = run(
            given,
            &["title", "text", "y", "n", "n", "n", "", "", "", "n", ""],
        );
        assert_eq!(
            command_line(&result.unwrap()),
            "scaffold resource note title:text --access public-read --plural notes"
        );
        assert_eq!(scripted.asked[0], "Field 1: name");
        assert!(!scripted.asked.iter().any(|a| a == "Access"));

        let given = Given {
            name: Some("note".into()),
            plural: Some("notes".into()),
            access: Some(AccessArg::Owner),
            actions: Some(vec![ActionKind::Get]),
            ..Given::default()
        };
        let (result, scripted) = run(
            given,
            &["title", "text", "y", "n", "n", "n", "", "", "", "n"],
        );
        assert_eq!(
            command_line(&result.unwrap()),
            "scaffold resource note title:text --plural notes --actions get"
        );
        assert!(!scripted.asked.iter().any(|a| a.contains("Server actions")));
    }

    #[test]
    fn a_tenant_root_is_not_asked_for_access() {
        let given = Given {
            name: Some("team".into()),
            plural: Some("teams".into()),
            tenant: true,
            ..Given::default()
        };
        // A unique field of a tenant root is global without asking: it has no owner.
        let (result, scripted) = run(
            given,
            &["name", "text", "y", "y", "n", "n", "", "", "", "n", ""],
        );
        assert_eq!(
            result.unwrap().spec(true).unwrap().command_line(),
            "scaffold resource team name:text:unique=global --tenant --plural teams"
        );
        assert!(!scripted.asked.iter().any(|a| a == "Access"));
        assert!(!scripted.asked.iter().any(|a| a.contains("unique across")));
    }

    #[test]
    fn at_least_one_action_is_chosen() {
        let (result, scripted) = run(
            Given::default(),
            &[
                "note",
                "<initial>",
                "<initial>",
                "title",
                "text",
                "y",
                "n",
                "n",
                "n",
                "",
                "",
                "",
                "n",
                "",
                "none",
                "get",
            ],
        );
        assert_eq!(
            command_line(&result.unwrap()),
            "scaffold resource note title:text --actions get"
        );
        assert!(
            scripted
                .asked
                .iter()
                .any(|a| a.starts_with("Choose at least one server action")),
            "{:?}",
            scripted.asked
        );
    }

    #[test]
    fn set_null_on_a_required_ref_is_refused() {
        let (result, _) = run(
            Given::default(),
            &[
                "task",
                "<initial>",
                "<initial>",
                "project",
                "ref",
                "<initial>",
                "y",
                "set-null",
            ],
        );
        let err = result.unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .contains("`on-delete=set-null` needs the field to be `optional`"),
            "{err}"
        );
    }

    #[test]
    fn running_out_of_answers_is_a_cancel() {
        let (result, _) = run(Given::default(), &["note"]);
        assert!(matches!(result, Err(Error::Cancelled)));
    }
}
