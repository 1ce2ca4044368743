//! The real server's request limiter (`--rate-limit`): per client IP, a token
//! bucket holding a burst of 30 requests and refilling at 10 per second. Like the
//! real server, every answer of a limited route tells the bucket's state
//! (`X-RateLimit-Limit`, `-Remaining`, `-Reset`), except a 401, which the real
//! server's auth writes without them. It counts the 429s it gave (`/__dev/stats`), so
//! that a test can tell a client stayed under it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
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

/// What one request found in its client's bucket.
#[derive(Debug, PartialEq)]
pub struct Taken {
    /// It got a token.
    pub allowed: bool,
    /// Tokens left after it.
    pub left: f64,
}

impl Taken {
    /// Whole seconds until the bucket is full again (allowed) or the next token is
    /// there (refused), rounded up: the real server's `X-RateLimit-Reset`, and for a
    /// 429 its `Retry-After` too.
    pub fn reset_seconds(&self) -> u64 {
        let missing = if self.allowed {
            BURST - self.left
        } else {
            1.0 - self.left
        };
        (missing / PER_SECOND).ceil() as u64
    }

    fn headers(&self) -> [(HeaderName, HeaderValue); 3] {
        let remaining = if self.allowed {
            self.left.floor() as u64
        } else {
            0
        };
        [
            (
                HeaderName::from_static("x-ratelimit-limit"),
                HeaderValue::from(BURST as u64),
            ),
            (
                HeaderName::from_static("x-ratelimit-remaining"),
                HeaderValue::from(remaining),
            ),
            (
                HeaderName::from_static("x-ratelimit-reset"),
                HeaderValue::from(self.reset_seconds()),
            ),
        ]
    }
}

impl RateLimiter {
    /// Takes one token from `ip`'s bucket, if there is one.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Taken {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: BURST,
            updated: now,
        });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * PER_SECOND;
        bucket.tokens = (bucket.tokens + refill).min(BURST);
        bucket.updated = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        } else {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        Taken {
            allowed,
            left: bucket.tokens,
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
    let taken = state.limiter.take(connection.remote.ip(), Instant::now());
    let mut response = if taken.allowed {
        next.run(request).await
    } else {
        ApiError::too_many_requests().with_retry_after(taken.reset_seconds())
    };
    if response.status() != StatusCode::UNAUTHORIZED {
        response.headers_mut().extend(taken.headers());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use std::time::Duration;

    const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn allows_a_burst_of_thirty_then_refills_ten_per_second() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..30 {
            assert!(limiter.take(CLIENT, start).allowed);
        }
        let refused = limiter.take(CLIENT, start);
        assert!(!refused.allowed);
        assert_eq!(refused.reset_seconds(), 1, "a token is back within 0.1 s");

        let later = start + Duration::from_millis(250);
        assert!(limiter.take(CLIENT, later).allowed);
        assert!(limiter.take(CLIENT, later).allowed);
        assert!(!limiter.take(CLIENT, later).allowed);
        assert_eq!(limiter.refused(), 2, "each 429 counted");
    }

    #[test]
    fn tells_what_is_left_and_when_the_bucket_is_full_again() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        let first = limiter.take(CLIENT, now);
        assert_eq!(
            first,
            Taken {
                allowed: true,
                left: 29.0
            }
        );
        assert_eq!(first.reset_seconds(), 1);
        let headers = first
            .headers()
            .map(|(name, value)| (name.to_string(), value));
        assert_eq!(
            headers,
            [
                ("x-ratelimit-limit".to_owned(), HeaderValue::from(30)),
                ("x-ratelimit-remaining".to_owned(), HeaderValue::from(29)),
                ("x-ratelimit-reset".to_owned(), HeaderValue::from(1)),
            ]
        );
        let mut last = first;
        for _ in 0..29 {
            last = limiter.take(CLIENT, now);
        }
        // Empty: three seconds to refill thirty tokens.
        assert_eq!(
            last,
            Taken {
                allowed: true,
                left: 0.0
            }
        );
        assert_eq!(last.reset_seconds(), 3);
        assert_eq!(last.headers()[1].1, HeaderValue::from(0));
    }

    #[test]
    fn keeps_one_bucket_per_client() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..30 {
            limiter.take(CLIENT, now);
        }
        assert!(!limiter.take(CLIENT, now).allowed);
        let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        assert!(limiter.take(other, now).allowed);
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        limiter.take(CLIENT, start);
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..30 {
            assert!(limiter.take(CLIENT, much_later).allowed);
        }
        assert!(!limiter.take(CLIENT, much_later).allowed);
    }
}
