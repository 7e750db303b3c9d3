//! bench/RESULTS.md holds one section per benchmark, each starting with its own top-level
//! heading: a benchmark replaces its section and leaves the others as they are.

use std::path::Path;

/// Puts `section` (which starts with `heading`) in bench/RESULTS.md in place of the previous
/// one, or after the others.
pub fn write_section(heading: &str, section: &str) {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/RESULTS.md");
    let existing = std::fs::read_to_string(&out).unwrap_or_default();
    std::fs::write(&out, replace_section(&existing, heading, section))
        .expect("write bench/RESULTS.md");
    eprintln!("written to {}", out.display());
}

/// `text` with the section that starts with `heading` (up to the next top-level heading)
/// replaced by `section`, or with `section` appended after a blank line.
pub fn replace_section(text: &str, heading: &str, section: &str) -> String {
    let section = format!("{}\n", section.trim_end());
    let Some(start) = text.find(heading) else {
        let text = text.trim_end();
        let gap = if text.is_empty() { "" } else { "\n\n" };
        return format!("{text}{gap}{section}");
    };
    match text[start..].find("\n# ") {
        Some(next) => format!("{}{section}\n{}", &text[..start], &text[start + next + 1..]),
        None => format!("{}{section}", &text[..start]),
    }
}
