//! `tether check APP`: exit 0 pass, 1 denied, 2 error; `-o json` prints
//! `[{"policy","binding","object","message","action"}]` (DESIGN.md §7);
//! `tether sync` refuses what a policy denies, with exit 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, tether};

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/policies")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn check_exit_codes_and_json() {
    let env = Env::new().await;
    let no_policies = tokio::task::block_in_place(|| tether(&env, &["check", &env.app]));
    assert_eq!(no_policies.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&no_policies.stderr),
        "tether: app web: no admission policies configured: add `policies: {repo: ./gitops, path: policies}` to tether.yaml\n"
    );

    // The test app's Deployment has no app.kubernetes.io/name label and
    // no limits; its image tag is pinned. Violations come in object order,
    // then in the order of the policies folder's files.
    env.add_policies(&[
        ("require-labels.yaml", &example("require-labels.yaml")),
        (
            "container-limits.yaml",
            &example("container-limits.yaml").replace("[Deny]", "[Warn]"),
        ),
        ("image-tags.yaml", &example("image-tags.yaml")),
    ]);
    let out = tokio::task::block_in_place(|| tether(&env, &["check", &env.app, "-o", "json"]));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"policy": "require-container-limits", "binding": "require-container-limits",
             "object": "Deployment.apps/web/web",
             "message": "containers without cpu and memory limits: web", "action": "Warn"},
            {"policy": "require-app-name-label", "binding": "require-app-name-label",
             "object": "Deployment.apps/web/web",
             "message": "Deployment web has no app.kubernetes.io/name label", "action": "Deny"},
            {"policy": "require-app-name-label", "binding": "require-app-name-label",
             "object": "Service/web/web",
             "message": "Service web has no app.kubernetes.io/name label", "action": "Deny"}
        ])
    );

    // `tether status -o json` counts the same findings.
    let status = tokio::task::block_in_place(|| tether(&env, &["status", "-o", "json"]));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        json[0]["policyViolations"],
        serde_json::json!({"denied": 2, "warned": 1}),
        "{json}"
    );
    let apps = tokio::task::block_in_place(|| tether(&env, &["apps"]));
    let text = String::from_utf8_lossy(&apps.stdout);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header[6..], ["HEALTH", "POLICY", "MESSAGE"], "{text}");
    assert!(text.contains("2 denied, 1 warned"), "{text}");

    let table = tokio::task::block_in_place(|| tether(&env, &["check", &env.app]));
    assert_eq!(table.status.code(), Some(1));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("ACTION  POLICY"), "{text}");
    assert!(text.contains("web at "), "{text}");
    assert!(
        text.trim_end()
            .ends_with("2 denied, 1 warned or audited, by 3 policies"),
        "{text}"
    );

    let refused = tokio::task::block_in_place(|| tether(&env, &["sync", &env.app]));
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.starts_with("tether: app web: sync refused by admission policies, nothing was applied: ValidatingAdmissionPolicy 'require-app-name-label' with binding 'require-app-name-label' denied Deployment.apps/web/web: Deployment web has no app.kubernetes.io/name label; "),
        "{stderr}"
    );

    // Only warnings left: exit 0, and they are printed.
    env.add_policies(&[(
        "require-labels.yaml",
        &example("require-labels.yaml").replace("[Deny]", "[Audit]"),
    )]);
    let warned = tokio::task::block_in_place(|| tether(&env, &["check", &env.app, "-o", "json"]));
    assert_eq!(
        warned.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&warned.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&warned.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    let status = tokio::task::block_in_place(|| tether(&env, &["status", &env.app, "-o", "json"]));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        json[0]["policyViolations"],
        serde_json::json!({"denied": 0, "warned": 3}),
        "{json}"
    );

    let synced = tokio::task::block_in_place(|| tether(&env, &["sync", &env.app]));
    assert_eq!(
        synced.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let stderr = String::from_utf8_lossy(&synced.stderr);
    assert!(
        stderr.contains("tether: warning: validation failed for ValidatingAdmissionPolicy 'require-container-limits' with binding 'require-container-limits' on Deployment.apps/web/web: containers without cpu and memory limits: web"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsupported_function_is_exit_2_naming_policy_and_expression() {
    let env = Env::new().await;
    let policy = example("require-labels.yaml").replace(
        "object.metadata.?labels['app.kubernetes.io/name'].orValue('') != ''",
        "semver(object.metadata.labels.version).isGreaterThan(semver('1.0.0'))",
    );
    env.add_policies(&[("require-labels.yaml", &policy)]);
    let out = tokio::task::block_in_place(|| tether(&env, &["check", &env.app]));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ValidatingAdmissionPolicy \"require-app-name-label\": spec.validations[0].expression \"semver(object.metadata.labels.version).isGreaterThan(semver('1.0.0'))\": function \"semver\" (the semver library) is not supported by tether"),
        "{stderr}"
    );
}
