//! The real server's request limiter (`--rate-limit`): per client IP, a token
//! bucket holding a burst of 30 requests and refilling at 10 per second. Every answer
//! of an `/api/` route carries the bucket's state as the real server's do
//! (`X-RateLimit-Limit`, `-Remaining`, `-Reset`), and the limiter counts the 429s it
//! gave (`/__dev/stats`), so that a test can tell a client stayed under it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::conn::Connection;
use crate::error::ApiError;
use crate::AppState;

const BURST: f64 = 30.0;
const PER_SECOND: f64 = 10.0;

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    refused: AtomicU64,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// What one request found: let through or not, and the bucket after it.
#[derive(Debug, PartialEq)]
pub struct Checked {
    /// None: let through; else how long until a token is back.
    pub wait: Option<Duration>,
    /// Whole tokens left.
    pub remaining: u64,
    /// Whole seconds until the bucket is full again, rounded up.
    pub reset: u64,
}

impl RateLimiter {
    /// Takes one token from `ip`'s bucket, or says how long until one is back.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Checked {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: BURST,
            updated: now,
        });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * PER_SECOND;
        bucket.tokens = (bucket.tokens + refill).min(BURST);
        bucket.updated = now;
        let wait = if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            None
        } else {
            self.refused.fetch_add(1, Ordering::Relaxed);
            Some(Duration::from_secs_f64((1.0 - bucket.tokens) / PER_SECOND))
        };
        Checked {
            wait,
            remaining: bucket.tokens.floor() as u64,
            reset: ((BURST - bucket.tokens) / PER_SECOND).ceil() as u64,
        }
    }

    /// The 429s given so far.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// Limits `/api/` requests only: static files and dev-control routes are never limited.
pub async fn limit(
    State(state): State<AppState>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let checked = state.limiter.check(connection.remote.ip(), Instant::now());
    let mut response = match checked.wait {
        // Retry-After is in whole seconds; never tell a client to retry at once.
        Some(wait) => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            ApiError::too_many_requests().with_retry_after(seconds)
        }
        None => next.run(request).await,
    };
    add_headers(response.headers_mut(), &checked);
    response
}

fn add_headers(headers: &mut HeaderMap, checked: &Checked) {
    for (name, value) in [
        ("x-ratelimit-limit", BURST as u64),
        ("x-ratelimit-remaining", checked.remaining),
        ("x-ratelimit-reset", checked.reset),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
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
        for left in (0..30).rev() {
            let checked = limiter.check(CLIENT, start);
            assert_eq!((checked.wait, checked.remaining), (None, left));
        }
        let refused = limiter.check(CLIENT, start);
        let wait = refused.wait.expect("refused");
        assert!(wait > Duration::from_millis(99) && wait <= Duration::from_millis(100));
        assert_eq!((refused.remaining, refused.reset), (0, 3));

        let later = start + Duration::from_millis(250);
        assert_eq!(limiter.check(CLIENT, later).wait, None);
        assert_eq!(limiter.check(CLIENT, later).wait, None);
        assert!(limiter.check(CLIENT, later).wait.is_some());
        assert_eq!(limiter.refused(), 2);
    }

    #[test]
    fn keeps_one_bucket_per_client() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..30 {
            assert_eq!(limiter.check(CLIENT, now).wait, None);
        }
        assert!(limiter.check(CLIENT, now).wait.is_some());
        let other = limiter.check(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), now);
        assert_eq!((other.wait, other.remaining), (None, 29));
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        assert_eq!(limiter.check(CLIENT, start).wait, None);
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..30 {
            assert_eq!(limiter.check(CLIENT, much_later).wait, None);
        }
        assert!(limiter.check(CLIENT, much_later).wait.is_some());
    }
}
