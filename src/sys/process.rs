//! Running a child process tree within a deadline.
//!
//! An agent runs in its own process group with a mark in its environment
//! that its descendants inherit. fencectl is a child subreaper, so a
//! descendant that escapes (`setsid ... &`, a daemonising helper such as
//! ssh ControlPersist) is reparented to fencectl instead of init. One
//! thread reads the agent's output with poll(2) on non-blocking pipes, so
//! no thread ever blocks on a pipe that a leftover process keeps open; the
//! run stops at the deadline, on a signal, or shortly after the agent
//! exits. Then every process the agent started is found (its group, its
//! descendants, processes carrying its mark), sent SIGTERM, then SIGKILL,
//! and those reparented to fencectl are reaped by pid: never
//! `waitpid(-1)`, which would steal the children of parallel runs.

use std::collections::{BTreeMap, HashMap};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::signal;

/// The most output kept from one stream of an agent.
pub const DEFAULT_OUTPUT_CAP: usize = 8 * 1024 * 1024;

/// How long processes get between SIGTERM and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(2);

/// How long killed processes get to disappear after SIGKILL before
/// fencectl stops waiting for them (a process in uninterruptible sleep).
const KILL_WAIT: Duration = Duration::from_secs(2);

/// After the agent exits, how long the output still in flight is read
/// before the pipes are closed (a leftover may hold them open forever).
const OUTPUT_GRACE: Duration = Duration::from_millis(300);

/// The longest wait between looks at the deadline and the signals.
const TICK: Duration = Duration::from_millis(50);

/// How often a running agent's process tree is noted, so that a
/// descendant is still known after its parent dies.
const SCAN_EVERY: Duration = Duration::from_millis(500);

/// The environment variable that marks the processes of one run.
const RUN_MARK: &str = "FENCECTL_RUN";

/// A callback that sees each line an agent prints, as it prints it:
/// `(is_stderr, line)`.
pub type Echo = Arc<dyn Fn(bool, &str) + Send + Sync>;

/// A flag a program raises to stop a run: the library's way to interrupt
/// an agent without any signal handler. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks every run that watches this token to stop: the agent's
    /// processes are killed and the run ends as interrupted.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What stops a run early: the process-wide signals the CLI handles, or
/// a caller's [`CancelToken`] (the library, which installs no handler).
#[derive(Debug, Clone, Default)]
pub enum Stop {
    /// SIGINT, SIGTERM or SIGHUP noticed by [`signal`] (the CLI).
    #[default]
    Signals,
    /// The token was cancelled.
    Token(CancelToken),
}

impl Stop {
    /// Whether the run should stop now.
    pub fn requested(&self) -> bool {
        match self {
            Stop::Signals => signal::interrupted(),
            Stop::Token(token) => token.is_cancelled(),
        }
    }
}

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
    /// It ran past the deadline and its processes were killed.
    TimedOut,
    /// It printed more than the cap and its processes were killed.
    TooMuchOutput,
    /// fencectl was interrupted (SIGINT, SIGTERM, SIGHUP) and killed its processes.
    Interrupted,
}

/// A process the agent left behind, which fencectl killed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub pid: i32,
    /// Its command name (`/proc/PID/comm`).
    pub name: String,
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct AgentRun {
    pub ending: Ending,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
    /// Processes other than the agent itself that were still running when
    /// the run ended, and were killed.
    pub killed: Vec<Leftover>,
}

impl AgentRun {
    pub fn success(&self) -> bool {
        self.ending == Ending::Exited(0)
    }

    /// A one-line reason for a run that did not exit 0.
    pub fn failure_reason(&self, timeout: Duration) -> String {
        self.failure_reason_masked(timeout, &|line| line.to_string())
    }

    /// [`AgentRun::failure_reason`] with `mask` applied to the part quoted
    /// from the agent's output, and to nothing of fencectl's own words.
    pub fn failure_reason_masked(
        &self,
        timeout: Duration,
        mask: &dyn Fn(&str) -> String,
    ) -> String {
        match &self.ending {
            Ending::Exited(0) => "succeeded".into(),
            Ending::Exited(code) => {
                let line = agent_error_line(&format!(
                    "{}\n{}",
                    String::from_utf8_lossy(&self.stdout),
                    String::from_utf8_lossy(&self.stderr)
                ));
                match line {
                    Some(line) => format!("exited {code}: {}", mask(&line)),
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
                let Some(by) = signal::received().map(signal::name) else {
                    return "interrupted: the run was cancelled and the agent killed".into();
                };
                format!("interrupted: fencectl was stopped ({by}) and killed the agent")
            }
        }
    }

    /// What was killed after the run, e.g. `killed 1 leftover process (pid
    /// 42: sleep)`; `None` when the agent left nothing behind.
    pub fn leftovers(&self) -> Option<String> {
        if self.killed.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .killed
            .iter()
            .map(|p| format!("pid {}: {}", p.pid, p.name))
            .collect();
        let plural = if self.killed.len() == 1 { "" } else { "es" };
        Some(format!(
            "killed {} leftover process{plural} ({})",
            self.killed.len(),
            list.join(", ")
        ))
    }
}

/// The line of an agent's output that says why it failed: the last line
/// with `ERROR` or `Failed` (fence-agents log their real error last, after
/// warnings such as Python's `WARNING: Parse error: Ignoring option`), else
/// the last line that is not a warning, else the last line; at most 200
/// characters. A run's reason looks at its stdout and then its stderr as
/// one text, so an error on stdout is not hidden by a warning on stderr.
/// fence, run, the audit log and the library's Outcome all quote this
/// line.
pub fn agent_error_line(output: &str) -> Option<String> {
    let lines: Vec<&str> = output
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let is_warning = |line: &&&str| line.starts_with("WARNING") || line.contains("WARNING:");
    let chosen = lines
        .iter()
        .rev()
        .find(|line| line.contains("ERROR") || line.contains("Failed"))
        .or_else(|| lines.iter().rev().find(|line| !is_warning(line)))
        .or(lines.last())?;
    Some(chosen.chars().take(200).collect())
}

/// Makes fencectl the reaper of its descendants' orphans (once per process),
/// so that an agent's escaped descendants stay within reach.
fn become_subreaper() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: prctl with an integer argument; it touches no memory of ours.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
    });
}

/// The agents this fencectl runs right now (its own direct children, one
/// per concurrent run): another run's leftovers are any other child.
static RUNNING: std::sync::Mutex<Vec<libc::pid_t>> = std::sync::Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<libc::pid_t>> {
    RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A mark unique to one run within this fencectl.
fn next_mark() -> String {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}.{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::SeqCst)
    )
}

/// Runs an agent to completion or to its deadline, then kills whatever it
/// left behind; a signal (see [`signal`]) stops it.
pub fn run(invocation: &Invocation<'_>) -> Result<AgentRun> {
    run_until(invocation, &Stop::Signals)
}

/// [`run`], stopped early by `stop`.
pub fn run_until(invocation: &Invocation<'_>, stop: &Stop) -> Result<AgentRun> {
    become_subreaper();
    // Signals are noticed, not fatal, while the agent's processes exist
    // (a no-op without the CLI's handlers).
    let _cooperation = signal::cooperate();
    let started = Instant::now();
    let mark = next_mark();
    let mut command = Command::new(invocation.program);
    command
        .args(&invocation.args)
        .env(RUN_MARK, &mark)
        .stdin(if invocation.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a signal to fencectl's group
        // (Ctrl-C) reaches fencectl alone, which then stops the agent.
        .process_group(0);
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {}", invocation.program.display()))?;
    running().push(child.id() as libc::pid_t);
    let mut agent = Agent::new(&child, mark);
    let exit_fd = PidFd::open(child.id() as libc::pid_t);
    let mut pipes = Pipes {
        stdout: Capture::new(child.stdout.take(), invocation, false),
        stderr: Capture::new(child.stderr.take(), invocation, true),
        stdin: Feed::new(child.stdin.take(), invocation.stdin.as_deref()),
    };
    let stopped = watch(
        &mut child,
        &mut agent,
        &mut pipes,
        exit_fd.as_ref(),
        started + invocation.timeout,
        stop,
    );
    pipes.stdin = Feed::default();
    let killed = agent.stop_all(&mut child);
    running().retain(|&pid| pid != agent.pid);
    // What the processes wrote before they died is still in the pipes.
    pipes.stdout.read_available();
    pipes.stderr.read_available();
    let ending = match (stopped, agent.status) {
        (Some(ending), _) => ending,
        (None, Some(status)) => match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Exited(code),
            (None, Some(signal)) => Ending::Signalled(signal),
            (None, None) => Ending::Signalled(0),
        },
        (None, None) => anyhow::bail!("lost track of the agent process"),
    };
    Ok(AgentRun {
        ending,
        stdout: pipes.stdout.finish(),
        stderr: pipes.stderr.finish(),
        elapsed: started.elapsed(),
        killed,
    })
}

/// The agent's pipes, as fencectl's side sees them.
struct Pipes {
    stdout: Capture,
    stderr: Capture,
    stdin: Feed,
}

/// Reads output and feeds stdin until the agent exits (and its output has
/// been read, or the grace after its exit is over), or until the run must
/// stop: then returns why.
fn watch(
    child: &mut Child,
    agent: &mut Agent,
    pipes: &mut Pipes,
    exit_fd: Option<&PidFd>,
    deadline: Instant,
    stop: &Stop,
) -> Option<Ending> {
    let mut reading_until: Option<Instant> = None;
    let mut next_scan = Instant::now() + SCAN_EVERY;
    loop {
        let now = Instant::now();
        if agent.status.is_none() {
            if let Ok(Some(status)) = child.try_wait() {
                agent.status = Some(status);
                reading_until = Some(now + OUTPUT_GRACE);
            }
        }
        if pipes.stdout.overflowed || pipes.stderr.overflowed {
            return Some(Ending::TooMuchOutput);
        }
        let output_done = pipes.stdout.done() && pipes.stderr.done();
        match reading_until {
            Some(until) if output_done || now >= until || stop.requested() => return None,
            Some(_) => {}
            None if stop.requested() => return Some(Ending::Interrupted),
            None if now >= deadline => return Some(Ending::TimedOut),
            None => {}
        }
        if now >= next_scan {
            agent.scan();
            next_scan = now + SCAN_EVERY;
        }
        let wake = reading_until.unwrap_or(deadline).min(now + TICK);
        let exit_fd = exit_fd.filter(|_| agent.status.is_none()).map(PidFd::fd);
        wait_for_pipes(pipes, exit_fd, wake.saturating_duration_since(now));
        pipes.stdout.read_available();
        pipes.stderr.read_available();
        pipes.stdin.write_available();
    }
}

/// poll(2) on the open pipes (and the agent's pidfd, which wakes the
/// wait the moment the agent exits) for at most `limit`.
fn wait_for_pipes(pipes: &Pipes, exit_fd: Option<RawFd>, limit: Duration) {
    let mut fds: Vec<libc::pollfd> = [pipes.stdout.fd(), pipes.stderr.fd()]
        .into_iter()
        .flatten()
        .map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    if let Some(fd) = pipes.stdin.fd() {
        fds.push(libc::pollfd {
            fd,
            events: libc::POLLOUT,
            revents: 0,
        });
    }
    if let Some(fd) = exit_fd {
        fds.push(libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
    }
    let millis = i32::try_from(limit.as_millis()).unwrap_or(i32::MAX).max(1);
    // SAFETY: `fds` is a live array of `fds.len()` pollfd structures. An
    // EINTR (a signal) just ends the wait early.
    unsafe {
        libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, millis);
    }
}

/// A pidfd (Linux 5.3): readable when the process exits, so the wait for
/// an agent ends at its exit instead of at the next tick. Without pidfd
/// support the tick still notices the exit.
struct PidFd(RawFd);

impl PidFd {
    fn open(pid: libc::pid_t) -> Option<PidFd> {
        // SAFETY: pidfd_open(2) on our own unreaped child; it returns a new
        // descriptor or -1 and touches no memory of ours.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        (fd >= 0).then(|| PidFd(fd as RawFd))
    }

    fn fd(&self) -> RawFd {
        self.0
    }
}

impl Drop for PidFd {
    fn drop(&mut self) {
        // SAFETY: closing the descriptor this value owns, once.
        unsafe {
            libc::close(self.0);
        }
    }
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on a descriptor we own; O_NONBLOCK applies to our end
    // of the pipe only (the agent's end is another open file description).
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

/// One output stream: kept up to the cap, echoed line by line.
struct Capture {
    pipe: Option<Box<dyn ReadFd>>,
    kept: Vec<u8>,
    cap: usize,
    overflowed: bool,
    echo: Option<LineEcho>,
}

/// A readable pipe end.
trait ReadFd: Read + AsRawFd {}
impl<T: Read + AsRawFd> ReadFd for T {}

impl Capture {
    fn new<R: ReadFd + 'static>(
        pipe: Option<R>,
        invocation: &Invocation<'_>,
        is_stderr: bool,
    ) -> Self {
        if let Some(pipe) = &pipe {
            set_nonblocking(pipe.as_raw_fd());
        }
        Capture {
            pipe: pipe.map(|p| Box::new(p) as Box<dyn ReadFd>),
            kept: Vec::new(),
            cap: invocation.output_cap,
            overflowed: false,
            echo: invocation.echo.clone().map(|echo| LineEcho {
                echo,
                is_stderr,
                pending: Vec::new(),
            }),
        }
    }

    fn fd(&self) -> Option<RawFd> {
        self.pipe.as_ref().map(|p| p.as_raw_fd())
    }

    fn done(&self) -> bool {
        self.pipe.is_none()
    }

    /// Reads what the pipe holds now, without waiting.
    fn read_available(&mut self) {
        let mut buffer = [0u8; 64 * 1024];
        // A bounded number of reads, so a flood cannot keep us here.
        for _ in 0..64 {
            let Some(pipe) = self.pipe.as_mut() else {
                return;
            };
            match pipe.read(&mut buffer) {
                Ok(0) => self.pipe = None,
                Ok(n) => self.keep(&buffer[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => self.pipe = None,
            }
        }
    }

    fn keep(&mut self, bytes: &[u8]) {
        if let Some(echo) = self.echo.as_mut() {
            echo.feed(bytes);
        }
        let room = self.cap.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        if bytes.len() > room {
            self.overflowed = true;
            self.pipe = None;
        }
    }

    fn finish(&mut self) -> Vec<u8> {
        self.pipe = None;
        if let Some(echo) = self.echo.as_mut() {
            echo.flush();
        }
        std::mem::take(&mut self.kept)
    }
}

/// Splits output into lines for an [`Echo`].
struct LineEcho {
    echo: Echo,
    is_stderr: bool,
    pending: Vec<u8>,
}

impl LineEcho {
    fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        while let Some(newline) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=newline).collect();
            (self.echo)(
                self.is_stderr,
                &String::from_utf8_lossy(&line[..line.len() - 1]),
            );
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            (self.echo)(self.is_stderr, &String::from_utf8_lossy(&self.pending));
            self.pending.clear();
        }
    }
}

/// The agent's stdin: written as the agent reads, closed when all is sent.
#[derive(Default)]
struct Feed {
    pipe: Option<std::process::ChildStdin>,
    bytes: Vec<u8>,
    sent: usize,
}

impl Feed {
    fn new(pipe: Option<std::process::ChildStdin>, bytes: Option<&[u8]>) -> Feed {
        if let Some(pipe) = &pipe {
            set_nonblocking(pipe.as_raw_fd());
        }
        let mut feed = Feed {
            pipe,
            bytes: bytes.unwrap_or_default().to_vec(),
            sent: 0,
        };
        feed.write_available();
        feed
    }

    fn fd(&self) -> Option<RawFd> {
        self.pipe.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// Writes what the pipe takes now; an agent may exit without reading,
    /// and a broken pipe is its answer, not ours.
    fn write_available(&mut self) {
        while let Some(pipe) = self.pipe.as_mut() {
            if self.sent >= self.bytes.len() {
                self.pipe = None;
                return;
            }
            match pipe.write(&self.bytes[self.sent..]) {
                Ok(0) => self.pipe = None,
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => self.pipe = None,
            }
        }
    }
}

/// What /proc says of one process.
#[derive(Debug, Clone)]
struct ProcInfo {
    ppid: libc::pid_t,
    pgrp: libc::pid_t,
    zombie: bool,
    /// Clock ticks after boot: with the pid, names one process for good.
    start: u64,
    name: String,
}

/// Every process on the host, from /proc/PID/stat.
fn processes() -> HashMap<libc::pid_t, ProcInfo> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: libc::pid_t = entry.file_name().to_str()?.parse().ok()?;
            // One read: a stat line is a few hundred bytes.
            let mut buffer = [0u8; 1024];
            let read = std::fs::File::open(entry.path().join("stat"))
                .and_then(|mut file| std::io::Read::read(&mut file, &mut buffer))
                .ok()?;
            Some((pid, parse_stat(std::str::from_utf8(&buffer[..read]).ok()?)?))
        })
        .collect()
}

/// Parses `pid (comm) state ppid pgrp session ... starttime ...`; the
/// command name may itself hold spaces and parentheses.
fn parse_stat(stat: &str) -> Option<ProcInfo> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_string();
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    // fields[0] is the state (field 3); starttime is field 22.
    Some(ProcInfo {
        zombie: fields.first()? == &"Z",
        ppid: fields.get(1)?.parse().ok()?,
        pgrp: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
        name,
    })
}

/// fencectl's children (all threads), if /proc can say.
fn own_children() -> Option<Vec<libc::pid_t>> {
    let mut pids = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).ok()?;
        for pid in children.split_whitespace() {
            pids.push(pid.parse().ok()?);
        }
    }
    Some(pids)
}

/// Whether the process's environment carries `mark` (a zombie's is empty).
fn carries_mark(pid: libc::pid_t, mark: &str) -> bool {
    let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let wanted = format!("{RUN_MARK}={mark}");
    environ
        .split(|&b| b == 0)
        .any(|entry| entry == wanted.as_bytes())
}

/// The agent and every process it started, as far as fencectl can tell.
struct Agent {
    pid: libc::pid_t,
    /// Set once the agent has been reaped: its pid may then be reused.
    status: Option<std::process::ExitStatus>,
    mark: String,
    me: libc::pid_t,
    /// Descendants seen so far, by pid and start time.
    members: BTreeMap<libc::pid_t, (u64, String)>,
}

impl Agent {
    fn new(child: &Child, mark: String) -> Agent {
        Agent {
            pid: child.id() as libc::pid_t,
            status: None,
            mark,
            me: std::process::id() as libc::pid_t,
            members: BTreeMap::new(),
        }
    }

    /// Whether the agent certainly left nothing behind, without scanning
    /// /proc: it was reaped, no descendant was ever seen, its process group
    /// is empty, and fencectl's only children are agents of other runs (an
    /// escaped descendant would have been reparented to fencectl, the
    /// subreaper).
    fn nothing_left(&self) -> bool {
        if self.status.is_none() || !self.members.is_empty() {
            return false;
        }
        // SAFETY: signal 0 only asks whether the group exists.
        let group_gone = unsafe { libc::kill(-self.pid, 0) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if !group_gone {
            return false;
        }
        let Some(children) = own_children() else {
            return false;
        };
        let agents = running();
        children
            .iter()
            .all(|pid| *pid != self.pid && agents.contains(pid))
    }

    /// Notes the agent's descendants, reaps those reparented to fencectl
    /// that died, and returns the processes as they are now.
    fn scan(&mut self) -> HashMap<libc::pid_t, ProcInfo> {
        let mut procs = processes();
        self.members
            .retain(|pid, (start, _)| procs.get(pid).is_some_and(|p| p.start == *start));
        let agent_alive = self.status.is_none();
        let mut found: Vec<libc::pid_t> = procs
            .iter()
            .filter(|&(&pid, info)| {
                pid != self.pid
                    && pid != self.me
                    && !self.members.contains_key(&pid)
                    // The group and the children are the agent's only while
                    // it is unreaped: after that its pid may name another.
                    && ((agent_alive && (info.pgrp == self.pid || info.ppid == self.pid))
                        || (info.ppid == self.me && carries_mark(pid, &self.mark)))
            })
            .map(|(&pid, _)| pid)
            .collect();
        // Then their descendants, until no more are found.
        while !found.is_empty() {
            for pid in &found {
                let info = &procs[pid];
                self.members.insert(*pid, (info.start, info.name.clone()));
            }
            found = procs
                .iter()
                .filter(|&(pid, info)| {
                    !self.members.contains_key(pid) && self.members.contains_key(&info.ppid)
                })
                .map(|(&pid, _)| pid)
                .collect();
        }
        self.reap(&mut procs);
        procs
    }

    /// Reaps the dead descendants that were reparented to fencectl, by pid.
    fn reap(&mut self, procs: &mut HashMap<libc::pid_t, ProcInfo>) {
        let dead: Vec<libc::pid_t> = self
            .members
            .keys()
            .copied()
            .filter(|pid| {
                procs
                    .get(pid)
                    .is_some_and(|p| p.zombie && p.ppid == self.me)
            })
            .collect();
        for pid in dead {
            let mut status = 0;
            // SAFETY: waitpid for one pid that is our own child and a
            // member of this run alone.
            unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
            self.members.remove(&pid);
            procs.remove(&pid);
        }
    }

    /// Stops the agent (if it still runs) and every process it started:
    /// SIGTERM, a grace period, SIGKILL. Returns the leftovers killed.
    fn stop_all(&mut self, child: &mut Child) -> Vec<Leftover> {
        if self.status.is_none() {
            if let Ok(Some(status)) = child.try_wait() {
                self.status = Some(status);
            }
        }
        if self.nothing_left() {
            return Vec::new();
        }
        let started = Instant::now();
        let mut killed: BTreeMap<libc::pid_t, String> = BTreeMap::new();
        let mut signal = libc::SIGTERM;
        let mut signalled: Vec<libc::pid_t> = Vec::new();
        loop {
            if self.status.is_none() {
                if let Ok(Some(status)) = child.try_wait() {
                    self.status = Some(status);
                }
            }
            let procs = self.scan();
            let alive: Vec<libc::pid_t> = self
                .members
                .keys()
                .copied()
                .filter(|pid| procs.get(pid).is_some_and(|p| !p.zombie))
                .collect();
            let pending_zombies = self.members.keys().any(|pid| procs.contains_key(pid));
            if alive.is_empty() && self.status.is_some() && !pending_zombies {
                break;
            }
            let elapsed = started.elapsed();
            if elapsed >= KILL_GRACE + KILL_WAIT {
                break;
            }
            if elapsed >= KILL_GRACE && signal == libc::SIGTERM {
                signal = libc::SIGKILL;
                signalled.clear();
            }
            if self.status.is_none() && !signalled.contains(&self.pid) {
                // SAFETY: kill(2) on our unreaped child and its group: the
                // pid cannot name another process before we reap it.
                unsafe {
                    libc::kill(-self.pid, signal);
                    libc::kill(self.pid, signal);
                }
                signalled.push(self.pid);
            }
            for pid in alive {
                if signalled.contains(&pid) {
                    continue;
                }
                // SAFETY: kill(2) on a process seen in /proc just now as one
                // the agent started.
                unsafe { libc::kill(pid, signal) };
                signalled.push(pid);
                if let Some((_, name)) = self.members.get(&pid) {
                    killed.insert(pid, name.clone());
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        killed
            .into_iter()
            .map(|(pid, name)| Leftover { pid, name })
            .collect()
    }
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

    /// Whether a process is gone (or a zombie: dead, not yet reaped).
    fn gone(pid: &str) -> bool {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
        stat.is_empty() || stat.contains(") Z ")
    }

    #[test]
    fn exit_codes_and_output() {
        let run = sh("echo out; echo err >&2; exit 3", Duration::from_secs(5));
        assert_eq!(run.ending, Ending::Exited(3));
        assert_eq!(run.stdout, b"out\n");
        assert!(run.failure_reason(Duration::ZERO).contains("err"));
        assert!(run.killed.is_empty());
    }

    #[test]
    fn timeout_kills_children() {
        let run = sh("sleep 30 & sleep 30; wait", Duration::from_millis(300));
        assert_eq!(run.ending, Ending::TimedOut);
        assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    }

    #[test]
    fn issue9_grandchild_in_a_new_session_is_killed_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!(
            "setsid sh -c 'echo $$ > {}; exec sleep 300' & sleep 300",
            pidfile.display()
        );
        let run = sh(&script, Duration::from_millis(500));
        assert_eq!(run.ending, Ending::TimedOut);
        assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        assert!(gone(&pid), "the escaped sleeper {pid} still runs");
    }

    #[test]
    fn issue9_exit_while_a_grandchild_holds_the_pipes_returns_promptly() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!(
            "setsid sh -c 'echo $$ > {}; exec sleep 300' & echo done; exit 0",
            pidfile.display()
        );
        let run = sh(&script, Duration::from_secs(60));
        assert_eq!(run.ending, Ending::Exited(0));
        assert!(run.success());
        assert_eq!(run.stdout, b"done\n");
        assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        assert!(gone(&pid), "the escaped sleeper {pid} still runs");
        let pid: i32 = pid.trim().parse().unwrap();
        assert_eq!(
            run.killed,
            [Leftover {
                pid,
                name: "sleep".into()
            }]
        );
        assert_eq!(
            run.leftovers().unwrap(),
            format!("killed 1 leftover process (pid {pid}: sleep)")
        );
    }

    #[test]
    fn issue9_a_daemon_with_closed_pipes_is_found_by_its_mark() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!(
            "setsid sh -c 'echo $$ > {}; exec sleep 300' </dev/null >/dev/null 2>&1 & \
             while [ ! -s {0} ]; do sleep 0.05; done",
            pidfile.display()
        );
        let run = sh(&script, Duration::from_secs(60));
        assert_eq!(run.ending, Ending::Exited(0));
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        assert!(gone(&pid), "the daemon {pid} still runs");
        assert_eq!(run.killed.len(), 1, "{:?}", run.killed);
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
        assert_eq!(run.ending, Ending::Exited(0));
        assert_eq!(run.stdout, b"action=status\n");
    }

    #[test]
    fn issue9_stdin_larger_than_a_pipe_and_never_read_does_not_block() {
        let run = run(&Invocation {
            program: Path::new("/bin/sleep"),
            args: vec!["30".into()],
            stdin: Some(vec![b'x'; 1024 * 1024]),
            timeout: Duration::from_millis(300),
            output_cap: 1024,
            echo: None,
        })
        .unwrap();
        assert_eq!(run.ending, Ending::TimedOut);
        assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    }

    #[test]
    fn large_stdin_is_delivered_whole() {
        let bytes: Vec<u8> = (0..300_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let run = run(&Invocation {
            program: Path::new("/bin/cat"),
            args: vec![],
            stdin: Some(bytes.clone()),
            timeout: Duration::from_secs(10),
            output_cap: 1024 * 1024,
            echo: None,
        })
        .unwrap();
        assert_eq!(run.ending, Ending::Exited(0));
        assert_eq!(run.stdout, bytes);
    }

    #[test]
    fn echo_sees_each_line() {
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = lines.clone();
        let run = run(&Invocation {
            program: Path::new("/bin/sh"),
            args: vec!["-c".into(), "echo a; echo b >&2; printf c".into()],
            stdin: None,
            timeout: Duration::from_secs(5),
            output_cap: 1024,
            echo: Some(Arc::new(move |is_stderr, line: &str| {
                seen.lock().unwrap().push((is_stderr, line.to_string()));
            })),
        })
        .unwrap();
        assert!(run.success());
        let mut lines = lines.lock().unwrap().clone();
        lines.sort();
        assert_eq!(
            lines,
            [
                (false, "a".to_string()),
                (false, "c".to_string()),
                (true, "b".to_string())
            ]
        );
    }

    #[test]
    fn stat_lines_with_odd_command_names_parse() {
        let info =
            parse_stat("42 (a) b (c) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0")
                .unwrap();
        assert_eq!(info.name, "a) b (c");
        assert_eq!((info.ppid, info.pgrp, info.start), (1, 42, 12345));
        assert!(!info.zombie);
    }

    #[test]
    fn issue9_masking_touches_only_the_agent_output() {
        let run = AgentRun {
            ending: Ending::Exited(1),
            stdout: Vec::new(),
            stderr: b"login failed for wti\n".to_vec(),
            elapsed: Duration::ZERO,
            killed: Vec::new(),
        };
        let reason = run.failure_reason_masked(Duration::ZERO, &|line| line.replace("wti", "***"));
        assert_eq!(reason, "exited 1: login failed for ***");
    }

    #[test]
    fn the_agents_real_error_is_quoted_not_its_first_warning() {
        let output = "WARNING: Parse error: Ignoring option 'agent'\n\
                      2026-12-02 ERROR: Failed: Unable to obtain correct plug status or plug is not available\n\
                      WARNING: trailing\n";
        assert_eq!(
            super::agent_error_line(output).unwrap(),
            "2026-12-02 ERROR: Failed: Unable to obtain correct plug status or plug is not available"
        );
        let output = "WARNING: a\nConnection refused\nWARNING: b\n";
        assert_eq!(
            super::agent_error_line(output).unwrap(),
            "Connection refused"
        );
        assert_eq!(
            super::agent_error_line("WARNING: only\n").unwrap(),
            "WARNING: only"
        );
        assert_eq!(super::agent_error_line("\n \n"), None);
    }

    #[test]
    fn an_error_on_stdout_is_not_hidden_by_a_warning_on_stderr() {
        let run = AgentRun {
            ending: Ending::Exited(1),
            stdout: b"Failed: Unable to obtain correct plug status\n".to_vec(),
            stderr: b"WARNING: Parse error: Ignoring option 'agent'\n".to_vec(),
            elapsed: Duration::ZERO,
            killed: Vec::new(),
        };
        assert_eq!(
            run.failure_reason(Duration::ZERO),
            "exited 1: Failed: Unable to obtain correct plug status"
        );
    }
}
