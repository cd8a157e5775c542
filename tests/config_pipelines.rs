#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `pipelines:` and `syncWindows:` of tether.yaml (DESIGN.md §7), asserted
//! by what a user sees.

use std::path::Path;
use tether::argocd::WindowKind;

const APPS: &str = "apps:
  - name: web-dev
    source: {repo: ./gitops, path: apps/web/dev}
  - name: web-prod
    source: {repo: ./gitops, path: apps/web/prod}
";

fn parse(text: &str) -> Result<tether::config::Config, String> {
    tether::config::parse(&format!("{APPS}{text}"), Path::new("/srv/tether.yaml"))
        .map_err(|e| e.to_string())
}

#[test]
fn a_pipeline_reads_its_stages_promotions_and_gates() {
    let c = parse(
        "pipelines:
  - name: web
    stages:
      - web-dev
      - {app: web-prod, gates: {soak: 30m}}
    promote:
      images: [ghcr.io/acme/web]
      helmValues: [image.tag]
      files: [config/flags.yaml]
    gates: {soak: 10m, verifyJob: smoke}
syncWindows:
  - {kind: deny, schedule: \"0 18 * * 5\", duration: 62h, timeZone: Europe/Paris, applications: [\"*-prod\"]}
",
    )
    .unwrap();
    let p = &c.pipelines[0];
    assert_eq!(p.name, "web");
    assert_eq!(p.stage_index("web-prod"), Some(1));
    assert_eq!(p.promote.images, vec!["ghcr.io/acme/web"]);
    assert_eq!(p.promote.helm_values, vec!["image.tag"]);
    assert_eq!(p.promote.files, vec!["config/flags.yaml"]);
    let into_prod = p.gates_into(1);
    assert_eq!(into_prod.soak.as_deref(), Some("30m"));
    assert_eq!(into_prod.verify_job.as_deref(), Some("smoke"));
    assert_eq!(p.gates_into(0).soak.as_deref(), Some("10m"));
    assert_eq!(c.sync_windows[0].kind, WindowKind::Deny);
    assert_eq!(c.sync_windows[0].time_zone, "Europe/Paris");
}

#[test]
fn broken_pipelines_name_the_field_and_line() {
    let err = |text: &str| parse(text).unwrap_err();
    assert_eq!(
        err("pipelines:\n  - name: web\n    stages: [web-dev]\n    promote: {images: [a]}\n"),
        "/srv/tether.yaml:8: pipelines[0].stages: a pipeline needs at least two stages (app names, first to last)"
    );
    assert_eq!(
        err(
            "pipelines:\n  - name: web\n    stages: [web-dev, web-qa]\n    promote: {images: [a]}\n"
        ),
        "/srv/tether.yaml:8: pipelines[0].stages[1]: no app named \"web-qa\" in \"apps\""
    );
    assert_eq!(
        err("pipelines:\n  - name: web\n    stages: [web-dev, web-prod]\n"),
        "/srv/tether.yaml:7: pipelines[0].promote: nothing to promote: list \"images\", \"helmValues\" or \"files\""
    );
    assert_eq!(
        err(
            "pipelines:\n  - name: web\n    stages: [web-dev, web-prod]\n    promote:\n      images: [ghcr.io/acme/web:1.0]\n"
        ),
        "/srv/tether.yaml:10: pipelines[0].promote.images[0]: \"ghcr.io/acme/web:1.0\" names a version; list the repository only (e.g. ghcr.io/acme/web): the version is what promotes"
    );
    assert_eq!(
        err(
            "pipelines:\n  - name: web\n    stages: [web-dev, web-prod]\n    promote: {files: [../x.yaml]}\n"
        ),
        "/srv/tether.yaml:9: pipelines[0].promote.files[0]: \"../x.yaml\" must be a file inside the stage's folder (relative, without ..)"
    );
    assert_eq!(
        err(
            "pipelines:\n  - name: web\n    stages: [web-dev, web-prod]\n    promote: {images: [a]}\n    gates:\n      soak: soon\n"
        ),
        "/srv/tether.yaml:11: pipelines[0].gates.soak: \"soon\" is not a duration (invalid duration \"soon\"); e.g. 10m, 1h30m"
    );
    assert_eq!(
        err("pipelines:\n  - name: Web\n    stages: [web-dev, web-prod]\n"),
        "/srv/tether.yaml:7: pipelines[0].name: pipeline name \"Web\" must be a DNS label: lowercase letters, digits and '-' only"
    );
    assert!(
        err("pipelines:\n  - name: web\n    stages: [web-dev, web-prod]\n    promote: {image: [a]}\n")
            .contains("unknown field \"image\"")
    );
}

#[test]
fn broken_sync_windows_name_the_field() {
    let err = parse("syncWindows:\n  - {kind: deny, schedule: \"0 18 * *\", duration: 1h}\n")
        .unwrap_err();
    assert!(
        err.starts_with("/srv/tether.yaml:7: syncWindows[0].schedule: "),
        "{err}"
    );
    let err = parse("syncWindows:\n  - kind: deny\n    schedule: \"0 18 * * 5\"\n    duration: 1h\n    timeZone: Mars/Olympus\n").unwrap_err();
    assert!(
        err.starts_with("/srv/tether.yaml:10: syncWindows[0].timeZone: "),
        "{err}"
    );
    let err = parse("syncWindows:\n  - {kind: never, schedule: \"* * * * *\", duration: 1h}\n")
        .unwrap_err();
    assert!(err.contains("unknown variant \"never\""), "{err}");
}
