//! The real server's request limiter (`--rate-limit`): per client IP, a token
//! bucket holding a burst of 30 requests and refilling at 10 per second.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::conn::Connection;
use crate::error::ApiError;

const BURST: f64 = 30.0;
const PER_SECOND: f64 = 10.0;

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// Takes one token from `ip`'s bucket, or says how long until one is back.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: BURST,
            updated: now,
        });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * PER_SECOND;
        bucket.tokens = (bucket.tokens + refill).min(BURST);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / PER_SECOND))
        }
    }
}

/// Limits `/api/` requests only: static files and dev-control routes are never limited.
pub async fn limit(
    State(limiter): State<Arc<RateLimiter>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/") {
        if let Err(wait) = limiter.check(connection.remote.ip(), Instant::now()) {
            // Retry-After is in whole seconds; never tell a client to retry at once.
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            return ApiError::too_many_requests().with_retry_after(seconds);
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn allows_a_burst_of_thirty_then_refills_ten_per_second() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..30 {
            assert_eq!(limiter.check(CLIENT, start), Ok(()));
        }
        let wait = limiter.check(CLIENT, start).unwrap_err();
        assert!(wait > Duration::from_millis(99) && wait <= Duration::from_millis(100));

        let later = start + Duration::from_millis(250);
        assert_eq!(limiter.check(CLIENT, later), Ok(()));
        assert_eq!(limiter.check(CLIENT, later), Ok(()));
        assert!(limiter.check(CLIENT, later).is_err());
    }

    #[test]
    fn keeps_one_bucket_per_client() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..30 {
            limiter.check(CLIENT, now).unwrap();
        }
        assert!(limiter.check(CLIENT, now).is_err());
        assert_eq!(
            limiter.check(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), now),
            Ok(())
        );
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        limiter.check(CLIENT, start).unwrap();
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..30 {
            limiter.check(CLIENT, much_later).unwrap();
        }
        assert!(limiter.check(CLIENT, much_later).is_err());
    }
}
