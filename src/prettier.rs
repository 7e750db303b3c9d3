//! The few layout decisions Prettier (default settings: width 80, two-space indent) makes by
//! line width, made the same way here so generated TypeScript is already formatted.
//!
//! Each function covers one construct the templates emit; the TypeScript suite checks the
//! result with the real `prettier --check`. Arguments are always "simple" in Prettier's sense
//! (identifiers, literals, flat objects): templates keep regexes in named constants for that.

const WIDTH: usize = 80;

fn fits(lines: &str) -> bool {
    lines.chars().count() <= WIDTH
}

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

/// A member chain such as `key: z.string().max(200),`: one line when it fits and has at most
/// two call groups beyond the head, otherwise one call per line.
pub fn chain(indent: usize, prefix: &str, head: &str, calls: &[String], suffix: &str) -> String {
    let flat: String = calls.iter().map(|c| format!(".{c}")).collect();
    let line = format!("{}{prefix}{head}{flat}{suffix}", pad(indent));
    if calls.len() < 2 || fits(&line) {
        return line;
    }
    let inner = pad(indent + 2);
    let broken: String = calls.iter().map(|c| format!("\n{inner}.{c}")).collect();
    format!("{}{prefix}{head}{broken}{suffix}", pad(indent))
}

/// A call with simple arguments: `callee(a, b)` on one line, or one argument per line.
pub fn call(indent: usize, prefix: &str, callee: &str, args: &[String], suffix: &str) -> String {
    let line = format!(
        "{}{prefix}{callee}({}){suffix}",
        pad(indent),
        args.join(", ")
    );
    if fits(&line) || args.is_empty() {
        return line;
    }
    let inner = pad(indent + 2);
    let broken: String = args.iter().map(|a| format!("{inner}{a},\n")).collect();
    format!(
        "{}{prefix}{callee}(\n{broken}{}){suffix}",
        pad(indent),
        pad(indent)
    )
}

/// A function declaration's head: parameters on one line, or one per line.
pub fn signature(head: &str, params: &[String], returns: &str) -> String {
    let line = format!("{head}({}): {returns} {{", params.join(", "));
    if fits(&line) || params.is_empty() {
        return line;
    }
    let broken: String = params.iter().map(|p| format!("  {p},\n")).collect();
    format!("{head}(\n{broken}): {returns} {{")
}

/// A named import: `import { a, b } from "x";` or one name per line.
pub fn import(names: &[String], from: &str) -> String {
    let line = format!("import {{ {} }} from \"{from}\";", names.join(", "));
    if fits(&line) {
        return line;
    }
    let broken: String = names.iter().map(|n| format!("  {n},\n")).collect();
    format!("import {{\n{broken}}} from \"{from}\";")
}

/// `left = right;` with the right side moved to the next line when the whole does not fit.
pub fn assign(left: &str, right: &str) -> String {
    let line = format!("{left} = {right};");
    if fits(&line) {
        line
    } else {
        format!("{left} =\n  {right};")
    }
}

/// An array of string literals: on one line, or one element per line.
pub fn array(left: &str, items: &[String], suffix: &str) -> String {
    let line = format!("{left} = [{}]{suffix};", items.join(", "));
    if fits(&line) {
        return line;
    }
    let broken: String = items.iter().map(|i| format!("  {i},\n")).collect();
    format!("{left} = [\n{broken}]{suffix};")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(items: &[&str]) -> Vec<String> {
        items.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn breaks_like_prettier() {
        assert_eq!(
            chain(2, "a: ", "z", &s(&["string()", "max(200)"]), ","),
            "  a: z.string().max(200),"
        );
        assert_eq!(
            chain(2, "some_really_long_field_name_for_testing: ", "z", &s(&["string()", "min(10)", "max(2000)", "nullish()"]), ","),
            "  some_really_long_field_name_for_testing: z\n    .string()\n    .min(10)\n    .max(2000)\n    .nullish(),"
        );
        assert_eq!(
            signature("export async function getWorkspace", &s(&["id: string"]), "Promise<ActionResult<Workspace>>"),
            "export async function getWorkspace(\n  id: string,\n): Promise<ActionResult<Workspace>> {"
        );
        assert_eq!(
            assign("export type SomeVeryLongTypeNameForTestingPurposesX", "Tables<\"some_very_long_type_name_x\">"),
            "export type SomeVeryLongTypeNameForTestingPurposesX =\n  Tables<\"some_very_long_type_name_x\">;"
        );
        assert_eq!(
            call(0, "const parsed = ", "parseInput", &s(&["createCompanyAddressSchema", "input", "companyAddressFormFields"]), ";"),
            "const parsed = parseInput(\n  createCompanyAddressSchema,\n  input,\n  companyAddressFormFields,\n);"
        );
        assert_eq!(
            array("export const projectStatusValues", &s(&["\"active\"", "\"archived\"", "\"something\"", "\"else\"", "\"more\""]), " as const"),
            "export const projectStatusValues = [\n  \"active\",\n  \"archived\",\n  \"something\",\n  \"else\",\n  \"more\",\n] as const;"
        );
    }
}
