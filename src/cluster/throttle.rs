//! Client-side pacing of the requests to one API server, as client-go's
//! QPS and Burst: a bucket of `burst` tokens refilled at `qps` per second;
//! each request takes one, and waits its turn when the bucket is empty.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The pace of one client's requests (no limit when `qps` is 0).
#[derive(Debug)]
pub(crate) struct Throttle {
    qps: f64,
    burst: f64,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Tokens left at `at`; below zero when requests are queued for
    /// tokens not refilled yet.
    tokens: f64,
    at: Instant,
}

impl Throttle {
    /// `qps` requests per second on average, up to `burst` (at least 1)
    /// at once; `qps` 0 lets every request go at once.
    pub(crate) fn new(qps: u32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Throttle {
            qps: f64::from(qps),
            burst,
            bucket: Mutex::new(Bucket {
                tokens: burst,
                at: Instant::now(),
            }),
        }
    }

    /// Waits until one more request may go.
    pub(crate) async fn wait(&self) {
        let delay = self.reserve(Instant::now());
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Takes a token at `now`; how long its request must wait for it.
    fn reserve(&self, now: Instant) -> Duration {
        if self.qps <= 0.0 {
            return Duration::ZERO;
        }
        let Ok(mut bucket) = self.bucket.lock() else {
            return Duration::ZERO;
        };
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.qps;
        bucket.tokens = (bucket.tokens + refill).min(self.burst) - 1.0;
        bucket.at = now;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / self.qps)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_goes_at_once_then_requests_follow_the_pace() {
        let throttle = Throttle::new(10, 3);
        let start = Instant::now();
        let waits: Vec<Duration> = (0..5).map(|_| throttle.reserve(start)).collect();
        let ms: Vec<u128> = waits.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, [0, 0, 0, 100, 200]);
        // A second later the bucket is full again (3), not 10.
        let later = start + Duration::from_secs(1) + Duration::from_millis(200);
        let ms: Vec<u128> = (0..4)
            .map(|_| throttle.reserve(later).as_millis())
            .collect();
        assert_eq!(ms, [0, 0, 0, 100]);
    }

    #[test]
    fn no_qps_means_no_waiting() {
        let throttle = Throttle::new(0, 0);
        let now = Instant::now();
        assert!((0..1000).all(|_| throttle.reserve(now).is_zero()));
    }
}
