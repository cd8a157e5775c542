//! How long cluster requests may take, how they are retried and paced,
//! and how failing clusters and watches back off. The defaults suit real clusters;
//! tests shorten them with [`Timing::quick`] rather than sleeping.

use std::time::Duration;

/// Timeouts, retries and backoffs of every cluster client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// One API request (not a watch) before it counts as unanswered.
    pub request_timeout: Duration,
    /// The reachability check of a cluster.
    pub ping_timeout: Duration,
    /// How long a reader waits for a kind's first complete list.
    pub ready_timeout: Duration,
    /// Server-side timeout of one watch request; the watcher then resumes
    /// from where it was.
    pub watch_timeout: Duration,
    /// Further attempts of a request that failed in a way worth retrying
    /// (429, 503, a dropped connection of an idempotent request).
    pub retries: u32,
    /// First delay between attempts, doubling up to [`Self::retry_max`].
    pub retry_start: Duration,
    pub retry_max: Duration,
    /// The longest `Retry-After` a server may ask for that is honoured.
    pub retry_after_cap: Duration,
    /// First wait before asking an unreachable cluster again, doubling up
    /// to [`Self::cluster_backoff_max`].
    pub cluster_backoff_start: Duration,
    pub cluster_backoff_max: Duration,
    /// First wait before a failed watch or list is retried, doubling up to
    /// [`Self::watch_backoff_max`].
    pub watch_backoff_start: Duration,
    pub watch_backoff_max: Duration,
    /// How long an answer about a permission is trusted.
    pub permission_ttl: Duration,
    /// Requests per second to one API server, on average (client-go's
    /// QPS); 0 = no client-side limit (the default: applies are bounded
    /// by the sync's concurrency, and a server that is busy answers 429,
    /// which is retried as it asks).
    pub qps: u32,
    /// Requests that may go at once before [`Self::qps`] paces them
    /// (client-go's Burst; at least 1).
    pub burst: u32,
    /// How long a watch may go unread (no app, view or sync asked its
    /// kind and scope) before it is stopped and its objects dropped; the
    /// next read starts it again.
    pub watch_idle: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            ping_timeout: Duration::from_secs(5),
            ready_timeout: Duration::from_secs(20),
            watch_timeout: Duration::from_secs(290),
            retries: 4,
            retry_start: Duration::from_millis(250),
            retry_max: Duration::from_secs(4),
            retry_after_cap: Duration::from_secs(10),
            cluster_backoff_start: Duration::from_secs(1),
            cluster_backoff_max: Duration::from_secs(60),
            watch_backoff_start: Duration::from_millis(800),
            watch_backoff_max: Duration::from_secs(30),
            permission_ttl: Duration::from_secs(60),
            qps: 0,
            burst: 0,
            watch_idle: Duration::from_secs(600),
        }
    }
}

impl Timing {
    /// Short timeouts and backoffs (about a second at most) for tests and
    /// benchmarks against a local simulated cluster.
    pub fn quick() -> Self {
        Self {
            request_timeout: Duration::from_secs(1),
            ping_timeout: Duration::from_secs(1),
            ready_timeout: Duration::from_secs(1),
            watch_timeout: Duration::from_secs(10),
            retries: 3,
            retry_start: Duration::from_millis(20),
            retry_max: Duration::from_millis(100),
            retry_after_cap: Duration::from_secs(2),
            cluster_backoff_start: Duration::from_millis(200),
            cluster_backoff_max: Duration::from_secs(1),
            watch_backoff_start: Duration::from_millis(50),
            watch_backoff_max: Duration::from_millis(400),
            permission_ttl: Duration::from_secs(60),
            qps: 0,
            burst: 0,
            watch_idle: Duration::from_secs(600),
        }
    }

    /// The delay before attempt `attempt + 1` (0-based) of a retried request.
    pub(crate) fn retry_delay(&self, attempt: u32) -> Duration {
        doubled(self.retry_start, self.retry_max, attempt)
    }
}

/// `start` doubled `times` times, at most `max`.
pub(crate) fn doubled(start: Duration, max: Duration, times: u32) -> Duration {
    start
        .saturating_mul(2u32.saturating_pow(times.min(30)))
        .min(max)
}

/// A doubling backoff for watch streams (kube-runtime's `Backoff`).
pub(crate) struct WatchBackoff {
    start: Duration,
    max: Duration,
    failures: u32,
}

impl WatchBackoff {
    pub(crate) fn new(timing: &Timing) -> Self {
        Self {
            start: timing.watch_backoff_start,
            max: timing.watch_backoff_max,
            failures: 0,
        }
    }
}

impl Iterator for WatchBackoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let delay = doubled(self.start, self.max, self.failures);
        self.failures = self.failures.saturating_add(1);
        Some(delay)
    }
}

impl kube::runtime::utils::Backoff for WatchBackoff {
    fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let t = Timing::default();
        assert_eq!(t.retry_delay(0), Duration::from_millis(250));
        assert_eq!(t.retry_delay(2), Duration::from_secs(1));
        assert_eq!(t.retry_delay(40), Duration::from_secs(4));
        let mut watch = WatchBackoff::new(&Timing::quick());
        let first: Vec<_> = watch.by_ref().take(5).collect();
        assert_eq!(first[0], Duration::from_millis(50));
        assert_eq!(first[4], Duration::from_millis(400));
        kube::runtime::utils::Backoff::reset(&mut watch);
        assert_eq!(watch.next(), Some(Duration::from_millis(50)));
    }
}
