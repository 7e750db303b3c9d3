//! The resource's server actions: their names, which of them `--actions` keeps, and the imports
//! exactly those need.

use serde::Serialize;

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
}

/// The server actions to write (`--actions`), and the imports exactly those need.
#[derive(Serialize)]
pub struct Selected {
    create: bool,
    update: bool,
    delete: bool,
    get: bool,
    list: bool,
    /// Some action changes rows, so the module imports `revalidatePath`.
    revalidate: bool,
    /// Some action parses form input, so the module imports `parseInput`.
    parse_input: bool,
    result_imports: Vec<String>,
    validation_imports: Vec<String>,
    /// The written actions' function names, in order.
    names: Vec<String>,
}

impl Actions {
    pub fn new(spec: &ResourceSpec) -> Actions {
        let name = |kind| spec.names.action(kind);
        Actions {
            create: name(Create),
            update: name(Update),
            delete: name(Delete),
            get: name(Get),
            list: name(List),
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

impl Selected {
    pub fn new(spec: &ResourceSpec, actions: &Actions, zod: &Zod) -> Selected {
        let has = |a| spec.has(a);
        let by_id = has(Update) || has(Delete) || has(Get);
        let reads_signed_in = !spec.access.public() && (has(Get) || has(List));
        let writes = has(Create) || has(Update) || has(Delete);
        let (schemas, types) = (&zod.schemas, &zod.types);
        let keep = |items: Vec<(bool, String)>| -> Vec<String> {
            items
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, name)| name)
                .collect()
        };
        Selected {
            create: has(Create),
            update: has(Update),
            delete: has(Delete),
            get: has(Get),
            list: has(List),
            names: spec
                .actions
                .iter()
                .map(|action| actions.name(*action).to_string())
                .collect(),
            revalidate: writes,
            parse_input: has(Create) || has(Update),
            result_imports: keep(vec![
                (true, "type ActionResult".into()),
                (true, "fromDatabaseError".into()),
                (true, "invalid".into()),
                (by_id, "notFound".into()),
                (true, "ok".into()),
                (has(List), "type Page".into()),
                (writes || reads_signed_in, "unauthorized".into()),
            ]),
            validation_imports: keep(vec![
                (has(Create), format!("type {}", types.create_input)),
                (has(Create), schemas.create.clone()),
                (has(List), format!("type {}", types.list_input)),
                (has(List), schemas.list.clone()),
                (has(Create) || has(Update), zod.form_fields.clone()),
                (by_id, schemas.id.clone()),
                (has(Update), format!("type {}", types.update_input)),
                (has(Update), schemas.update.clone()),
            ]),
        }
    }
}
