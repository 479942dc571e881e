//! The forms a value takes, and how each is checked.

use std::fmt::Write as _;

/// The form of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Form {
    /// Free text.
    Text,
    /// Text of at most this many characters.
    Bounded(usize),
    /// One of these values exactly: the service refuses others.
    OneOf(&'static [&'static str]),
    /// One of these values, or one the service has added since: others are
    /// warned about, not refused (node, script, resource and schedule types).
    Known(&'static [&'static str]),
    /// A whole number (a JSON number or a string of digits) in this range.
    Integer {
        /// The least value.
        min: i64,
        /// The greatest value.
        max: i64,
    },
    /// `0`, meaning the default, or a whole number in this range
    /// (`instanceTimeout`: published examples write 0).
    ZeroOr {
        /// The least value other than 0.
        min: i64,
        /// The greatest value.
        max: i64,
    },
    /// `true` or `false`: a JSON boolean, or the string.
    Boolean,
    /// An `http://` or `https://` URL with a host.
    Url,
    /// `obs://bucket` or `obs://bucket/path`, with a valid bucket name.
    ObsPath,
    /// An OBS path, or an `hdfs://` path of an MRS cluster.
    StoragePath,
    /// An SMN topic URN, `urn:smn:<region>:<project id>:<topic>`.
    TopicUrn,
    /// `key=value` lines joined by `\n`.
    KeyValueLines,
    /// The 6-field cron expression DataArts accepts.
    Cron,
    /// `yyyy-MM-dd'T'HH:mm:ssZ` with an offset, e.g. `2018-10-22T23:59:59+08`.
    Time,
    /// An interval such as `1 hours` or `30 minutes`.
    Period,
    /// An object or a list, whose own rows say more.
    Structure,
}

const PERIOD_UNITS: &[&str] =
    &["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"];

impl Form {
    /// Checks a text value: `Err` says what is wrong, in words that follow
    /// "`name` is `value`, which ...", e.g. "is not one of GET, POST".
    pub fn check(&self, text: &str) -> Result<(), String> {
        match *self {
            Self::Text | Self::Structure => Ok(()),
            Self::Bounded(max) => {
                let length = text.chars().count();
                if length <= max { Ok(()) } else { Err(format!("is {length} characters long; at most {max}")) }
            }
            Self::OneOf(values) | Self::Known(values) => {
                if values.contains(&text) {
                    Ok(())
                } else {
                    Err(format!("is not one of {}", values.join(", ")))
                }
            }
            Self::Integer { min, max } => check_integer(text, min, max),
            Self::ZeroOr { min, max } => {
                if text.trim() == "0" {
                    Ok(())
                } else {
                    check_integer(text, min, max).map_err(|e| format!("{e} (or 0)"))
                }
            }
            Self::Boolean => {
                if matches!(text, "true" | "false") {
                    Ok(())
                } else {
                    Err("is not `true` or `false`".into())
                }
            }
            Self::Url => check_url(text),
            Self::ObsPath => check_obs_path(text),
            Self::StoragePath => {
                if text.starts_with("hdfs://") {
                    Ok(())
                } else {
                    check_obs_path(text)
                }
            }
            Self::TopicUrn => check_topic_urn(text),
            Self::KeyValueLines => check_key_value_lines(text),
            Self::Cron => {
                check_cron(text).map_err(|problem| format!("is not a DataArts cron expression: it {problem}"))
            }
            Self::Time => {
                if is_time(text) {
                    Ok(())
                } else {
                    Err("is not yyyy-MM-dd'T'HH:mm:ssZ".into())
                }
            }
            Self::Period => check_period(text),
        }
    }

    /// The form in words, for explanations and schemas.
    pub fn describe(&self) -> String {
        match *self {
            Self::Text => "text".into(),
            Self::Bounded(max) => format!("text of at most {max} characters"),
            Self::OneOf(values) => format!("one of {}", values.join(", ")),
            Self::Known(values) => format!("one of {} (or a value the service has added)", values.join(", ")),
            Self::Integer { min, max } => format!("a whole number {min}–{max}"),
            Self::ZeroOr { min, max } => format!("0 (the default) or a whole number {min}–{max}"),
            Self::Boolean => "`true` or `false`".into(),
            Self::Url => "an http(s) URL".into(),
            Self::ObsPath => "an OBS path `obs://bucket/path`".into(),
            Self::StoragePath => "an OBS path `obs://bucket/path` or an `hdfs://` path".into(),
            Self::TopicUrn => "an SMN topic URN `urn:smn:<region>:<project id>:<topic>`".into(),
            Self::KeyValueLines => "`key=value` lines".into(),
            Self::Cron => "a 6-field cron expression, e.g. `0 20 1 * * ?`".into(),
            Self::Time => "a time `yyyy-MM-dd'T'HH:mm:ssZ`, e.g. `2018-10-22T23:59:59+08`".into(),
            Self::Period => "an interval such as `1 hours`".into(),
            Self::Structure => "an object or a list".into(),
        }
    }

    /// How to write a value of this form, for a finding's hint.
    pub fn advice(&self) -> String {
        match *self {
            Self::Known(_) => "no known value is close; a value the service has added can be ignored".into(),
            Self::OneOf(values) => format!("use one of {}", values.join(", ")),
            Self::Integer { min, max } | Self::ZeroOr { min, max } => format!("set it between {min} and {max}"),
            Self::Bounded(_) => "shorten it".into(),
            Self::Cron => {
                "write 6 fields `<sec> <min> <hour> <day> <month> <week>` with seconds `0`, e.g. `0 20 1 * * ?`".into()
            }
            Self::Time => "write it like `2018-10-22T23:59:59+08`".into(),
            // These forms are advised by their description, which names each.
            Self::Text
            | Self::Boolean
            | Self::Url
            | Self::ObsPath
            | Self::StoragePath
            | Self::TopicUrn
            | Self::KeyValueLines
            | Self::Period
            | Self::Structure => format!("write {}", self.describe()),
        }
    }

    /// Whether the form is a closed enumeration, a range, or a shape the
    /// service checks (anything but free text and structures).
    pub fn is_checked(&self) -> bool {
        !matches!(self, Self::Text | Self::Structure)
    }
}

fn check_integer(text: &str, min: i64, max: i64) -> Result<(), String> {
    match text.trim().parse::<i64>() {
        Ok(number) if (min..=max).contains(&number) => Ok(()),
        Ok(_) => Err(format!("is out of range; it must be {min}–{max}")),
        Err(_) => Err(format!("is not a whole number; it must be {min}–{max}")),
    }
}

fn check_url(text: &str) -> Result<(), String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or("is not an http:// or https:// URL")?;
    let authority = rest.split_once(['/', '?', '#']).map_or(rest, |(authority, _)| authority);
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = host.strip_prefix('[').map_or_else(
        || host.split_once(':').map_or(host, |(host, _)| host),
        |bracketed| bracketed.split_once(']').map_or(bracketed, |(host, _)| host),
    );
    if host.is_empty() || text.contains(char::is_whitespace) {
        return Err("is not a URL with a host".into());
    }
    if let Some((_, port)) = authority.rsplit_once(':').filter(|_| !authority.ends_with(']'))
        && !port.is_empty()
        && port.parse::<u16>().is_err()
        && !port.contains('@')
    {
        return Err(format!("has an invalid port `{port}`"));
    }
    Ok(())
}

/// OBS bucket names: 3–63 lower-case letters, digits, `-` and `.`, starting
/// and ending with a letter or digit.
fn check_obs_path(text: &str) -> Result<(), String> {
    let rest = text.strip_prefix("obs://").ok_or("is not an OBS path `obs://bucket/path`")?;
    let bucket = rest.split_once('/').map_or(rest, |(bucket, _)| bucket);
    let valid = (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !bucket.contains("..");
    if !valid {
        return Err(format!("has an invalid bucket name `{bucket}` (3–63 lower-case letters, digits, `-` or `.`)"));
    }
    if text.contains(char::is_whitespace) && !text.contains("${") {
        return Err("contains white space".into());
    }
    Ok(())
}

/// `urn:smn:<region>:<project id>:<topic>`.
fn check_topic_urn(text: &str) -> Result<(), String> {
    let parts: Vec<&str> = text.split(':').collect();
    let [urn, smn, region, project, topic] = parts.as_slice() else {
        return Err("is not an SMN topic URN `urn:smn:<region>:<project id>:<topic>`".into());
    };
    if *urn != "urn" || *smn != "smn" {
        return Err("does not start with `urn:smn:`".into());
    }
    if region.is_empty() || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(format!("has an invalid region `{region}`"));
    }
    if project.len() != 32 || !project.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("has a project id that is not 32 hexadecimal digits".into());
    }
    let topic_ok = (1..=255).contains(&topic.len())
        && topic.starts_with(|c: char| c.is_ascii_alphanumeric())
        && topic.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !topic_ok {
        return Err(format!("has an invalid topic name `{topic}`"));
    }
    Ok(())
}

fn check_key_value_lines(text: &str) -> Result<(), String> {
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.split_once('=') {
            Some((key, _)) if !key.trim().is_empty() => {}
            _ => {
                let mut message = String::new();
                let _ = write!(message, "has line {} `{line}`, which is not `key=value`", index + 1);
                return Err(message);
            }
        }
    }
    Ok(())
}

fn check_period(text: &str) -> Result<(), String> {
    let mut parts = text.split_whitespace();
    let (Some(count), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("is not an interval such as `1 hours`".into());
    };
    if count.parse::<u32>().is_err() || !PERIOD_UNITS.contains(&unit) {
        return Err("is not an interval such as `1 hours` (minutes, hours, days, weeks, months)".into());
    }
    Ok(())
}

/// Checks the 6-field cron shape DataArts accepts.
pub(crate) fn check_cron(expression: &str) -> Result<(), String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    let [seconds, minutes, hours, day, month, week] = fields.as_slice() else {
        return Err(format!("has {} fields, not 6", fields.len()));
    };
    if *seconds != "0" {
        return Err("has seconds other than `0`".into());
    }
    let simple = |field: &str, max: u32| {
        field == "*"
            || field.split(',').all(|part| {
                let (range, step) = part.split_once('/').unwrap_or((part, "1"));
                let numbers_ok = range == "*" || range.split('-').all(|n| n.parse::<u32>().is_ok_and(|n| n <= max));
                numbers_ok && step.parse::<u32>().is_ok_and(|s| s > 0)
            })
    };
    if !simple(minutes, 59) {
        return Err(format!("has an invalid minutes field `{minutes}`"));
    }
    if !simple(hours, 23) {
        return Err(format!("has an invalid hours field `{hours}`"));
    }
    let allowed = |field: &str, extra: &str| field.chars().all(|c| c.is_ascii_digit() || extra.contains(c));
    if !allowed(day, ",-*?/LWC") {
        return Err(format!("has an invalid day field `{day}`"));
    }
    if *month != "*" {
        return Err("has a month field other than `*`".into());
    }
    if !allowed(week, ",-*?/LC#") {
        return Err(format!("has an invalid week field `{week}`"));
    }
    if *day != "?" && *week != "?" && *day != "*" && *week != "*" {
        return Err("sets both day and week; one of them must be `?`".into());
    }
    Ok(())
}

/// `yyyy-MM-dd'T'HH:mm:ssZ` with an offset like `+08`, `+0800`, `+08:00` or `Z`.
pub(crate) fn is_time(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| bytes.get(i) == Some(&c);
    let datetime = digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && at(10, b'T')
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19);
    let offset = value.get(19..).unwrap_or("");
    let offset_ok = offset == "Z"
        || (matches!(offset.as_bytes().first(), Some(b'+' | b'-'))
            && matches!(offset.len(), 3 | 5 | 6)
            && offset.get(1..).is_some_and(|o| o.chars().all(|c| c.is_ascii_digit() || c == ':')));
    datetime && offset_ok
}
