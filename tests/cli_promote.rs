//! `tether promote PIPELINE STAGE`: one commit bringing the previous
//! stage's image versions, Helm values and files into the stage, with the
//! edited files' comments and layout kept byte for byte; every refusal
//! writes nothing (DESIGN.md §7).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::stages::Stages;
use common::{file, signature};

fn message_of(stages: &Stages, commit: &str) -> String {
    let repo = gix::open(&stages.repo_path).unwrap();
    let id = gix::ObjectId::from_hex(commit.as_bytes()).unwrap();
    let commit = repo.find_commit(id).unwrap();
    commit.message_raw().unwrap().to_string()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn promoting_an_image_edits_only_its_tag() {
    let stages = Stages::new("test", "");
    let before = stages.head();
    let out = stages.tether(&["promote", "web", "web-staging", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(commit, stages.head());
    assert_ne!(commit, before);
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        stages.overlay("staging", "3.10")
    );
    assert_eq!(
        message_of(&stages, &commit),
        "promote web: web-dev → web-staging (registry.k8s.io/pause 3.9 → 3.10)"
    );
    // Prod and dev are untouched; the work tree is clean.
    assert_eq!(
        stages.read("apps/web/prod/kustomization.yaml"),
        stages.overlay("prod", "3.8")
    );
    stages.repo.require_clean(&[String::new()]).unwrap();

    // Now staging runs what dev runs.
    let out = stages.tether(&["promote", "web", "web-staging", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "tether: pipeline web: nothing to promote: web-staging already runs what web-dev runs\n"
    );
    assert_eq!(stages.head(), commit);
}

#[test]
fn a_digest_is_carried_and_a_missing_entry_added() {
    let stages = Stages::new("test", "");
    let dev = stages.overlay("dev", "3.10").replace(
        "    newTag: \"3.10\"   # promoted\n",
        "    newTag: \"3.10\"   # promoted\n    digest: sha256:abc\n",
    );
    let prod =
        "# prod: no images yet\nresources:\n  - ../base\nnamespace: web-prod\nnamePrefix: prod-\n";
    stages
        .repo
        .commit_files(
            "main",
            &[
                file("apps/web/dev/kustomization.yaml", &dev),
                file("apps/web/prod/kustomization.yaml", prod),
            ],
            "dev pinned by digest; prod from the base",
            &signature(1_700_000_100),
        )
        .unwrap();
    let out = stages.tether(&["promote", "web", "web-staging", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stages.read("apps/web/staging/kustomization.yaml"),
        stages.overlay("staging", "3.10").replace(
            "    newTag: \"3.10\"   # promoted\n",
            "    newTag: \"3.10\"   # promoted\n    digest: sha256:abc\n"
        )
    );
    let out = stages.tether(&["promote", "web", "web-prod", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stages.read("apps/web/prod/kustomization.yaml"),
        format!(
            "{prod}images:\n- name: registry.k8s.io/pause\n  newTag: \"3.10\"\n  digest: sha256:abc\n"
        )
    );
    let commit = stages.head();
    assert_eq!(
        message_of(&stages, &commit),
        "promote web: web-staging → web-prod (registry.k8s.io/pause 3.8 → 3.10@sha256:abc)"
    );
}

#[test]
fn refusals_write_nothing() {
    let stages = Stages::new("test", "");
    let head = stages.head();
    let staging = stages.read("apps/web/staging/kustomization.yaml");

    // A dirty stage folder.
    stages.write("apps/web/staging/patch.yaml", "# not committed\n");
    let out = stages.tether(&["promote", "web", "web-staging", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("promotion refused: repository")
            && stderr(&out).contains(
                "has uncommitted changes under \"apps/web/staging\": apps/web/staging/patch.yaml"
            ),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(stages.repo_path.join("apps/web/staging/patch.yaml")).unwrap();

    // A failed gate: dev's cluster cannot be reached, so it is not Healthy.
    let out = stages.tether(&["promote", "web", "web-staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("tether: app web-staging: promotion refused by gate healthy: web-dev is Unknown and Unknown at "),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).ends_with("(--force promotes anyway), nothing was written\n"),
        "{}",
        stderr(&out)
    );

    // No such pipeline or stage; the first stage.
    let out = stages.tether(&["promote", "api", "web-staging"]);
    assert_eq!(
        stderr(&out),
        "tether: pipeline api: no such pipeline; tether.yaml has web\n"
    );
    let out = stages.tether(&["promote", "web", "web-qa"]);
    assert_eq!(
        stderr(&out),
        "tether: pipeline web: no stage \"web-qa\" (stages: web-dev, web-staging, web-prod)\n"
    );
    let out = stages.tether(&["promote", "web", "web-dev", "--force"]);
    assert_eq!(
        stderr(&out),
        "tether: pipeline web: web-dev is the first stage: nothing promotes into it\n"
    );

    // A dry-run shows the edit and writes nothing; like the promotion it
    // previews, it is refused (exit 2) by the failed gate, named.
    let out = stages.tether(&["promote", "web", "web-staging", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "tether: app web-staging: promotion refused by gate healthy: web-dev is Unknown and Unknown at "
        ),
        "{}",
        stderr(&out)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "--- a/apps/web/staging/kustomization.yaml\n+++ b/apps/web/staging/kustomization.yaml\n"
        ) && text
            .contains("-    newTag: \"3.9\"   # promoted\n+    newTag: \"3.10\"   # promoted\n")
            && text.contains("# gate healthy FAILS: web-dev is Unknown")
            && text.contains("--- a/Deployment/staging-web\n+++ b/Deployment/staging-web\n")
            && text.contains(
                "-        image: registry.k8s.io/pause:3.9\n+        image: registry.k8s.io/pause:3.10\n"
            )
            && text
                .contains("promote web: web-dev → web-staging (registry.k8s.io/pause 3.9 → 3.10)\n"),
        "{text}"
    );
    assert_eq!(stages.head(), head);
    assert_eq!(stages.read("apps/web/staging/kustomization.yaml"), staging);
    // The JSON of a refused dry-run is printed, with the same exit code.
    let out = stages.tether(&["promote", "web", "web-staging", "--dry-run", "-o", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["gates"][0]["name"], "healthy");
    assert_eq!(json["gates"][0]["ok"], false);
    assert_eq!(json["commit"], serde_json::Value::Null);
    // Forced, gates are not evaluated: the dry-run passes.
    let out = stages.tether(&["promote", "web", "web-staging", "--dry-run", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stages.head(), head);
}

#[test]
fn helm_values_and_files_move_with_their_formatting() {
    let stages = Stages::new("test", "");
    let dev_values =
        "# dev\nimage:\n  repository: ghcr.io/acme/api\n  tag: \"2.1\"  # newest\nreplicas: 1\n";
    let prod_values = "# prod — careful\nimage:\n  repository: ghcr.io/acme/api\n  tag: '2.0'   # promoted by tether\nreplicas: 3   # HA\n";
    stages
        .repo
        .commit_files(
            "main",
            &[
                file("envs/dev/values.yaml", dev_values),
                file("envs/dev/config/flags.yaml", "checkout: v2\n"),
                file("envs/prod/values.yaml", prod_values),
                file("envs/prod/config/flags.yaml", "checkout: v1\n"),
            ],
            "api envs",
            &signature(1_700_000_100),
        )
        .unwrap();
    let mut config = std::fs::read_to_string(&stages.config).unwrap();
    let apps_end = config.find("pipelines:").unwrap();
    config.insert_str(
        apps_end,
        "  - name: api-dev\n    source: {repo: ./gitops, path: envs/dev, helm: {valueFiles: [values.yaml]}}\n  - name: api-prod\n    source: {repo: ./gitops, path: envs/prod, helm: {valueFiles: [values.yaml]}}\n",
    );
    config.push_str("  - name: api\n    stages: [api-dev, api-prod]\n    promote: {helmValues: [image.tag, image.pullPolicy], files: [config/flags.yaml]}\n");
    std::fs::write(&stages.config, &config).unwrap();

    // A key the previous stage does not set is an error naming it.
    let out = stages.tether(&["promote", "api", "api-prod", "--force"]);
    assert_eq!(
        stderr(&out),
        "tether: app api-dev: no Helm values file of it sets image.pullPolicy\n"
    );
    std::fs::write(&stages.config, config.replace(", image.pullPolicy", "")).unwrap();
    let out = stages.tether(&["promote", "api", "api-prod", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stages.read("envs/prod/values.yaml"),
        prod_values.replace("'2.0'", "\"2.1\"")
    );
    assert_eq!(stages.read("envs/prod/config/flags.yaml"), "checkout: v2\n");
    assert_eq!(
        message_of(&stages, &stages.head()),
        "promote api: api-dev → api-prod (image.tag 2.0 → 2.1, config/flags.yaml)"
    );
}
