//! Links the `scaffold` binary as a position-dependent executable on Linux.
//!
//! A generator is started once per command, so its start is part of every run (see
//! bench/start.rs). A position-independent executable is relocated by the dynamic loader at
//! each start: every pointer in its read-only data (about 11,000 of them: vtables, string
//! tables, the embedded templates' index) is rewritten, which touches 50 pages and makes about
//! 50 page faults before `main`. Linked at a fixed address, it has none to apply: `--version`
//! makes 141 page faults instead of 192. What it gives up is address space layout
//! randomization of the binary itself (the libraries and the stack are still randomized): a
//! hardening against memory-safety exploits, which matter little for a short-lived command that
//! reads only its user's own input and project.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
