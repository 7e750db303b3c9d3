//! The resource's functions: their names, which of them `--actions` keeps, which module each
//! goes in, and the imports exactly those need. Mutations (create, update, delete) are server
//! actions in a `'use server'` module; reads (get, list) are the data-access layer, a
//! `server-only` module Server Components call, since every `'use server'` export is a public
//! endpoint that cannot be cached.

use serde::Serialize;

use super::history::History;
use super::list::List as ListShape;
use super::zod::Zod;
use crate::spec::ActionKind::{self, Create, Delete, Get, List, Update};
use crate::spec::ResourceSpec;

#[derive(Serialize)]
pub struct Actions {
    pub create: String,
    pub update: String,
    pub delete: String,
    pub get: String,
    pub list: String,
    /// The data module's private query behind `get`, wrapped in React's `cache`.
    pub get_query: String,
    /// The data module's private query of one page behind `list`, wrapped in React's `cache`.
    pub list_query: String,
    /// The cached `list_query`, called with the parsed input's primitives (`cache` compares
    /// arguments by identity, so objects would never match).
    pub list_cached: String,
    /// The server action that signs an upload URL for a file field, where there are any.
    pub upload: String,
}

/// The functions to write (`--actions`), and the imports exactly those need.
#[derive(Serialize)]
pub struct Selected {
    create: bool,
    update: bool,
    delete: bool,
    get: bool,
    list: bool,
    /// Some mutation is written: the `'use server'` module exists and revalidates.
    writes: bool,
    /// Some read is written: the data-access module exists.
    reads: bool,
    /// Create or update: the actions parse forms and answer `useActionState`.
    forms: bool,
    /// File fields and a form that sets them: the actions sign upload URLs.
    uploads: bool,
    /// File fields and an update or delete: the actions remove the objects a row lets go of.
    removes_files: bool,
    action_imports: Imports,
    data_imports: Imports,
    /// The written functions' names, in the order `--actions` gave them.
    names: Vec<String>,
    /// The server actions among them, and the reads.
    action_names: Vec<String>,
    data_names: Vec<String>,
}

/// What one module imports from each shared module (empty lists are not imported).
#[derive(Serialize, Default)]
struct Imports {
    result: Vec<String>,
    validation: Vec<String>,
    form_state: Vec<String>,
    auth: Vec<String>,
    /// From the data layer's rate limit module: `limitRead`, when a read is limited.
    rate_limit: Vec<String>,
    storage: Vec<String>,
}

impl Actions {
    pub fn new(spec: &ResourceSpec) -> Actions {
        let name = |kind| spec.names.action(kind);
        let (pascal, plural) = (&spec.names.pascal, &spec.names.pascal_plural);
        Actions {
            create: name(Create),
            update: name(Update),
            delete: name(Delete),
            get: name(Get),
            list: name(List),
            get_query: format!("read{pascal}"),
            list_query: format!("read{plural}Page"),
            list_cached: format!("cached{plural}Page"),
            upload: format!("create{pascal}UploadUrl"),
        }
    }

    fn name(&self, action: ActionKind) -> &str {
        match action {
            Create => &self.create,
            Update => &self.update,
            Delete => &self.delete,
            Get => &self.get,
            List => &self.list,
        }
    }
}

/// Whether a function is a server action (a mutation) or a read of the data-access layer.
fn is_mutation(action: ActionKind) -> bool {
    match action {
        Create | Update | Delete => true,
        Get | List => false,
    }
}

impl Selected {
    /// `history`: an audited resource's log reads, which the data module holds as well.
    pub fn new(
        spec: &ResourceSpec,
        actions: &Actions,
        zod: &Zod,
        list: &ListShape,
        history: Option<&History>,
    ) -> Selected {
        let has = |a| spec.has(a);
        let writes = has(Create) || has(Update) || has(Delete);
        let audited = history.is_some();
        let reads = has(Get) || has(List) || audited;
        let limited_reads = [Get, List]
            .into_iter()
            .any(|a| has(a) && spec.rate_limits.get(a).is_some());
        let forms = has(Create) || has(Update);
        let signed_in_reads = (has(Get) || has(List)) && !spec.access.public();
        // The log is read by signed-in users only; a limited read needs to know who reads.
        let user_needed = signed_in_reads || audited || limited_reads;
        let (schemas, types) = (&zod.schemas, &zod.types);
        let row = format!("type {}", types.row);
        let files = zod.uploads.as_ref();
        let uploads = files.is_some() && forms;
        let removes_files = files.is_some() && (has(Update) || has(Delete));
        let file_names = |pick: fn(&super::zod::ZodFiles) -> String| files.map(pick);
        let files_map = file_names(|f| f.map.clone()).unwrap_or_default();
        let upload_schema = file_names(|f| f.schema.clone()).unwrap_or_default();
        let upload_input = file_names(|f| format!("type {}", f.input)).unwrap_or_default();
        let scoped = match spec.access {
            crate::spec::Access::Workspace { .. } | crate::spec::Access::TenantRoot => true,
            crate::spec::Access::Owner | crate::spec::Access::PublicRead => false,
        };
        let names_where = |mutation: bool| -> Vec<String> {
            spec.actions
                .iter()
                .filter(|a| is_mutation(**a) == mutation)
                .map(|a| actions.name(*a).to_string())
                .collect()
        };
        Selected {
            create: has(Create),
            update: has(Update),
            delete: has(Delete),
            get: has(Get),
            list: has(List),
            writes,
            reads,
            forms,
            uploads,
            removes_files,
            action_imports: Imports {
                result: keep(vec![
                    (writes, "type ActionResult".into()),
                    (writes, "fromDatabaseError".into()),
                    (writes, "invalid".into()),
                    (has(Update) || has(Delete), "notFound".into()),
                    (writes, "ok".into()),
                    (writes, "unauthorized".into()),
                ]),
                validation: keep(vec![
                    (has(Create), format!("type {}", types.create_input)),
                    (has(Create), schemas.create.clone()),
                    (forms, zod.form_fields.clone()),
                    (
                        has(Update) || has(Delete) || (uploads && scoped),
                        schemas.id.clone(),
                    ),
                    (forms, row.clone()),
                    (has(Update), format!("type {}", types.update_input)),
                    (has(Update), schemas.update.clone()),
                    (uploads || removes_files, files_map.clone()),
                    (uploads, upload_schema),
                    (uploads, upload_input),
                ]),
                form_state: keep(vec![
                    (forms, "type FormState".into()),
                    (forms, "toFormState".into()),
                ]),
                auth: Vec::new(),
                rate_limit: Vec::new(),
                storage: keep(vec![
                    (uploads, "fromStorageError".into()),
                    (removes_files, "removeFiles".into()),
                    (removes_files && has(Update), "replaced".into()),
                    (removes_files && has(Update), "setsFile".into()),
                    (uploads, "type SignedUpload".into()),
                ]),
            },
            data_imports: Imports {
                result: keep(vec![
                    (reads, "type ActionResult".into()),
                    (audited, "type CursorPage".into()),
                    (reads, "fromDatabaseError".into()),
                    (reads, "invalid".into()),
                    (has(Get), "notFound".into()),
                    (reads, "ok".into()),
                    (signed_in_reads || audited, "unauthorized".into()),
                ]),
                validation: keep(
                    [
                        vec![
                            (has(List), format!("type {}", types.list_input)),
                            (has(List), format!("type {}", list.query_type)),
                            (has(List), schemas.list.clone()),
                            (has(Get) || audited, schemas.id.clone()),
                            (has(Get) || has(List), format!("type {}", types.read_row)),
                            ((has(Get) || has(List)) && files.is_some(), files_map),
                        ],
                        history.map_or_else(Vec::new, |h| {
                            let mut names = vec![
                                (true, format!("type {}", h.entry_type)),
                                (true, h.history_schema.clone()),
                                (true, format!("type {}", h.history_input)),
                                (true, format!("type {}", h.activity_input)),
                            ];
                            // Owners page through their activity as through a history.
                            if h.of_workspace {
                                names.push((true, h.activity_schema.clone()));
                            }
                            names
                        }),
                    ]
                    .concat(),
                ),
                form_state: Vec::new(),
                auth: keep(vec![
                    (reads, "getSupabase".into()),
                    (user_needed, "getUserId".into()),
                ]),
                rate_limit: keep(vec![(limited_reads, "limitRead".into())]),
                storage: keep(vec![
                    (has(Get) && files.is_some(), "withSignedUrl".into()),
                    (has(List) && files.is_some(), "withSignedUrls".into()),
                ]),
            },
            names: spec
                .actions
                .iter()
                .map(|action| actions.name(*action).to_string())
                .collect(),
            action_names: names_where(true),
            data_names: names_where(false),
        }
    }

    pub fn writes(&self) -> bool {
        self.writes
    }

    pub fn reads(&self) -> bool {
        self.reads
    }

    /// Whether a read counts against a rate limit (the data layer's rate limit module).
    pub fn limited_reads(&self) -> bool {
        !self.data_imports.rate_limit.is_empty()
    }
}

/// The names whose condition holds, sorted as the generated imports list them: by name,
/// ignoring case and a leading `type `.
fn keep(items: Vec<(bool, String)>) -> Vec<String> {
    let mut kept: Vec<String> = items
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| name)
        .collect();
    kept.sort_by_key(|name| name.trim_start_matches("type ").to_lowercase());
    kept
}
