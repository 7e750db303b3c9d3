//! Lists that scale: keyset pages on a stable order, the fields a list sorts by, filters and
//! search, and the indexes, generated column and extension that serve them.
//!
//! - **Order.** Newest first by default, `created_at desc, id desc`: the id breaks ties, so the
//!   order is total and a page can start exactly after the last row of the one before. Each
//!   `sortable` field adds `<field>, id` (either direction). Every order has a B-tree index
//!   behind it, per owner or workspace where the policies scope rows by one, so a page is one
//!   index range whatever its depth.
//! - **Cursor.** A page after the first starts after a row: the cursor holds the sort column's
//!   value and the id of the last row (base64url JSON, `lib/validations/list.ts`), and the
//!   query adds `sort <= value` (the bound the index starts at) and `sort < value or (sort =
//!   value and id < id)` (ties), through PostgREST's `or` filter, which reads a row comparison
//!   no other way. Sortable fields are required: a null has no place in that comparison.
//! - **Filters.** Enum and bool fields by value, refs by id, date and timestamptz fields by an
//!   inclusive range. They narrow the ordered index scan; a column named like a PostgREST query
//!   parameter is filtered inside an `or` filter of one condition, where PostgREST reads any
//!   column name.
//! - **Search.** See [`Search`]: the words of free text through a generated `tsvector` column
//!   and its GIN index; any part of an email or URL through a trigram index (`pg_trgm`).
//! - **Total.** None unless asked: `total: "estimated"` (PostgREST counts exactly up to its row
//!   limit, then takes the planner's estimate) or `"exact"` (counts every matching row).

use serde::Serialize;

use crate::generate::schema_identifier;
use crate::render;
use crate::schema::table::{Column, Extension, Index, IndexMethod};
use crate::spec::{ident, Access, Field, FieldType, ResourceSpec, Search, SEARCH_VECTOR};

/// The text search configuration of the generated `tsvector` and of the queries: `simple`
/// lowercases words and keeps them whole in every language (no stemming, no stop words), so
/// a prefix of any word a user typed finds it.
pub const TEXT_SEARCH_CONFIG: &str = "simple";

/// The query parameters PostgREST reads itself (`select`, `columns`, `on_conflict`, and
/// `order`, `limit`, `offset`, `and`, `or`, also after an embedded resource's name): a filter
/// named like one is never read as a filter, so such a column is filtered inside an `or`.
pub const POSTGREST_PARAMETERS: &[&str] = &[
    "select",
    "columns",
    "on_conflict",
    "order",
    "limit",
    "offset",
    "and",
    "or",
];

/// What the list schema and the data layer's list query are built from.
#[derive(Serialize)]
pub struct List {
    /// `noteSortKeys`: the columns a list may be ordered by, `created_at` first.
    pub sort_keys_name: String,
    pub sort_keys: Vec<String>,
    /// `noteCursorValues`: per sort key, the Zod schema of the value a cursor holds.
    pub cursor_values_name: String,
    pub cursor_values: Vec<CursorValue>,
    /// `noteFilterSchema`, when the resource has filters.
    pub filter_schema: String,
    pub filters: Vec<Filter>,
    pub search: Option<SearchFields>,
    /// `ListNotesQuery`: the parsed list input the cached query takes.
    pub query_type: String,
    /// What the validation module imports from `lib/validations/list.ts`.
    pub validation_imports: Vec<String>,
    /// What the data module imports from it.
    pub data_imports: Vec<String>,
}

/// `column: schema`, for a cursor's value.
#[derive(Serialize)]
pub struct CursorValue {
    pub key: String,
    pub head: String,
    pub calls: Vec<String>,
}

#[derive(Serialize)]
pub struct Filter {
    /// The column, also the key in the list input's `filter`.
    pub column: String,
    /// The Zod schema's head and calls (`z`, [`enum(projectStatusValues)`, `optional()`]).
    pub head: String,
    pub calls: Vec<String>,
    pub kind: FilterKind,
    /// Named like a PostgREST query parameter: filtered inside an `or`.
    pub in_or: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterKind {
    /// Equal to a value: enum, bool, ref.
    Equal,
    /// Within `from` and `to`, both included: date, timestamptz.
    Range,
}

/// Where a search looks, as the data module's `SEARCH` constant lists it.
#[derive(Serialize)]
pub struct SearchFields {
    /// The generated `tsvector` column, when free text is searchable.
    pub words: Option<String>,
    pub config: &'static str,
    /// Email and URL columns, searched by substring.
    pub substrings: Vec<String>,
    /// In prose: `the words of title and body, and any part of contact`.
    pub prose: String,
}

impl List {
    /// `enum_list`: the name of an enum field's values constant in the validation module.
    pub fn new(spec: &ResourceSpec, enum_list: &dyn Fn(&Field) -> Option<String>) -> List {
        let camel = &spec.names.camel;
        let mut sort_keys = vec!["created_at".to_string()];
        let mut cursor_values = vec![CursorValue {
            key: "created_at".into(),
            head: "z.iso".into(),
            calls: vec!["datetime({ offset: true })".into()],
        }];
        for field in spec.fields.iter().filter(|f| f.sortable) {
            let (head, calls) = value_schema(field, enum_list(field));
            sort_keys.push(field.column());
            cursor_values.push(CursorValue {
                key: field.column(),
                head,
                calls,
            });
        }
        let filters: Vec<Filter> = spec
            .fields
            .iter()
            .filter_map(|field| filter(field, enum_list(field)))
            .collect();
        let search = search_fields(spec);
        let ranges = |head: &str| filters.iter().any(|f| f.head == head);
        let (dates, times) = (ranges("dateRange()"), ranges("timeRange()"));
        let keep = |items: &[(bool, &str)]| -> Vec<String> {
            items
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, name)| name.to_string())
                .collect()
        };
        List {
            sort_keys_name: format!("{camel}SortKeys"),
            sort_keys,
            cursor_values_name: format!("{camel}CursorValues"),
            cursor_values,
            filter_schema: format!("{camel}FilterSchema"),
            validation_imports: keep(&[
                (true, "cursor"),
                (true, "cursorFits"),
                (dates, "dateRange"),
                (true, "DIRECTIONS"),
                (search.is_some(), "searchTerm"),
                (times, "timeRange"),
                (true, "TOTALS"),
            ]),
            data_imports: keep(&[
                (true, "keyset"),
                (true, "type Page"),
                (search.is_some(), "type SearchFields"),
                (search.is_some(), "searchFilter"),
                (true, "toPage"),
            ]),
            filters,
            search,
            query_type: format!("List{}Query", spec.names.pascal_plural),
        }
    }
}

/// The Zod schema of a sort column's value, as a row returns it (numeric as its decimal text).
fn value_schema(field: &Field, enum_list: Option<String>) -> (String, Vec<String>) {
    let z = |call: &str| ("z".to_string(), vec![call.to_string()]);
    match &field.ty {
        FieldType::Text | FieldType::Email | FieldType::Url => z("string()"),
        FieldType::Int => z("int32()"),
        FieldType::Bigint => z("int()"),
        FieldType::Float => z("number()"),
        FieldType::Numeric => ("decimal()".into(), Vec::new()),
        FieldType::Date => ("z.iso".into(), vec!["date()".into()]),
        FieldType::Timestamptz => ("z.iso".into(), vec!["datetime({ offset: true })".into()]),
        FieldType::Enum { .. } => z(&format!("enum({})", enum_list.unwrap_or_default())),
        // Not sortable (see FieldKind::sortable).
        FieldType::Bool
        | FieldType::Uuid
        | FieldType::Jsonb
        | FieldType::Ref { .. }
        | FieldType::File => z("never()"),
    }
}

/// The filter a field gets, if any: enum, bool and ref by value, date and timestamptz by range.
fn filter(field: &Field, enum_list: Option<String>) -> Option<Filter> {
    let (head, call, kind) = match &field.ty {
        FieldType::Enum { .. } => (
            "z".to_string(),
            format!("enum({})", enum_list.unwrap_or_default()),
            FilterKind::Equal,
        ),
        FieldType::Bool => ("z".into(), "boolean()".into(), FilterKind::Equal),
        FieldType::Ref { .. } => ("z".into(), "uuid()".into(), FilterKind::Equal),
        FieldType::Date => ("dateRange()".into(), String::new(), FilterKind::Range),
        FieldType::Timestamptz => ("timeRange()".into(), String::new(), FilterKind::Range),
        FieldType::Text
        | FieldType::Int
        | FieldType::Bigint
        | FieldType::Numeric
        | FieldType::Float
        | FieldType::Uuid
        | FieldType::Email
        | FieldType::Url
        | FieldType::Jsonb
        | FieldType::File => return None,
    };
    let column = field.column();
    let calls = [call, "optional()".to_string()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    Some(Filter {
        in_or: POSTGREST_PARAMETERS.contains(&column.as_str()),
        column,
        head,
        calls,
        kind,
    })
}

fn search_fields(spec: &ResourceSpec) -> Option<SearchFields> {
    let of = |how: Search| -> Vec<&Field> {
        spec.fields
            .iter()
            .filter(|f| f.search() == Some(how))
            .collect()
    };
    let (words, substrings) = (of(Search::Words), of(Search::Substring));
    if words.is_empty() && substrings.is_empty() {
        return None;
    }
    let names = |fields: &[&Field]| -> String {
        let names: Vec<String> = fields.iter().map(|f| f.column()).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let prose = match (words.is_empty(), substrings.is_empty()) {
        (false, true) => format!("the words of {}", names(&words)),
        (true, false) => format!("any part of {}", names(&substrings)),
        (false, false) => format!(
            "the words of {}, and any part of {}",
            names(&words),
            names(&substrings)
        ),
        (true, true) => String::new(),
    };
    Some(SearchFields {
        words: (!words.is_empty()).then(|| SEARCH_VECTOR.to_string()),
        config: TEXT_SEARCH_CONFIG,
        substrings: substrings.iter().map(|f| f.column()).collect(),
        prose,
    })
}

/// The B-tree indexes behind the list's orders: newest first (behind the policies' owner or
/// workspace check and the foreign key too), and one per `sortable` field; then the GIN indexes
/// of search.
pub fn indexes(spec: &ResourceSpec, tenant_word: &str) -> Vec<Index> {
    let table = spec.table();
    let owner = spec.owner_column();
    // The rows a list pages through: one owner's or workspace's, or (everyone reads them) all.
    let scope = match spec.access {
        Access::Owner | Access::Workspace { .. } => Some(owner),
        Access::PublicRead | Access::TenantRoot => None,
    };
    let scoped = |columns: &str| match scope {
        Some(owner) => format!("({owner}, {columns})"),
        None => format!("({columns})"),
    };
    let mut indexes = Vec::new();
    let pages = "its pages starting at a cursor (`created_at desc, id desc`).";
    match spec.access {
        Access::Owner => indexes.push(Index::btree(
            index_name(format!("{table}_{owner}_created_at_idx")),
            format!("({owner}, created_at desc, id desc)"),
            format!("Backs the policies' owner check, the foreign key to auth.users and the newest-first\nlist, {pages}"),
        )),
        Access::PublicRead => {
            indexes.push(Index::btree(
                index_name(format!("{table}_{owner}_created_at_idx")),
                format!("({owner}, created_at desc, id desc)"),
                "Backs the policies' owner check and the foreign key to auth.users.".into(),
            ));
            indexes.push(Index::btree(
                index_name(format!("{table}_created_at_idx")),
                "(created_at desc, id desc)".into(),
                format!("Backs the public newest-first list, {pages}"),
            ));
        }
        Access::Workspace { .. } => indexes.push(Index::btree(
            index_name(format!("{table}_workspace_id_created_at_idx")),
            "(workspace_id, created_at desc, id desc)".into(),
            format!(
                "Backs the policies' {tenant_word} check, the foreign key and the newest-first list per\n{tenant_word}, {pages}"
            ),
        )),
        Access::TenantRoot => indexes.push(Index::btree(
            index_name(format!("{table}_created_at_idx")),
            "(created_at desc, id desc)".into(),
            format!("Backs the newest-first list, {pages}"),
        )),
    }
    for field in spec.fields.iter().filter(|f| f.sortable) {
        let column = field.column();
        indexes.push(Index::btree(
            index_name(format!("{table}_{column}_sort_idx")),
            scoped(&format!("{}, id", ident::quote(&column))),
            format!(
                "Backs the list sorted by {column} (`sortable`), either way, ties broken by id."
            ),
        ));
    }
    if spec
        .fields
        .iter()
        .any(|f| f.search() == Some(Search::Words))
    {
        indexes.push(Index {
            name: index_name(format!("{table}_{SEARCH_VECTOR}_idx")),
            columns: format!("({SEARCH_VECTOR})"),
            method: IndexMethod::Gin,
            why: "Backs the search of the words of the `searchable` text fields.".into(),
        });
    }
    for field in spec
        .fields
        .iter()
        .filter(|f| f.search() == Some(Search::Substring))
    {
        let column = field.column();
        indexes.push(Index {
            name: index_name(format!("{table}_{column}_trgm_idx")),
            columns: format!("({} extensions.gin_trgm_ops)", ident::quote(&column)),
            method: IndexMethod::Gin,
            why: format!(
                "Backs the search of any part of {column} (`ilike '%...%'`), by trigrams."
            ),
        });
    }
    indexes
}

/// The generated column the searchable free text is read into: its words, as
/// [`TEXT_SEARCH_CONFIG`] splits them, in one `tsvector`.
pub fn search_column(spec: &ResourceSpec) -> Option<Column> {
    let parts: Vec<String> = spec
        .fields
        .iter()
        .filter(|f| f.search() == Some(Search::Words))
        .map(|f| {
            let column = ident::quote(&f.column());
            if f.optional {
                format!("coalesce({column}, '')")
            } else {
                column
            }
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(Column::new(SEARCH_VECTOR, "tsvector").generated(format!(
        "to_tsvector({}::regconfig, {})",
        render::sql_string(TEXT_SEARCH_CONFIG),
        parts.join(" || ' ' || ")
    )))
}

/// `pg_trgm`, where an email or URL field is searchable.
pub fn extensions(spec: &ResourceSpec) -> Vec<Extension> {
    let substrings = spec
        .fields
        .iter()
        .any(|f| f.search() == Some(Search::Substring));
    if substrings {
        vec![Extension {
            name: "pg_trgm",
            why: "the trigram indexes of the searchable email and URL fields".into(),
        }]
    } else {
        Vec::new()
    }
}

/// An index name as SQL: shortened to fit, quoted where needed.
fn index_name(name: String) -> String {
    ident::quote(&schema_identifier(name))
}
