//! Whether a project's root `.gitignore` ignores a file at the project root, by git's rules for
//! the patterns a `.gitignore` holds: blank lines and `#` comments skipped, `!` negates, the last
//! matching pattern wins, a trailing `/` matches only folders, a leading `/` or `**/` anchors or
//! not (both match at the root), and `*`, `?`, `[...]` glob within a name.

/// Whether `text` (a `.gitignore`) ignores the file `name` at the root of the project.
pub fn ignores(text: &str, name: &str) -> bool {
    let mut ignored = false;
    for line in text.lines() {
        let line = line.trim_end_matches(['\r', ' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (negated, pattern) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line.strip_prefix('\\').unwrap_or(line)),
        };
        if pattern.ends_with('/') {
            continue; // folders only
        }
        let pattern = pattern
            .strip_prefix("**/")
            .or_else(|| pattern.strip_prefix('/'))
            .unwrap_or(pattern);
        if pattern.contains('/') {
            continue; // a path below the root: never a root file
        }
        if glob(pattern.as_bytes(), name.as_bytes()) {
            ignored = !negated;
        }
    }
    ignored
}

/// `*` (any run), `?` (any one) and `[...]` (a class, `!` or `^` negating, `a-z` ranges)
/// against one file name.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| glob(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && glob(rest, &name[1..]),
        Some((b'[', rest)) => match (class(rest), name.split_first()) {
            (Some(class), Some((c, name_rest))) => {
                class.matches(*c) && glob(class.after, name_rest)
            }
            (Some(_), None) => false,
            // An unclosed `[` is a literal.
            (None, _) => name.first() == Some(&b'[') && glob(rest, &name[1..]),
        },
        Some((b'\\', rest)) if !rest.is_empty() => {
            name.first() == Some(&rest[0]) && glob(&rest[1..], &name[1..])
        }
        Some((c, rest)) => name.first() == Some(c) && glob(rest, &name[1..]),
    }
}

/// A `[...]` class: its members (`a-z` ranges allowed), whether it is negated, and the
/// pattern after its `]`.
struct Class<'a> {
    members: &'a [u8],
    negated: bool,
    after: &'a [u8],
}

/// The class that starts after a `[`, or `None` when no `]` closes it.
fn class(pattern: &[u8]) -> Option<Class<'_>> {
    let (negated, body) = match pattern.first() {
        Some(b'!' | b'^') => (true, &pattern[1..]),
        _ => (false, pattern),
    };
    // A `]` first in the class is a member, not its end.
    let end = body.iter().skip(1).position(|&c| c == b']')? + 1;
    Some(Class {
        members: &body[..end],
        negated,
        after: &body[end + 1..],
    })
}

impl Class<'_> {
    fn matches(&self, c: u8) -> bool {
        let m = self.members;
        let mut i = 0;
        let mut found = false;
        while i < m.len() && !found {
            if i + 2 < m.len() && m[i + 1] == b'-' {
                found = (m[i]..=m[i + 2]).contains(&c);
                i += 3;
            } else {
                found = m[i] == c;
                i += 1;
            }
        }
        found != self.negated
    }
}

#[cfg(test)]
mod tests {
    use super::ignores;

    #[test]
    fn root_files_are_ignored_as_git_ignores_them() {
        let cases: &[(&str, &str, bool)] = &[
            // create-next-app's .gitignore
            (
                "# env files (can opt-in for committing if needed)\n.env*\n",
                ".env.example",
                true,
            ),
            (".env*\n!.env.example\n", ".env.example", false),
            ("!.env.example\n.env*\n", ".env.example", true),
            (".env\n.env.local\n", ".env.example", false),
            (".env.*\n", ".env.example", true),
            ("/.env*\n", ".env.example", true),
            ("**/.env*\n", ".env.example", true),
            ("*.example\n", ".env.example", true),
            (".env?example\n", ".env.example", true),
            (".env[.-]example\n", ".env.example", true),
            (".env[!.]example\n", ".env.example", false),
            (".env*/\n", ".env.example", false),
            ("config/.env*\n", ".env.example", false),
            ("# .env*\n", ".env.example", false),
            ("\\#.env*\n", ".env.example", false),
            (".env*   \r\n", ".env.example", true),
            ("", ".env.example", false),
            ("[\n", "[", true),
        ];
        for (text, name, want) in cases {
            assert_eq!(ignores(text, name), *want, "{text:?} ignores {name}");
        }
    }
}
