//! Token buckets on the virtual clock, for a provider's own request-rate limit. They refill
//! only when the clock moves (control API), so tests hit and clear a limit deterministically.

use time::{Duration, OffsetDateTime};

use crate::scenario::RateLimit;

#[derive(Debug, Clone, Copy)]
pub struct TokenBucket {
    tokens: f64,
    updated: OffsetDateTime,
}

impl TokenBucket {
    pub fn full(limit: RateLimit, now: OffsetDateTime) -> Self {
        Self {
            tokens: f64::from(limit.requests),
            updated: now,
        }
    }

    /// Takes one token, or says how long until one is available.
    pub fn take(&mut self, limit: RateLimit, now: OffsetDateTime) -> Result<(), Duration> {
        let capacity = f64::from(limit.requests);
        let per_second = capacity / f64::from(limit.per_seconds);
        let elapsed = (now - self.updated).as_seconds_f64().max(0.0);
        self.tokens = (self.tokens + elapsed * per_second).min(capacity);
        self.updated = self.updated.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::seconds_f64((1.0 - self.tokens) / per_second))
        }
    }
}
