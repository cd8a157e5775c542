//! One API request with a deadline and bounded retries: `429` and `503`
//! always (waiting what the server's Status asks, up to a cap), a
//! dropped connection or `504` only for requests that may be repeated, a
//! `409` only where the caller says so (server-side apply). A request that
//! gets no answer in time is not repeated: the cluster is slow or hung,
//! and the caller reports it. Every attempt waits its turn under the
//! client's QPS and burst ([`super::Timing::qps`]).

use super::{ClusterClient, ClusterError};
use std::future::Future;
use std::time::Duration;

/// Which failures a request may be repeated after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Reads, deletes: a repeat does no harm.
    Idempotent,
    /// Server-side apply: idempotent, and a conflict is worth another try.
    Apply,
    /// Create and replace: only what the server certainly did not process.
    Unprocessed,
}

impl ClusterClient {
    /// Runs `request` under the request timeout, repeating it as `retry`
    /// allows; `what` names it in errors (`GET configmaps web/app`).
    pub(crate) async fn call<T, F, Fut>(
        &self,
        what: &str,
        retry: Retry,
        request: F,
    ) -> Result<T, ClusterError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        let timing = self.timing();
        let mut attempt = 0;
        loop {
            self.throttle.wait().await;
            let error = match tokio::time::timeout(timing.request_timeout, request()).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(e)) => e,
                Err(_) => {
                    return Err(ClusterError::Timeout {
                        cluster: self.name().to_string(),
                        what: what.to_string(),
                        seconds: timing.request_timeout.as_secs_f64().ceil() as u64,
                    });
                }
            };
            let delay = retry_delay(&error, retry, attempt, timing);
            match delay {
                Some(delay) if attempt < timing.retries => {
                    tracing::debug!(cluster = self.name(), what, attempt, ?delay, error = %error, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return Err(self.error_of(error)),
            }
        }
    }
}

/// How long to wait before repeating a request that failed with `error`;
/// None when it must not be repeated.
fn retry_delay(
    error: &kube::Error,
    retry: Retry,
    attempt: u32,
    timing: &super::Timing,
) -> Option<Duration> {
    let backoff = timing.retry_delay(attempt);
    match error {
        kube::Error::Api(status) => {
            // The wait the server asks for: a Status carries it in
            // details.retryAfterSeconds next to its Retry-After header (a
            // plain-text 429 of the priority-and-fairness filter does not,
            // and gets the backoff).
            let asked = status
                .details
                .as_ref()
                .map(|d| Duration::from_secs(u64::from(d.retry_after_seconds)))
                .filter(|d| !d.is_zero())
                .map_or(backoff, |d| d.min(timing.retry_after_cap));
            match status.code {
                429 | 503 => Some(asked),
                504 if retry != Retry::Unprocessed => Some(asked),
                409 if retry == Retry::Apply && status.reason == "Conflict" => Some(backoff),
                _ => None,
            }
        }
        kube::Error::HyperError(_) | kube::Error::Service(_)
            if retry != Retry::Unprocessed && super::error::tls_failure(error).is_none() =>
        {
            Some(backoff)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;

    fn api(code: u16, reason: &str, retry_after: u32) -> kube::Error {
        let mut status = Status::failure("x", reason);
        status.code = code;
        if retry_after > 0 {
            status.details = Some(kube::core::response::StatusDetails {
                name: String::new(),
                group: String::new(),
                kind: String::new(),
                uid: String::new(),
                causes: Vec::new(),
                retry_after_seconds: retry_after,
            });
        }
        kube::Error::Api(status.boxed())
    }

    #[test]
    fn only_retryable_failures_are_repeated() {
        let t = super::super::Timing::default();
        let throttled = retry_delay(&api(429, "TooManyRequests", 3), Retry::Unprocessed, 0, &t);
        assert_eq!(throttled, Some(Duration::from_secs(3)));
        let greedy = retry_delay(&api(429, "TooManyRequests", 600), Retry::Idempotent, 0, &t);
        assert_eq!(greedy, Some(t.retry_after_cap));
        assert!(
            retry_delay(
                &api(503, "ServiceUnavailable", 0),
                Retry::Unprocessed,
                0,
                &t
            )
            .is_some()
        );
        assert!(retry_delay(&api(500, "InternalError", 0), Retry::Idempotent, 0, &t).is_none());
        assert!(retry_delay(&api(409, "Conflict", 0), Retry::Apply, 0, &t).is_some());
        assert!(retry_delay(&api(409, "Conflict", 0), Retry::Idempotent, 0, &t).is_none());
        assert!(retry_delay(&api(403, "Forbidden", 0), Retry::Apply, 0, &t).is_none());
    }
}
