//! The ApplicationSet generator and template cases transcribed from Argo
//! CD's unit tests (shared/interop/cases), run against tether's
//! implementation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tether::argocd::appset::{
    Cluster, GenerateContext, RepoSource, generator_params, render_template_params,
};
use tether::model::FileTree;

fn load(name: &str) -> Option<Value> {
    let Some(dir) = common::shared_dir("interop/cases") else {
        common::skipped("shared/interop/cases is absent; the Argo CD case tests did not run");
        return None;
    };
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    Some(serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()).unwrap())
}

/// A repo-server that answers exactly what a case mocks.
struct Mock {
    dirs: Vec<String>,
    files: BTreeMap<String, Vec<u8>>,
}

impl RepoSource for Mock {
    fn tree(&self, _: &str, _: &str) -> Result<Arc<FileTree>, String> {
        Ok(Arc::new(FileTree::new()))
    }
    fn directories(&self, _: &str, _: &str) -> Result<Vec<String>, String> {
        Ok(self.dirs.clone())
    }
    fn files(
        &self,
        _: &str,
        _: &str,
        _: &str,
        _: bool,
    ) -> Result<BTreeMap<String, Vec<u8>>, String> {
        Ok(self.files.clone())
    }
}

/// The two cluster Secrets of Argo CD's cluster_test.go.
fn test_clusters() -> Vec<Cluster> {
    vec![
        Cluster {
            name: "staging-01".into(),
            server: "https://staging-01.example.com".into(),
            labels: BTreeMap::from([
                ("environment".into(), "staging".into()),
                ("org".into(), "foo".into()),
            ]),
            annotations: BTreeMap::from([("foo.argoproj.io".into(), "staging".into())]),
            project: None,
        },
        Cluster {
            name: "production_01/west".into(),
            server: "https://production-01.example.com".into(),
            labels: BTreeMap::from([
                ("environment".into(), "production".into()),
                ("org".into(), "bar".into()),
            ]),
            annotations: BTreeMap::from([("foo.argoproj.io".into(), "production".into())]),
            project: Some("prod-project".into()),
        },
    ]
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|x| x.to_string());
    v
}

/// The generator entry a case describes, and the repo answers it mocks.
fn entry_of(case: &Value, previous_files: &Value) -> (Value, Mock) {
    let dirs: Vec<String> = case["repoDirs"]
        .as_array()
        .map(|a| a.iter().map(|d| d.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    let files_value = match &case["repoFiles"] {
        Value::String(_) => previous_files.clone(),
        other => other.clone(),
    };
    let mut files: BTreeMap<String, Vec<u8>> = files_value
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().as_bytes().to_vec()))
                .collect()
        })
        .unwrap_or_default();
    let entry = if case.get("generator").is_some() {
        case["generator"].clone()
    } else if let Some(file) = case.get("file") {
        files.insert(
            file["path"].as_str().unwrap().into(),
            file["content"].as_str().unwrap().as_bytes().to_vec(),
        );
        let mut git = json!({"repoURL": "https://example.com/repo", "revision": "HEAD", "files": [{"path": file["path"]}]});
        if let Some(values) = case.get("values") {
            git["values"] = values.clone();
        }
        json!({"git": git})
    } else if let Some(elements) = case.get("elements") {
        json!({"list": {"elements": elements}})
    } else if let Some(keys) = case.get("mergeKeys") {
        json!({"merge": {"mergeKeys": keys, "generators": case["generators"]}})
    } else {
        let mut generators = case["generators"].as_array().unwrap().clone();
        // The case mocks the first generator's output.
        if let Some(first) = case.get("firstGeneratorOutput") {
            generators[0] = json!({"list": {"elements": first}});
        }
        json!({"matrix": {"generators": generators}})
    };
    (entry, Mock { dirs, files })
}

#[test]
fn appset_generator_cases() {
    let Some(data) = load("appset-generators.yaml") else {
        return;
    };
    let clusters = test_clusters();
    let mut previous_files = Value::Null;
    let mut flat_list_expected: Vec<Value> = Vec::new();
    let mut ran = 0;
    for case in data["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let go = case["mode"] == "go";
        let (entry, mock) = entry_of(case, &previous_files);
        if case["repoFiles"].is_object() {
            previous_files = case["repoFiles"].clone();
        }
        let ctx = GenerateContext {
            clusters: &clusters,
            repos: &mock,
            settings: Default::default(),
        };
        let mut entries = vec![entry];
        if let Some(alt) = case.get("generatorAlt") {
            entries.push(alt.clone());
        }
        for entry in entries {
            let result = generator_params(&entry, go, &[], &ctx);
            if case.get("expectedError").is_some() {
                assert!(result.is_err(), "{name}: expected an error, got {result:?}");
                continue;
            }
            let got: Vec<Value> = result
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .into_iter()
                .map(Value::Object)
                .collect();
            if name.contains("flatList") {
                assert_eq!(got.len(), 1, "{name}");
                assert_eq!(
                    sorted(got[0]["clusters"].as_array().unwrap().clone()),
                    sorted(flat_list_expected.clone()),
                    "{name}"
                );
                continue;
            }
            let expected = case["expected"].as_array().unwrap().clone();
            if name.contains("empty selector") {
                flat_list_expected = expected
                    .iter()
                    .map(|e| {
                        let mut e = e.clone();
                        // The flatList case runs without values.
                        e.as_object_mut()
                            .unwrap()
                            .retain(|k, _| !k.starts_with("values."));
                        e
                    })
                    .collect();
            }
            if case["order"] == "any" {
                assert_eq!(sorted(got), sorted(expected), "{name}");
            } else {
                assert_eq!(got, expected, "{name}");
            }
        }
        ran += 1;
    }
    assert_eq!(ran, data["cases"].as_array().unwrap().len());
}

#[test]
fn appset_template_render_cases() {
    let Some(data) = load("appset-template-render.yaml") else {
        return;
    };
    for (mode, go) in [("flat", false), ("go", true)] {
        for case in data[mode].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let params = case["params"].as_object().unwrap();
            let options: Vec<String> = case["goTemplateOptions"]
                .as_array()
                .map(|o| o.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            // As utils_test.go does: the template in every string field of
            // an Application, metadata left alone.
            let t = case["template"].clone();
            let app = json!({
                "metadata": {"name": "application-one", "namespace": "default", "labels": {"label-key": "label-value"},
                             "annotations": {"annotation-key": "annotation-value"}},
                "spec": {"source": {"path": t, "repoURL": t, "targetRevision": t, "chart": t},
                         "destination": {"server": t, "namespace": t, "name": t}, "project": t}
            });
            let got = render_template_params(&app, params, go, &options, false);
            match case.get("expectedError") {
                Some(e) => assert_eq!(
                    got.map(|_| ()),
                    Err(e.as_str().unwrap().to_string()),
                    "{mode} {name}"
                ),
                None => {
                    let got = got.unwrap_or_else(|e| panic!("{mode} {name}: {e}"));
                    for field in [
                        "/spec/source/path",
                        "/spec/source/repoURL",
                        "/spec/source/targetRevision",
                        "/spec/source/chart",
                        "/spec/destination/server",
                        "/spec/destination/namespace",
                        "/spec/destination/name",
                        "/spec/project",
                    ] {
                        assert_eq!(
                            got.pointer(field),
                            Some(&case["expected"]),
                            "{mode} {name} {field}"
                        );
                    }
                    for field in ["name", "namespace", "labels", "annotations"] {
                        assert_eq!(
                            got["metadata"][field], app["metadata"][field],
                            "{mode} {name}"
                        );
                    }
                }
            }
        }
    }
    for case in data["normalize"].as_array().unwrap() {
        assert_eq!(
            tether::argocd::sanitize_name(case["input"].as_str().unwrap()),
            case["expected"].as_str().unwrap()
        );
    }
    for case in data["slugify"].as_array().unwrap() {
        let got = tether::argocd::slugify_name(
            case["length"].as_u64().unwrap() as usize,
            case["smartTruncate"].as_bool().unwrap(),
            case["input"].as_str().unwrap(),
        );
        assert_eq!(got, case["expected"].as_str().unwrap(), "{case}");
    }
}

/// The finalizer rule of RenderTemplateParams (TestRenderTemplateParamsFinalizers).
#[test]
fn finalizer_rule() {
    let Some(data) = load("appset-template-render.yaml") else {
        return;
    };
    assert!(
        data["finalizer"]["rule"]
            .as_str()
            .unwrap()
            .contains("resources-finalizer.argocd.argoproj.io")
    );
    let params = json!({"one": "two"});
    let params = params.as_object().unwrap();
    let finalizers = |template: Value, preserve: bool| {
        render_template_params(&template, params, false, &[], preserve).unwrap()["metadata"]["finalizers"].clone()
    };
    let plain = json!({"metadata": {"name": "{{one}}"}, "spec": {}});
    assert_eq!(
        finalizers(plain.clone(), false),
        json!(["resources-finalizer.argocd.argoproj.io"])
    );
    assert_eq!(finalizers(plain, true), Value::Null);
    let own = json!({"metadata": {"name": "x", "finalizers": ["mine"]}, "spec": {}});
    assert_eq!(finalizers(own, false), json!(["mine"]));
    // No parameters: the template is used as it is, without a finalizer.
    let t = json!({"metadata": {"name": "{{one}}"}});
    assert_eq!(
        render_template_params(&t, &serde_json::Map::new(), false, &[], false).unwrap(),
        t
    );
}
