//! Running an external program with a deadline: its output collected,
//! and — on time-out, and after it exits — its whole process group
//! killed, so a renderer's own children (kustomize's `helm`) never outlive
//! it. The program starts in a new process group with no standard input.
//!
//! (A small runner of the render layer; a shared one may replace it.)

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a finished program left.
#[derive(Debug)]
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// Everything it wrote to standard output.
    pub stdout: Vec<u8>,
    /// Everything it wrote to standard error.
    pub stderr: Vec<u8>,
}

/// Why a program gave no result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// It could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The cause.
        source: std::io::Error,
    },
    /// It ran past the deadline and was killed with its children.
    #[error("{program} did not finish within {}s and was stopped", deadline.as_secs_f32())]
    TimedOut {
        /// The program.
        program: String,
        /// The deadline it ran past.
        deadline: Duration,
    },
    /// Waiting for it failed.
    #[error("waiting for {program} failed: {source}")]
    Wait {
        /// The program.
        program: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Runs `command` to completion or until `deadline` has passed.
pub fn run_with_deadline(mut command: Command, deadline: Duration) -> Result<Finished, RunError> {
    let program = command.get_program().to_string_lossy().into_owned();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|source| RunError::Spawn {
        program: program.clone(),
        source,
    })?;
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    let exited = loop {
        match has_exited(&mut child) {
            Ok(true) => break true,
            Ok(false) => {}
            Err(source) => {
                kill_group(&mut child);
                let _ = child.wait();
                return Err(RunError::Wait { program, source });
            }
        }
        if started.elapsed() >= deadline {
            break false;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(25));
    };
    // The leader is not reaped yet, so its group id still names our group.
    kill_group(&mut child);
    let status = child.wait().map_err(|source| RunError::Wait {
        program: program.clone(),
        source,
    })?;
    let (stdout, stderr) = (join(stdout), join(stderr));
    if !exited {
        return Err(RunError::TimedOut { program, deadline });
    }
    Ok(Finished {
        status,
        stdout,
        stderr,
    })
}

fn collect(pipe: Option<impl Read + Send + 'static>) -> Option<JoinHandle<Vec<u8>>> {
    let mut pipe = pipe?;
    Some(std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = pipe.read_to_end(&mut out);
        out
    }))
}

fn join(reader: Option<JoinHandle<Vec<u8>>>) -> Vec<u8> {
    reader
        .and_then(|handle| handle.join().ok())
        .unwrap_or_default()
}

/// Whether the child has exited, without reaping it (so its process
/// group cannot be reused before [`kill_group`]).
#[cfg(unix)]
fn has_exited(child: &mut Child) -> std::io::Result<bool> {
    use rustix::process::{Pid, WaitId, WaitIdOptions, waitid};
    let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
    let status = waitid(WaitId::Pid(Pid::from_child(child)), options)?;
    Ok(status.is_some())
}

#[cfg(not(unix))]
fn has_exited(child: &mut Child) -> std::io::Result<bool> {
    child.try_wait().map(|s| s.is_some())
}

/// Kills the child's process group (the child and every descendant that
/// stayed in it).
#[cfg(unix)]
fn kill_group(child: &mut Child) {
    use rustix::process::{Pid, Signal, kill_process_group};
    let _ = kill_process_group(Pid::from_child(child), Signal::KILL);
}

#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn collects_output_and_status() {
        let done = run_with_deadline(
            sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(done.stdout, b"out\n");
        assert_eq!(done.stderr, b"err\n");
        assert_eq!(done.status.code(), Some(3));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let e = run_with_deadline(
            Command::new("/nonexistent/tether-test-binary"),
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(matches!(e, RunError::Spawn { .. }), "{e}");
    }

    /// Alive and not a zombie.
    fn running(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    }

    #[test]
    fn past_the_deadline_the_program_and_its_children_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("child.pid");
        let script = format!("sleep 30 & echo $! > {}; sleep 30", pid_file.display());
        let started = Instant::now();
        let e = run_with_deadline(sh(&script), Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, RunError::TimedOut { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let pid = pid.trim();
        let deadline = Instant::now() + Duration::from_secs(5);
        while running(pid) {
            assert!(
                Instant::now() < deadline,
                "the background child {pid} survived"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn children_left_behind_by_a_finished_program_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("child.pid");
        // The child keeps stdout open: without the group kill, reading
        // the output would wait for it.
        let script = format!("sleep 30 & echo $! > {}; echo done", pid_file.display());
        let started = Instant::now();
        let done = run_with_deadline(sh(&script), Duration::from_secs(20)).unwrap();
        assert_eq!(done.stdout, b"done\n");
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while running(pid.trim()) {
            assert!(Instant::now() < deadline, "the background child survived");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
