//! SIGINT, SIGTERM and SIGHUP: noticed, never fatal mid-run.
//!
//! [`install`] runs once for every command. While a [`Cooperation`] lives
//! (an agent runs, a fence run is under way, a wait polls), a signal is only
//! recorded: the code notices it through [`received`] or [`interrupted`],
//! stops the agent's process tree, writes its audit record, and exits with
//! 128 + the signal. Outside such a section nothing holds a device or runs
//! an agent, so the signal ends fencectl at once, as it would by default.

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::Once;

/// The signals fencectl stops for.
const HANDLED: [libc::c_int; 3] = [libc::SIGHUP, libc::SIGINT, libc::SIGTERM];

/// The first signal that arrived (0: none).
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// How many sections currently notice signals instead of dying of them.
static COOPERATING: AtomicUsize = AtomicUsize::new(0);

/// /dev/null, opened at install: after SIGHUP a terminal on stdout or
/// stderr is gone, and writes to it would fail (EIO).
static DEV_NULL: AtomicI32 = AtomicI32::new(-1);

/// Bit 0: stdout is a terminal; bit 1: stderr is.
static TERMINALS: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    // Only async-signal-safe calls here: atomics, dup2, _exit.
    let _ = RECEIVED.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
    if signal == libc::SIGHUP {
        let null = DEV_NULL.load(Ordering::SeqCst);
        let terminals = TERMINALS.load(Ordering::SeqCst);
        if null >= 0 {
            for (bit, fd) in [(1, libc::STDOUT_FILENO), (2, libc::STDERR_FILENO)] {
                if terminals & bit != 0 {
                    // SAFETY: dup2 is async-signal-safe; both descriptors are ours.
                    unsafe { libc::dup2(null, fd) };
                }
            }
        }
    }
    if COOPERATING.load(Ordering::SeqCst) == 0 {
        // Nothing runs and nothing is held: end now, with the same code a
        // noticed signal gives (128 + the signal).
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(128 + signal) };
    }
}

/// Installs the handlers (once per process). A signal that was ignored
/// when fencectl started (`nohup`, a background job) stays ignored.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: isatty and open have no memory preconditions; the
        // descriptor is kept for the life of the process.
        unsafe {
            let mut terminals = 0;
            if libc::isatty(libc::STDOUT_FILENO) == 1 {
                terminals |= 1;
            }
            if libc::isatty(libc::STDERR_FILENO) == 1 {
                terminals |= 2;
            }
            TERMINALS.store(terminals, Ordering::SeqCst);
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            DEV_NULL.store(null, Ordering::SeqCst);
        }
        for signal in HANDLED {
            install_one(signal);
        }
    });
}

fn install_one(signal: libc::c_int) {
    // SAFETY: sigaction with zeroed, then filled, structures; the handler
    // is async-signal-safe (see on_signal).
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signal, std::ptr::null(), &mut old) != 0 {
            return;
        }
        if old.sa_sigaction == libc::SIG_IGN {
            return;
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
    }
}

/// The signal that asked fencectl to stop, if one did.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Whether SIGINT, SIGTERM or SIGHUP arrived: what was running should stop.
pub fn interrupted() -> bool {
    received().is_some()
}

/// The signal's usual name, for messages.
pub fn name(signal: i32) -> &'static str {
    match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// While this lives, SIGINT, SIGTERM and SIGHUP are recorded for the code
/// to notice instead of ending fencectl.
#[must_use = "signals are noticed only while the guard lives"]
pub struct Cooperation(());

/// Starts a section that notices signals (see [`Cooperation`]).
pub fn cooperate() -> Cooperation {
    COOPERATING.fetch_add(1, Ordering::SeqCst);
    Cooperation(())
}

impl Drop for Cooperation {
    fn drop(&mut self) {
        COOPERATING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Writes a line to stderr, ignoring failure: after SIGHUP (a dropped SSH
/// session) stderr may be a closed pipe or a vanished terminal, and a
/// diagnostic that cannot be shown must not turn into a panic.
pub fn eprint_line(text: &str) {
    use std::io::Write;
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// `eprintln!` that ignores write errors (see [`eprint_line`]).
#[macro_export]
#[doc(hidden)]
macro_rules! eprintln_quiet {
    ($($arg:tt)*) => {
        $crate::sys::signal::eprint_line(&format!($($arg)*))
    };
}
