//! Running an external renderer (helm, kubectl) so that it cannot hang or
//! outlive tether: [`run`] starts the command in its own process group,
//! with a data-memory limit, stdout/stderr capped, and a deadline after
//! which the whole group is killed. On Linux the child also gets
//! `PR_SET_PDEATHSIG = SIGKILL`, so it dies with the thread that started
//! it even when tether itself is killed; on every exit path of [`run`]
//! (deadline, error, panic unwinding) the group is killed and reaped, and
//! [`kill_all`] (called when the binary exits) kills the groups still
//! running. What cannot be cleaned up: when tether is killed with SIGKILL,
//! children that the external program itself started (helm plugins)
//! outlive it; the program itself does not.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What an external process may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessLimits {
    /// Wall-clock time before the process group is killed.
    pub timeout: Duration,
    /// RLIMIT_DATA of the process (bytes of heap and private mappings).
    pub max_memory: u64,
    /// Most bytes read from stdout (and from stderr); more is an error.
    pub max_output: u64,
}

impl Default for ProcessLimits {
    fn default() -> Self {
        let d = crate::model::RenderLimits::default();
        Self::from(&d)
    }
}

impl From<&crate::model::RenderLimits> for ProcessLimits {
    fn from(l: &crate::model::RenderLimits) -> Self {
        Self {
            timeout: l.timeout,
            max_memory: l.max_process_memory,
            max_output: l.max_output_bytes,
        }
    }
}

/// What a finished process left.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why a process did not finish on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    /// It could not be started.
    #[error("cannot run {program}: {message}")]
    Spawn {
        /// The program.
        program: String,
        /// The OS's reason.
        message: String,
    },
    /// It ran past the deadline and was killed with its children.
    #[error(
        "{program} did not finish within {} and was stopped with its child processes (render.timeout)",
        human(*timeout)
    )]
    Timeout {
        /// The program.
        program: String,
        /// The deadline it passed.
        timeout: Duration,
    },
    /// It printed more than allowed and was killed.
    #[error("{program} printed more than {limit} bytes and was stopped (render.maxOutputBytes)")]
    TooMuchOutput {
        /// The program.
        program: String,
        /// The cap.
        limit: u64,
    },
}

/// `60s`, or `300ms` under a second.
fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{}s", d.as_secs())
    }
}

/// Runs `command` to completion within `limits`, stdin closed; its output
/// whatever the exit status (the caller judges the status).
pub fn run(mut command: Command, limits: &ProcessLimits) -> Result<Finished, ProcessError> {
    let program = command.get_program().to_string_lossy().into_owned();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    confine(&mut command, limits.max_memory);
    let child = command.spawn().map_err(|e| ProcessError::Spawn {
        program: program.clone(),
        message: e.to_string(),
    })?;
    let mut group = Group::new(child);
    let over = Arc::new(AtomicBool::new(false));
    let stdout = capture(group.child.stdout.take(), limits.max_output, over.clone());
    let stderr = capture(group.child.stderr.take(), limits.max_output, over.clone());
    let deadline = Instant::now() + limits.timeout;
    let too_much = |program: String| ProcessError::TooMuchOutput {
        program,
        limit: limits.max_output,
    };
    let status = loop {
        if over.load(Ordering::Relaxed) {
            group.kill();
            return Err(too_much(program));
        }
        match group.child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                group.kill();
                return Err(ProcessError::Timeout {
                    program,
                    timeout: limits.timeout,
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                group.kill();
                return Err(ProcessError::Spawn {
                    program,
                    message: e.to_string(),
                });
            }
        }
    };
    group.done = true;
    // Children left in the group (that would hold the pipes open) go with
    // the leader.
    group.kill_rest();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if over.load(Ordering::Relaxed) {
        return Err(too_much(program));
    }
    Ok(Finished {
        status,
        stdout,
        stderr,
    })
}

/// Reads a pipe to its end, or to `cap` bytes and then raises `over`.
fn capture(
    pipe: Option<impl Read + Send + 'static>,
    cap: u64,
    over: Arc<AtomicBool>,
) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let Some(pipe) = pipe else {
            return Vec::new();
        };
        let mut bytes = Vec::new();
        let _ = pipe.take(cap.saturating_add(1)).read_to_end(&mut bytes);
        if bytes.len() as u64 > cap {
            over.store(true, Ordering::Relaxed);
            bytes.clear();
        }
        bytes
    })
}

/// Process groups started by [`run`] and not yet finished.
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills every process group [`run`] started that is still running (for
/// the binary to call on its way out).
pub fn kill_all() {
    let live = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
    for pid in live {
        kill_group(pid);
    }
}

fn kill_group(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// The child and its process group, killed when dropped unless it ended.
struct Group {
    child: Child,
    done: bool,
}

impl Group {
    fn new(child: Child) -> Self {
        if let Ok(mut live) = LIVE.lock() {
            live.push(child.id());
        }
        Self { child, done: false }
    }

    fn kill(&mut self) {
        self.kill_rest();
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.done = true;
    }

    /// SIGKILL to the whole group (the leader included, if still there).
    fn kill_rest(&self) {
        kill_group(self.child.id());
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if !self.done {
            self.kill();
        }
        let id = self.child.id();
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|p| *p != id);
        }
    }
}

/// Sets, in the child before it execs: the data-memory limit, and on
/// Linux death with its parent.
fn confine(command: &mut Command, max_memory: u64) {
    let parent = std::process::id();
    // SAFETY: the closure runs in the forked child before exec and only
    // makes async-signal-safe system calls (prctl, setrlimit, getppid);
    // it allocates nothing and takes no locks.
    unsafe {
        command.pre_exec(move || {
            #[cfg(target_os = "linux")]
            {
                rustix::process::set_parent_process_death_signal(Some(
                    rustix::process::Signal::KILL,
                ))?;
                // The parent may have died between fork and prctl.
                let ppid = rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get());
                if u32::try_from(ppid).ok() != Some(parent) {
                    return Err(rustix::io::Errno::SRCH.into());
                }
            }
            let limit = rustix::process::Rlimit {
                current: Some(max_memory),
                maximum: Some(max_memory),
            };
            rustix::process::setrlimit(rustix::process::Resource::Data, limit)?;
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    fn limits(timeout_ms: u64) -> ProcessLimits {
        ProcessLimits {
            timeout: Duration::from_millis(timeout_ms),
            max_memory: 1 << 30,
            max_output: 1 << 20,
        }
    }

    fn alive(pid: &str) -> bool {
        std::path::Path::new(&format!("/proc/{}", pid.trim())).exists()
            && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                .unwrap_or_default()
                .contains(") Z ")
    }

    #[test]
    fn a_finished_process_returns_its_output_and_status() {
        let done = run(sh("echo out; echo err >&2; exit 3"), &limits(5000)).unwrap();
        assert_eq!(done.stdout, b"out\n");
        assert_eq!(done.stderr, b"err\n");
        assert_eq!(done.status.code(), Some(3));
    }

    #[test]
    fn the_deadline_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("child");
        let script = format!("sleep 60 & echo $! > {}; wait", pidfile.display());
        let err = run(sh(&script), &limits(300)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sh did not finish within 300ms and was stopped with its child processes (render.timeout)"
        );
        let child = std::fs::read_to_string(&pidfile).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(!alive(&child), "the grandchild {child} survived");
    }

    #[test]
    fn children_left_behind_by_a_finished_process_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("child");
        let script = format!("sleep 60 & echo $! > {}; echo done", pidfile.display());
        let done = run(sh(&script), &limits(5000)).unwrap();
        assert_eq!(done.stdout, b"done\n");
        let child = std::fs::read_to_string(&pidfile).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(!alive(&child), "the background child {child} survived");
    }

    #[test]
    fn output_past_the_cap_stops_the_process() {
        let mut l = limits(10_000);
        l.max_output = 1000;
        let err = run(sh("yes"), &l).unwrap_err();
        assert_eq!(
            err,
            ProcessError::TooMuchOutput {
                program: "sh".into(),
                limit: 1000
            }
        );
    }

    #[test]
    fn the_child_runs_with_the_data_limit_and_its_own_group() {
        let out = run(sh("ulimit -d; ps -o pgid= -p $$"), &limits(5000)).unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(((1u64 << 30) / 1024).to_string().as_str())
        );
        let pgid: u32 = lines.next().unwrap_or("0").trim().parse().unwrap_or(0);
        assert_ne!(pgid, std::process::id(), "own process group");
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let err = run(Command::new("/nonexistent/helm"), &limits(1000)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot run /nonexistent/helm: "),
            "{err}"
        );
    }
}
