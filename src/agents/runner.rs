//! Running a fence agent as a child process: arguments on stdin only, a
//! deadline after which its whole process group is killed, and a cap on
//! how much output is kept.

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// The most output kept from one stream of an agent.
pub const DEFAULT_OUTPUT_CAP: usize = 8 * 1024 * 1024;

/// How long a process group gets between SIGTERM and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(2);

/// Set by the SIGINT/SIGTERM handler: a running agent is then stopped.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes Ctrl-C (and SIGTERM) stop the running agent's whole process group
/// and report the run as interrupted, instead of killing fencectl alone
/// and leaving the agent running in its own group.
pub fn install_interrupt_handler() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Whether an interrupt arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// A callback that sees each line an agent prints, as it prints it:
/// `(is_stderr, line)`.
pub type Echo = Arc<dyn Fn(bool, &str) + Send + Sync>;

/// What to run and how.
#[derive(Clone)]
pub struct Invocation<'a> {
    pub program: &'a Path,
    /// Command-line arguments: never secrets (those go in `stdin`).
    pub args: Vec<String>,
    /// Bytes for the agent's stdin; `None` closes it at once.
    pub stdin: Option<Vec<u8>>,
    pub timeout: Duration,
    pub output_cap: usize,
    /// Streams the agent's output lines as they come (fence -vvv).
    pub echo: Option<Echo>,
}

impl std::fmt::Debug for Invocation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// How an agent run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The process exited with this code.
    Exited(i32),
    /// The process was ended by this signal (not by us).
    Signalled(i32),
    /// It ran past the deadline and its process group was killed.
    TimedOut,
    /// It printed more than the cap and its process group was killed.
    TooMuchOutput,
    /// fencectl was interrupted and killed the process group.
    Interrupted,
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct AgentRun {
    pub ending: Ending,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
}

impl AgentRun {
    pub fn success(&self) -> bool {
        self.ending == Ending::Exited(0)
    }

    /// A one-line reason for a run that did not exit 0.
    pub fn failure_reason(&self, timeout: Duration) -> String {
        match &self.ending {
            Ending::Exited(0) => "succeeded".into(),
            Ending::Exited(code) => {
                let first_line = first_meaningful_line(&self.stderr)
                    .or_else(|| first_meaningful_line(&self.stdout));
                match first_line {
                    Some(line) => format!("exited {code}: {line}"),
                    None => format!("exited {code}"),
                }
            }
            Ending::Signalled(signal) => format!("killed by signal {signal}"),
            Ending::TimedOut => format!(
                "timed out after {} (its processes were killed)",
                crate::timespec::format(timeout)
            ),
            Ending::TooMuchOutput => {
                "printed more output than fencectl keeps; it was killed".into()
            }
            Ending::Interrupted => {
                "interrupted: fencectl was stopped (Ctrl-C) and killed the agent".into()
            }
        }
    }
}

fn first_meaningful_line(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(|line| line.chars().take(200).collect())
}

/// Runs an agent to completion or to its deadline.
pub fn run(invocation: &Invocation<'_>) -> Result<AgentRun> {
    let started = Instant::now();
    let mut command = Command::new(invocation.program);
    command
        .args(&invocation.args)
        .stdin(if invocation.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout can end its children too.
        .process_group(0);
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {}", invocation.program.display()))?;
    let group = ProcessGroup(child.id() as libc::pid_t);

    if let Some(bytes) = invocation.stdin.clone() {
        let mut stdin = child.stdin.take().expect("stdin was piped");
        // An agent may exit without reading: a broken pipe is its answer, not ours.
        thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }

    let (overflow_tx, overflow_rx) = mpsc::channel();
    let echo = |is_stderr: bool| {
        invocation.echo.clone().map(|echo| {
            let mut pending = Vec::new();
            move |chunk: &[u8], done: bool| {
                pending.extend_from_slice(chunk);
                while let Some(newline) = pending.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=newline).collect();
                    echo(
                        is_stderr,
                        String::from_utf8_lossy(&line[..line.len() - 1]).as_ref(),
                    );
                }
                if done && !pending.is_empty() {
                    echo(is_stderr, String::from_utf8_lossy(&pending).as_ref());
                    pending.clear();
                }
            }
        })
    };
    let stdout = capture(
        child.stdout.take(),
        invocation.output_cap,
        overflow_tx.clone(),
        echo(false),
    );
    let stderr = capture(
        child.stderr.take(),
        invocation.output_cap,
        overflow_tx,
        echo(true),
    );

    let ending = wait(child, &group, invocation.timeout, started, &overflow_rx)?;
    // Whatever the agent left behind in its group must not outlive it.
    group.signal(libc::SIGKILL);
    Ok(AgentRun {
        ending,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    })
}

fn wait(
    child: Child,
    group: &ProcessGroup,
    timeout: Duration,
    started: Instant,
    overflow: &mpsc::Receiver<()>,
) -> Result<Ending> {
    // A thread blocks in wait(2) so that an exit is seen the moment it
    // happens; this thread watches the deadline, the output cap and Ctrl-C.
    let (exit_tx, exit) = mpsc::channel();
    let mut child = child;
    thread::spawn(move || {
        let _ = exit_tx.send(child.wait());
    });
    let deadline = started + timeout;
    loop {
        let now = Instant::now();
        let step = Duration::from_millis(50).min(deadline.saturating_duration_since(now));
        match exit.recv_timeout(step) {
            Ok(status) => {
                let status = status.context("waiting for the agent")?;
                // A reader that hit the cap closed its pipe: the agent may have
                // died of SIGPIPE, but the cause is its output.
                if overflow.try_recv().is_ok() {
                    return Ok(Ending::TooMuchOutput);
                }
                return Ok(match (status.code(), status.signal()) {
                    (Some(code), _) => Ending::Exited(code),
                    (None, Some(signal)) => Ending::Signalled(signal),
                    (None, None) => Ending::Signalled(0),
                });
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                anyhow::bail!("lost track of the agent process")
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let ending = if overflow.try_recv().is_ok() {
            Ending::TooMuchOutput
        } else if interrupted() {
            Ending::Interrupted
        } else if Instant::now() >= deadline {
            Ending::TimedOut
        } else {
            continue;
        };
        group.terminate(&exit);
        return Ok(ending);
    }
}

/// A child's process group, signalled as a whole.
struct ProcessGroup(libc::pid_t);

impl ProcessGroup {
    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) with a negative pid signals a process group; it
        // touches no memory of ours.
        unsafe {
            libc::kill(-self.0, signal);
        }
    }

    /// SIGTERM, a grace period, then SIGKILL; waits until the child is reaped.
    fn terminate<T>(&self, exited: &mpsc::Receiver<T>) {
        self.signal(libc::SIGTERM);
        if exited.recv_timeout(KILL_GRACE).is_err() {
            self.signal(libc::SIGKILL);
            let _ = exited.recv();
        }
    }
}

/// Reads a stream to its end, keeping at most `cap` bytes; past the cap it
/// tells the waiter, which kills the agent.
fn capture<R: Read + Send + 'static, E: FnMut(&[u8], bool) + Send + 'static>(
    stream: Option<R>,
    cap: usize,
    overflow: mpsc::Sender<()>,
    mut echo: Option<E>,
) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let Some(mut stream) = stream else {
            return kept;
        };
        let mut buffer = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    if let Some(echo) = echo.as_mut() {
                        echo(&buffer[..n], false);
                    }
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buffer[..n.min(room)]);
                    if n > room {
                        let _ = overflow.send(());
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        if let Some(echo) = echo.as_mut() {
            echo(&[], true);
        }
        kept
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> AgentRun {
        run(&Invocation {
            program: Path::new("/bin/sh"),
            args: vec!["-c".into(), script.into()],
            stdin: None,
            timeout,
            output_cap: 1024,
            echo: None,
        })
        .unwrap()
    }

    #[test]
    fn exit_codes_and_output() {
        let run = sh("echo out; echo err >&2; exit 3", Duration::from_secs(5));
        assert_eq!(run.ending, Ending::Exited(3));
        assert_eq!(run.stdout, b"out\n");
        assert!(run.failure_reason(Duration::ZERO).contains("err"));
    }

    #[test]
    fn timeout_kills_children() {
        let run = sh("sleep 30 & sleep 30; wait", Duration::from_millis(300));
        assert_eq!(run.ending, Ending::TimedOut);
        assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    }

    #[test]
    fn output_is_capped() {
        let run = sh("yes", Duration::from_secs(10));
        assert_eq!(run.ending, Ending::TooMuchOutput);
        assert_eq!(run.stdout.len(), 1024);
    }

    #[test]
    fn stdin_is_delivered() {
        let run = run(&Invocation {
            program: Path::new("/bin/cat"),
            args: vec![],
            stdin: Some(b"action=status\n".to_vec()),
            timeout: Duration::from_secs(5),
            output_cap: 1024,
            echo: None,
        })
        .unwrap();
        assert_eq!(run.stdout, b"action=status\n");
    }
}
