//! Engine metrics in the Prometheus text format: app info gauges (as
//! argocd_app_info), sync counters by result, a reconcile duration
//! histogram and API error counters per cluster.

use crate::model::AppStatus;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the reconcile duration histogram.
const BUCKETS: &[f64] = &[0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Debug, Default)]
struct Counters {
    syncs: BTreeMap<(String, String), u64>,
    api_errors: BTreeMap<String, u64>,
    reconcile_buckets: Vec<u64>,
    reconcile_count: u64,
    reconcile_sum: f64,
    apps: Vec<AppStatus>,
}

/// The metrics of one engine.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut Counters) -> R) -> R {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Counts a finished sync of `app` with `result` (`Succeeded`/`Failed`).
    pub fn sync_done(&self, app: &str, result: &str) {
        self.with(|c| {
            *c.syncs
                .entry((app.to_string(), result.to_string()))
                .or_default() += 1
        });
    }

    /// Counts a failed call to `cluster`.
    pub fn api_error(&self, cluster: &str) {
        self.with(|c| *c.api_errors.entry(cluster.to_string()).or_default() += 1);
    }

    /// Records one full reconcile (status of every app) and its result.
    pub fn reconciled(&self, took: Duration, apps: &[AppStatus]) {
        let secs = took.as_secs_f64();
        self.with(|c| {
            if c.reconcile_buckets.len() != BUCKETS.len() {
                c.reconcile_buckets = vec![0; BUCKETS.len()];
            }
            for (i, bound) in BUCKETS.iter().enumerate() {
                if secs <= *bound {
                    c.reconcile_buckets[i] += 1;
                }
            }
            c.reconcile_count += 1;
            c.reconcile_sum += secs;
            c.apps = apps.to_vec();
        });
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        self.with(|c| {
            let mut out = String::new();
            out.push_str("# HELP tether_app_info Information about an app: its sync and health state.\n");
            out.push_str("# TYPE tether_app_info gauge\n");
            for a in &c.apps {
                let _ = writeln!(
                    out,
                    "tether_app_info{{app=\"{}\",project=\"{}\",cluster=\"{}\",namespace=\"{}\",sync_status=\"{}\",health_status=\"{}\",paused=\"{}\"}} 1",
                    esc(&a.name), esc(&a.project), esc(&a.cluster), esc(&a.namespace), a.sync, a.health, a.paused
                );
            }
            out.push_str("# HELP tether_app_sync_total Syncs by app and result.\n# TYPE tether_app_sync_total counter\n");
            for ((app, result), n) in &c.syncs {
                let _ = writeln!(out, "tether_app_sync_total{{app=\"{}\",result=\"{}\"}} {n}", esc(app), esc(result));
            }
            out.push_str("# HELP tether_reconcile_duration_seconds Time to compute the state of every app.\n");
            out.push_str("# TYPE tether_reconcile_duration_seconds histogram\n");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let n = c.reconcile_buckets.get(i).copied().unwrap_or(0);
                let _ = writeln!(out, "tether_reconcile_duration_seconds_bucket{{le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "tether_reconcile_duration_seconds_bucket{{le=\"+Inf\"}} {}", c.reconcile_count);
            let _ = writeln!(out, "tether_reconcile_duration_seconds_sum {}", c.reconcile_sum);
            let _ = writeln!(out, "tether_reconcile_duration_seconds_count {}", c.reconcile_count);
            out.push_str("# HELP tether_api_errors_total Failed calls to a cluster's API server.\n# TYPE tether_api_errors_total counter\n");
            for (cluster, n) in &c.api_errors {
                let _ = writeln!(out, "tether_api_errors_total{{cluster=\"{}\"}} {n}", esc(cluster));
            }
            out
        })
    }
}

/// Escapes a label value.
fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_one_series_per_app() {
        let m = Metrics::default();
        let app = AppStatus {
            name: "web".into(),
            project: "shop".into(),
            cluster: "prod".into(),
            ..Default::default()
        };
        m.reconciled(Duration::from_millis(30), &[app]);
        m.sync_done("web", "Succeeded");
        m.api_error("prod");
        let text = m.render();
        assert!(text.contains("tether_app_info{app=\"web\",project=\"shop\",cluster=\"prod\",namespace=\"\",sync_status=\"Unknown\",health_status=\"Unknown\",paused=\"false\"} 1"), "{text}");
        assert!(text.contains("tether_app_sync_total{app=\"web\",result=\"Succeeded\"} 1"));
        assert!(text.contains("tether_reconcile_duration_seconds_bucket{le=\"0.05\"} 1"));
        assert!(text.contains("tether_reconcile_duration_seconds_bucket{le=\"0.01\"} 0"));
        assert!(text.contains("tether_api_errors_total{cluster=\"prod\"} 1"));
    }
}
