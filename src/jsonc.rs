//! JSON with comments and trailing commas, as `tsconfig.json` is written: reduced to plain JSON
//! and parsed with serde_json.

/// Parses JSONC: `//` and `/* */` comments and trailing commas are allowed outside strings.
pub fn parse(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str(&to_json(text))
}

/// Removes comments and trailing commas; strings are copied untouched.
pub fn to_json(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
                out.push(' ');
            }
            '}' | ']' => {
                let kept = out.trim_end().len();
                if out[..kept].ends_with(',') {
                    out.replace_range(kept - 1..kept, " ");
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_tsconfig_files_contain() {
        let cases: &[(&str, serde_json::Value)] = &[
            (r#"{"a": 1}"#, json!({"a": 1})),
            (
                "{\n  // a comment\n  \"a\": 1, // trailing\n}",
                json!({"a": 1}),
            ),
            (
                "/* head */ {\"a\": [1, 2,], /* inline */ \"b\": {\"c\": true,},}",
                json!({"a": [1, 2], "b": {"c": true}}),
            ),
            (
                r#"{"paths": {"@/*": ["./*"]}}"#,
                json!({"paths": {"@/*": ["./*"]}}),
            ),
            (
                r#"{"url": "http://x//y", "glob": "a/*b*/c", "q": "say \"//\""}"#,
                json!({"url": "http://x//y", "glob": "a/*b*/c", "q": "say \"//\""}),
            ),
            ("\u{feff}{\"bom\": 1}", json!({"bom": 1})),
            ("{\"a\": \"x,\" }", json!({"a": "x,"})),
        ];
        for (text, want) in cases {
            assert_eq!(&parse(text).expect(text), want, "{text}");
        }
    }

    #[test]
    fn still_rejects_what_is_not_json() {
        for text in ["{", "{\"a\": }", "{a: 1}", "{\"a\": 1 /* open"] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
