//! `scaffold webhook stripe`: a Stripe webhook that keeps customers, products, prices and
//! subscriptions in sync, with its migration, rollback and pgTAP test, the Stripe and admin
//! Supabase clients, billing server actions and the `.env.example` entries they need. Every
//! decision is made here; the templates only lay it out.

use serde::Serialize;

use super::init::{self, EnvEntry};
use super::pgtap::{TestIds, IDS};
use super::{imports, Migration};
use crate::error::Error;
use crate::plan::{Ownership, Plan};
use crate::project::{Layout, Project};
use crate::render::Renderer;
use crate::schema::policy::{self, owned_by_caller};
use crate::schema::{ApiRole, Command, Grant, Policy, Privilege};
use crate::session::PlannedEntry;

/// The migration's name, after its timestamp.
pub const MIGRATION_NAME: &str = "create_stripe_billing";

/// The templates this generator renders, by what they write.
pub mod templates {
    pub const MIGRATION: &str = "webhook_stripe/supabase/migrations/create_stripe_billing.sql";
    pub const ROLLBACK: &str = "webhook_stripe/supabase/rollbacks/create_stripe_billing.down.sql";
    pub const TEST: &str = "webhook_stripe/supabase/tests/database/stripe_billing.test.sql";
    pub const ROUTE: &str = "webhook_stripe/app/api/webhooks/stripe/route.ts";
    pub const STRIPE: &str = "webhook_stripe/lib/stripe/server.ts";
    pub const SYNC: &str = "webhook_stripe/lib/stripe/sync.ts";
    pub const ACTIONS: &str = "webhook_stripe/app/actions/billing.ts";
    pub const SESSION: &str = "webhook_stripe/session.md";

    pub const ALL: &[&str] = &[
        MIGRATION, ROLLBACK, TEST, ROUTE, STRIPE, SYNC, ACTIONS, SESSION,
    ];
}

/// The handler in `lib/stripe/sync.ts` that processes an event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
enum Handler {
    #[serde(rename = "syncCheckoutSession")]
    CheckoutSession,
    #[serde(rename = "syncSubscription")]
    Subscription,
    #[serde(rename = "syncInvoiceSubscription")]
    InvoiceSubscription,
    #[serde(rename = "syncProduct")]
    Product,
    #[serde(rename = "syncPrice")]
    Price,
}

/// Every event type the webhook can handle, in dispatch order: (type, handler, subscribed by
/// default).
const EVENTS: &[(&str, Handler, bool)] = &[
    ("checkout.session.completed", Handler::CheckoutSession, true),
    ("customer.subscription.created", Handler::Subscription, true),
    ("customer.subscription.updated", Handler::Subscription, true),
    ("customer.subscription.deleted", Handler::Subscription, true),
    ("customer.subscription.paused", Handler::Subscription, false),
    (
        "customer.subscription.resumed",
        Handler::Subscription,
        false,
    ),
    (
        "customer.subscription.trial_will_end",
        Handler::Subscription,
        false,
    ),
    ("invoice.paid", Handler::InvoiceSubscription, true),
    ("invoice.payment_failed", Handler::InvoiceSubscription, true),
    ("product.created", Handler::Product, true),
    ("product.updated", Handler::Product, true),
    ("product.deleted", Handler::Product, true),
    ("price.created", Handler::Price, true),
    ("price.updated", Handler::Price, true),
    ("price.deleted", Handler::Price, true),
];

/// The variables `.env.example` gains besides the Supabase ones `scaffold init` lists.
const STRIPE_ENV: &[EnvEntry] = &[
    EnvEntry {
        key: "STRIPE_SECRET_KEY",
        comment: "Stripe secret key (sk_test_... while testing): server only. Dashboard → Developers → API keys.",
        value: "",
    },
    EnvEntry {
        key: "STRIPE_WEBHOOK_SECRET",
        comment: "Signing secret of the webhook endpoint (whsec_...); locally, `stripe listen --forward-to localhost:3000/api/webhooks/stripe` prints one.",
        value: "",
    },
];

/// The event types to handle: the defaults, or the `--events` list in dispatch order. Unknown
/// or empty entries, and entries holding a control character, are input errors naming the
/// entry and listing the allowed events.
pub fn events(requested: Option<&[String]>) -> Result<Vec<&'static str>, Error> {
    let Some(requested) = requested else {
        return Ok(EVENTS
            .iter()
            .filter(|(_, _, default)| *default)
            .map(|(name, _, _)| *name)
            .collect());
    };
    let allowed = || {
        EVENTS
            .iter()
            .map(|(name, _, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for token in requested {
        crate::spec::check_printable(token, "`--events` entry")
            .map_err(|refused| Error::input(format!("{refused}; allowed events: {}", allowed())))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::input(format!(
                "`--events` has an empty entry; list event types separated by commas, from: {}",
                allowed()
            )));
        }
        if !EVENTS.iter().any(|(name, _, _)| *name == token) {
            return Err(Error::input(format!(
                "`{token}` is not a Stripe event the webhook handles; allowed events: {}",
                allowed()
            )));
        }
    }
    Ok(EVENTS
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| requested.iter().any(|r| r.trim() == *name))
        .collect())
}

/// Plans every file of the Stripe webhook for the given event types (from [`events`]).
pub fn plan(
    events: &[&'static str],
    project: &Project,
    renderer: &Renderer,
    migration: &Migration,
) -> Result<Plan, Error> {
    let context = Context::new(events, &project.layout, migration);
    let paths = &context.paths;
    let mut plan = Plan::default();
    for (template, path) in [
        (templates::MIGRATION, &paths.migration),
        (templates::ROLLBACK, &paths.rollback),
        (templates::TEST, &paths.test),
        (templates::ROUTE, &paths.route),
        (templates::STRIPE, &paths.stripe),
        (templates::SYNC, &paths.sync),
        (templates::ACTIONS, &paths.actions),
    ] {
        plan.generated(path.clone(), renderer.render(template, &context)?);
    }
    super::migration_files(&mut plan, project, migration, "stripe_billing", 0)?;
    init::admin_client(&mut plan, project, renderer)?;
    super::shared_files(&mut plan, project, renderer, super::Shared::ACTIONS)?;
    let existing = project.read(init::ENV_EXAMPLE)?;
    let env = init::merge_env(existing.as_deref(), renderer)?;
    plan.add(
        init::ENV_EXAMPLE,
        init::append_env(Some(&env), STRIPE_ENV, renderer)?,
        Ownership::Merged,
    );
    plan.record(PlannedEntry::new(
        "webhook:stripe",
        templates::SESSION,
        &context,
    ));
    Ok(plan)
}

#[derive(Serialize)]
struct Context {
    /// The command as written in SQL headers: the same for every event list, so a rerun with
    /// other events leaves the migration as it is.
    command: &'static str,
    /// The command line as typed, for the session record.
    command_line: String,
    events: Vec<&'static str>,
    dispatch: Vec<Dispatch>,
    /// The handlers the route imports, sorted.
    handlers: Vec<Handler>,
    paths: Paths,
    imports: Imports,
    env: Vec<&'static str>,
    tables: Vec<BillingTable>,
    writes: Vec<Write>,
    test: TestIds,
}

/// Event types that share a handler: one group of `case` labels in the route's switch.
#[derive(Serialize)]
struct Dispatch {
    events: Vec<&'static str>,
    handler: Handler,
}

#[derive(Serialize)]
struct Paths {
    migration: String,
    rollback: String,
    test: String,
    route: String,
    stripe: String,
    sync: String,
    admin: String,
    actions: String,
}

#[derive(Serialize)]
struct Imports {
    types: String,
    action_result: String,
    server: String,
    admin: String,
    stripe: String,
    sync: String,
    actions: String,
}

/// A billing table's row level security: what the API roles may read, and that only the
/// service role writes.
#[derive(Serialize)]
struct BillingTable {
    name: &'static str,
    name_sql: String,
    policies: Vec<Policy>,
    /// The pgTAP `policies_are` list.
    policy_names: String,
    /// What the API roles may do: read, at most.
    client_grants: Vec<Grant>,
    service_grant: Grant,
}

impl BillingTable {
    fn new(name: &'static str, policies: Vec<Policy>, readers: &[ApiRole]) -> BillingTable {
        let client_grants = if readers.is_empty() {
            Vec::new()
        } else {
            vec![Grant::new(vec![Privilege::Select], readers)]
        };
        BillingTable {
            name,
            name_sql: format!("public.{name}"),
            policy_names: policy::names_sql(&policies),
            policies,
            client_grants,
            service_grant: Grant::service_role(),
        }
    }
}

/// The tables of the migration, in the order it creates them. Users read their own customer and
/// subscriptions, everyone reads what is for sale; no API role writes (the webhook and the
/// billing actions write with the service role, which bypasses row level security).
fn billing_tables() -> Vec<BillingTable> {
    let signed_in = &[ApiRole::Authenticated];
    let everyone = &[ApiRole::Anon, ApiRole::Authenticated];
    let read = |name: &str, roles: &[ApiRole], using: String| {
        vec![Policy::new(name, Command::Select, roles, Some(using), None)]
    };
    let own = || owned_by_caller("user_id");
    vec![
        BillingTable::new(
            "customers",
            read("users can read their customer", signed_in, own()),
            signed_in,
        ),
        BillingTable::new(
            "products",
            read("anyone can read active products", everyone, "active".into()),
            everyone,
        ),
        BillingTable::new(
            "prices",
            read("anyone can read active prices", everyone, "active".into()),
            everyone,
        ),
        BillingTable::new(
            "subscriptions",
            read("users can read their subscriptions", signed_in, own()),
            signed_in,
        ),
        BillingTable::new(
            "stripe_webhook_events",
            vec![Policy::new(
                "no client access",
                Command::All,
                everyone,
                Some("false".into()),
                Some("false".into()),
            )
            .restrictive()
            .commented(
                "Only the webhook (the service role, which bypasses row level security) touches events; this\nsays so explicitly, and holds even if someone grants the table to the API roles later.",
            )],
            &[],
        ),
    ]
}

#[derive(Serialize)]
struct Write {
    what: &'static str,
    sql: &'static str,
}

/// Writes no API role may make: the pgTAP test expects each to fail for `anon` and
/// `authenticated` alike.
const WRITES: &[(&str, &str)] = &[
    (
        "create a customer",
        "insert into public.customers (user_id, stripe_customer_id) values ('11111111-1111-4111-8111-111111111111', 'cus_mine')",
    ),
    (
        "change a customer",
        "update public.customers set stripe_customer_id = 'cus_mine'",
    ),
    ("delete a customer", "delete from public.customers"),
    (
        "create a product",
        "insert into public.products (id, name, last_event_at) values ('prod_mine', 'Mine', now())",
    ),
    ("change a product", "update public.products set active = true"),
    ("delete a product", "delete from public.products"),
    (
        "create a price",
        "insert into public.prices (id, product_id, currency, type, last_event_at) values ('price_mine', 'prod_live', 'usd', 'recurring', now())",
    ),
    ("change a price", "update public.prices set unit_amount = 1"),
    ("delete a price", "delete from public.prices"),
    (
        "create a subscription",
        "insert into public.subscriptions (id, user_id, status, price_id, current_period_start, current_period_end, created, last_event_at) values ('sub_mine', '11111111-1111-4111-8111-111111111111', 'active', 'price_live', now(), now(), now(), now())",
    ),
    (
        "change a subscription",
        "update public.subscriptions set status = 'active'",
    ),
    ("delete a subscription", "delete from public.subscriptions"),
    (
        "record a webhook event",
        "insert into public.stripe_webhook_events (id, type) values ('evt_mine', 'product.created')",
    ),
];

impl Context {
    fn new(events: &[&'static str], layout: &Layout, migration: &Migration) -> Context {
        let under_source = |path: &str| match layout.source_root.as_str() {
            "." | "" => path.to_string(),
            root => format!("{root}/{path}"),
        };
        let paths = Paths {
            migration: migration.path(layout),
            rollback: migration.rollback_path(layout),
            test: format!("{}/stripe_billing.test.sql", layout.tests_dir),
            route: under_source("app/api/webhooks/stripe/route.ts"),
            stripe: format!("{}/stripe/server.ts", layout.lib_dir),
            sync: format!("{}/stripe/sync.ts", layout.lib_dir),
            admin: init::paths(layout).admin,
            actions: format!("{}/billing.ts", layout.actions_dir),
        };
        let shared = imports(layout, None);
        let imports = Imports {
            types: shared.types,
            action_result: shared.action_result,
            server: shared.server,
            admin: layout.import_path(&paths.admin),
            stripe: layout.import_path(&paths.stripe),
            sync: layout.import_path(&paths.sync),
            actions: layout.import_path(&paths.actions),
        };

        let mut dispatch: Vec<Dispatch> = Vec::new();
        for (name, handler, _) in EVENTS.iter().filter(|(n, _, _)| events.contains(n)) {
            match dispatch.last_mut() {
                Some(group) if group.handler == *handler => group.events.push(name),
                _ => dispatch.push(Dispatch {
                    events: vec![name],
                    handler: *handler,
                }),
            }
        }
        let mut handlers: Vec<Handler> = dispatch.iter().map(|d| d.handler).collect();
        handlers.sort_by_key(|h| serde_json::to_string(h).expect("a handler serializes"));
        handlers.dedup();

        let defaults = self::events(None).expect("the defaults are valid");
        let command_line = if events == defaults.as_slice() {
            "scaffold webhook stripe".to_string()
        } else {
            format!("scaffold webhook stripe --events {}", events.join(","))
        };

        Context {
            command: "scaffold webhook stripe",
            command_line,
            events: events.to_vec(),
            dispatch,
            handlers,
            paths,
            imports,
            env: init::ENV_ENTRIES
                .iter()
                .chain(STRIPE_ENV)
                .map(|entry| entry.key)
                .collect(),
            tables: billing_tables(),
            writes: WRITES
                .iter()
                .map(|(what, sql)| Write { what, sql })
                .collect(),
            test: IDS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn events_come_back_in_dispatch_order_without_repeats() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &[
                    "price.deleted",
                    "checkout.session.completed",
                    "price.deleted",
                ],
                &["checkout.session.completed", "price.deleted"],
            ),
            (&[" invoice.paid "], &["invoice.paid"]),
        ];
        for (given, want) in cases {
            assert_eq!(events(Some(&strings(given))).unwrap(), *want, "{given:?}");
        }
        assert_eq!(events(None).unwrap().len(), 12);
    }
}
