//! `helmCharts` (and the legacy `helmChartInflationGenerator`): charts
//! vendored under the kustomization's chart home rendered through the same
//! `helm template` path as Helm apps, as kustomize 5.8's
//! HelmChartInflationGenerator does with `--enable-helm`. Tether always
//! enables it; it never pulls a chart (vendor it instead).

use super::accumulate::Builder;
use super::resource::Resource;
use super::spec::Kustomization;
use super::{KustomizeError, paths};
use crate::render::documents::parse_file_as;
use crate::render::helm::{self, TemplateCall, Values};
use crate::render::scalars::Dialect;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Where charts are looked up when `helmGlobals.chartHome` is not set.
const DEFAULT_CHART_HOME: &str = "charts";

/// One `helmCharts` entry (kustomize's `types.HelmChart`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct HelmChart {
    name: String,
    version: String,
    repo: String,
    release_name: String,
    namespace: String,
    additional_values_files: Vec<String>,
    values_file: String,
    values_inline: Map<String, Value>,
    values_merge: String,
    #[serde(rename = "includeCRDs")]
    include_crds: bool,
    skip_hooks: bool,
    api_versions: Vec<String>,
    kube_version: String,
    name_template: String,
    skip_tests: bool,
    debug: bool,
    devel: bool,
}

/// `helmGlobals`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct HelmGlobals {
    chart_home: String,
    /// Helm's configuration folder; tether gives helm a fresh one per run.
    #[serde(rename = "configHome")]
    _config_home: String,
}

/// A `helmChartInflationGenerator` entry (kustomize's deprecated
/// `types.HelmChartArgs`), converted as kustomize converts it. The fields
/// kustomize drops in that conversion are accepted and ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct HelmChartArgs {
    chart_name: String,
    chart_version: String,
    #[serde(rename = "chartRepoUrl")]
    chart_repo_url: String,
    chart_home: String,
    values: String,
    values_local: Map<String, Value>,
    values_merge: String,
    release_name: String,
    #[serde(rename = "chartRepoName")]
    _chart_repo_name: String,
    #[serde(rename = "helmBin")]
    _helm_bin: String,
    #[serde(rename = "helmHome")]
    _helm_home: String,
    #[serde(rename = "releaseNamespace")]
    _release_namespace: String,
    #[serde(rename = "extraArgs")]
    _extra_args: Vec<String>,
}

/// Renders every chart of `k` (in folder `dir`) and appends its objects,
/// marked as Helm output so the namespace transformer leaves them alone.
/// `inherited_ns` is the namespace of the nearest including kustomization
/// that sets one (kustomize 5.8.1's `helmRootNamespace`).
pub(crate) fn run(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    k: &Kustomization,
    inherited_ns: Option<&str>,
    resources: &mut Vec<Resource>,
) -> Result<(), KustomizeError> {
    let (charts, globals) = specs(file, k)?;
    for chart in charts {
        let mut chart = chart;
        if chart.namespace.is_empty() {
            chart.namespace = k
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .or(inherited_ns)
                .unwrap_or_default()
                .to_string();
        }
        let objects = inflate(b, dir, file, &chart, &globals)?;
        let new = objects
            .into_iter()
            .map(|obj| {
                let mut res = Resource::new(obj);
                res.helm_generated = true;
                if b.origin_mode {
                    let origin = super::build_metadata::builtin(
                        &b.relative(file),
                        "HelmChartInflationGenerator",
                    );
                    super::build_metadata::set_origin(&mut res, &origin);
                }
                res
            })
            .collect();
        super::resmap::append_all(resources, new)
            .map_err(|e| KustomizeError::transform(file, e))?;
    }
    Ok(())
}

/// The charts and globals of `k`, legacy entries converted and appended.
fn specs(file: &str, k: &Kustomization) -> Result<(Vec<HelmChart>, HelmGlobals), KustomizeError> {
    let mut charts = Vec::new();
    for (i, entry) in k.helm_charts.iter().enumerate() {
        charts.push(parse(file, &format!("helmCharts[{i}]"), entry)?);
    }
    let mut globals: Option<HelmGlobals> = match &k.helm_globals {
        Some(v) => Some(parse(file, "helmGlobals", v)?),
        None => None,
    };
    let mut legacy_home = String::new();
    for (i, entry) in k.helm_chart_inflation_generator.iter().enumerate() {
        let old: HelmChartArgs = parse(file, &format!("helmChartInflationGenerator[{i}]"), entry)?;
        if !old.chart_home.is_empty() {
            legacy_home.clone_from(&old.chart_home);
        }
        charts.push(HelmChart {
            name: old.chart_name,
            version: old.chart_version,
            repo: old.chart_repo_url,
            values_file: old.values,
            values_inline: old.values_local,
            values_merge: old.values_merge,
            release_name: old.release_name,
            ..HelmChart::default()
        });
    }
    if globals.is_none() && !legacy_home.is_empty() {
        globals = Some(HelmGlobals {
            chart_home: legacy_home,
            _config_home: String::new(),
        });
    }
    Ok((charts, globals.unwrap_or_default()))
}

fn parse<T: serde::de::DeserializeOwned>(
    file: &str,
    what: &str,
    v: &Value,
) -> Result<T, KustomizeError> {
    serde_json::from_value(v.clone())
        .map_err(|e| KustomizeError::transform(file, format!("{what}: {e}")))
}

/// Renders one chart: its folder in the tree, its values merged as
/// `valuesMerge` says, `helm template` with kustomize's arguments.
fn inflate(
    b: &Builder<'_>,
    dir: &str,
    file: &str,
    chart: &HelmChart,
    globals: &HelmGlobals,
) -> Result<Vec<Value>, KustomizeError> {
    if chart.name.is_empty() {
        return Err(KustomizeError::transform(
            file,
            "helmCharts: chart name cannot be empty".into(),
        ));
    }
    let entry = |message: String| {
        KustomizeError::transform(
            file,
            format!("helmCharts entry {:?}: {message}", chart.name),
        )
    };
    let tree = b.tree();
    let home = if globals.chart_home.is_empty() {
        DEFAULT_CHART_HOME
    } else {
        globals.chart_home.as_str()
    };
    if home.starts_with('/') {
        return Err(entry(format!(
            "chartHome {home:?} is absolute; tether renders from the repository, so it must be a folder inside it"
        )));
    }
    let mut chart_home = paths::join(dir, home)
        .ok_or_else(|| entry(format!("chartHome {home:?} leaves the repository")))?;
    if !chart.version.is_empty() && !chart.repo.is_empty() {
        chart_home = format!("{chart_home}/{}-{}", chart.name, chart.version);
    }
    let chart_dir = helm::join(&chart_home, &chart.name);
    if !paths::is_dir(tree, &chart_dir) {
        if chart.repo.is_empty() {
            return Err(entry(format!(
                "no repo specified for pull, no chart found at {chart_dir:?}"
            )));
        }
        let version = if chart.version.is_empty() {
            String::new()
        } else {
            format!(" --version {}", chart.version)
        };
        return Err(entry(format!(
            "no chart at {chart_dir:?}; tether does not pull charts: vendor it into the repository with `helm pull --untar --untardir {} --repo {} {}{version}`",
            b.relative(&chart_home),
            chart.repo,
            chart.name
        )));
    }
    let merge = match chart.values_merge.as_str() {
        "" | "override" => ValuesMerge::Override,
        "merge" => ValuesMerge::Merge,
        "replace" => ValuesMerge::Replace,
        _ => {
            return Err(entry(
                "valuesMerge must be one of [merge override replace]".into(),
            ));
        }
    };
    let values_file = if chart.values_file.is_empty() {
        format!("{chart_dir}/values.yaml")
    } else {
        b.resolve(dir, file, "valuesFile", &chart.values_file)?
    };
    let mut values = Vec::new();
    if (chart.values_inline.is_empty() || merge != ValuesMerge::Replace) && !tree.has(&values_file)
    {
        return Err(entry(format!(
            "values file {:?} not found",
            b.relative(&values_file)
        )));
    }
    if chart.values_inline.is_empty() {
        values.push(Values::File(values_file));
    } else {
        let inline = Value::Object(chart.values_inline.clone());
        let merged = match merge {
            ValuesMerge::Replace => inline,
            ValuesMerge::Override | ValuesMerge::Merge => {
                let from_file = tree
                    .get(&values_file)
                    .map(crate::yaml::from_slice::<Value>)
                    .transpose()
                    .map_err(|e| entry(format!("{}: {e}", b.relative(&values_file))))?
                    .unwrap_or(Value::Null);
                if merge == ValuesMerge::Override {
                    merged_over(from_file, inline)
                } else {
                    merged_over(inline, from_file)
                }
            }
        };
        // Written as JSON (YAML to helm): every string stays quoted, so
        // helm's YAML 1.1 reader cannot take `"yes"` for a boolean, as
        // kustomize's values file quotes it too.
        let text = serde_json::to_string_pretty(&merged).map_err(|e| entry(e.to_string()))?;
        values.push(Values::Text {
            text,
            origin: format!("{} helmCharts valuesInline", b.relative(file)),
        });
    }
    for extra in &chart.additional_values_files {
        let path = b.resolve(dir, file, "additionalValuesFiles", extra)?;
        values.push(Values::File(path));
    }
    let mut flags = Vec::new();
    if !chart.name_template.is_empty() {
        flags.extend(["--name-template".to_string(), chart.name_template.clone()]);
    }
    for version in &chart.api_versions {
        flags.extend(["--api-versions".to_string(), version.clone()]);
    }
    if !chart.kube_version.is_empty() {
        flags.extend(["--kube-version".to_string(), chart.kube_version.clone()]);
    }
    for (on, flag) in [
        (chart.include_crds, "--include-crds"),
        (chart.skip_tests, "--skip-tests"),
        (chart.skip_hooks, "--no-hooks"),
        (chart.debug, "--debug"),
        (chart.devel, "--devel"),
    ] {
        if on {
            flags.push(flag.to_string());
        }
    }
    let call = TemplateCall {
        chart: &chart_dir,
        // Without a release name kustomize passes `--generate-name`, which
        // names the release after the clock, so every render would differ;
        // tether leaves the name to helm: `nameTemplate`, else
        // `release-name`.
        release: Some(chart.release_name.as_str()).filter(|r| !r.is_empty()),
        namespace: Some(chart.namespace.as_str()).filter(|n| !n.is_empty()),
        values,
        flags,
        set_files: Vec::new(),
    };
    let binary = helm::helm_binary().map_err(|e| entry(e.to_string()))?;
    let limits = crate::render::process::ProcessLimits::from(&b.limits());
    let stdout = helm::run_template(&binary, tree, &call, &limits)
        .map_err(|message| entry(format!("helm template failed: {message}")))?;
    parse_file_as(
        &format!("{chart_dir} (helm template)"),
        &stdout,
        Dialect::Kustomize,
    )
    .map_err(|e| KustomizeError::Parse(Box::new(e)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValuesMerge {
    /// Inline values win.
    Override,
    /// The values file wins; inline values only add.
    Merge,
    /// Only the inline values.
    Replace,
}

/// `top` laid over `base` as kyaml's merge does without a schema: maps
/// merge key by key, an explicit null removes the key, anything else
/// (lists included) replaces.
fn merged_over(base: Value, top: Value) -> Value {
    match (base, top) {
        (Value::Object(mut base), Value::Object(top)) => {
            for (key, value) in top {
                if value.is_null() {
                    base.remove(&key);
                    continue;
                }
                let merged = match base.remove(&key) {
                    Some(old) => merged_over(old, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            Value::Object(base)
        }
        (base, Value::Null) => base,
        (_, top) => top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_values_merge_like_kyaml() {
        let file = json!({"image": {"repo": "r", "tag": "1"}, "ports": [80, 443], "debug": true});
        let inline = json!({"image": {"tag": "2"}, "ports": [8080], "debug": null, "extra": 1});
        assert_eq!(
            merged_over(file.clone(), inline.clone()),
            json!({"image": {"repo": "r", "tag": "2"}, "ports": [8080], "extra": 1})
        );
        // `merge`: the file wins, inline values only add.
        assert_eq!(
            merged_over(inline, file),
            json!({"image": {"tag": "1", "repo": "r"}, "ports": [80, 443], "debug": true, "extra": 1})
        );
    }
}
