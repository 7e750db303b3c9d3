//! TypeScript laid out line by line as Prettier lays it out: the few layout decisions Prettier (default settings: width 80, two-space indent) makes by
//! line width, made the same way here so generated TypeScript is already formatted.
//!
//! Each function covers one construct the templates emit; the TypeScript suite checks the
//! result with the real `prettier --check`. Arguments are always "simple" in Prettier's sense
//! (identifiers, literals, flat objects): templates keep regexes in named constants for that.

const WIDTH: usize = 80;

/// Whether a line fits Prettier's print width.
pub fn fits(lines: &str) -> bool {
    lines.chars().count() <= WIDTH
}

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

/// A member chain such as `key: z.string().max(200),`: one line when it fits, otherwise one
/// call per line. Like Prettier, a chain of more than two calls breaks even when it fits if
/// any call takes a function (`z.json().refine((v) => ...).optional()`).
pub fn chain(indent: usize, prefix: &str, head: &str, calls: &[String], suffix: &str) -> String {
    let flat: String = calls.iter().map(|c| format!(".{c}")).collect();
    let line = format!("{}{prefix}{head}{flat}{suffix}", pad(indent));
    let takes_function = calls.len() > 2 && calls.iter().any(|c| c.contains("=>"));
    if calls.len() < 2 || (fits(&line) && !takes_function) {
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
    head_ending(head, params, returns, " {")
}

/// An overload signature, a declaration without a body: laid out like [`signature`], ending
/// in `;`.
pub fn overload(head: &str, params: &[String], returns: &str) -> String {
    head_ending(head, params, returns, ";")
}

/// `head(params): returns` and `end`; an empty `returns` leaves the return type out, for
/// TypeScript to infer.
fn head_ending(head: &str, params: &[String], returns: &str, end: &str) -> String {
    let returns = if returns.is_empty() {
        String::new()
    } else {
        format!(": {returns}")
    };
    let line = format!("{head}({}){returns}{end}", params.join(", "));
    if fits(&line) {
        return line;
    }
    if params.is_empty() {
        // Nothing to break but the return type: Prettier breaks inside its outer type arguments.
        return match returns.split_once('<') {
            Some((outer, inner)) if inner.ends_with('>') => {
                format!("{head}(){outer}<\n  {}\n>{end}", &inner[..inner.len() - 1])
            }
            _ => line,
        };
    }
    let broken: String = params.iter().map(|p| format!("  {p},\n")).collect();
    format!("{head}(\n{broken}){returns}{end}")
}

/// A named import: `import { a, b } from "x";` or one name per line. Like Prettier, a single
/// name stays on the line however long it is.
pub fn import(names: &[String], from: &str) -> String {
    let line = format!("import {{ {} }} from \"{from}\";", names.join(", "));
    if fits(&line) || names.len() == 1 {
        return line;
    }
    let broken: String = names.iter().map(|n| format!("  {n},\n")).collect();
    format!("import {{\n{broken}}} from \"{from}\";")
}

/// `left = generic<args>;`: a string-literal argument moves to the next line whole; otherwise
/// the type arguments break inside the angle brackets, one per line, as Prettier lays out type
/// aliases.
pub fn alias(left: &str, generic: &str, args: &str) -> String {
    let line = format!("{left} = {generic}<{args}>;");
    if fits(&line) {
        line
    } else if args.starts_with('"') {
        format!("{left} =\n  {generic}<{args}>;")
    } else {
        let each: Vec<String> = type_arguments(args)
            .iter()
            .map(|a| format!("  {a}"))
            .collect();
        format!("{left} = {generic}<\n{}\n>;", each.join(",\n"))
    }
}

/// `A<B, C>, "d"` → [`A<B, C>`, `"d"`]: the arguments of a type argument list, split at its
/// own commas (not those of nested ones).
fn type_arguments(args: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in args.char_indices() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                found.push(args[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    found.push(args[start..].trim());
    found
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
            overload("export async function createNote", &s(&["input: CreateNoteInput"]), "Promise<ActionResult<Note>>"),
            "export async function createNote(\n  input: CreateNoteInput,\n): Promise<ActionResult<Note>>;"
        );
        assert_eq!(
            signature("async function readMyWorkspaceInvitations", &[], "Promise<ActionResult<MyWorkspaceInvitation[]>>"),
            "async function readMyWorkspaceInvitations(): Promise<\n  ActionResult<MyWorkspaceInvitation[]>\n> {"
        );
        assert_eq!(
            overload("export async function f", &s(&["a: A"]), "B"),
            "export async function f(a: A): B;"
        );
        assert_eq!(
            signature("export async function createCompanyShippingAddress", &s(&["input: unknown", "formData?: unknown"]), ""),
            "export async function createCompanyShippingAddress(\n  input: unknown,\n  formData?: unknown,\n) {"
        );
        assert_eq!(
            alias("export type CreateCompanyShippingAddressInput", "z.input", "typeof createCompanyShippingAddressSchema"),
            "export type CreateCompanyShippingAddressInput = z.input<\n  typeof createCompanyShippingAddressSchema\n>;"
        );
        assert_eq!(
            alias("export type CompanyShippingAddress", "WithDecimals", "Tables<\"company_shipping_addresses\">, \"amount\" | \"b\""),
            "export type CompanyShippingAddress = WithDecimals<\n  Tables<\"company_shipping_addresses\">,\n  \"amount\" | \"b\"\n>;"
        );
        assert_eq!(
            alias("export type ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN", "Tables", "\"company_shipping_addresses\""),
            "export type ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN =\n  Tables<\"company_shipping_addresses\">;"
        );
        assert_eq!(
            call(0, "const parsed = ", "parseInput", &s(&["createCompanyAddressSchema", "input", "companyAddressFormFields"]), ";"),
            "const parsed = parseInput(\n  createCompanyAddressSchema,\n  input,\n  companyAddressFormFields,\n);"
        );
        assert_eq!(
            import(&s(&["workspaceInvitationIdSchema"]), "@/lib/validations/workspace-invitation"),
            "import { workspaceInvitationIdSchema } from \"@/lib/validations/workspace-invitation\";"
        );
        assert_eq!(
            import(&s(&["a", "workspaceInvitationIdSchema"]), "@/lib/validations/workspace-invitation"),
            "import {\n  a,\n  workspaceInvitationIdSchema,\n} from \"@/lib/validations/workspace-invitation\";"
        );
        assert_eq!(
            array("export const projectStatusValues", &s(&["\"active\"", "\"archived\"", "\"something\"", "\"else\"", "\"more\""]), " as const"),
            "export const projectStatusValues = [\n  \"active\",\n  \"archived\",\n  \"something\",\n  \"else\",\n  \"more\",\n] as const;"
        );
    }
}
