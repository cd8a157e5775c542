//! Finding "`helm template` has no deadline and keeps running after
//! tether is killed": helm runs through `render::process::run`.

use super::support::*;
use super::yaml::fake_helm;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tether::model::RenderLimits;

fn alive(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z ")
}

fn wait_for(path: &Path) -> String {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{} never appeared", path.display());
}

fn chart_tree() -> tether::model::FileTree {
    tree(&[(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )])
}

#[test]
fn a_helm_that_never_finishes_is_stopped_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    // A chart that loops forever, as helm would run it: a busy child.
    let helm = fake_helm(
        dir.path(),
        &format!(
            "sh -c 'while :; do :; done' & echo $! > {}; wait",
            pidfile.display()
        ),
    );
    let limits = RenderLimits {
        timeout: Duration::from_secs(1),
        ..RenderLimits::default()
    };
    let err = tether::render::helm::template_with(
        &helm,
        &chart_tree(),
        "chart",
        &Default::default(),
        &limits,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        format!(
            "chart: helm template failed: {} did not finish within 1s and was stopped with its child processes (render.timeout)",
            helm.display()
        )
    );
    let looping = wait_for(&pidfile);
    std::thread::sleep(Duration::from_millis(100));
    assert!(!alive(&looping), "the looping child {looping} survived");
}

#[test]
fn helm_dies_with_tether_when_tether_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let helm = fake_helm(
        dir.path(),
        &format!("echo $$ > {}; exec sleep 600", pidfile.display()),
    );
    write(
        dir.path(),
        &[(
            "chart/Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        )],
    );
    let mut tether = Command::new(env!("CARGO_BIN_EXE_tether"))
        .args(["render", "chart"])
        .current_dir(dir.path())
        .env("TETHER_HELM", &helm)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let helm_pid = wait_for(&pidfile);
    assert!(alive(&helm_pid));
    tether.kill().unwrap(); // SIGKILL: no destructor runs in tether
    tether.wait().unwrap();
    let start = Instant::now();
    while alive(&helm_pid) && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(&helm_pid), "helm {helm_pid} outlived tether");
}
