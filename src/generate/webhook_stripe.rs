//! `scaffold webhook stripe`: a Stripe webhook that keeps customers, products, prices and
//! subscriptions in sync, with its migration, rollback and pgTAP test, the Stripe and admin
//! Supabase clients, billing server actions and the `.env.example` entries they need. Every
//! decision is made here; the templates only lay it out.

use serde::Serialize;

use super::init::{self, EnvEntry};
use super::{imports, Migration};
use crate::error::Error;
use crate::plan::{Ownership, Plan};
use crate::project::{Layout, Project};
use crate::render::Renderer;
use crate::session::SessionEntry;

/// The migration's name, after its timestamp.
pub const MIGRATION_NAME: &str = "create_stripe_billing";

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
/// or empty entries are input errors naming the entry and listing the allowed events.
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
        (
            "webhook_stripe/supabase/migrations/create_stripe_billing.sql",
            &paths.migration,
        ),
        (
            "webhook_stripe/supabase/rollbacks/create_stripe_billing.down.sql",
            &paths.rollback,
        ),
        (
            "webhook_stripe/supabase/tests/database/stripe_billing.test.sql",
            &paths.test,
        ),
        (
            "webhook_stripe/app/api/webhooks/stripe/route.ts",
            &paths.route,
        ),
        ("webhook_stripe/lib/stripe/server.ts", &paths.stripe),
        ("webhook_stripe/lib/stripe/sync.ts", &paths.sync),
        ("webhook_stripe/app/actions/billing.ts", &paths.actions),
    ] {
        plan.generated(path.clone(), renderer.render(template, &context)?);
    }
    init::admin_client(&mut plan, project, renderer)?;
    super::shared_files(&mut plan, project, renderer)?;
    let existing = project.read(init::ENV_EXAMPLE)?;
    let env = init::merge_env(existing.as_deref(), renderer)?;
    plan.add(
        init::ENV_EXAMPLE,
        init::append_env(Some(&env), STRIPE_ENV, renderer)?,
        Ownership::Merged,
    );
    plan.record(SessionEntry::render(
        renderer,
        "webhook:stripe",
        "webhook_stripe/session.md",
        &context,
    )?);
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
    tables: Vec<TableTest>,
    writes: Vec<Write>,
    t: TestIds,
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

#[derive(Serialize)]
struct TableTest {
    name: &'static str,
    policies: &'static str,
}

#[derive(Serialize)]
struct Write {
    what: &'static str,
    sql: &'static str,
}

#[derive(Serialize)]
struct TestIds {
    owner: &'static str,
    other: &'static str,
}

/// Each table of the migration with its policies, as the pgTAP test lists them.
const TABLES: &[(&str, &str)] = &[
    ("customers", "'users can read their customer'"),
    ("products", "'anyone can read active products'"),
    ("prices", "'anyone can read active prices'"),
    ("subscriptions", "'users can read their subscriptions'"),
    ("stripe_webhook_events", "'no client access'"),
];

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
            tables: TABLES
                .iter()
                .map(|(name, policies)| TableTest { name, policies })
                .collect(),
            writes: WRITES
                .iter()
                .map(|(what, sql)| Write { what, sql })
                .collect(),
            t: TestIds {
                owner: "11111111-1111-4111-8111-111111111111",
                other: "22222222-2222-4222-8222-222222222222",
            },
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
