//! Calendar days, for `expires = "YYYY-MM-DD"`.
//!
//! The core has no clock: whoever builds a lexicon says which day it is
//! ([`crate::LexiconBuilder::today`]); the command line and the WASM package pass the real date.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A calendar day of the proleptic Gregorian calendar, written `YYYY-MM-DD`.
///
/// ```
/// use prescreen::Date;
/// let d: Date = "2026-11-26".parse().unwrap();
/// assert_eq!((d.year(), d.month(), d.day()), (2026, 11, 26));
/// assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
/// assert!(Date::parse("2026-02-29").is_none()); // not a leap year
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived `Ord` chronological.
    year: i32,
    month: u8,
    day: u8,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// The day, if it exists (`month` 1–12, `day` within the month, `year` 1–9999).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let (month, day) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
        let valid =
            (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        Date::new(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
    }

    /// The day `days` after 1970-01-01 (negative: before), e.g. from the system clock's seconds
    /// divided by 86 400 (a UTC day).
    pub fn from_unix_days(days: i64) -> Date {
        // Howard Hinnant's civil-from-days algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (the inverse of [`Date::from_unix_days`]); the difference of two
    /// is the number of days between them.
    pub fn unix_days(self) -> i64 {
        // Howard Hinnant's days-from-civil algorithm.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A string that is not a `YYYY-MM-DD` day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date of the form YYYY-MM-DD", self.0)
    }
}

impl std::error::Error for DateError {}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s).ok_or_else(|| DateError(s.to_string()))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        for ok in ["2026-11-26", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(Date::parse(ok).unwrap().to_string(), ok);
        }
        for bad in [
            "2026-11-31", "1900-02-29", "2026-13-01", "2026-00-10", "26-11-26", "2026/11/26", "2026-1-26",
            "+026-11-26", "2026-11-26T00:00",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn unix_days_round_trip_through_the_calendar() {
        assert_eq!(Date::from_unix_days(0), Date::new(1970, 1, 1).unwrap());
        assert_eq!(Date::from_unix_days(20_418), Date::new(2025, 11, 26).unwrap());
        assert_eq!(Date::from_unix_days(-1), Date::new(1969, 12, 31).unwrap());
        let mut previous = Date::from_unix_days(-800);
        for d in -799..30_000 {
            let day = Date::from_unix_days(d);
            assert!(day > previous, "{day} after {previous}");
            assert!(Date::new(day.year(), day.month(), day.day()).is_some());
            assert_eq!(day.unix_days(), d);
            previous = day;
        }
    }
}
