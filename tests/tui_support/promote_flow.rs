//! `P` and `c` in the pipeline view over a real engine, on the sim
//! (tests/tui_promote.rs) and a real cluster (tests/real_pipeline.rs):
//! `c` shows the staging/prod difference, Esc on a promotion preview
//! writes nothing, confirming makes exactly one commit on top of the
//! previous HEAD and the pipeline loads again showing it. Test crates
//! that use it declare `common` and `tui_support` too.

use crate::common::stages::Stages;
use crate::tui_support::{keys, screen};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tether::engine::{Engine, EngineCommand};
use tether::tui::{App, Effect, TuiOptions};

/// Sends the commands of `effects` (and those the app asks for after
/// each event) to the real engine, feeding its events back.
async fn drive(app: &mut App, engine: &Engine, effects: Vec<Effect>) {
    let mut queue: std::collections::VecDeque<EngineCommand> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Send(command) => Some(command),
            _ => None,
        })
        .collect();
    while let Some(command) = queue.pop_front() {
        for event in engine.execute(command, None).await {
            app.apply_event(event);
        }
        queue.extend(app.take_commands());
    }
}

fn commit_count(stages: &Stages) -> usize {
    let repo = gix::open(&stages.repo_path).unwrap();
    let head = repo.head_id().unwrap();
    head.ancestors().all().unwrap().count()
}

/// The scenario on fresh, reachable `stages` without extra gates.
pub async fn promote_from_the_pipeline_view(stages: &Stages) {
    let [dev, staging, prod] = ["dev", "staging", "prod"].map(|s| stages.app(s));
    let kube = tether::cluster::KubeOptions {
        kubeconfig: Some(stages.kubeconfig.clone()),
        context: None,
    };
    let engine = tether::cli::load_engine(Some(&stages.config), kube, &Default::default()).unwrap();
    engine
        .sync(&dev, &tether::engine::SyncOptions::default())
        .await
        .unwrap();
    let mut app = App::from_options(
        Arc::new(tether::engine::Snapshot::default()),
        &TuiOptions::default(),
        None,
    );
    app.resize(120, 40);
    // Until web-dev reports Healthy, so the gate into staging opens.
    let deadline = Instant::now() + stages.patience();
    while Instant::now() < deadline {
        let effects = keys(&mut app, "<esc>:pl web<enter>");
        drive(&mut app, &engine, effects).await;
        if screen(&app, 160, 40).contains("Synced/Healthy") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(screen(&app, 160, 40).contains("Synced/Healthy"));

    // Staging (3.9) against prod (3.8), made comparable.
    let effects = keys(&mut app, "jc");
    drive(&mut app, &engine, effects).await;
    let text = screen(&app, 160, 40);
    assert!(
        text.contains(&format!("update · {staging} | {prod}")),
        "{text}"
    );
    assert!(text.contains("update Deployment/web"), "{text}");
    assert!(
        text.contains("19 +         image: registry.k8s.io/pause:3.9"),
        "{text}"
    );
    assert!(
        text.contains("19 -         image: registry.k8s.io/pause:3.8"),
        "{text}"
    );
    keys(&mut app, "<esc>");

    let head = stages.head();
    let commits = commit_count(stages);
    let effects = keys(&mut app, "P");
    drive(&mut app, &engine, effects).await;
    let text = screen(&app, 160, 40);
    assert!(
        text.contains(&format!(
            "Commit this promotion into {staging} on main? y/n"
        )),
        "{text}"
    );
    assert!(
        text.contains("+     newTag: \"3.10\"   # promoted"),
        "{text}"
    );
    assert!(keys(&mut app, "<esc>").is_empty());
    assert_eq!(stages.head(), head, "Esc wrote nothing");
    assert_eq!(commit_count(stages), commits);
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        stages.overlay("staging", "3.9")
    );

    let effects = keys(&mut app, "P");
    drive(&mut app, &engine, effects).await;
    let effects = keys(&mut app, "y");
    assert_eq!(effects.len(), 1);
    drive(&mut app, &engine, effects).await;
    let new_head = stages.head();
    assert_ne!(new_head, head);
    assert_eq!(commit_count(stages), commits + 1, "exactly one commit");
    let repo = gix::open(&stages.repo_path).unwrap();
    let commit = repo
        .find_commit(gix::ObjectId::from_hex(new_head.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(
        commit
            .parent_ids()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        vec![head]
    );
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        stages.overlay("staging", "3.10")
    );
    let text = screen(&app, 160, 40);
    assert!(
        text.contains(&format!("{staging}: committed {}", &new_head[..7])),
        "{text}"
    );
    // The pipeline was loaded again: staging now runs 3.10.
    assert!(
        text.lines().any(
            |l| l.contains(&format!("▶ {staging}")) && l.contains("registry.k8s.io/pause:3.10")
        ),
        "{text}"
    );
    stages.cleanup().await;
}
