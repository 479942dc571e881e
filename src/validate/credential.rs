//! Credentials written in plain text: found by key, header, URL, token and
//! key-block patterns after a keyword prefilter, and reported without the
//! secret.

use crate::catalog::{self, MASKED_VALUES, SECRET_HEADERS, SECRET_KEYS};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// Where a credential should live instead.
pub(crate) const HINT: &str = "keep the secret in a DataArts connection, or in an environment variable read with \
     `#{Env.get(\"name\")}`; remove it from the bundle and rotate it";

/// One credential found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// What holds it: "the `Authorization` header", "the value of `password`".
    pub(crate) holder: String,
    /// The secret's first characters (none for a short one), never more.
    pub(crate) redacted: String,
}

impl Found {
    pub(crate) fn message(&self) -> String {
        format!("{} is written in plain text (`{}`)", self.holder, self.redacted)
    }
}

/// How thoroughly a text is searched.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Every spelling: node properties, parameters and arguments (short texts).
    Every,
    /// The common spellings, at the speed of one SIMD pass: script contents,
    /// most of a bundle's bytes (`dbPwd`, `AUTHORIZATION` in capitals and
    /// `sk` before a space or a single quote are not looked for there).
    Common,
}

/// Substrings of which every pattern below holds one, spelled as people
/// spell them (`password`, `Password`, `PASSWORD`). None of two bytes, and
/// none that starts with a byte as frequent as `_` (either slows the SIMD
/// searcher from 2.5 ms to 7–38 ms on the 46 MB of scripts of the 1000-job
/// bundle); the common set keeps to 16, past which the searcher takes
/// another, slower form (3% of `validate`).
fn prefilter(depth: Depth) -> Option<&'static AhoCorasick> {
    const COMMON: [&str; 16] = [
        "ass", "ASS", "pwd", "PWD", "ecret", "ECRET", "oken", "OKEN", "key", "Key", "KEY", "uth", "://", "sk=", "SK=",
        "sk\"",
    ];
    const MORE: [&str; 6] = ["Pwd", "UTH", "sk'", "sk ", "SK\"", "SK "];
    fn build<'a>(words: impl IntoIterator<Item = &'a &'a str>) -> Option<AhoCorasick> {
        AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostFirst).build(words).ok()
    }
    static EVERY: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| build(COMMON.iter().chain(&MORE)));
    static SOME: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| build(&COMMON));
    match depth {
        Depth::Every => EVERY.as_ref(),
        Depth::Common => SOME.as_ref(),
    }
}

/// Whether `key` names a secret (`password`, `db_password`, `dbPassword`,
/// `passWord`, `X-Auth-Token`).
pub(crate) fn is_secret_key(key: &str) -> bool {
    // Most keys hold none of the words a secret's name ends in: rejected
    // without building the normalised name.
    let ends_in_sk =
        key.len() >= 2 && key.as_bytes().get(key.len() - 2..).is_some_and(|end| end.eq_ignore_ascii_case(b"sk"));
    if !ends_in_sk && !prefilter(Depth::Every).is_some_and(|searcher| searcher.is_match(key)) {
        return false;
    }
    let key = normalise(key);
    // `passWord` reads as `pass_word`: compared without underscores too.
    let joined: String = key.chars().filter(|c| *c != '_').collect();
    SECRET_KEYS.iter().any(|secret| {
        key.strip_suffix(secret).is_some_and(|prefix| prefix.is_empty() || prefix.ends_with('_'))
            || joined == secret.replace('_', "")
    }) || is_normalised_header(&key)
}

fn is_secret_header(key: &str) -> bool {
    is_normalised_header(&normalise(key))
}

/// Whether a normalised key is a header whose value is a credential.
fn is_normalised_header(key: &str) -> bool {
    SECRET_HEADERS.iter().any(|header| header.bytes().map(|b| if b == b'-' { b'_' } else { b }).eq(key.bytes()))
}

/// Snake case (`dbPassword` is `db_password`), `-` and `.` read as `_`
/// (`fs.obs.secret.key`), leading dashes (`--password`) dropped.
fn normalise(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut previous: Option<char> = None;
    for c in key.trim_start_matches(['-', '_']).chars() {
        if c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
            out.push('_');
        }
        out.push(if c == '-' || c == '.' { '_' } else { c.to_ascii_lowercase() });
        previous = Some(c);
    }
    out
}

/// Whether `value` is a literal secret: not empty, not EL or a parameter
/// (`#{…}`, `${…}`, a shell `$VAR`), not masked, not a placeholder.
fn is_literal(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    !(value.is_empty()
        || catalog::is_dynamic(value)
        // Variables, placeholders, bind parameters (`:pwd`, `@pwd`) and paths (`PWD=/opt/app`).
        || value.starts_with(['$', '%', '{', '<', '?', '#', ':', '@', '/'])
        || value.chars().all(|c| c == '*' || c == 'x' || c == 'X')
        || MASKED_VALUES.contains(&value)
        || ["true", "false", "null", "none", "yes", "no"].iter().any(|word| value.eq_ignore_ascii_case(word)))
}

/// The first characters of a secret, when it is long enough that they give
/// nothing away, then `…`.
fn redact(secret: &str) -> String {
    let secret = secret.trim().trim_matches(['"', '\'']);
    if secret.chars().count() >= 8 {
        let start: String = secret.chars().take(2).collect();
        format!("{start}…")
    } else {
        "…".to_owned()
    }
}

/// A value the console marks sensitive (`value_is_sensitive`), when it is
/// written in plain text: the whole value is the secret.
pub(crate) fn sensitive(name: &str, value: &str) -> Option<Found> {
    is_literal(value)
        .then(|| Found { holder: format!("the value of `{name}`, marked sensitive,"), redacted: redact(value) })
}

/// Every credential in `text`; `key`: the name the text is the value of
/// (a property or parameter), which may itself name a secret.
pub(crate) fn find(text: &str, key: Option<&str>, depth: Depth) -> Vec<Found> {
    let mut found = Vec::new();
    if let Some(key) = key
        && is_secret_key(key)
    {
        if is_secret_header(key) {
            found.extend(header(key, text));
        } else if is_literal(text) {
            found.push(Found { holder: format!("the value of `{key}`"), redacted: redact(text) });
        }
        return found;
    }
    let Some(prefilter) = prefilter(depth) else { return found };
    let bytes = text.as_bytes();
    let mut done = 0;
    for hit in prefilter.find_iter(bytes) {
        if hit.start() < done {
            continue;
        }
        let (end, credential) = match bytes.get(hit.start()..hit.end()) {
            Some(b"://") => url_userinfo(text, hit.end()),
            Some(b"KEY") if text.get(..hit.start()).is_some_and(|before| before.ends_with("PRIVATE ")) => {
                private_key(text, hit.start())
            }
            _ => keyed(text, hit.start()),
        };
        done = end.max(hit.end());
        if let Some(credential) = credential
            && !found.contains(&credential)
        {
            found.push(credential);
        }
    }
    found
}

fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

/// A key around the keyword at `start` (`db_password`, `--token`,
/// `"api_key"`), followed by its value.
fn keyed(text: &str, start: usize) -> (usize, Option<Found>) {
    let bytes = text.as_bytes();
    let key_start =
        bytes.get(..start).map_or(start, |before| before.iter().rposition(|b| !is_key_byte(*b)).map_or(0, |at| at + 1));
    let key_end = bytes
        .get(start..)
        .map_or(start, |after| start + after.iter().position(|b| !is_key_byte(*b)).unwrap_or(after.len()));
    let Some(key) = text.get(key_start..key_end) else { return (key_end, None) };
    if !is_secret_key(key) {
        return (key_end, None);
    }
    // Quoted when the same quote stands on both sides (`"password": …`);
    // `print("Token: refreshed")` has one only before.
    let quote = key_start.checked_sub(1).and_then(|at| bytes.get(at)).copied().filter(|b| matches!(b, b'"' | b'\''));
    let quoted = quote.is_some_and(|quote| bytes.get(key_end) == Some(&quote));
    let flag = key.starts_with('-');
    let mut at = key_end;
    if quoted {
        at += 1;
    }
    let spaces_before = count_spaces(bytes, at);
    at += spaces_before;
    let holder = key.trim_start_matches('-');
    let value = match bytes.get(at) {
        Some(b'=' | b':') => {
            at += 1;
            let spaces_after = count_spaces(bytes, at);
            at += spaces_after;
            if is_secret_header(key) {
                // `Authorization: Basic dXNl…`: up to a quote the key sits in, or the line's end.
                let Some(line) = line_from(text, at) else { return (at, None) };
                let value = match quote.filter(|_| !quoted) {
                    Some(quote) => line.split_once(char::from(quote)).map_or(line, |(value, _)| value),
                    None => line,
                };
                return (at + value.len(), header(holder, value));
            }
            // Code (`password = get_secret()`) is no literal: spaced or quoted
            // keys need a quoted value (or a number, for a JSON member).
            let strict = (spaces_before + spaces_after > 0 || quoted) && !flag;
            value_at(text, at, strict)
        }
        // `--token abc`: a flag and its argument.
        _ if flag && spaces_before > 0 => value_at(text, at, false).filter(|value| !value.starts_with('-')),
        _ => None,
    };
    let Some(value) = value else { return (at, None) };
    let end = at + value.len();
    let found = (is_literal(value) && !is_secret_key(value.trim_matches(['"', '\''])))
        .then(|| Found { holder: format!("the value of `{holder}`"), redacted: redact(value) });
    (end, found)
}

fn count_spaces(bytes: &[u8], at: usize) -> usize {
    bytes.get(at..).map_or(0, |rest| rest.iter().take_while(|b| matches!(b, b' ' | b'\t')).count())
}

/// The rest of the line from `at`; `None` when `at` is no character boundary.
fn line_from(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?;
    Some(rest.split_once(['\n', '\r']).map_or(rest, |(line, _)| line))
}

/// The value at `at`: a quoted string (quotes included), or (unless
/// `strict`, where only a quoted string or a number is a literal) a bare
/// word that is no code (`get_pw()`, `env["X"]`).
fn value_at(text: &str, at: usize, strict: bool) -> Option<&str> {
    let rest = text.get(at..)?;
    match rest.as_bytes().first() {
        Some(&quote @ (b'"' | b'\'')) => {
            let end = rest.bytes().skip(1).position(|b| b == quote)?;
            rest.get(..end + 2)
        }
        Some(_) => {
            let end =
                rest.bytes().position(|b| b.is_ascii_whitespace() || b"&;,\"')}]".contains(&b)).unwrap_or(rest.len());
            let word = rest.get(..end).filter(|word| !word.is_empty())?;
            let number = word.bytes().all(|b| b.is_ascii_digit());
            let code = word.contains(['(', '[', '`']);
            (!code && (!strict || number)).then_some(word)
        }
        None => None,
    }
}

/// Schemes of the `Authorization` header, before the credential.
const SCHEMES: &[&str] = &["basic", "bearer", "digest", "token", "jwt", "negotiate", "ntlm", "hoba", "mutual"];

/// A header's value, `Basic dXNl…` or a bare token: a credential unless
/// it is EL, a parameter or masked. Only the scheme is shown as it is.
fn header(name: &str, value: &str) -> Option<Found> {
    let value = value.trim();
    let value = match value.as_bytes().first() {
        Some(&quote @ (b'"' | b'\'')) => {
            let inner = value.get(1..)?;
            inner.get(..inner.bytes().position(|b| b == quote).unwrap_or(inner.len()))?
        }
        _ => value,
    };
    let mut words = value.split_whitespace();
    let first = words.next()?;
    let (scheme, credential) = if SCHEMES.iter().any(|scheme| first.eq_ignore_ascii_case(scheme)) {
        (Some(first), words.next().unwrap_or_default())
    } else {
        (None, first)
    };
    let credential = credential.trim_end_matches([',', ';']);
    if !is_literal(credential) {
        return None;
    }
    let redacted = match scheme {
        Some(scheme) => format!("{scheme} {}", redact(credential)),
        None => redact(credential),
    };
    Some(Found { holder: format!("the `{name}` header"), redacted })
}

/// `scheme://user:password@host`, the userinfo just after `at` (JDBC URLs
/// included).
fn url_userinfo(text: &str, at: usize) -> (usize, Option<Found>) {
    let Some(rest) = text.get(at..) else { return (at, None) };
    let authority =
        rest.split_once(|c: char| c.is_whitespace() || "/?#\"'\\".contains(c)).map_or(rest, |(authority, _)| authority);
    let end = authority.len();
    let found =
        authority.rsplit_once('@').and_then(|(userinfo, _)| userinfo.split_once(':')).and_then(|(user, password)| {
            is_literal(password)
                // The user is not named: in `https://TOKEN:x-oauth-basic@host` it is the secret.
                .then(|| Found {
                    holder: format!("the password of a URL's user ({})", redact(user)),
                    redacted: redact(password),
                })
        });
    (at + end, found)
}

/// `-----BEGIN … PRIVATE KEY-----`, whose `KEY` is at `at`.
fn private_key(text: &str, at: usize) -> (usize, Option<Found>) {
    let line_start = text.get(..at).and_then(|before| before.rfind('\n')).map_or(0, |at| at + 1);
    let Some(line) = line_from(text, line_start) else { return (at, None) };
    let found = (line.contains("-----BEGIN ") && line.contains("PRIVATE KEY-----"))
        .then(|| Found { holder: "a private key".to_owned(), redacted: "-----BEGIN … PRIVATE KEY-----".to_owned() });
    (line_start + line.len(), found)
}
