//! SQL identifier rules: what a name may be, and how to write it in SQL.
//!
//! A keyword is a fine name: `order`, `user` and `group` make the tables `orders`, `users` and
//! `groups`, and a field named `order` makes the column `"order"`. Every identifier scaffold
//! writes goes through [`quote`], which quotes keywords (and only what needs it), so the checks
//! here are about the shape and length of a name, never about the words PostgreSQL reserves.

/// PostgreSQL's limit on identifier length (NAMEDATALEN - 1); longer names are silently truncated.
pub const MAX_IDENT_BYTES: usize = 63;

/// Keywords PostgreSQL 17 reserves outright (`pg_get_keywords()` category R; 15's are a
/// subset): written quoted.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// Keywords that cannot name a column unquoted (category T: "reserved, can be function or
/// type"): written quoted.
const TYPE_FUNC_NAME: &[&str] = &[
    "authorization",
    "binary",
    "collation",
    "concurrently",
    "cross",
    "current_schema",
    "freeze",
    "full",
    "ilike",
    "inner",
    "is",
    "isnull",
    "join",
    "left",
    "like",
    "natural",
    "notnull",
    "outer",
    "overlaps",
    "right",
    "similar",
    "tablesample",
    "verbose",
];

/// Keywords that can name a column but not a function or type (category C, PostgreSQL 17's;
/// 15's are a subset): written quoted, so they never read as the SQL construct.
const COL_NAME: &[&str] = &[
    "between",
    "bigint",
    "bit",
    "boolean",
    "char",
    "character",
    "coalesce",
    "dec",
    "decimal",
    "exists",
    "extract",
    "float",
    "greatest",
    "grouping",
    "inout",
    "int",
    "integer",
    "interval",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "least",
    "merge_action",
    "national",
    "nchar",
    "none",
    "normalize",
    "nullif",
    "numeric",
    "out",
    "overlay",
    "position",
    "precision",
    "real",
    "row",
    "setof",
    "smallint",
    "substring",
    "time",
    "timestamp",
    "treat",
    "trim",
    "values",
    "varchar",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Why a name cannot be used as an identifier, if it cannot: snake_case ASCII that PostgreSQL
/// keeps whole. Keywords pass (they are quoted where written).
pub fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or_default();
    if !first.is_ascii_lowercase() {
        return Err("it must start with a lowercase letter (a-z)".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(format!(
            "it contains {bad:?}; use snake_case: lowercase letters, digits and underscores"
        ));
    }
    if name.ends_with('_') || name.contains("__") {
        return Err("use single underscores between words".into());
    }
    if name.len() > MAX_IDENT_BYTES {
        return Err(format!(
            "it is {} bytes long and PostgreSQL truncates identifiers after {MAX_IDENT_BYTES}",
            name.len()
        ));
    }
    Ok(())
}

/// Writes an identifier for SQL, quoting it only where PostgreSQL needs quotes.
pub fn quote(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let keyword =
        RESERVED.contains(&name) || TYPE_FUNC_NAME.contains(&name) || COL_NAME.contains(&name);
    if plain && !keyword {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects_names() {
        let cases: &[(&str, bool)] = &[
            ("title", true),
            ("due_on", true),
            ("line2", true),
            ("position", true),
            ("select", true),
            ("user", true),
            ("order", true),
            ("left", true),
            ("Title", false),
            ("2fa", false),
            ("user-table; drop", false),
            ("a__b", false),
            ("trailing_", false),
            ("", false),
        ];
        for (name, ok) in cases {
            assert_eq!(check(name).is_ok(), *ok, "{name}: {:?}", check(name));
        }
        assert!(check(&"a".repeat(64)).is_err());
        assert!(check(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn quotes_only_where_needed() {
        assert_eq!(quote("title"), "title");
        assert_eq!(quote("position"), "\"position\"");
        assert_eq!(quote("order"), "\"order\"");
        assert_eq!(quote("left"), "\"left\"");
        assert_eq!(quote("orders"), "orders");
        assert_eq!(quote("Odd\"Name"), "\"Odd\"\"Name\"");
    }
}
