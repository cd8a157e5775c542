//! Flux's `${…}` substitution against the expression cases transcribed
//! from fluxcd/pkg envsubst (interop/cases/flux-envsubst.yaml) and the
//! `flux envsubst` CLI case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_yaml::Value as Yaml;
use std::collections::BTreeMap;
use tether::flux::envsubst::{EnvsubstError, Mode, eval};

fn cases() -> Option<Yaml> {
    let Some(dir) = common::shared_dir("interop/cases") else {
        common::skipped("interop cases not found (../shared/interop/cases)");
        return None;
    };
    let text = std::fs::read_to_string(dir.join("flux-envsubst.yaml")).unwrap();
    Some(serde_yaml::from_str(&text).unwrap())
}

fn params(case: &Yaml) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(map) = case["params"].as_mapping() {
        for (k, v) in map {
            out.insert(
                k.as_str().unwrap().to_string(),
                v.as_str().unwrap().to_string(),
            );
        }
    }
    out
}

fn run(list: &Yaml, mode: Mode) -> usize {
    let mut n = 0;
    for case in list.as_sequence().unwrap() {
        let input = case["input"].as_str().unwrap();
        let got = eval(input, &params(case), mode);
        match (case["output"].as_str(), case["error"].as_str()) {
            (Some(want), _) => assert_eq!(got.as_deref(), Ok(want), "{input}"),
            (None, Some(error)) => {
                let e = got.expect_err(input);
                assert!(e.to_string().contains(error), "{input}: {e}");
            }
            _ => panic!("case without output or error: {input}"),
        }
        n += 1;
    }
    n
}

#[test]
fn every_upstream_expression_case_passes() {
    let Some(cases) = cases() else { return };
    let lenient = run(&cases["nonStrict"], Mode::Lenient);
    let strict = run(&cases["strict"], Mode::Strict);
    assert_eq!(lenient + strict, 57, "the case file holds 57 cases");
}

#[test]
fn unsupported_operators_behave_as_flux_parses_them() {
    let Some(cases) = cases() else { return };
    let vars = BTreeMap::from([("var".to_string(), String::new())]);
    for input in cases["unsupported"].as_sequence().unwrap() {
        let input = input.as_str().unwrap();
        let got = eval(input, &vars, Mode::Strict);
        if input.contains(":?") || input.contains(":+") {
            // Flux's parser takes these as default operators.
            assert_eq!(got.as_deref(), Ok("default"), "{input}");
        } else {
            assert_eq!(got, Err(EnvsubstError::MissingClosingBrace), "{input}");
        }
    }
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_flux_envsubst_cli_case_passes() {
    let Some(dir) = common::shared_dir("interop/fixtures/flux/varsub") else {
        common::skipped("interop fixtures not found (../shared/interop/fixtures)");
        return;
    };
    let input =
        strip_comments(&std::fs::read_to_string(dir.join("flux-envsubst-input.yaml")).unwrap());
    let want =
        strip_comments(&std::fs::read_to_string(dir.join("flux-envsubst-expected.yaml")).unwrap());
    let env = BTreeMap::from([("REPO_NAME".to_string(), "test".to_string())]);
    assert_eq!(eval(&input, &env, Mode::Lenient).unwrap(), want);
    let e = eval(&input, &BTreeMap::new(), Mode::Strict).unwrap_err();
    assert!(
        e.to_string().contains("variable not set (strict mode)"),
        "{e}"
    );
}
