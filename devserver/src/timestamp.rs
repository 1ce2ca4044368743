//! Timestamps as the server writes them: in bodies the way the real (Python)
//! server does, in headers as HTTP-dates.

use std::fmt;

use serde::{Serialize, Serializer};
use time::{Duration, OffsetDateTime, UtcOffset};

/// A UTC instant with microsecond precision, displayed like Python's
/// `datetime.isoformat()`: `2024-01-15T14:00:00.402810+00:00`, and with no
/// fraction at all when the microseconds are zero: `2024-01-15T14:00:00+00:00`.
/// Clients must cope with both forms, so the server produces both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// Python datetimes stop at microseconds; drop the nanoseconds below that.
    pub fn from_datetime(datetime: OffsetDateTime) -> Self {
        let utc = datetime.to_offset(UtcOffset::UTC);
        let truncated = utc
            .replace_nanosecond(utc.microsecond() * 1_000)
            .unwrap_or(utc);
        Self(truncated)
    }

    pub fn minus(self, duration: Duration) -> Self {
        Self(self.0 - duration)
    }

    /// The same instant with the microseconds cleared (written without a fraction).
    pub fn whole_second(self) -> Self {
        Self(self.0.replace_nanosecond(0).unwrap_or(self.0))
    }
}

/// An HTTP-date in its preferred IMF-fixdate form (RFC 9110, 5.6.7):
/// `Sun, 06 Nov 1994 08:49:37 GMT`, whole seconds, always in GMT.
pub fn http_date(at: OffsetDateTime) -> String {
    let t = at.to_offset(UtcOffset::UTC);
    // The English names, cut to three letters: `Sunday` -> `Sun`, `November` -> `Nov`.
    let weekday = t.weekday().to_string();
    let month = t.month().to_string();
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        &weekday[..3],
        t.day(),
        &month[..3],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        if t.microsecond() != 0 {
            write!(f, ".{:06}", t.microsecond())?;
        }
        f.write_str("+00:00")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_microseconds_and_offset_like_python() {
        let t = Timestamp::from_datetime(datetime!(2024-01-15 13:58:12.402810 UTC));
        assert_eq!(t.to_string(), "2024-01-15T13:58:12.402810+00:00");
    }

    #[test]
    fn omits_the_fraction_when_microseconds_are_zero() {
        let t = Timestamp::from_datetime(datetime!(2024-01-15 14:00:00 UTC));
        assert_eq!(t.to_string(), "2024-01-15T14:00:00+00:00");
    }

    #[test]
    fn keeps_leading_zeros_of_the_fraction() {
        let t = Timestamp::from_datetime(datetime!(2024-01-15 14:00:00.000007 UTC));
        assert_eq!(t.to_string(), "2024-01-15T14:00:00.000007+00:00");
    }

    #[test]
    fn drops_nanoseconds_and_converts_to_utc() {
        let t = Timestamp::from_datetime(datetime!(2024-01-15 16:00:00.123456789 +02:00));
        assert_eq!(t.to_string(), "2024-01-15T14:00:00.123456+00:00");
        assert_eq!(t.whole_second().to_string(), "2024-01-15T14:00:00+00:00");
    }

    #[test]
    fn http_dates_are_imf_fixdates_in_gmt() {
        assert_eq!(
            http_date(datetime!(1994-11-06 08:49:37 UTC)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(
            http_date(datetime!(2025-03-01 00:59:05.999 +01:00)),
            "Fri, 28 Feb 2025 23:59:05 GMT"
        );
    }

    #[test]
    fn serializes_as_a_json_string() {
        let t = Timestamp::from_datetime(datetime!(2024-01-15 14:00:00 UTC));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2024-01-15T14:00:00+00:00\""
        );
    }
}
