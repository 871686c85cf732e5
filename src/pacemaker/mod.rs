//! What pacemaker-fenced decides, each rule once: Pacemaker's parameter
//! names ([`params`]), host map and host list grammar, read and written
//! ([`hosts`]), time values ([`time`]), the host check and host argument
//! ([`host_check`]), which devices can fence a node ([`selection`]), which
//! levels apply to a node ([`topology`]), versions and cluster option
//! names ([`version`]), the CIB model ([`cib`]) and `validate`'s checks of
//! pcmk_* parameters ([`check`]).
//!
//! The reading functions reproduce the fencer of Pacemaker 2.1
//! (daemons/fenced/fenced_commands.c, lib/fencing/st_client.c), quirks
//! included, so that a plan made from them is what the cluster will do;
//! [`check`] says where that differs from what the administrator most
//! likely meant.

pub mod check;
pub mod cib;
pub mod fencer_state;
pub mod host_check;
pub mod hosts;
pub mod live;
pub mod params;
pub mod patch;
pub mod selection;
pub mod time;
pub mod topology;
pub mod version;

/// Something Pacemaker reads differently from how it was most likely meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The value loses or garbles something (else it is only suspicious).
    pub serious: bool,
    /// What the fencer does with it, and what to write instead.
    pub message: String,
}

impl Problem {
    pub(crate) fn serious(message: String) -> Problem {
        Problem {
            serious: true,
            message,
        }
    }

    pub(crate) fn doubtful(message: String) -> Problem {
        Problem {
            serious: false,
            message,
        }
    }
}
