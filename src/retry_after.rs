//! `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).

/// The wait the header asks for, in milliseconds from `now_ms` (Unix time). None when
/// the value is neither form; a date in the past means no wait.
pub fn parse(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate rather than fail: the caller caps waits.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(seconds.saturating_mul(1000));
    }
    http_date_ms(value).map(|at| at.saturating_sub(now_ms))
}

/// Parses IMF-fixdate, the only form servers may send: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date_ms(value: &str) -> Option<u64> {
    let mut parts = value.split(' ');
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?.strip_suffix(',')?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || zone != "GMT" || day.len() != 2 || year.len() != 4 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = 1 + MONTHS.iter().position(|m| *m == month)? as u64;
    let day = number(day)?;
    let year = number(year)?;
    let mut hms = time.split(':');
    let (h, m, s) = (
        number(hms.next()?)?,
        number(hms.next()?)?,
        number(hms.next()?)?,
    );
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || year < 1970
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + h) * 60 + m) * 60 * 1000 + s * 1000)
}

fn number(digits: &str) -> Option<u64> {
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm),
/// for years from 1970 on.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe) - 719_468
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn delay_seconds() {
        assert_eq!(parse("1", 0), Some(1000));
        assert_eq!(parse(" 120 ", 0), Some(120_000));
        assert_eq!(parse("0", 5), Some(0));
        assert_eq!(parse("99999999999999999999999", 0), Some(u64::MAX));
    }

    #[test]
    fn http_dates_count_from_now() {
        // 1994-11-06T08:49:37Z is 784111777 s after the epoch.
        let at = 784_111_777_000;
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", at - 2500),
            Some(2500)
        );
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", at + 1), Some(0));
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT", 0), Some(0));
        // A leap day: 2024-02-29T12:00:00Z is 1709208000 s.
        assert_eq!(
            parse("Thu, 29 Feb 2024 12:00:00 GMT", 0),
            Some(1_709_208_000_000)
        );
    }

    #[test]
    fn anything_else_is_ignored() {
        for value in [
            "",
            "soon",
            "-1",
            "1.5",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
        ] {
            assert_eq!(parse(value, 0), None, "{value:?}");
        }
    }
}
