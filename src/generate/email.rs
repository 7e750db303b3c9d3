//! Transactional email: what the generated code that sends it needs from the environment. The
//! sending module (`lib/email/send.ts`, Resend) and the invitation email (React Email) are shared
//! modules ([`super::Shared::EMAIL`]); a tenant root's invitations are what sends today.

use super::init::EnvEntry;

/// The variables `.env.example` gains with the first tenant root, besides the Supabase ones.
pub const ENV: &[EnvEntry] = &[
    EnvEntry {
        key: "RESEND_API_KEY",
        comment: "Resend API key (re_...): server only. Without it, invitations are still made and say why their email was not sent.",
        value: "",
    },
    EnvEntry {
        key: "EMAIL_FROM",
        comment: "Sender of the emails, on a domain verified in Resend, e.g. `Acme <team@acme.com>`.",
        value: "",
    },
    EnvEntry {
        key: "SITE_URL",
        comment: "This app's public address: the links in emails point here (never at a request's Host header).",
        value: "http://localhost:3000",
    },
];
