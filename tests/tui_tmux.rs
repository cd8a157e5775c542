//! Smoke test of the real binary in a real terminal: `tether demo` runs in
//! a detached tmux session (private socket), keys go in with `send-keys`,
//! the screen comes back with `capture-pane`. Checks the apps table, the
//! filter, the diff view, going back, the revert preview of a commit
//! (cancelled), quitting, and that the terminal is left as it was found
//! (main screen, cursor shown). Skipped loudly when tmux is not installed.
#![cfg(feature = "tui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const SESSION: &str = "tether";

/// A tmux server on its own socket; dropping it kills the session and
/// the server (and with them tether), whatever happened in the test.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("cannot run tmux")
    }

    fn ok(&self, args: &[&str]) {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", SESSION]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A pane format variable, e.g. `#{pane_dead}`.
    fn query(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", SESSION, format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", SESSION];
        args.extend(keys);
        self.ok(&args);
    }

    fn literal(&self, text: &str) {
        self.ok(&["send-keys", "-t", SESSION, "-l", text]);
    }

    /// Polls the screen until `done` holds; fails with the last screen.
    fn wait_for(&self, step: &str, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if done(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                let dead = self.query("#{pane_dead} #{pane_dead_status}");
                panic!(
                    "{step}: not seen within {timeout:?} (pane dead/status: {dead}); screen:\n{screen}"
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let socket = self.query("#{socket_path}");
        let _ = self.run(&["kill-session", "-t", SESSION]);
        let _ = self.run(&["kill-server"]);
        // tmux may leave the socket file behind.
        if socket.ends_with(&self.socket) {
            let _ = std::fs::remove_file(socket);
        }
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn demo_in_tmux_filter_diff_back_quit() {
    if !tmux_available() {
        writeln!(
            std::io::stderr(),
            "SKIPPED: tui_tmux: tmux is not on PATH; the real-terminal smoke test did not run"
        )
        .unwrap();
        return;
    }
    let tmux = Tmux {
        socket: format!("tether-test-{}", std::process::id()),
    };
    // No user keymap or theme: an empty config dir of our own.
    let config = std::env::temp_dir().join(format!("tether-tmux-{}", std::process::id()));
    // The shell stays after tether exits, to show its exit status and so
    // that the terminal's state can be read (tmux may drop the last output
    // of a pane whose process has just exited).
    let command = format!(
        "env XDG_CONFIG_HOME={} {} demo; echo \"tether exited with status $?\"; sleep 120",
        shell_quote(&config.display().to_string()),
        shell_quote(env!("CARGO_BIN_EXE_tether"))
    );
    tmux.ok(&[
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        "120",
        "-y",
        "40",
        &command,
    ]);
    let step = Duration::from_secs(15);
    let screen = tmux.wait_for("the apps table", Duration::from_secs(60), |s| {
        s.contains("web-prod") && s.contains("payments-prod") && s.contains("worker-staging")
    });
    assert!(screen.contains("tether demo"), "{screen}");
    assert_eq!(
        tmux.query("#{alternate_on}"),
        "1",
        "full screen while running"
    );

    tmux.keys(&["/"]);
    tmux.literal("payments-p");
    let screen = tmux.wait_for("the filtered table", step, |s| {
        s.contains("payments-prod") && !s.contains("web-staging")
    });
    assert!(!screen.contains("api-prod"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.keys(&["d"]);
    let screen = tmux.wait_for("the diff of payments-prod", step, |s| {
        s.contains("payments-prod") && s.contains("desired | live") && s.contains("Deployment/")
    });
    assert!(!screen.contains("cannot load diff"), "{screen}");

    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("back to the apps table", step, |s| {
        !s.contains("desired | live") && s.contains("Apps [1/15]") && s.contains("payments-prod")
    });
    assert!(!screen.contains("web-staging"), "filter kept: {screen}");

    // The revert dialog against the real engine: previewed, then cancelled
    // (nothing is committed to the demo repository).
    tmux.keys(&["h"]);
    tmux.wait_for("the history of payments-prod", step, |s| {
        s.contains("History payments-prod") && s.contains("Add payments to prod")
    });
    tmux.keys(&["x"]);
    let screen = tmux.wait_for("the revert preview", step, |s| {
        s.contains("Commit a revert of this in payments-prod?")
    });
    assert!(screen.contains("kind: Deployment"), "{screen}");
    tmux.keys(&["n"]);
    tmux.wait_for("the revert cancelled", step, |s| {
        !s.contains("Commit a revert") && s.contains("cancelled")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("back to the apps table again", step, |s| {
        !s.contains("History payments-prod") && s.contains("Apps [1/15]")
    });

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("tether exiting on q", step, |s| {
        s.contains("tether exited with status")
    });
    assert!(screen.contains("tether exited with status 0"), "{screen}");
    // Restored: back on the main screen (the TUI's table is gone with the
    // alternate screen) and the cursor visible again.
    assert_eq!(tmux.query("#{alternate_on}"), "0", "{screen}");
    assert_eq!(tmux.query("#{cursor_flag}"), "1", "cursor hidden: {screen}");
    assert!(!screen.contains("payments-prod"), "{screen}");
}
