//! Lenient dates: what feeds actually put in `pubDate`, `dc:date` and `updated`.
//!
//! RFC 3339 and RFC 2822 first; then a token reader for the rest ("Thu,28 Jul 2022 4:35:5
//! GMT+9", "2026-11-02 10:00", "November 2, 2026 3:04 PM EST", a date without a time). A date
//! that still makes no sense gives `None`, and the parse stage falls back to the fetch time and
//! marks the article, so a bad date never drops an article.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Parse a feed date leniently; `None` when nothing sensible can be read.
pub fn parse_lenient(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let parsed = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_rfc2822(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| iso_like(s))
        .or_else(|| tokens(s))?;
    (1970..=2100).contains(&chrono::Datelike::year(&parsed)).then_some(parsed)
}

/// ISO 8601 variants: a space instead of `T`, no seconds, no zone, `+0100`, date only.
fn iso_like(s: &str) -> Option<DateTime<Utc>> {
    let s = s.replacen(' ', "T", 1);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(d) = DateTime::parse_from_str(&s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let naive = s.trim_end_matches('Z');
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d").ok().map(|d| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)))
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Named zones seen in feeds, in hours from UTC.
fn zone_hours(name: &str) -> Option<i32> {
    Some(match name {
        "gmt" | "utc" | "ut" | "z" | "wet" => 0,
        "bst" | "cet" | "wat" | "met" => 1,
        "cest" | "eet" | "cat" | "sast" => 2,
        "eest" | "eat" | "msk" | "ast" => 3,
        "ist" => 5, // India; the half hour is lost, which a feed date can spare
        "jst" | "kst" => 9,
        "edt" => -4,
        "est" | "cdt" => -5,
        "cst" | "mdt" => -6,
        "mst" | "pdt" => -7,
        "pst" => -8,
        _ => return None,
    })
}

#[derive(Default)]
struct Parts {
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
    time: Option<(u32, u32, u32)>,
    offset_secs: Option<i32>,
    pm: Option<bool>,
}

/// Read day, month name, year, time and zone from loose tokens, in any order.
fn tokens(s: &str) -> Option<DateTime<Utc>> {
    let mut p = Parts::default();
    let spaced = split_dashes(&s.replace([',', '/'], " "));
    for tok in spaced.split_whitespace() {
        read_token(&mut p, &tok.to_ascii_lowercase());
    }
    let (mut h, m, sec) = p.time.unwrap_or((0, 0, 0));
    match p.pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let date = NaiveDate::from_ymd_opt(p.year?, p.month?, p.day?)?;
    let naive = date.and_hms_opt(h, m, sec)?;
    let offset = FixedOffset::east_opt(p.offset_secs.unwrap_or(0))?;
    Some(offset.from_local_datetime(&naive).single()?.with_timezone(&Utc))
}

fn read_token(p: &mut Parts, tok: &str) {
    if let Some((time, zone)) = split_time(tok) {
        p.time = Some(time);
        if !zone.is_empty() {
            read_token(p, zone);
        }
    } else if let Some(off) = numeric_offset(tok) {
        p.offset_secs = Some(off);
    } else if let Some(rest) = tok.strip_prefix("gmt").or_else(|| tok.strip_prefix("utc")) {
        p.offset_secs = Some(if rest.is_empty() { 0 } else { numeric_offset(rest).unwrap_or(0) });
    } else if tok == "am" || tok == "pm" {
        p.pm = Some(tok == "pm");
    } else if let Some(h) = zone_hours(tok) {
        p.offset_secs = Some(h * 3600);
    } else if tok.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = tok.parse().unwrap_or(-1);
        if tok.len() == 4 {
            p.year = Some(n as i32);
        } else if p.day.is_none() && (1..=31).contains(&n) {
            p.day = Some(n as u32);
        } else if p.year.is_none() && tok.len() == 2 {
            p.year = Some(2000 + n as i32);
        }
    } else if let Some(m) = MONTHS.iter().position(|m| tok.starts_with(m)) {
        p.month = Some(m as u32 + 1);
    } else if let Some((day, _)) = tok.split_once(|c: char| !c.is_ascii_digit()).filter(|(d, _)| !d.is_empty()) {
        // "2nd", "21st"
        p.day = day.parse().ok();
    }
}

/// `02-Nov-2026` → `02 Nov 2026`; a dash next to a digit on both sides (an offset) stays.
fn split_dashes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let alpha = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_alphabetic());
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if c == '-' && (alpha(i.checked_sub(1)) || alpha(Some(i + 1))) { ' ' } else { c })
        .collect()
}

/// `4:35:5`, `10:00`, `10:00:00.123+0200`, `10:00:00z` → the time and what follows it.
fn split_time(tok: &str) -> Option<((u32, u32, u32), &str)> {
    if !tok.contains(':') || !tok.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = tok.find(['+', '-', 'z', 'a', 'p', 'g', 'u']).unwrap_or(tok.len());
    let (time, zone) = tok.split_at(end);
    let mut it = time.split(':').map(|x| x.split('.').next().unwrap_or("").parse::<u32>());
    let h = it.next()?.ok()?;
    let m = it.next()?.ok()?;
    let s = it.next().map(|r| r.ok()).unwrap_or(Some(0))?;
    (h < 24 && m < 60 && s < 61).then_some(((h, m, s.min(59)), zone))
}

/// `+0900`, `-05:00`, `+9`, `-5` → seconds east of UTC.
fn numeric_offset(tok: &str) -> Option<i32> {
    let sign = match tok.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = tok[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != tok.len() - 1 - tok[1..].matches(':').count() {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => (digits[..digits.len() - 2].parse::<i32>().ok()?, digits[digits.len() - 2..].parse::<i32>().ok()?),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        parse_lenient(s).map(|d| d.to_rfc3339()).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn standard_dates() {
        assert_eq!(iso("2026-11-02T10:00:00Z"), "2026-11-02T10:00:00+00:00");
        assert_eq!(iso("Mon, 02 Nov 2026 10:00:00 GMT"), "2026-11-02T10:00:00+00:00");
        assert_eq!(iso("Mon, 02 Nov 2026 10:00:00 +0200"), "2026-11-02T08:00:00+00:00");
    }

    #[test]
    fn sloppy_dates_seen_in_real_feeds() {
        assert_eq!(iso("Thu,28 Jul 2022 4:35:5 GMT+9"), "2022-07-27T19:35:05+00:00");
        assert_eq!(iso("2026-11-02 10:00"), "2026-11-02T10:00:00+00:00");
        assert_eq!(iso("2026-11-02T10:00:00+0100"), "2026-11-02T09:00:00+00:00");
        assert_eq!(iso("2026-11-02"), "2026-11-02T00:00:00+00:00");
        assert_eq!(iso("November 2, 2026 3:04 PM EST"), "2026-11-02T20:04:00+00:00");
        assert_eq!(iso("Tuesday, 02-Nov-2026"), "2026-11-02T00:00:00+00:00");
        assert_eq!(iso("2 Nov 2026"), "2026-11-02T00:00:00+00:00");
        assert_eq!(iso("Wed, 02 Oct 2002 13:00:00 EDT"), "2002-10-02T17:00:00+00:00");
    }

    #[test]
    fn nonsense_is_none() {
        for s in ["", "not a date", "yesterday", "32 Foo 99999", "0000-00-00"] {
            assert_eq!(iso(s), "none", "{s}");
        }
    }
}
