//! Dates and validity periods as users write them.
use chrono::NaiveDate;

/// A calendar date written `YYYY-MM-DD`; impossible dates (2026-02-30) are refused.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let shaped = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    if !shaped {
        return Err(format!(
            "`{t}` is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01"
        ));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("`{t}` is not a real calendar date"))
}

/// A period like `90d`, `12w`, `6m` (30-day months) or `1y` (365 days), in days.
pub fn parse_days(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let bad = || format!("`{t}` is not a period; write a number and a unit: 90d, 12w, 6m or 1y");
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: u32 = num.parse().map_err(|_| bad())?;
    let per = match unit {
        "d" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => return Err(bad()),
    };
    match n.checked_mul(per) {
        Some(days) if days > 0 && days <= 36_500 => Ok(days),
        _ => Err(format!(
            "`{t}` is out of range; use a period between 1d and 100y"
        )),
    }
}

/// Days written back the way people write them.
pub fn format_days(days: u32) -> String {
    if days.is_multiple_of(365) {
        format!("{}y", days / 365)
    } else {
        format!("{days}d")
    }
}

/// A period `FROM..TO`, both dates inclusive.
pub fn parse_period(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = text.split_once("..").ok_or_else(|| {
        format!("`{text}` is not a period; write FROM..TO, e.g. 2026-01-01..2026-12-31")
    })?;
    let (from, to) = (parse_date(from)?, parse_date(to)?);
    if from > to {
        return Err(format!("period `{text}` ends before it starts"));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dates_and_periods() {
        assert!(parse_date("2026-02-30")
            .unwrap_err()
            .contains("real calendar"));
        assert!(parse_date("01/02/2026").is_err());
        assert_eq!(parse_days("90d"), Ok(90));
        assert_eq!(parse_days("1y"), Ok(365));
        assert!(parse_days("0d").is_err());
        assert!(parse_days("ninety").is_err());
        assert!(parse_period("2026-12-31..2026-01-01").is_err());
        assert_eq!(format_days(365), "1y");
        assert_eq!(format_days(90), "90d");
    }
}
