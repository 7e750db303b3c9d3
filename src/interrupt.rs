//! Ctrl-C. Before the write, it stops scaffold at once with exit code 130: nothing has been
//! written. While files are being written ([`hold`]), it waits until the write is done, so it
//! never leaves some of a plan's files written and the rest not; the run then ends with exit
//! code 130 and says that everything was written. A second Ctrl-C during the write stops at
//! once, as the default would: the way out should the write hang (say, on the session lock).
//!
//! The handler is installed by the first of the wizard ([`on_stop`]) and the write; until
//! then, Ctrl-C has its default effect, which is the same: the process ends, nothing written.

use std::sync::atomic::{AtomicU8, Ordering::SeqCst};
use std::sync::{Once, OnceLock};

use crate::error::Error;

const RUNNING: u8 = 0;
const WRITING: u8 = 1;
/// Ctrl-C came while writing: honoured when the write is done.
const HELD: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(RUNNING);
static CLEANUP: OnceLock<fn()> = OnceLock::new();

/// Has Ctrl-C run `cleanup` before stopping the process (the wizard shows the cursor again,
/// which its lists hide). Only the first cleanup given counts.
pub fn on_stop(cleanup: fn()) {
    let _ = CLEANUP.set(cleanup);
    install();
}

/// Runs `write` with Ctrl-C held until it returns. When Ctrl-C came meanwhile, a successful
/// write becomes [`Error::Interrupted`]; a failed one (rolled back) stays its own error.
pub fn hold(write: impl FnOnce() -> Result<(), Error>) -> Result<(), Error> {
    install();
    STATE.store(WRITING, SeqCst);
    let result = write();
    let held = STATE.swap(RUNNING, SeqCst) == HELD;
    match result {
        Ok(()) if held => Err(Error::Interrupted),
        result => result,
    }
}

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // If this fails, Ctrl-C keeps its default and ends the process at once: only the
        // cursor fix and the hold during the write are lost.
        let _ = ctrlc::set_handler(on_ctrl_c);
    });
}

fn on_ctrl_c() {
    if STATE
        .compare_exchange(WRITING, HELD, SeqCst, SeqCst)
        .is_ok()
    {
        eprintln!("\nfinishing the write first (Ctrl-C again stops at once, maybe half-way)");
        return;
    }
    if let Some(cleanup) = CLEANUP.get() {
        cleanup();
    }
    std::process::exit(130);
}

#[cfg(all(test, unix))]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// Sends this process SIGINT, as Ctrl-C does, and waits until the handler has seen it.
    fn press_ctrl_c() {
        let status = std::process::Command::new("kill")
            .args(["-INT", &std::process::id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while STATE.load(SeqCst) != HELD {
            assert!(Instant::now() < deadline, "the handler never saw SIGINT");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn ctrl_c_during_the_write_waits_for_it_to_finish() {
        // (what, Ctrl-C during the write, the write fails, what `hold` returns)
        let cases = [
            ("no Ctrl-C: the write's result", false, false, "Ok(())"),
            (
                "no Ctrl-C, failed write: its error",
                false,
                true,
                "rolled back",
            ),
            (
                "Ctrl-C: the write finishes, then stops",
                true,
                false,
                "Interrupted",
            ),
            ("Ctrl-C, failed write: its error", true, true, "rolled back"),
        ];
        for (what, ctrl_c, fails, want) in cases {
            let mut finished = false;
            let result = hold(|| {
                if ctrl_c {
                    press_ctrl_c();
                }
                finished = true;
                if fails {
                    Err(Error::Conflict("rolled back".into()))
                } else {
                    Ok(())
                }
            });
            assert!(finished, "{what}: the write ran to its end");
            assert!(format!("{result:?}").contains(want), "{what}: {result:?}");
            assert_eq!(
                STATE.load(SeqCst),
                RUNNING,
                "{what}: Ctrl-C stops at once again"
            );
        }
    }
}
