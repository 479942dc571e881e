//! The shapes of cron expressions and times.

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
pub(crate) fn is_start_time(value: &str) -> bool {
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
